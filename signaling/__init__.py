"""WebRTC signalling: offer/answer/candidate/bye messages, their validation and routing rules.

Imports `rooms` and the standard library only; aiortc is used by its peer modules (added with the media work).
"""
