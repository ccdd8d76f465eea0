"""The Hub in one process, on the memory broker and event log: events injected out of order, twice, or not at all
still reach every local connection exactly once, in order by seq; attach joins the stream without a gap."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import pytest

from rooms.core.broker_memory import MemoryBroker
from rooms.core.eventlog_memory import MemoryEventLog
from rooms.core.events import RoomEvent
from server.ws.frames import Batch, Outgoing
from server.ws.hub import Hub, LocalRoom, wire
from server.ws.protocol import EventFrame
from tests.realtime.support import NOW, chat, connection, seqs

ROOM = "lobby:1"


class Bench:
    def __init__(self) -> None:
        self.broker = MemoryBroker()
        self.log = MemoryEventLog()
        self.hub = Hub(self.broker, self.log)

    async def append(self, n: int, room: str = ROOM) -> list[RoomEvent]:
        """Writes `n` events to the log without publishing them."""
        written = await self.log.append([(room, chat(f"m{i}")) for i in range(n)], 1, None, NOW)
        return [event for event, _ in written]

    async def inject(self, *events: RoomEvent) -> None:
        """Hands events to the broker as a node publishing them would, in the order given."""
        for event in events:
            await self.broker.publish(event.room, wire(event))

    async def attached(self, since: int | None = 0) -> tuple[LocalRoom, object, list[tuple[int, int | None]]]:
        room = await self.hub.hold(ROOM)
        conn, socket = connection()
        started: list[tuple[int, int | None]] = []

        def start(seq: int, history: list[EventFrame] | None) -> None:
            started.append((seq, None if history is None else len(history)))

        await self.hub.attach(room, conn, since, 50, start)
        return room, socket, started


@pytest.fixture
async def bench() -> AsyncIterator[Bench]:
    b = Bench()
    yield b
    await b.hub.close()


async def test_out_of_order_events_go_out_in_order_once(bench: Bench) -> None:
    _, socket, _ = await bench.attached()
    e1, e2, e3 = await bench.append(3)
    await bench.inject(e3, e1, e2, e3)
    assert seqs(await socket.quiet()) == [1, 2, 3]  # type: ignore[attr-defined]


async def test_duplicates_are_dropped(bench: Bench) -> None:
    _, socket, _ = await bench.attached()
    e1, e2 = await bench.append(2)
    await bench.inject(e1, e1, e2, e1, e2)
    assert seqs(await socket.quiet()) == [1, 2]  # type: ignore[attr-defined]


async def test_a_lost_event_is_filled_from_the_log_when_a_later_one_arrives(bench: Bench) -> None:
    room, socket, _ = await bench.attached()
    e1, _lost, e3 = await bench.append(3)
    await bench.inject(e1, e3)
    assert seqs(await socket.quiet()) == [1, 2, 3]  # type: ignore[attr-defined]
    assert room.last_seq == 3


async def test_ephemeral_frames_pass_through_without_a_seq(bench: Bench) -> None:
    room, socket, _ = await bench.attached()
    await bench.hub.publish_ephemeral(ROOM, b'{"type":"presence-leave","room":"lobby:1","user_id":3}')
    (e1,) = await bench.append(1)
    await bench.inject(e1)
    got = await socket.quiet()  # type: ignore[attr-defined]
    assert [f["type"] for f in got] == ["presence-leave", "event"]
    assert room.last_seq == 1


async def test_attach_resumes_exactly_after_since_then_goes_live(bench: Bench) -> None:
    room, first, _ = await bench.attached()
    events = await bench.append(5)
    await bench.inject(*events)
    assert seqs(await first.quiet()) == [1, 2, 3, 4, 5]  # type: ignore[attr-defined]
    conn, socket = connection()
    started: list[int] = []
    await bench.hub.attach(room, conn, 2, 50, lambda seq, history: started.append(seq))
    (e6,) = await bench.append(1)
    await bench.inject(e6)
    assert started == [2]
    assert seqs(await socket.quiet()) == [3, 4, 5, 6]


async def test_attach_while_events_arrive_misses_none_and_repeats_none(bench: Bench) -> None:
    room, _, _ = await bench.attached()
    await bench.inject(*await bench.append(3))
    await asyncio.sleep(0.05)
    conn, socket = connection()

    async def publish_more() -> None:
        for _ in range(20):
            await bench.inject(*await bench.append(1))
            await asyncio.sleep(0)

    await asyncio.gather(bench.hub.attach(room, conn, 0, 50, lambda seq, history: None), publish_more())
    assert seqs(await socket.quiet(0.2)) == list(range(1, 24))


async def test_a_resume_from_the_future_or_too_far_back_gets_recent_history(bench: Bench) -> None:
    room, _, _ = await bench.attached()
    await bench.inject(*await bench.append(3))
    await asyncio.sleep(0.05)
    for since in (99, None):
        conn, socket = connection()
        started: list[tuple[int, int | None]] = []

        def start(seq: int, history: list[EventFrame] | None, started: list[tuple[int, int | None]] = started) -> None:
            started.append((seq, None if history is None else len(history)))

        await bench.hub.attach(room, conn, since, 50, start)
        assert started == [(3, 3)]
        assert seqs(await socket.quiet()) == []


class GappyBroker(MemoryBroker):
    """A memory broker that can tell its subscribers of a gap, as one does after losing payloads."""

    async def gap(self, topic: str) -> None:
        for feed in self._topics.get(topic, ()):
            feed.mark_lost()


async def test_a_gap_signal_refills_from_the_log() -> None:
    bench = Bench()
    bench.broker = GappyBroker()
    bench.hub = Hub(bench.broker, bench.log)
    try:
        _, socket, _ = await bench.attached()
        e1, _lost, _also_lost = await bench.append(3)
        await bench.inject(e1)
        await bench.broker.gap(ROOM)
        assert seqs(await socket.quiet()) == [1, 2, 3]  # type: ignore[attr-defined]
    finally:
        await bench.hub.close()


async def test_a_quiet_room_that_lost_its_last_events_gets_them_from_the_check(bench: Bench) -> None:
    room, socket, _ = await bench.attached()
    e1, _lost, _also_lost = await bench.append(3)
    await bench.inject(e1)
    assert seqs(await socket.quiet()) == [1]  # type: ignore[attr-defined]
    await bench.hub.check([room])
    assert seqs(await socket.quiet()) == [2, 3]  # type: ignore[attr-defined]
    await bench.hub.check([room])  # nothing more to fill: nothing more sent
    assert seqs(await socket.quiet()) == []  # type: ignore[attr-defined]


async def test_a_local_delivery_and_the_broker_bringing_the_same_event_send_it_once(bench: Bench) -> None:
    _, socket, _ = await bench.attached()
    e1, e2 = await bench.append(2)
    await asyncio.gather(bench.hub.deliver_local(e2), bench.inject(e1, e2), bench.hub.deliver_local(e1))
    assert seqs(await socket.quiet()) == [1, 2]  # type: ignore[attr-defined]


class _CountingLog(MemoryEventLog):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[list[str]] = []
        self.one_by_one = 0  # rooms asked for alone (opening a room does)

    async def last_seq(self, room: str) -> int:
        self.one_by_one += 1
        return await super().last_seq(room)

    async def last_seqs(self, rooms: Sequence[str]) -> dict[str, int]:
        self.asked.append(sorted(rooms))
        return await super().last_seqs(rooms)


async def test_one_check_compares_every_room_with_the_log_in_one_query() -> None:
    log = _CountingLog()
    hub = Hub(MemoryBroker(), log)
    try:
        names = ["lobby:1", "lobby:2", "inbox:3"]
        sockets = []
        for name in names:
            room = await hub.hold(name)
            conn, socket = connection()
            await hub.attach(room, conn, 0, 50, lambda seq, history: None)
            sockets.append(socket)
        # Events written and never published: only the check can bring them.
        await log.append([("lobby:1", chat("a")), ("inbox:3", chat("b"))], 1, None, NOW)
        await log.append([("inbox:3", chat("c"))], 1, None, NOW)
        alone = log.one_by_one
        await hub.check(hub.local_rooms())
        assert log.asked == [sorted(names)] and log.one_by_one == alone
        got = [seqs(await socket.quiet()) for socket in sockets]
        assert got == [[1], [], [1, 2]]
    finally:
        await hub.close()


async def test_events_that_queue_up_go_out_in_one_write_per_connection(bench: Bench) -> None:
    room, socket, _ = await bench.attached()
    (conn,) = room.conns
    writes: list[int] = []
    send = conn.send

    def counted(out: Outgoing | Batch) -> None:
        writes.append(len(out.messages))
        send(out)

    conn.send = counted  # type: ignore[method-assign]
    events = await bench.append(5)
    await bench.inject(*events)  # all five wait for the reader before it runs
    assert seqs(await socket.quiet()) == [1, 2, 3, 4, 5]  # type: ignore[attr-defined]
    assert writes == [5]
    more = await bench.append(2)
    for event in more:  # one at a time, the loop turning in between: a write each, nothing held back
        await bench.inject(event)
        await asyncio.sleep(0.02)
    assert seqs(await socket.quiet()) == [6, 7]  # type: ignore[attr-defined]
    assert writes == [5, 1, 1]


async def test_a_connection_attaching_while_frames_wait_gets_each_event_once(bench: Bench) -> None:
    room, first, _ = await bench.attached()
    events = await bench.append(3)
    await bench.inject(*events)
    for _ in range(1000):  # until the reader took them; their write waits for the loop's next turn
        if room.last_seq == 3:
            break
        await asyncio.sleep(0)
    assert room.pending
    conn, second = connection()
    await bench.hub.attach(room, conn, 0, 50, lambda seq, history: None)
    assert seqs(await first.quiet()) == [1, 2, 3]  # type: ignore[attr-defined]
    assert seqs(await second.quiet()) == [1, 2, 3]


class FlakyLog(MemoryEventLog):
    """The log unreachable while `down` (as the database in an outage)."""

    down = True

    async def last_seq(self, room: str) -> int:
        if self.down:
            raise ConnectionError("the database is unreachable (injected)")
        return await super().last_seq(room)


async def test_a_join_into_a_room_that_cannot_open_gets_the_error_instead_of_waiting() -> None:
    flaky = FlakyLog()
    hub = Hub(MemoryBroker(), flaky)
    try:
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(hub.hold(ROOM), 5)
        assert hub.room(ROOM) is None  # released: nothing keeps retrying for nobody
        flaky.down = False
        room = await asyncio.wait_for(hub.hold(ROOM), 5)
        assert room.ready.is_set() and room.holders == 1
    finally:
        await hub.close()
