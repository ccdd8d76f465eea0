"""Presence in Redis: who is in which room, shared by every node of a cluster.

Per room (prefix `rt:` unless told otherwise), under `rt:presence:{room}:`:
- `exp`    ZSET  conn_id -> when the connection expires (unix seconds, Redis server TIME);
- `data`   HASH  conn_id -> the connection's PresenceEntry, msgspec JSON;
- `order`  ZSET  conn_id -> when its entry was last written (a counter per room), so that a person with several
  connections is shown by their most recently written one;
- `meta`   HASH  conn_id -> `user|listed|side|org_type` of its entry (what the scripts need, with no JSON decoding);
- `tabs`   HASH  user_id -> the person's connection ids, space-separated (a person has a few tabs, a room thousands);
- `shown`  HASH  user_id -> the `meta` the person is counted by, for everyone announced as present;
- `listed` ZSET  user_id -> user_id, the shown people who are not invisible (the pages);
- `counts` HASH  `total`, `side:<side>`, `org:<org_type>` -> how many listed people (fields at 0 are removed).

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

Cost: `enter`, `update` and `leave` read the person's own connections (`tabs`), never the room's, and touch the
sorted sets in O(log n); `page` is O(log n + limit); `expire` reads the expired connections only. `members` alone
reads the whole room (small rooms: calls, lounges).
"""

from __future__ import annotations

import asyncio

import msgspec
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript

from rooms.core.presence import PresenceEntry, PresencePage, counts_of, listed

GRACE_S = 60  # how long a room's keys outlive its last entry's expiry
POOL_SIZE = 64
COMMAND_TIMEOUT = 5.0  # seconds before Redis counts as unreachable
KEYS = ("exp", "data", "order", "meta", "tabs", "shown", "listed", "counts")  # in the scripts' KEYS order

_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function fmt(x) return string.format('%.6f', x) end
local function split(m) return string.match(m, '^([^|]*)|([^|]*)|([^|]*)|(.*)$') end
local function incr(f, d)
  if redis.call('HINCRBY', KEYS[8], f, d) <= 0 then redis.call('HDEL', KEYS[8], f) end
end
local function bump(m, d)
  local _, l, s, o = split(m)
  if l ~= '1' then return end
  incr('total', d)
  incr('org:' .. o, d)
  if s ~= '' then incr('side:' .. s, d) end
end
local function relist(uid, m)
  local old = redis.call('HGET', KEYS[6], uid)
  if old == m then return end
  if old then
    bump(old, -1)
    redis.call('ZREM', KEYS[7], uid)
  end
  if m then
    redis.call('HSET', KEYS[6], uid, m)
    bump(m, 1)
    local _, l = split(m)
    if l == '1' then redis.call('ZADD', KEYS[7], uid, uid) end
  else
    redis.call('HDEL', KEYS[6], uid)
  end
end
local function tabs_of(uid)
  local out = {}
  local v = redis.call('HGET', KEYS[5], uid)
  if v then for c in string.gmatch(v, '%S+') do out[#out + 1] = c end end
  return out
end
local function set_tabs(uid, tabs)
  if #tabs == 0 then redis.call('HDEL', KEYS[5], uid) else redis.call('HSET', KEYS[5], uid, table.concat(tabs, ' ')) end
end
local function add_tab(uid, conn)
  local tabs = tabs_of(uid)
  for _, c in ipairs(tabs) do if c == conn then return end end
  tabs[#tabs + 1] = conn
  set_tabs(uid, tabs)
end
local function drop_tab(uid, conn)
  local kept = {}
  for _, c in ipairs(tabs_of(uid)) do if c ~= conn then kept[#kept + 1] = c end end
  set_tabs(uid, kept)
end
-- the person's most recently written live connection, or nil
local function latest(uid)
  local best, written = nil, -1
  for _, c in ipairs(tabs_of(uid)) do
    if tonumber(redis.call('ZSCORE', KEYS[1], c) or '0') > now then
      local o = tonumber(redis.call('ZSCORE', KEYS[3], c) or '0')
      if o > written then best, written = c, o end
    end
  end
  return best
end
local function write(conn, json, ttl, m)
  redis.call('ZADD', KEYS[1], fmt(now + ttl), conn)
  redis.call('HSET', KEYS[2], conn, json)
  local top = redis.call('ZREVRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  local n = 1
  if top[2] then n = tonumber(top[2]) + 1 end
  redis.call('ZADD', KEYS[3], n, conn)
  redis.call('HSET', KEYS[4], conn, m)
  local uid = split(m)
  add_tab(uid, conn)
  relist(uid, m)  -- the entry just written is the person's latest
end
local function keep(ttl)
  local ms = math.ceil((ttl + GRACE_S) * 1000)
  for i = 1, #KEYS do
    local left = redis.call('PTTL', KEYS[i])
    if left ~= -2 and left < ms then redis.call('PEXPIRE', KEYS[i], ms) end
  end
end
-- after a leave or an expiry: a key that step created (a count moved to another tab) expires like the rest
local function guard()
  for i = 1, #KEYS do
    if redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIRE', KEYS[i], GRACE_S * 1000) end
  end
end
local function drop(conn)
  redis.call('ZREM', KEYS[1], conn)
  redis.call('HDEL', KEYS[2], conn)
  redis.call('ZREM', KEYS[3], conn)
  redis.call('HDEL', KEYS[4], conn)
end
""".replace("GRACE_S", str(GRACE_S))

# KEYS: exp, data, order, meta, tabs, shown, listed, counts (every script).
# ARGV: conn_id, entry JSON, meta, ttl.  -> 1 when the person is new in the room
_ENTER = _PRELUDE + """
local fresh = latest(split(ARGV[3])) == nil
write(ARGV[1], ARGV[2], tonumber(ARGV[4]), ARGV[3])
keep(tonumber(ARGV[4]))
if fresh then return 1 end
return 0
"""

# ARGV: conn_id.  -> the entry JSON when that was the person's last live connection
_LEAVE = _PRELUDE + """
local m = redis.call('HGET', KEYS[4], ARGV[1])
if not m then return false end
local v = redis.call('HGET', KEYS[2], ARGV[1])
local uid = split(m)
drop(ARGV[1])
drop_tab(uid, ARGV[1])
local best = latest(uid)
local shown = redis.call('HEXISTS', KEYS[6], uid) == 1
if best then
  if shown then
    relist(uid, redis.call('HGET', KEYS[4], best))
    guard()
  end
  return false
end
if not shown then return false end
relist(uid, false)
return v
"""

# ARGV: conn_id, entry JSON, meta, ttl
_UPDATE = _PRELUDE + """
write(ARGV[1], ARGV[2], tonumber(ARGV[4]), ARGV[3])
keep(tonumber(ARGV[4]))
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

# ARGV: after (a user id; 0 from the start), limit.  -> {next cursor or false, counts (HGETALL), entry JSON...}
_PAGE = _PRELUDE + """
local limit = tonumber(ARGV[2])
local cursor = ARGV[1]
local out, nxt = {}, false
while true do
  local uids = redis.call('ZRANGEBYSCORE', KEYS[7], '(' .. cursor, '+inf', 'LIMIT', 0, limit + 1)
  for _, uid in ipairs(uids) do
    if #out == limit then
      nxt = cursor
      break
    end
    cursor = uid
    local best = latest(uid)
    if best then
      local _, l = split(redis.call('HGET', KEYS[4], best))
      if l == '1' then out[#out + 1] = redis.call('HGET', KEYS[2], best) end
    end
  end
  if nxt or #uids <= limit then break end
end
return {nxt, redis.call('HGETALL', KEYS[8]), out}
"""

# -> the entry JSON of each person present (their most recently written live one)
_MEMBERS = _PRELUDE + """
local out = {}
for _, uid in ipairs(redis.call('HKEYS', KEYS[5])) do
  local best = latest(uid)
  if best then out[#out + 1] = redis.call('HGET', KEYS[2], best) end
end
return out
"""

# -> the entry JSON (the most recently written of theirs) of each person whose last connection expired
_EXPIRE = _PRELUDE + """
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now))
if #gone == 0 then return {} end
local last = {}
for _, c in ipairs(gone) do
  local m = redis.call('HGET', KEYS[4], c)
  local v = redis.call('HGET', KEYS[2], c)
  local order = tonumber(redis.call('ZSCORE', KEYS[3], c) or '0')
  drop(c)
  if m then
    local uid = split(m)
    drop_tab(uid, c)
    if v and (not last[uid] or last[uid][1] < order) then last[uid] = {order, v} end
  end
end
local out = {}
for uid, e in pairs(last) do
  if redis.call('HEXISTS', KEYS[6], uid) == 1 then
    local best = latest(uid)
    if best then
      relist(uid, redis.call('HGET', KEYS[4], best))
    else
      relist(uid, false)
      out[#out + 1] = e[2]
    end
  end
end
guard()
return out
"""

_decode = msgspec.json.Decoder(PresenceEntry).decode
_encode = msgspec.json.Encoder().encode


def _meta(entry: PresenceEntry) -> str:
    side = "" if entry.side is None else entry.side.value
    return f"{entry.user_id}|{int(listed(entry))}|{side}|{entry.org_type.value}"


class RedisPresence:
    def __init__(self, client: aioredis.Redis, *, prefix: str = "rt:") -> None:
        self._redis = client
        self._prefix = prefix
        self._enter: AsyncScript = client.register_script(_ENTER)
        self._leave: AsyncScript = client.register_script(_LEAVE)
        self._update: AsyncScript = client.register_script(_UPDATE)
        self._refresh: AsyncScript = client.register_script(_REFRESH)
        self._page: AsyncScript = client.register_script(_PAGE)
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
        return [f"{base}:{name}" for name in KEYS]

    async def enter(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> bool:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            fresh = await self._enter(keys=self._keys(room), args=[conn_id, _encode(entry), _meta(entry), ttl])
        return bool(fresh)

    async def leave(self, room: str, conn_id: str) -> PresenceEntry | None:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            found: bytes | None = await self._leave(keys=self._keys(room), args=[conn_id])
        return None if found is None else _decode(found)

    async def update(self, room: str, conn_id: str, entry: PresenceEntry, ttl: float) -> None:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            await self._update(keys=self._keys(room), args=[conn_id, _encode(entry), _meta(entry), ttl])

    async def refresh(self, room: str, conn_ids: list[str], ttl: float) -> None:
        if conn_ids:
            async with asyncio.timeout(COMMAND_TIMEOUT):
                await self._refresh(keys=self._keys(room), args=[ttl, *conn_ids])

    async def page(self, room: str, after: int | None, limit: int) -> PresencePage:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            nxt, flat, found = await self._page(keys=self._keys(room), args=[after or 0, limit])
        counts = {k.decode(): int(v) for k, v in zip(flat[::2], flat[1::2], strict=True)}
        return PresencePage([_decode(raw) for raw in found], None if nxt is None else int(nxt), counts_of(counts))

    async def members(self, room: str) -> list[PresenceEntry]:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            found: list[bytes] = await self._members(keys=self._keys(room))
        return sorted((_decode(raw) for raw in found), key=lambda e: e.user_id)

    async def expire(self, room: str) -> list[PresenceEntry]:
        async with asyncio.timeout(COMMAND_TIMEOUT):
            left: list[bytes] = await self._expire(keys=self._keys(room))
        return sorted((_decode(raw) for raw in left), key=lambda e: e.user_id)

    async def close(self) -> None:
        await self._redis.aclose()
