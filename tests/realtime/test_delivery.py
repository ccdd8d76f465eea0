"""Delivery on one node (memory broker and log, a fault injected in the broker): a failed publish still reaches this
node's connections, and is published again by the heartbeat's retry once the broker takes it."""

from __future__ import annotations

import asyncio

from rooms.core.broker_memory import MemoryBroker
from rooms.core.eventlog_memory import MemoryEventLog
from rooms.core.events import Appended
from server.ws.delivery import Delivery
from server.ws.hub import Hub
from tests.realtime.support import NOW, FaultyBroker, chat, connection, seqs

ROOM = "inbox:7"


async def test_a_failed_publish_is_delivered_here_then_published_again() -> None:
    broker = FaultyBroker(MemoryBroker())
    log = MemoryEventLog()
    hub = Hub(broker, log)
    delivery = Delivery(hub)
    try:
        room = await hub.hold(ROOM)
        conn, socket = connection()
        await hub.attach(room, conn, 0, 50, lambda seq, history: None)
        written = await log.append([(ROOM, chat("hello"))], 7, None, NOW)
        broker.fail_publishes = 1
        await delivery.publish(Appended([e for e, _ in written], fresh=True))
        assert seqs(await socket.quiet()) == [1]  # this node's connection has it although the broker failed
        assert delivery.unsent() == [ROOM]

        async with broker.subscribe(ROOM) as elsewhere:  # another node's subscription
            await delivery.retry()
            assert delivery.unsent() == []
            payload = await asyncio.wait_for(anext(elsewhere), 1)
            assert payload == b"1\n" + payload.partition(b"\n")[2]
        assert seqs(await socket.quiet()) == []  # the republished copy is a duplicate here: dropped
    finally:
        await hub.close()


async def test_a_retry_is_not_published_again() -> None:
    broker = FaultyBroker(MemoryBroker())
    log = MemoryEventLog()
    delivery = Delivery(Hub(broker, log))
    written = await log.append([(ROOM, chat("hello"))], 7, "key", NOW)
    broker.fail_publishes = 1
    await delivery.publish(Appended([e for e, _ in written], fresh=False))
    assert broker.failed == [] and delivery.unsent() == []
