"""Group commit of a webinar's attendance (rooms/webinar/coalesce.py): what arrives during a write goes out in the
next one, each caller returns after its own write with its own result, and a failure fails only its batch."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from rooms.core.cards import OrgType, Side
from rooms.missions.people import Role
from rooms.missions.profile import ProfileDraft
from rooms.webinar.coalesce import Coalescer
from rooms.webinar.events import Attended
from tests.unit.test_webinar_domain import make_webinar


async def settle() -> None:
    """Lets every ready task run until each waits on something."""
    for _ in range(10):
        await asyncio.sleep(0)


class Gate:
    """A write that holds each batch until released, recording what each batch carried."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.fail_next = False

    async def write(self, key: str, commands: Sequence[int]) -> list[str]:
        self.batches.append(list(commands))
        await self.release.wait()
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database gone")
        return [f"{key}:{c}" for c in commands]


async def test_what_arrives_during_a_write_goes_out_together_in_the_next() -> None:
    gate = Gate()
    batcher: Coalescer[str, int, str] = Coalescer(gate.write)
    first = asyncio.create_task(batcher.submit("w1", 0))
    await settle()
    rest = [asyncio.create_task(batcher.submit("w1", i)) for i in range(1, 6)]
    await settle()
    assert gate.batches == [[0]]  # the first of a quiet aggregate is written at once, alone
    gate.release.set()
    assert await first == "w1:0"
    assert [await t for t in rest] == [f"w1:{i}" for i in range(1, 6)]  # each its own result
    assert gate.batches == [[0], [1, 2, 3, 4, 5]]


async def test_keys_are_written_side_by_side() -> None:
    gate = Gate()
    batcher: Coalescer[str, int, str] = Coalescer(gate.write)
    a = asyncio.create_task(batcher.submit("w1", 1))
    b = asyncio.create_task(batcher.submit("w2", 2))
    await settle()
    assert sorted(gate.batches) == [[1], [2]]  # neither waits for the other's write
    gate.release.set()
    assert (await a, await b) == ("w1:1", "w2:2")


async def test_a_failed_write_fails_its_own_batch_only() -> None:
    gate = Gate()
    gate.fail_next = True
    batcher: Coalescer[str, int, str] = Coalescer(gate.write)
    doomed = asyncio.create_task(batcher.submit("w1", 1))
    await settle()
    later = asyncio.create_task(batcher.submit("w1", 2))
    gate.release.set()
    with pytest.raises(ConnectionError):
        await doomed
    assert await later == "w1:2"


async def test_a_caller_that_gives_up_returns_only_after_its_command_is_written() -> None:
    gate = Gate()
    batcher: Coalescer[str, int, str] = Coalescer(gate.write)
    caller = asyncio.create_task(batcher.submit("w1", 1))
    await settle()
    caller.cancel()
    await settle()
    assert not caller.done()  # what it undoes next must not overtake the write
    gate.release.set()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert gate.batches == [[1]]


async def test_a_join_storm_attends_everyone_each_with_their_own_event() -> None:
    w = await make_webinar()
    people = [await w.store.create_user(f"p{i}@example.org", f"P{i}", w.clock.now()) for i in range(40)]
    mission = await w.svc.mission_of(w.item)
    for p in people:
        await w.store.set_membership(mission, p.id, Role.PARTICIPANT, Side.DELEGATION)
        await w.store.save_profile(p.id, ProfileDraft(name=p.name, organisation=f"{p.name} BV", org_type=OrgType.SME,
                                                      country="NL"))
    results = await asyncio.gather(*(w.svc.attend(p, w.item) for p in people))
    for p, appended in zip(people, results, strict=True):
        [event] = appended.events
        assert isinstance(event.body, Attended) and event.body.person.user_id == p.id
    seqs = [a.events[0].seq for a in results]
    assert len(set(seqs)) == len(people)  # one event each, none shared, none lost
    records = await w.svc.attendance(w.users["organiser"], w.item)
    assert {r.person.user_id for r in records} >= {p.id for p in people}
