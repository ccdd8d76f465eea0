"""One suite for every EventLog: memory, SQLite, PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

from rooms.catalog import Store
from rooms.core.cards import Author
from rooms.core.events import Redacted
from rooms.lobby.events import Announced, ChatPosted, DirectMessage, MessageRemoved

NOW = dt.datetime(2026, 6, 15, 16, 0, tzinfo=dt.UTC)
ANNA = Author(1, "Anna de Vries", "Voltera")


def chat(text: str) -> ChatPosted:
    return ChatPosted(ANNA, text)


async def test_sequences_start_at_one_per_room_and_events_read_back(store: Store) -> None:
    [(first, fresh)] = await store.append([("lobby:1", chat("hello"))], 1, None, NOW)
    [(second, _)] = await store.append([("lobby:1", chat("again"))], 1, None, NOW)
    [(other, _)] = await store.append([("lobby:2", chat("elsewhere"))], 1, None, NOW)
    assert (first.seq, second.seq, other.seq, fresh) == (1, 2, 1, True)
    assert await store.since("lobby:1", 0, 10) == [first, second]
    assert await store.since("lobby:1", 1, 10) == [second]
    assert await store.since("lobby:1", 0, 1) == [first]
    assert await store.last_seq("lobby:1") == 2 and await store.last_seq("lobby:9") == 0
    assert await store.get_event("lobby:1", 2) == second
    assert first.at == NOW and first.body == chat("hello")


async def test_last_seqs_reads_many_rooms_at_once(store: Store) -> None:
    await store.append([("lobby:1", chat("a")), ("inbox:2", chat("b"))], 1, None, NOW)
    await store.append([("lobby:1", chat("c"))], 1, None, NOW)
    assert await store.last_seqs(["lobby:1", "inbox:2", "lobby:9"]) == {"lobby:1": 2, "inbox:2": 1, "lobby:9": 0}
    assert await store.last_seqs([]) == {}
    # More rooms than one query of the SQL log takes (server/db/eventlog_sql.py, LAST_SEQS_BATCH = 500).
    many = [f"lobby:{n}" for n in range(1, 1203)]
    found = await store.last_seqs(many)
    assert list(found) == many and found["lobby:1"] == 2 and sum(found.values()) == 2
    assert found == {room: await store.last_seq(room) for room in many[:3]} | dict.fromkeys(many[3:], 0)


async def test_a_retry_with_the_same_key_writes_nothing(store: Store) -> None:
    [(event, fresh)] = await store.append([("lobby:1", chat("once"))], 1, "k1", NOW)
    [(again, fresh_again)] = await store.append([("lobby:1", chat("once"))], 1, "k1", NOW)
    assert fresh and not fresh_again and again == event
    # Keys are per sender and per room.
    [(by_other, f2)] = await store.append([("lobby:1", chat("once"))], 2, "k1", NOW)
    assert f2 and by_other.seq == 2
    assert await store.last_seq("lobby:1") == 2


async def test_direct_messages_land_in_both_inboxes_atomically(store: Store) -> None:
    dm = DirectMessage(ANNA, to=2, mission_id=1, text="coffee?")
    written = await store.append([("inbox:1", dm), ("inbox:2", dm)], 1, "dm-1", NOW)
    assert [(e.room, e.seq, fresh) for e, fresh in written] == [("inbox:1", 1, True), ("inbox:2", 1, True)]
    again = await store.append([("inbox:1", dm), ("inbox:2", dm)], 1, "dm-1", NOW)
    assert [fresh for _, fresh in again] == [False, False]


async def test_removal_hides_a_message_from_history_but_not_from_the_log(store: Store) -> None:
    for text in ("one", "two", "three"):
        await store.append([("lobby:1", chat(text))], 1, None, NOW)
    await store.append([("lobby:1", Announced(ANNA, "Webinar starts in 5 minutes"))], 1, None, NOW)
    assert await store.mark_removed("lobby:1", 2)
    assert not await store.mark_removed("lobby:1", 2)
    assert not await store.mark_removed("lobby:1", 99)
    await store.append([("lobby:1", MessageRemoved(2, by=9))], 9, None, NOW)
    recent = await store.recent("lobby:1", 10)
    assert [e.seq for e in recent] == [1, 3, 4]
    assert [e.seq for e in await store.recent("lobby:1", 2)] == [3, 4]
    assert len(await store.since("lobby:1", 0, 10)) == 5
    removed = await store.get_event("lobby:1", 2)
    assert removed is not None and removed.removed
    latest = await store.latest("lobby:1", "announcement")
    assert latest is not None and latest.seq == 4
    assert await store.latest("lobby:1", "dm") is None


async def test_a_removed_message_is_redacted_for_every_reader(store: Store) -> None:
    """Removal leaves a tombstone in the log: no read serves the author or the text again (issue 12)."""
    for text in ("before", "SECRET removed text", "after"):
        await store.append([("lobby:3", chat(text))], 1, None, NOW)
    await store.append([("lobby:3", Announced(ANNA, "SECRET announcement"))], 1, "ann-1", NOW)
    assert await store.mark_removed("lobby:3", 2) and await store.mark_removed("lobby:3", 4)
    await store.append([("lobby:3", MessageRemoved(2, by=9))], 9, None, NOW)
    read = [*await store.since("lobby:3", 1, 10), *await store.recent("lobby:3", 10)]
    for seq in (2, 4):
        event = await store.get_event("lobby:3", seq)
        assert event is not None
        read.append(event)
        assert (event.seq, event.body, event.removed) == (seq, Redacted(), True)
    read += [e for e in [await store.latest("lobby:3", "announcement")] if e is not None]
    # A retry of the removed announcement's append finds the tombstone, not the text.
    read += [e for e, _ in await store.append([("lobby:3", Announced(ANNA, "SECRET announcement"))], 1, "ann-1", NOW)]
    assert "SECRET" not in repr(read) and "Anna" not in repr([e for e in read if e.seq in (2, 4)])
    assert [e.seq for e in await store.since("lobby:3", 1, 10)] == [2, 3, 4, 5]  # the sequence stays gapless
    assert await store.latest("lobby:3", "announcement") is None


async def test_concurrent_appends_get_consecutive_sequences(store: Store) -> None:
    results = await asyncio.gather(*(store.append([("lobby:7", chat(f"m{i}"))], i, None, NOW) for i in range(20)))
    seqs = sorted(r[0][0].seq for r in results)
    assert seqs == list(range(1, 21))
    assert [e.seq for e in await store.since("lobby:7", 0, 100)] == seqs


async def test_concurrent_retries_yield_one_message(store: Store) -> None:
    results = await asyncio.gather(*(store.append([("lobby:8", chat("dup"))], 3, "same", NOW) for _ in range(10)))
    assert sum(1 for r in results if r[0][1]) == 1
    assert {r[0][0].seq for r in results} == {1}
    assert await store.last_seq("lobby:8") == 1
