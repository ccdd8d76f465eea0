"""WebRTC signalling: offer/answer/candidate/bye messages, their validation and routing rules.

Imports `rooms` and the standard library only, except `stage_relay` (aiortc, the optional extra `relay`), which
the server imports only when it serves a stage without Janus.
"""
