"""Places and check-in as use cases (rooms/signups): the waiting list moves up by itself and tells whoever got a
place, check-in needs the code, the window and (on an item with places) a place, and my schedule holds an item with
places only when I hold one."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.catalog import MemoryStore
from rooms.core.cards import Side
from rooms.core.clock import FixedClock
from rooms.core.errors import Conflict, Invalid, NotAllowed, NotFound
from rooms.core.refs import inbox
from rooms.matchmaking.service import MatchmakingService
from rooms.missions.mission import Audience, Format, ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import Role, User
from rooms.missions.service import MissionService
from rooms.signups.events import PlaceGiven
from rooms.signups.records import PlaceStatus, same_code, standings
from rooms.signups.service import CodeGiven, Places, SignupService

START = dt.datetime(2027, 3, 9, 8, 0, tzinfo=dt.UTC)


def test_standings_follow_the_order() -> None:
    got = standings([5, 3, 9, 1], 2)
    assert [(u, s.status, s.position) for u, s in got.items()] == [
        (5, PlaceStatus.CONFIRMED, 1), (3, PlaceStatus.CONFIRMED, 2), (9, PlaceStatus.WAITING, 1),
        (1, PlaceStatus.WAITING, 2)]


def test_codes_forgive_case_spaces_and_dashes() -> None:
    assert same_code(" abc-234 ", "ABC234") and not same_code("ABC235", "ABC234") and not same_code("", "ABC234")


class World:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(START - dt.timedelta(days=3))
        self.missions = MissionService(self.store, self.clock)
        self.signups = SignupService(self.store, self.clock)

    async def sign_up(self, who: User, mission: Mission, item: int) -> Places:
        # People sign up one after the other; the order is by time (then user id, for an exact tie).
        self.clock.advance(dt.timedelta(seconds=1))
        return await self.signups.sign_up(who, mission.id, item)

    async def setup(self, people: int = 3, fmt: Format = Format.HYBRID) -> tuple[Mission, User, list[User]]:
        s = self.store
        olga = await s.create_user("olga@example.org", "Olga", self.clock.now(), can_create_missions=True)
        view = await self.missions.create_mission(olga, MissionDraft(
            title="Port of Rotterdam", destination="Rotterdam", timezone="Europe/Amsterdam",
            start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12), format=fmt))
        members = []
        for i in range(people):
            u = await s.create_user(f"p{i}@example.org", f"P{i}", self.clock.now())
            await s.set_membership(view.mission.id, u.id, Role.PARTICIPANT, Side.DELEGATION)
            members.append(u)
        return view.mission, olga, members

    async def item(self, olga: User, mission: Mission, kind: ItemKind = ItemKind.COMPANY_VISIT,
                   capacity: int | None = 2, audience: Audience = Audience.ALL) -> int:
        return (await self.missions.add_item(olga, mission.id, ItemDraft(
            kind=kind, title="Port tour", starts_at=START, ends_at=START + dt.timedelta(hours=2),
            address="Pier 1" if kind is ItemKind.COMPANY_VISIT else "", capacity=capacity,
            audience=audience))).id


async def test_the_waiting_list_moves_up_and_the_one_who_got_a_place_is_told() -> None:
    w = World()
    mission, olga, (a, b, c) = await w.setup()
    visit = await w.item(olga, mission)
    first = await w.sign_up(a, mission, visit)
    assert (first.mine, first.position, first.taken, first.waiting) == (PlaceStatus.CONFIRMED, 1, 1, 0)
    await w.sign_up(b, mission, visit)
    waiting = await w.sign_up(c, mission, visit)
    assert (waiting.mine, waiting.position, waiting.taken, waiting.waiting) == (PlaceStatus.WAITING, 1, 2, 1)
    again = await w.sign_up(c, mission, visit)
    assert again == waiting  # signing up twice changes nothing
    schedule = MatchmakingService(w.store, w.clock)
    assert [i.id for i in (await schedule.schedule(c, mission.id)).items] == []  # no place, not in my schedule
    change = await w.signups.withdraw(a, mission.id, visit)
    assert change.places.mine is None
    [notice] = change.appended.events
    assert notice.room == inbox(c.id).name and isinstance(notice.body, PlaceGiven) and notice.body.item_id == visit
    [mail] = [e.draft for e in await w.store.outbox(mission.id) if e.draft.template == "place-given"]
    assert (mail.to_addr, mail.params["title"]) == (c.email, "Port tour")
    assert mail.params["when"] == "2027-03-09 09:00 (Europe/Amsterdam)"
    board = await w.signups.board(c, mission.id)
    assert [(p.item_id, p.mine, p.position) for p in board] == [(visit, PlaceStatus.CONFIRMED, 2)]
    assert [i.id for i in (await schedule.schedule(c, mission.id)).items] == [visit]
    # Leaving the waiting list moves nobody up: no notice.
    await w.sign_up(a, mission, visit)
    assert (await w.signups.withdraw(a, mission.id, visit)).appended.events == []
    listed = await w.signups.attendance(olga, mission.id, visit)
    assert [(p.user_id, p.status, p.position) for p in listed.people] == [
        (b.id, PlaceStatus.CONFIRMED, 1), (c.id, PlaceStatus.CONFIRMED, 2)]
    with pytest.raises(NotAllowed):
        await w.signups.attendance(a, mission.id, visit)
    # The organiser takes b's place away: a (who signs up again) moves up and is told.
    await w.sign_up(a, mission, visit)
    removed = await w.signups.remove(olga, mission.id, visit, b.id)
    assert [e.room for e in removed.appended.events] == [inbox(a.id).name]
    w.clock.advance(dt.timedelta(days=4))
    with pytest.raises(Conflict) as over:
        await w.sign_up(b, mission, visit)
    assert over.value.code == "item-over"


async def test_what_takes_places_and_who_may_sign_up() -> None:
    w = World()
    mission, olga, (a, _, _) = await w.setup()
    with pytest.raises(Invalid) as kind:
        await w.item(olga, mission, ItemKind.WEBINAR, capacity=10)
    assert kind.value.code == "capacity-not-for-kind"
    roundtable = await w.item(olga, mission, ItemKind.ROUNDTABLE, capacity=10, audience=Audience.INVITED)
    with pytest.raises(NotFound):  # invisible to a non-invitee, sign-up included
        await w.sign_up(a, mission, roundtable)
    free = await w.item(olga, mission, capacity=None)
    with pytest.raises(Invalid) as none:
        await w.sign_up(a, mission, free)
    assert none.value.code == "no-signup"
    assert [p.item_id for p in await w.signups.board(a, mission.id)] == []
    assert [p.item_id for p in await w.signups.board(olga, mission.id)] == [roundtable]


async def test_check_in_needs_the_code_the_window_and_a_place() -> None:
    w = World()
    mission, olga, (a, b, c) = await w.setup()
    visit = await w.item(olga, mission, capacity=1)
    await w.sign_up(a, mission, visit)
    await w.sign_up(b, mission, visit)
    code = (await w.signups.checkin_code(olga, mission.id, visit))
    assert code.path == f"/m/{mission.id}/checkin/{visit}#c={code.code}"
    assert (await w.signups.checkin_code(olga, mission.id, visit)) == code  # one code per item
    with pytest.raises(Conflict) as early:
        await w.signups.check_in(a, mission.id, visit, CodeGiven(code.code))
    assert early.value.code == "checkin-closed"
    w.clock.advance(START - w.clock.now() - dt.timedelta(minutes=30))
    with pytest.raises(Invalid) as wrong:
        await w.signups.check_in(a, mission.id, visit, CodeGiven("XXXXXX"))
    assert wrong.value.code == "checkin-code-wrong"
    done = await w.signups.check_in(a, mission.id, visit, CodeGiven(code.code.lower()))
    assert done == await w.signups.check_in(a, mission.id, visit, CodeGiven(code.code))  # the first time stays
    with pytest.raises(NotAllowed) as waiting:
        await w.signups.check_in(b, mission.id, visit, CodeGiven(code.code))
    assert waiting.value.code == "no-place"
    await w.signups.check_in_person(olga, mission.id, visit, c.id)  # let in at the door without a sign-up
    listed = await w.signups.attendance(olga, mission.id, visit)
    assert listed.checked_in == 2
    assert [(p.user_id, p.status, p.checked_in_at is not None) for p in listed.people] == [
        (a.id, PlaceStatus.CONFIRMED, True), (b.id, PlaceStatus.WAITING, False), (c.id, None, True)]
    w.clock.advance(dt.timedelta(hours=3, minutes=31))
    with pytest.raises(Conflict):
        await w.signups.check_in_person(olga, mission.id, visit, b.id)


async def test_online_items_take_no_check_in() -> None:
    w = World()
    mission, olga, _ = await w.setup(fmt=Format.ONLINE)
    session = await w.item(olga, mission, ItemKind.GROUP_SESSION, capacity=None)
    with pytest.raises(Invalid) as nowhere:
        await w.signups.checkin_code(olga, mission.id, session)
    assert nowhere.value.code == "checkin-not-here"
