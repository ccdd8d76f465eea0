"""The WebSocket gateway: one socket per browser tab at /ws, speaking the protocol in docs/protocol.md."""
