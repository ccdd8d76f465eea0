"""Redis adapters for the cluster ports: the Broker (pub/sub), Presence and the RateLimiter.

Every key and channel they touch starts with a prefix, `rt:` unless told otherwise (tests use a random
`rt:test:…:` prefix so that they never collide with each other or with a running node).
"""
