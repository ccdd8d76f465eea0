"""Presence in Redis: who is in which room, shared by every node of a cluster.

Per room (prefix `rt:` unless told otherwise):
- `rt:presence:{room}:exp`   ZSET  conn_id -> when the connection expires (unix seconds, Redis server TIME);
- `rt:presence:{room}:data`  HASH  conn_id -> the connection's PresenceEntry, msgspec JSON;
- `rt:presence:{room}:order` ZSET  conn_id -> when its entry was last written (a counter per room), so that
  `members` and `expire` can tell a person's most recent entry when they have several connections.

Every operation is one Lua script (EVALSHA), so each runs atomically however many nodes call it at once:
`enter` sees whether the person already had a live connection and adds theirs in the same step, `leave` and
`expire` remove connections and see whether the person still has one in the same step. Concurrent `expire`
calls (every node's heartbeat calls it) therefore report each departed person exactly once in total.

Expiry times come from the Redis server's clock (TIME inside the scripts), not the nodes' clocks: a connection
refreshed by one node is judged expired by another, and node clocks drift apart; with one clock, "not refreshed
for `ttl` seconds" means the same thing everywhere.

The keys carry a TTL of the longest entry TTL written to them plus a grace period (extended, never shortened,
by each write), so the keys of a room that every node abandoned vanish by themselves; the grace period leaves
the expired entries long enough for a surviving node's heartbeat to announce their departure.

Cost: `enter`, `leave` and `expire` read the room's live entries to find the person's other connections, so
they are O(connections in the room), like `members`.
"""

from __future__ import annotations

import asyncio

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript

from rooms.core.presence import PresenceEntry

GRACE_S = 60  # how long a room's keys outlive its last entry's expiry
POOL_SIZE = 64
COMMAND_TIMEOUT = 5.0  # seconds before Redis counts as unreachable

_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function fmt(x) return string.format('%.6f', x) end
local function user_of(json) return cjson.decode(json)['user_id'] end
local function live() return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmt(now), '+inf') end
local function present(uid)
  for _, c in ipairs(live()) do
    local v = redis.call('HGET', KEYS[2], c)
    if v and user_of(v) == uid then return true end
  end
  return false
end
local function write(conn, json, ttl)
  redis.call('ZADD', KEYS[1], fmt(now + ttl), conn)
  redis.call('HSET', KEYS[2], conn, json)
  local top = redis.call('ZREVRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  local n = 1
  if top[2] then n = tonumber(top[2]) + 1 end
  redis.call('ZADD', KEYS[3], n, conn)
end
local function keep(ttl)
  local ms = math.ceil((ttl + GRACE_S) * 1000)
  for i = 1, 3 do
    if redis.call('PTTL', KEYS[i]) < ms then redis.call('PEXPIRE', KEYS[i], ms) end
  end
end
local function drop(conn)
  redis.call('ZREM', KEYS[1], conn)
  redis.call('HDEL', KEYS[2], conn)
  redis.call('ZREM', KEYS[3], conn)
end
""".replace("GRACE_S", str(GRACE_S))

# KEYS: exp, data, order.  ARGV: conn_id, entry JSON, user_id, ttl.  -> 1 when the person is new in the room
_ENTER = _PRELUDE + """
local fresh = not present(tonumber(ARGV[3]))
write(ARGV[1], ARGV[2], tonumber(ARGV[4]))
keep(tonumber(ARGV[4]))
if fresh then return 1 end
return 0
"""

# ARGV: conn_id.  -> the entry JSON when that was the person's last live connection
_LEAVE = _PRELUDE + """
local v = redis.call('HGET', KEYS[2], ARGV[1])
drop(ARGV[1])
if not v or present(user_of(v)) then return false end
return v
"""

# ARGV: conn_id, entry JSON, ttl
_UPDATE = _PRELUDE + """
write(ARGV[1], ARGV[2], tonumber(ARGV[3]))
keep(tonumber(ARGV[3]))
return 0
"""

# ARGV: ttl, conn_id...  (only connections still recorded, expired or not, are refreshed)
_REFRESH = _PRELUDE + """
local ttl = tonumber(ARGV[1])
local until_ = fmt(now + ttl)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', until_, ARGV[i]) end
keep(ttl)
return 0
"""

# -> entry JSON, write order, entry JSON, write order, ... of the live connections
_MEMBERS = _PRELUDE + """
local out = {}
for _, c in ipairs(live()) do
  local v = redis.call('HGET', KEYS[2], c)
  if v then
    out[#out + 1] = v
    out[#out + 1] = redis.call('ZSCORE', KEYS[3], c) or '0'
  end
end
return out
"""

# -> the entry JSON (the most recently written of theirs) of each person whose last connection expired
_EXPIRE = _PRELUDE + """
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
if #gone == 0 then return {} end
local left = {}
for _, c in ipairs(gone) do
  local v = redis.call('HGET', KEYS[2], c)
  local order = tonumber(redis.call('ZSCORE', KEYS[3], c) or '0')
  drop(c)
  if v then
    local uid = user_of(v)
    if not left[uid] or left[uid][1] < order then left[uid] = {order, v} end
  end
end
if next(left) == nil then return {} end
for _, c in ipairs(live()) do
  local v = redis.call('HGET', KEYS[2], c)
  if v then left[user_of(v)] = nil end
end
local out = {}
for _, e in pairs(left) do out[#out + 1] = e[2] end
return out
"""

_decode = msgspec.json.Decoder(PresenceEntry).decode
_encode = msgspec.json.Encoder().encode


class RedisPresence:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "rt:") -> None:
        self._redis = client
        self._prefix = prefix
        self._enter: AsyncScript = client.register_script(_ENTER)
        self._leave: AsyncScript = client.register_script(_LEAVE)
        self._update: AsyncScript = client.register_script(_UPDATE)
        self._refresh: AsyncScript = client.register_script(_REFRESH)
        self._members: AsyncScript = client.register_script(_MEMBERS)
        self._expire: AsyncScript = client.register_script(_EXPIRE)

    @classmethod
    async def connect(cls, url: str, *, prefix: str = "rt:") -> RedisPresence:
        """Connects; raises when Redis is unreachable."""
        # No retries: a script retried after a lost reply would answer differently (enter: "already there").
        # No socket_timeout: redis-py applies it to writes with asyncio.wait_for, which on Python 3.11 can swallow
        # the caller's cancellation; every call is bounded with asyncio.timeout instead.
        # A blocking pool: a burst of joins or leaves waits for a connection instead of failing with
        # MaxConnectionsError (the default pool raises once its 100 connections are busy).
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=POOL_SIZE, timeout=COMMAND_TIMEOUT, socket_timeout=None,
            socket_connect_timeout=COMMAND_TIMEOUT, socket_keepalive=True, retry=Retry(NoBackoff(), 0))
        client = aioredis.Redis.from_pool(pool)
        try:
            await client.ping()
        except BaseException:
            await client.aclose()
            raise
        return cls(client, prefix=prefix)

    def _keys(self, room: str) -> list[str]:
        base = f"{self._prefix}presence:{room}"
        return [f"{base}:exp", f"{base}:data", f"{base}:order"]

    async def enter(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> bool:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            fresh = await self._enter(keys=self._keys(room), args=[conn_id, _encode(entry), entry.user_id, ttl])
        return bool(fresh)

    async def leave(self, room: str, conn_id: str) -> PresenceEntry | None:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            found: bytes | None = await self._leave(keys=self._keys(room), args=[conn_id])
        return None if found is None else _decode(found)

    async def update(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> None:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            await self._update(keys=self._keys(room), args=[conn_id, _encode(entry), ttl])

    async def refresh(self, room: str, conn_ids: list[str], ttl: float) -> None:
        if conn_ids:
            async with asyncio.timeout(COMMAND_TIMEOUT):
                await self._refresh(keys=self._keys(room), args=[ttl, *conn_ids])

    async def members(self, room: str) -> list[PresenceEntry]:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            flat: list[bytes] = await self._members(keys=self._keys(room))
        latest: dict[int, tuple[float, PresenceEntry]] = {}
        for raw, order in zip(flat[::2], flat[1::2], strict=True):
            entry, written = _decode(raw), float(order)
            seen = latest.get(entry.user_id)
            if seen is None or seen[0] < written:
                latest[entry.user_id] = (written, entry)
        return [latest[u][1] for u in sorted(latest)]

    async def expire(self, room: str) -> list[PresenceEntry]:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            left: list[bytes] = await self._expire(keys=self._keys(room))
        return sorted((_decode(raw) for raw in left), key=lambda e: e.user_id)

    async def close(self) -> None:
        await self._redis.aclose()
