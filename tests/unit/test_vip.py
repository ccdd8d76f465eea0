"""VIPs (a minister, a dignitary): a mission role of its own, shown as such; who may ask them for a meeting is
the organisers' call (`vip_requests`), and organisers may always book one with them."""

from __future__ import annotations

import pytest

from rooms.core.cards import Side
from rooms.core.errors import NotAllowed
from rooms.matchmaking.records import MatchmakingRules, VipRequests, WhoMayRequest
from rooms.matchmaking.standing import Standing
from rooms.missions.people import Role
from tests.unit import test_matchmaking_domain as domain
from tests.unit.test_matchmaking_domain import World

world = domain.world  # the fixture: Ana and Dirk (delegation), Bo and Cy (partners), a matchmaking block


async def _minister(w: World) -> int:
    """Cy becomes the host country's minister."""
    await w.store.set_membership(w.mission.id, w.cy.id, Role.VIP, Side.PARTNER)
    return w.cy.id


@pytest.mark.parametrize(("rule", "ana", "bo"), [
    (VipRequests.ORGANISERS, Standing.VIP_BY_ORGANISER, Standing.VIP_BY_ORGANISER),
    (VipRequests.DELEGATION, Standing.OPEN, Standing.VIP_DELEGATION_ONLY),
    (VipRequests.ANYONE, Standing.OPEN, Standing.SAME_SIDE),  # then as anyone: Bo is on the minister's side
])
async def test_who_may_ask_a_vip(world: World, rule: VipRequests, ana: Standing, bo: Standing) -> None:
    w = world
    vip = await _minister(w)
    await w.service.save_rules(w.organiser, w.mission.id, MatchmakingRules(vip_requests=rule))
    for who, expected in ((w.ana, ana), (w.bo, bo)):
        [found] = await w.service.standings(who, w.mission.id, [vip])
        assert found.standing is expected
        if expected is not Standing.OPEN:
            with pytest.raises(NotAllowed) as refused:
                await w.service.request(who, w.mission.id, vip, "", w.slots[:1])
            assert refused.value.code == expected.value
    if ana is Standing.OPEN:
        sent = await w.service.request(w.ana, w.mission.id, vip, "A word on hydrogen?", w.slots[:1])
        assert sent.value.to_user == vip


async def test_a_vip_takes_and_asks_for_meetings_and_organisers_always_book_them(world: World) -> None:
    w = world
    vip = await _minister(w)
    await w.service.save_rules(w.organiser, w.mission.id, MatchmakingRules(who_may_request=WhoMayRequest.ANYONE))
    [towards] = await w.service.standings(w.cy, w.mission.id, [w.bo.id])
    assert towards.standing is Standing.OPEN  # the minister may ask anyone
    with pytest.raises(NotAllowed) as off:  # organiser booking is off for everyone else...
        await w.service.book(w.organiser, w.mission.id, w.ana.id, w.bo.id, w.slots[0])
    assert off.value.code == "organiser-booking-off"
    booked = await w.service.book(w.organiser, w.mission.id, w.ana.id, vip, w.slots[0])  # ...but not with a VIP
    assert set(booked.value.members()) == {w.ana.id, vip}


async def test_the_delegation_may_ask_a_vip_without_a_side(world: World) -> None:
    w = world
    await w.store.set_membership(w.mission.id, w.cy.id, Role.VIP, None)
    await w.service.save_rules(w.organiser, w.mission.id, MatchmakingRules(vip_requests=VipRequests.DELEGATION))
    [found] = await w.service.standings(w.ana, w.mission.id, [w.cy.id])
    assert found.standing is Standing.OPEN
    [other] = await w.service.standings(w.bo, w.mission.id, [w.cy.id])
    assert other.standing is Standing.VIP_DELEGATION_ONLY
