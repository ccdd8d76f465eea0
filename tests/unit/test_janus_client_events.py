"""The per-handle notification backlog keeps the newest messages: a renegotiation offer Janus sends by itself
arrives last, and losing it would leave a viewer on a stale description."""

from __future__ import annotations

from signaling.janus_client import EVENT_BACKLOG, JanusClient, JanusMessage, Jsep


def test_a_full_backlog_drops_the_oldest_notification_not_the_newest() -> None:
    client = JanusClient("ws://127.0.0.1:1")
    handle = 77
    queue = client.events(handle)
    for n in range(EVENT_BACKLOG):
        client._dispatch(JanusMessage(janus="media", sender=handle, data={"n": n}))
    offer = JanusMessage(janus="event", sender=handle, jsep=Jsep(type="offer", sdp="v=0"))
    client._dispatch(offer)
    kept = [queue.get_nowait() for _ in range(queue.qsize())]
    assert len(kept) == EVENT_BACKLOG
    assert kept[-1] is offer
    assert kept[0].data == {"n": 1}
