"""Group rooms (docs/webinar.md, "Group rooms"): a group session's or a roundtable's live room — everyone on camera
up to 25, the chair's floor and mute, the item's own slot as time box, and an invite-only roundtable that does not
exist for anyone outside its list."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.core.errors import Conflict, Invalid, NotAllowed, NotFound
from rooms.core.refs import RoomKind, RoomRef
from rooms.missions.mission import Audience, ItemDraft, ItemKind
from rooms.missions.people import ItemRole, User
from rooms.policy import WebinarAction, WebinarRole, webinar_allowed, webinar_permissions
from rooms.webinar.decide import (
    GROUP_MAX_CAMERAS,
    decide_attend,
    decide_hand,
    decide_went_live,
    initial_state,
    stage_full,
)
from rooms.webinar.events import Feed, Hand, HandsChanged, Muted, Source, StageChanged
from rooms.webinar.floor import decide_floor, decide_mute
from tests.unit.test_webinar_domain import STARTS, Webinar, bodies, card, make_webinar

pytestmark = pytest.mark.security


async def _room(w: Webinar, kind: ItemKind, *, hours: int = 2, invited: list[str] | None = None) -> int:
    mission = await w.svc.mission_of(w.item)
    audience = Audience.INVITED if invited is not None else Audience.ALL
    item = await w.store.add_item(mission, ItemDraft(kind=kind, title=f"A {kind.value}", starts_at=STARTS,
                                                     ends_at=STARTS + dt.timedelta(hours=hours), audience=audience))
    if invited is not None:
        await w.store.set_item_invitees(item.id, [w.users[who].id for who in invited])
    return item.id


def test_the_chair_s_actions_exist_only_in_group_rooms() -> None:
    for role in WebinarRole:
        assert not webinar_allowed(role, WebinarAction.GIVE_FLOOR)
        assert not webinar_allowed(role, WebinarAction.MUTE)
        assert webinar_allowed(role, WebinarAction.PUBLISH, group=True)  # everyone may be on camera
    chairs = [r for r in WebinarRole if webinar_allowed(r, WebinarAction.GIVE_FLOOR, group=True)]
    assert chairs == [WebinarRole.HOST, WebinarRole.MODERATOR]
    assert "give-floor" in webinar_permissions(WebinarRole.HOST, group=True)
    assert "give-floor" not in webinar_permissions(WebinarRole.HOST)
    assert "publish" in webinar_permissions(WebinarRole.ATTENDEE, group=True)


def test_the_floor_goes_to_someone_here_and_lowers_their_hand() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(hours=1), 60, group=True)
    decide_attend(s, card(7), STARTS)
    with pytest.raises(Conflict) as exc:
        decide_floor(s, 8, by=1)
    assert exc.value.code == "not-here"
    decide_hand(s, Hand(7, "P7", "Org 7", STARTS), up=True)
    out = decide_floor(s, 7, by=1)
    kinds = [type(b) for _, b in out.events]
    assert kinds == [StageChanged, HandsChanged]
    assert s.stage.floor == 7 and s.hands == []
    assert decide_floor(s, 7, by=1).events == []  # already theirs: nothing written
    assert decide_floor(s, None, by=1).events and s.stage.floor is None
    webinar_state = initial_state(1, STARTS, STARTS + dt.timedelta(hours=1), 60)
    with pytest.raises(Invalid) as bad:
        decide_floor(webinar_state, None, by=1)
    assert bad.value.code == "not-a-group-room"


def test_only_a_live_microphone_is_muted() -> None:
    s = initial_state(1, STARTS, STARTS + dt.timedelta(hours=1), 60, group=True)
    with pytest.raises(Conflict) as exc:
        decide_mute(s, 7, by=1)
    assert exc.value.code == "not-live"
    decide_went_live(s, Feed(7, "P7", "Org 7", Source.CAMERA, 15))
    out = decide_mute(s, 7, by=1)
    assert [b for _, b in out.events] == [Muted(user_id=7, by=1)]


async def test_everyone_publishes_in_a_group_session_up_to_its_cap() -> None:
    w = await make_webinar()
    item = await _room(w, ItemKind.GROUP_SESSION)
    # An attendee may turn their camera on in a group room (not in a webinar).
    await w.svc.publisher(w.users["anna"], item, "camera")
    with pytest.raises(NotAllowed):
        await w.svc.publisher(w.users["anna"], w.item, "camera")
    snap = await w.svc.snapshot(w.users["anna"], RoomRef(RoomKind.WEBINAR, item))
    assert snap.may_publish and snap.state.group and "publish" in snap.permissions
    people = [p for who, p in w.users.items() if who not in ("organiser", "outsider")]
    for i, person in enumerate(people[:GROUP_MAX_CAMERAS]):
        await w.svc.went_live(person, item, "camera", 1000 + i)
    assert len(people) < GROUP_MAX_CAMERAS + 1  # the fixture is smaller than the cap: check the cap in the fold
    s = initial_state(1, STARTS, STARTS + dt.timedelta(hours=1), 60, group=True)
    for i in range(GROUP_MAX_CAMERAS):
        decide_went_live(s, Feed(100 + i, "P", "O", Source.CAMERA, i))
    assert stage_full(s, 999, Source.CAMERA) and not stage_full(s, 100, Source.CAMERA)


async def test_the_chair_gives_the_floor_and_mutes_through_the_service() -> None:
    w = await make_webinar()
    item = await _room(w, ItemKind.ROUNDTABLE, hours=2)
    anna, ben, host = w.users["anna"], w.users["ben"], w.users["host"]
    await w.store.set_item_roles(item, {host.id: ItemRole.HOST})
    for who in (anna, ben, host):
        await w.svc.attend(who, item)
    await w.svc.hand(anna, item, True)
    with pytest.raises(NotAllowed):
        await w.svc.give_floor(ben, item, anna.id)  # an attendee is not the chair
    given = await w.svc.give_floor(host, item, anna.id)
    assert any(isinstance(b, StageChanged) and b.stage.floor == anna.id for b in bodies(given, f"webinar:{item}"))
    await w.svc.went_live(anna, item, "camera", 77)
    muted = await w.svc.mute(host, item, anna.id)
    assert bodies(muted, f"webinar:{item}") == [Muted(user_id=anna.id, by=host.id)]
    with pytest.raises(NotAllowed):
        await w.svc.give_floor(host, w.item, anna.id)  # a webinar has no floor
    # A mission's organiser chairs without a grant (a moderator of every room of their mission).
    await w.svc.give_floor(w.users["organiser"], item, None)
    # The time box is the item's slot (two hours), not the mission's webinar cap (one hour).
    timebox = await w.svc.timebox(item)
    assert timebox.ends_at - timebox.starts_at == dt.timedelta(hours=2)


async def test_an_invite_only_roundtable_does_not_exist_for_others() -> None:
    w = await make_webinar()
    item = await _room(w, ItemKind.ROUNDTABLE, invited=["anna", "host"])
    await w.svc.may_join(w.users["anna"], RoomRef(RoomKind.WEBINAR, item))
    for who in ("ben", "outsider"):
        user: User = w.users[who]
        with pytest.raises(NotFound) as exc:
            await w.svc.may_join(user, RoomRef(RoomKind.WEBINAR, item))
        assert exc.value.code == "webinar-not-found"
        with pytest.raises(NotFound):
            await w.svc.attend(user, item)
    statuses = await w.svc.statuses(w.users["ben"], await w.svc.mission_of(w.item))
    assert item not in {s.item_id for s in statuses}
    assert item in {s.item_id for s in await w.svc.statuses(w.users["anna"], await w.svc.mission_of(w.item))}
