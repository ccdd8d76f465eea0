"""Who sees which programme item (docs/programme.md): the policy's rule, and every place that lists or opens items
applying it — the programme, an item, my schedule, a webinar room, the item's roles — plus items with their own
city and zone, and a copied mission's tracks."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.catalog import MemoryStore
from rooms.core.cards import Side
from rooms.core.clock import FixedClock
from rooms.core.errors import Invalid, NotFound
from rooms.core.refs import RoomKind, RoomRef
from rooms.matchmaking.service import MatchmakingService
from rooms.missions.audience import InviteList, MissionAudience, NewTrack, TrackChange
from rooms.missions.item_roles import ItemRoleService
from rooms.missions.mission import Audience, Format, ItemDraft, ItemKind, Mission, MissionDraft, ProgrammeItem
from rooms.missions.people import ItemRole, Membership, Role, User
from rooms.missions.service import MissionService
from rooms.missions.template import MissionTemplates, TemplateDraft
from rooms.missions.tracks import TrackService
from rooms.policy import in_own_schedule, may_see_item
from rooms.webinar.service import WebinarService

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
MOSCOW = "Europe/Moscow"


def _item(item_id: int, audience: Audience, track: str = "") -> ProgrammeItem:
    return ProgrammeItem(id=item_id, mission_id=1, kind=ItemKind.GROUP_SESSION, title="x", description="",
                         starts_at=NOW, ends_at=NOW, address="", track=track, audience=audience)


AUDIENCE = MissionAudience(tracks={"health": frozenset({10}), "sport": frozenset({11})},
                           invitees={3: frozenset({10})}, roles={3: frozenset({12}), 2: frozenset({12})})


@pytest.mark.parametrize(("who", "role", "item", "sees", "schedules"), [
    (10, Role.PARTICIPANT, _item(1, Audience.ALL), True, True),
    (10, Role.PARTICIPANT, _item(2, Audience.TRACK, "Health"), True, True),
    (11, Role.PARTICIPANT, _item(2, Audience.TRACK, "Health"), False, False),
    (12, Role.SPEAKER, _item(2, Audience.TRACK, "Health"), True, True),  # its speaker
    (10, Role.PARTICIPANT, _item(3, Audience.INVITED), True, True),
    (11, Role.PARTICIPANT, _item(3, Audience.INVITED), False, False),
    (1, Role.ORGANISER, _item(3, Audience.INVITED), True, True),
    # For everyone, labelled with a track: seen by all, in the schedules of that track's members only.
    (11, Role.PARTICIPANT, _item(4, Audience.ALL, "Health"), True, False),
    (10, Role.PARTICIPANT, _item(4, Audience.ALL, "Health"), True, True),
    # A label that is no track record (a sector) is everyone's.
    (11, Role.PARTICIPANT, _item(5, Audience.ALL, "Water"), True, True),
])
def test_the_rule(who: int, role: Role, item: ProgrammeItem, sees: bool, schedules: bool) -> None:
    me = Membership(1, who, role, Side.DELEGATION)
    assert may_see_item(me, item, AUDIENCE) is sees
    assert in_own_schedule(me, item, AUDIENCE) is schedules


def test_outsiders_and_other_missions_see_nothing() -> None:
    item = _item(1, Audience.ALL)
    assert not may_see_item(None, item, AUDIENCE)
    assert not may_see_item(Membership(2, 10, Role.ORGANISER, None), item, AUDIENCE)


class World:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(NOW)
        self.missions = MissionService(self.store, self.clock)
        self.tracks = TrackService(self.store)

    async def setup(self) -> tuple[Mission, User, User, User]:
        s = self.store
        olga = await s.create_user("olga@example.org", "Olga", NOW, can_create_missions=True)
        ana = await s.create_user("ana@example.org", "Ana", NOW)
        bo = await s.create_user("bo@example.org", "Bo", NOW)
        view = await self.missions.create_mission(olga, MissionDraft(
            title="Health and sport to Russia", destination="Russia", timezone="Europe/Amsterdam",
            start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12), format=Format.PHYSICAL,
            sectors=["Health", "Sport"]))
        for who in (ana, bo):
            await s.set_membership(view.mission.id, who.id, Role.PARTICIPANT, Side.DELEGATION)
        return view.mission, olga, ana, bo


def _draft(title: str, audience: Audience = Audience.ALL, track: str = "", kind: ItemKind = ItemKind.WEBINAR,
           at: dt.datetime = dt.datetime(2027, 3, 9, 8, tzinfo=dt.UTC), zone: str = "") -> ItemDraft:
    return ItemDraft(kind=kind, title=title, starts_at=at, ends_at=at + dt.timedelta(minutes=45),
                     audience=audience, track=track, city=" Kazan ", venue="Kremlin  hall", timezone=zone)


async def test_the_programme_an_item_my_schedule_and_a_webinar_room_follow_the_audience() -> None:
    w = World()
    mission, olga, ana, bo = await w.setup()
    health = await w.tracks.create(olga, mission.id, NewTrack(name=" Health "))
    assert health.name == "Health"
    await w.tracks.change(olga, mission.id, health.id, TrackChange(name="Health", members=[ana.id]))
    plenary = await w.missions.add_item(olga, mission.id, _draft("Opening"))
    kazan = await w.missions.add_item(olga, mission.id, _draft("Kazan clinics", Audience.TRACK, "health", zone=MOSCOW))
    bilateral = await w.missions.add_item(olga, mission.id, _draft("Minister's bilateral", Audience.INVITED))
    assert (kazan.track, kazan.city, kazan.venue, kazan.timezone) == ("Health", "Kazan", "Kremlin hall", MOSCOW)
    await w.tracks.set_invitees(olga, mission.id, bilateral.id, _invitees([ana.id]))

    def ids(items: list[ProgrammeItem]) -> list[int]:
        return [i.id for i in items]

    assert ids(await w.missions.programme(olga, mission.id)) == [plenary.id, kazan.id, bilateral.id]
    assert ids(await w.missions.programme(ana, mission.id)) == [plenary.id, kazan.id, bilateral.id]
    assert ids(await w.missions.programme(bo, mission.id)) == [plenary.id]
    for hidden in (kazan, bilateral):
        with pytest.raises(NotFound) as gone:
            await w.missions.get_item(bo, hidden.id)
        assert gone.value.code == "item-not-found"
        with pytest.raises(NotFound):
            await ItemRoleService(w.store).roles(bo, mission.id, hidden.id)
    matchmaking = MatchmakingService(w.store, w.clock)
    assert ids((await matchmaking.schedule(bo, mission.id)).items) == [plenary.id]
    assert ids((await matchmaking.schedule(ana, mission.id)).items) == [plenary.id, kazan.id, bilateral.id]

    webinars = WebinarService(w.store, w.clock)
    await webinars.may_join(ana, RoomRef(RoomKind.WEBINAR, bilateral.id))
    with pytest.raises(NotFound) as refused:
        await webinars.may_join(bo, RoomRef(RoomKind.WEBINAR, bilateral.id))
    assert refused.value.code == "webinar-not-found"
    assert [s.item_id for s in await webinars.statuses(bo, mission.id)] == [plenary.id]

    # A role on the item lets its speaker in; taking Ana off the list shuts her out.
    await w.store.set_item_roles(bilateral.id, {bo.id: ItemRole.SPEAKER})
    await webinars.may_join(bo, RoomRef(RoomKind.WEBINAR, bilateral.id))
    await w.tracks.set_invitees(olga, mission.id, bilateral.id, _invitees([]))
    with pytest.raises(NotFound):
        await webinars.may_join(ana, RoomRef(RoomKind.WEBINAR, bilateral.id))


def _invitees(ids: list[int]) -> InviteList:
    return InviteList(user_ids=ids)


async def test_an_item_belongs_to_the_day_of_its_own_zone() -> None:
    w = World()
    mission, olga, _, _ = await w.setup()
    # 22:30 UTC on 12 March is 01:30 on the 13th in Moscow (past the mission's last day there) but 23:30 on the
    # 12th in Amsterdam, the mission's zone: each item is checked in its own zone.
    late = dt.datetime(2027, 3, 12, 22, 30, tzinfo=dt.UTC)
    with pytest.raises(Invalid) as outside:
        await w.missions.add_item(olga, mission.id, _draft("Late", at=late, zone=MOSCOW))
    assert outside.value.code == "outside-mission"
    assert (await w.missions.add_item(olga, mission.id, _draft("Late", at=late))).timezone == ""
    ok = await w.missions.add_item(olga, mission.id, _draft("Late", at=late - dt.timedelta(hours=2), zone=MOSCOW))
    assert ok.timezone == MOSCOW
    same = await w.missions.add_item(olga, mission.id, _draft("Home", zone="Europe/Amsterdam"))
    assert same.timezone == ""  # the mission's own zone is stored as "the mission's"
    with pytest.raises(Invalid) as bad:
        await w.missions.add_item(olga, mission.id, _draft("Nowhere", zone="Mars/Olympus"))
    assert (bad.value.code, bad.value.field) == ("invalid-timezone", "timezone")


async def test_track_items_need_a_track_and_tracks_cannot_vanish_under_them() -> None:
    w = World()
    mission, olga, ana, _ = await w.setup()
    with pytest.raises(Invalid) as needs:
        await w.missions.add_item(olga, mission.id, _draft("Sport day", Audience.TRACK, "Sport"))  # a sector only
    assert needs.value.code == "track-needs-track"
    sport = await w.tracks.create(olga, mission.id, NewTrack(name="Sport"))
    item = await w.missions.add_item(olga, mission.id, _draft("Sport day", Audience.TRACK, "Sport"))
    renamed = await w.tracks.change(olga, mission.id, sport.id, TrackChange(name="Sport and games", members=[]))
    assert renamed.name == "Sport and games"
    assert (await w.missions.get_item(olga, item.id)).track == "Sport and games"
    with pytest.raises(Invalid) as outsider:
        await w.tracks.change(olga, mission.id, sport.id, TrackChange(name="Sport", members=[999]))
    assert outsider.value.code == "not-a-member"
    views = await w.tracks.tracks(ana, mission.id)
    assert [(v.name, v.size, v.mine, v.members) for v in views] == [("Sport and games", 0, False, [])]


async def test_a_copied_mission_brings_its_tracks_and_items_for_them() -> None:
    w = World()
    mission, olga, ana, _ = await w.setup()
    track = await w.tracks.create(olga, mission.id, NewTrack(name="Health"))
    await w.tracks.change(olga, mission.id, track.id, TrackChange(name="Health", members=[ana.id]))
    await w.missions.add_item(olga, mission.id, _draft("Kazan clinics", Audience.TRACK, "Health", zone=MOSCOW))
    copy = await MissionTemplates(w.store, w.clock).copy(olga, mission.id, TemplateDraft(
        title="Next year", start_date=dt.date(2028, 3, 6)))
    items = await w.missions.programme(olga, copy.mission.id)
    assert [(i.audience, i.track, i.timezone) for i in items] == [(Audience.TRACK, "Health", MOSCOW)]
    assert [(t.name, t.size) for t in await w.tracks.tracks(olga, copy.mission.id)] == [("Health", 0)]
