"""The node's verified credentials (server/ws/verified.py): what ends a session drops its entries, nothing outlives
its token or the TTL, and a gap drops everything."""

from __future__ import annotations

import asyncio
import datetime as dt

from rooms.core.broker_memory import MemoryBroker
from rooms.missions.people import User
from server.api.credentials import Identity
from server.ws.verified import Verified, VerifyingControl

T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def person(user: int, session: str, ends: dt.datetime | None = None) -> Identity:
    return Identity(User(user, f"u{user}@example.org", f"User {user}", False, False, T0), session, None, ends)


def test_a_proved_credential_is_kept_for_the_ttl_and_never_past_its_token() -> None:
    verified = Verified(ttl=dt.timedelta(seconds=30))
    verified.put("cookie", person(1, "s1"), T0)
    verified.put("bearer", person(1, "s1", ends=T0 + dt.timedelta(seconds=10)), T0)
    assert verified.get("cookie", T0 + dt.timedelta(seconds=29)) == person(1, "s1")
    assert verified.get("bearer", T0 + dt.timedelta(seconds=9)) is not None
    assert verified.get("bearer", T0 + dt.timedelta(seconds=10)) is None
    assert verified.get("cookie", T0 + dt.timedelta(seconds=30)) is None
    assert len(verified) == 0


def test_signing_out_drops_that_session_or_every_session_of_the_person() -> None:
    verified = Verified()
    verified.put("a", person(1, "s1"), T0)
    verified.put("b", person(1, "s2"), T0)
    verified.put("c", person(2, "s3"), T0)
    epoch = verified.epoch
    verified.forget(1, "s1")
    assert verified.epoch != epoch
    assert (verified.get("a", T0), verified.get("b", T0) is not None) == (None, True)
    verified.forget(1, None)
    assert verified.get("b", T0) is None
    assert verified.get("c", T0) == person(2, "s3")


def test_the_bound_drops_the_oldest_first() -> None:
    verified = Verified(max_entries=2)
    for n in range(3):
        verified.put(str(n), person(n, f"s{n}"), T0)
    assert [verified.get(str(n), T0) is not None for n in range(3)] == [False, True, True]


async def test_the_control_topic_drops_ended_sessions_and_a_gap_drops_everything() -> None:
    broker = MemoryBroker()
    verified, elsewhere = Verified(), Verified()
    here, there = VerifyingControl(broker, verified), VerifyingControl(broker, elsewhere)
    for control in (here, there):
        control.start()
        await asyncio.wait_for(control.ready.wait(), 5)
    for cache in (verified, elsewhere):
        cache.put("a", person(1, "s1"), T0)
        cache.put("b", person(2, "s2"), T0)
    await here.signed_out(1, "s1")  # a sign-out on one node reaches the other's entries too
    for _ in range(100):
        if elsewhere.get("a", T0) is None and verified.get("a", T0) is None:
            break
        await asyncio.sleep(0.01)
    assert [c.get("a", T0) for c in (verified, elsewhere)] == [None, None]
    assert elsewhere.get("b", T0) is not None
    there._everyone()  # what its reader does on a gap, or when it has to subscribe again
    assert len(elsewhere) == 0
    for control in (here, there):
        await control.close()
