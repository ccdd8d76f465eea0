"""Where I stand with someone (rooms/matchmaking/standing.py): what every page that shows a person offers, and the
same rule refusing the request it would not offer."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.core.cards import Side
from rooms.core.errors import Conflict
from rooms.matchmaking.records import MatchmakingRules, WhoMayRequest
from rooms.matchmaking.standing import Standing
from rooms.missions.people import Role
from tests.unit import test_matchmaking_domain as domain
from tests.unit.test_matchmaking_domain import World

world = domain.world  # the fixture: four people of both sides and a matchmaking block


async def _standing(w: World, viewer_index: int = 0) -> dict[int, tuple[Standing, int | None, int | None]]:
    viewer = (w.ana, w.dirk, w.bo, w.cy, w.organiser)[viewer_index]
    people = [w.ana.id, w.dirk.id, w.bo.id, w.cy.id, w.organiser.id, 999]
    found = await w.service.standings(viewer, w.mission.id, people)
    return {s.user_id: (s.standing, s.request_id, s.meeting_id) for s in found}


async def test_each_person_shows_why_a_request_is_or_is_not_offered(world: World) -> None:
    w = world
    m = w.mission.id
    first = await _standing(w)
    assert first == {
        w.ana.id: (Standing.SELF, None, None),
        w.dirk.id: (Standing.SAME_SIDE, None, None),
        w.bo.id: (Standing.OPEN, None, None),
        w.cy.id: (Standing.OPEN, None, None),
        w.organiser.id: (Standing.NOT_BOOKABLE, None, None),
    }  # 999 is not a member: left out
    names = {s.user_id: (s.name, s.side) for s in await w.service.standings(w.ana, m, [w.bo.id])}
    assert names == {w.bo.id: ("Bo", Side.PARTNER)}
    assert {s.standing for s in await w.service.standings(w.organiser, m, [w.bo.id])} == {Standing.CANNOT_REQUEST}

    sent = await w.service.request(w.ana, m, w.bo.id, "", w.slots[:2])
    assert (await _standing(w))[w.bo.id] == (Standing.REQUESTED, sent.value.id, None)
    assert (await _standing(w, 2))[w.ana.id] == (Standing.ASKED_YOU, sent.value.id, None)

    booked = await w.service.accept(w.bo, sent.value.id, w.slots[1])
    assert (await _standing(w))[w.bo.id] == (Standing.MEETING, None, booked.value.id)
    with pytest.raises(Conflict) as again:
        await w.service.request(w.ana, m, w.bo.id, "", w.slots[3:4])
    assert again.value.code == "already-meeting"
    # Once it is over, a follow-up may be asked for.
    later = w.slots[1] + dt.timedelta(hours=1) - w.clock.now()
    w.clock.advance(later)
    assert (await _standing(w))[w.bo.id] == (Standing.OPEN, None, None)

    # Rescheduling does not trip over the meeting it moves.
    w.clock.advance(-later)
    moved = await w.service.reschedule(w.ana, booked.value.id, w.slots[4:5])
    assert moved.value.to_user == w.bo.id
    assert (await _standing(w))[w.bo.id] == (Standing.REQUESTED, moved.value.id, None)


async def test_the_meeting_limit_of_either_person_stops_a_request_before_it_is_sent(world: World) -> None:
    w = world
    m = w.mission.id
    await w.store.save_rules(m, MatchmakingRules(max_meetings=1, who_may_request=WhoMayRequest.ANYONE))
    met = await w.service.request(w.dirk, m, w.cy.id, "", w.slots[:1])
    await w.service.accept(w.cy, met.value.id, w.slots[0])
    now = await _standing(w)
    assert now[w.dirk.id][0] is Standing.THEIR_LIMIT and now[w.cy.id][0] is Standing.THEIR_LIMIT
    assert now[w.bo.id][0] is Standing.OPEN
    with pytest.raises(Conflict) as theirs:
        await w.service.request(w.ana, m, w.cy.id, "", w.slots[2:3])
    assert theirs.value.code == "too-many-meetings"
    assert (await _standing(w, 1))[w.bo.id][0] is Standing.MY_LIMIT
    with pytest.raises(Conflict) as mine:
        await w.service.request(w.dirk, m, w.bo.id, "", w.slots[2:3])
    assert mine.value.code == "too-many-meetings"


async def test_twenty_open_requests_show_as_too_many(world: World) -> None:
    w = world
    for n in range(20):
        user = await w.store.create_user(f"q{n}@example.org", f"Q{n}", w.clock.now())
        await w.store.set_membership(w.mission.id, user.id, Role.PARTICIPANT, Side.PARTNER)
        await w.service.request(w.ana, w.mission.id, user.id, "", w.slots[:1])
    assert (await _standing(w))[w.bo.id][0] is Standing.TOO_MANY_REQUESTS
