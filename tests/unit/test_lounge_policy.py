"""Lounge policy: only organisers manage tables and rounds; a table's room is only for the people seated there."""

from __future__ import annotations

import pytest

from rooms.catalog import MemoryStore
from rooms.core.cards import Side
from rooms.core.errors import NotAllowed, NotFound
from rooms.core.refs import RoomRef, lounge, table
from rooms.missions.people import Membership, Role
from rooms.policy import LoungeAction, lounge_allowed, lounge_permissions, require_lounge, require_table_member
from tests.unit.test_lounge_domain import make_lounge

pytestmark = pytest.mark.security

MANAGE = (LoungeAction.MANAGE_TABLES, LoungeAction.MANAGE_ROUNDS)


@pytest.mark.parametrize("role", list(Role))
def test_only_organisers_manage(role: Role) -> None:
    member = Membership(1, 2, role, Side.DELEGATION)
    for action in LoungeAction:
        assert lounge_allowed(member, action) == (action not in MANAGE or role is Role.ORGANISER)
    assert ("manage-rounds" in lounge_permissions(member)) == (role is Role.ORGANISER)
    with pytest.raises(NotFound):
        require_lounge(None, LoungeAction.JOIN)


def test_table_room_rule() -> None:
    member = Membership(1, 2, Role.ORGANISER, None)
    require_table_member(member, 3, 3)
    with pytest.raises(NotAllowed):
        require_table_member(member, None, 3)  # even an organiser, when not seated there
    with pytest.raises(NotAllowed):
        require_table_member(member, 4, 3)
    with pytest.raises(NotFound):
        require_table_member(None, 3, 3)


async def test_participants_cannot_manage_tables_or_rounds() -> None:
    lo = await make_lounge(MemoryStore())
    someone = lo.people[0]
    present = [p.id for p in lo.people]
    for attempt in (lo.svc.save_table(someone, lo.item, None, "Mine", "", 4, None),
                    lo.svc.save_table(someone, lo.item, 1, "Renamed", "", 4, None),
                    lo.svc.remove_table(someone, lo.item, 1),
                    lo.svc.start_rounds(someone, lo.item, 2, 5, present),
                    lo.svc.stop_rounds(someone, lo.item),
                    lo.svc.move_on(someone, lo.item, present)):
        with pytest.raises(NotAllowed):
            await attempt
    for attempt in (lo.svc.save_table(lo.outsider, lo.item, None, "Mine", "", 4, None),
                    lo.svc.start_rounds(lo.outsider, lo.item, 2, 5, present),
                    lo.svc.move_on(lo.outsider, lo.item, present)):
        with pytest.raises(NotFound):
            await attempt
    assert (await lo.store.load(f"lounge:{lo.item}", lounge(lo.item).name)) == (None, 0)


async def test_table_rooms_admit_only_the_people_seated_there_now() -> None:
    lo = await make_lounge(MemoryStore())
    a, b, c = lo.people[:3]
    await lo.svc.sit(a, lo.item, 1)
    await lo.svc.sit(b, lo.item, 1)
    await lo.svc.sit(c, lo.item, 2)
    await lo.svc.may_join(a, table(lo.item, 1))
    await lo.svc.may_join(b, table(lo.item, 1))
    await lo.svc.may_join(a, RoomRef.parse(f"table:{lo.item}:1"))
    for who in (c, lo.organiser):
        with pytest.raises(NotAllowed):
            await lo.svc.may_join(who, table(lo.item, 1))
    with pytest.raises(NotFound):
        await lo.svc.may_join(lo.outsider, table(lo.item, 1))
    await lo.svc.stand(b, lo.item)
    with pytest.raises(NotAllowed):
        await lo.svc.may_join(b, table(lo.item, 1))  # seated "now": standing up ends it
    await lo.svc.may_join(lo.organiser, lounge(lo.item))
    with pytest.raises(NotFound):
        await lo.svc.may_join(lo.outsider, lounge(lo.item))
