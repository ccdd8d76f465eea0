"""Sign-up with capacity and a waiting list, and check-in on site, as use cases (docs/programme.md)."""

from __future__ import annotations

from typing import Protocol

import msgspec

from rooms.core.clock import Clock
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.core.eventlog import EventLog
from rooms.core.events import Appended, RoomEvent
from rooms.core.refs import inbox
from rooms.mail.drafts import place_given_mail
from rooms.mail.ports import OutboxStore
from rooms.missions.audience import AudienceStore
from rooms.missions.mission import Mission, ProgrammeItem
from rooms.missions.people import Membership, User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore, ProfileStore, UserStore
from rooms.policy import Action, Actor, may_see_item, require, require_place_to_check_in
from rooms.signups.events import PlaceGiven
from rooms.signups.ports import SignupStore
from rooms.signups.records import (
    CheckinCodeText,
    PlaceStatus,
    checkin_open,
    holders,
    new_code,
    on_location,
    same_code,
    standings,
)


class SignupServiceStore(MissionStore, MembershipStore, DirectoryStore, AudienceStore, SignupStore, EventLog,
                         UserStore, ProfileStore, OutboxStore, Protocol):
    """What sign-ups and check-ins use of the store."""


class Places(msgspec.Struct, frozen=True):
    """An item's places as one member sees them."""

    item_id: int
    capacity: int
    taken: int
    waiting: int
    mine: PlaceStatus | None
    position: int | None  # my place's number, or my place in the waiting list
    checked_in: bool


class PlacesChange(msgspec.Struct, frozen=True):
    places: Places
    appended: Appended  # the notice to whoever moved up from the waiting list


class Attendee(msgspec.Struct, frozen=True):
    user_id: int
    name: str
    organisation: str
    status: PlaceStatus | None  # None: checked in without a sign-up (no capacity, or let in by an organiser)
    position: int | None
    signed_up_at: str | None
    checked_in_at: str | None


class ItemAttendance(msgspec.Struct, frozen=True):
    item_id: int
    capacity: int | None
    people: list[Attendee]  # holders, then the waiting list, then walk-ins
    checked_in: int


class CheckinCode(msgspec.Struct, frozen=True):
    code: str
    path: str  # the page a phone opens from the QR code, code included


class CheckedIn(msgspec.Struct, frozen=True):
    item_id: int
    at: str


class CodeGiven(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: CheckinCodeText


class Seen(msgspec.Struct, frozen=True):
    item: ProgrammeItem
    mission: Mission
    membership: Membership


class SignupService:
    def __init__(self, store: SignupServiceStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def _seen(self, user: User, mission_id: int, item_id: int, action: Action = Action.VIEW_MISSION) -> Seen:
        mission = await self._store.get_mission(mission_id)
        if mission is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        membership = await self._store.get_membership(mission_id, user.id)
        require(Actor(user, membership), action)
        assert membership is not None
        item = await self._store.get_item(item_id)
        if item is None or item.mission_id != mission_id or \
                not may_see_item(membership, item, await self._store.mission_audience(mission_id)):
            raise NotFound(code="item-not-found", message="Programme item not found.")
        return Seen(item, mission, membership)

    async def _places(self, item: ProgrammeItem, user_id: int) -> Places:
        assert item.capacity is not None
        order = [s.user_id for s in await self._store.signups(item.id)]
        mine = standings(order, item.capacity).get(user_id)
        checked = any(c.user_id == user_id for c in await self._store.checkins(item.id))
        return Places(item.id, item.capacity, min(len(order), item.capacity), max(0, len(order) - item.capacity),
                      mine.status if mine else None, mine.position if mine else None, checked)

    # -- members ---------------------------------------------------------------------------------------------

    async def board(self, user: User, mission_id: int) -> list[Places]:
        """My standing on every item with places that I may see."""
        mission = await self._store.get_mission(mission_id)
        membership = None if mission is None else await self._store.get_membership(mission_id, user.id)
        require(Actor(user, membership), Action.VIEW_MISSION)
        audience = await self._store.mission_audience(mission_id)
        return [await self._places(i, user.id) for i in await self._store.programme(mission_id)
                if i.capacity is not None and may_see_item(membership, i, audience)]

    async def sign_up(self, user: User, mission_id: int, item_id: int) -> Places:
        seen = await self._seen(user, mission_id, item_id)
        if seen.item.capacity is None:
            raise Invalid(code="no-signup", message="This item takes no sign-ups: just come.")
        if self._clock.now() >= seen.item.ends_at:
            raise Conflict(code="item-over", message="This item has ended.")
        await self._store.add_signup(item_id, user.id, self._clock.now())
        return await self._places(seen.item, user.id)

    async def withdraw(self, user: User, mission_id: int, item_id: int) -> PlacesChange:
        seen = await self._seen(user, mission_id, item_id)
        if seen.item.capacity is None:
            raise Invalid(code="no-signup", message="This item takes no sign-ups.")
        appended = await self._release(seen, user.id)
        return PlacesChange(await self._places(seen.item, user.id), appended)

    async def _release(self, seen: Seen, user_id: int) -> Appended:
        """Removes the sign-up; whoever it moved up from the waiting list is told."""
        item = seen.item
        before = holders([s.user_id for s in await self._store.signups(item.id)], item.capacity)
        if not await self._store.remove_signup(item.id, user_id):
            return Appended([], fresh=True)
        signups = await self._store.signups(item.id)
        after = {s.user_id: s for s in signups[:item.capacity]}
        moved_up = [s for u, s in after.items() if u not in before]
        if not moved_up or self._clock.now() >= item.ends_at:
            return Appended([], fresh=True)
        organiser = await self._store.get_user(seen.mission.created_by)
        notice = PlaceGiven(mission_id=item.mission_id, item_id=item.id, title=item.title, starts_at=item.starts_at)
        told: list[RoomEvent] = []
        for s in moved_up:
            # Keyed by the sign-up that got the place: withdrawals at the same instant may each see this person
            # move up, and the log writes the notice once; only the writer that wrote it sends the mail.
            written = await self._store.append([(inbox(s.user_id).name, notice)], 0,
                                               f"place:{item.id}:{s.user_id}:{s.seq}", self._clock.now())
            if not all(fresh for _, fresh in written):
                continue
            told.extend(e for e, _ in written)
            user = await self._store.get_user(s.user_id)
            if user is not None:
                draft = place_given_mail(user, await self._store.get_profile(s.user_id), seen.mission, organiser,
                                         item.title, item.starts_at, item.timezone or seen.mission.timezone)
                await self._store.enqueue_mail(draft, self._clock.now())
        return Appended(told, fresh=True)

    async def check_in(self, user: User, mission_id: int, item_id: int, given: CodeGiven) -> CheckedIn:
        """On site, with the code shown there (or the QR code that carries it)."""
        seen = await self._seen(user, mission_id, item_id)
        self._require_checkin(seen)
        code = await self._store.checkin_code(item_id)
        if code is None or not same_code(given.code, code):
            raise Invalid(code="checkin-code-wrong", message="That is not this item's code: check it with the host.",
                          field="code")
        if seen.item.capacity is not None:
            order = [s.user_id for s in await self._store.signups(item_id)]
            require_place_to_check_in(user.id in holders(order, seen.item.capacity))
        return await self._record(item_id, user.id, user.id)

    def _require_checkin(self, seen: Seen) -> None:
        if not on_location(seen.item, seen.mission):
            raise Invalid(code="checkin-not-here", message="This item does not take place on location.")
        if not checkin_open(seen.item, self._clock.now()):
            raise Conflict(code="checkin-closed",
                           message="Check-in opens an hour before the item and closes an hour after it.")

    async def _record(self, item_id: int, user_id: int, by: int) -> CheckedIn:
        now = self._clock.now()
        await self._store.add_checkin(item_id, user_id, now, by)
        first = next((c for c in await self._store.checkins(item_id) if c.user_id == user_id), None)
        return CheckedIn(item_id, (first.at if first else now).isoformat())

    # -- organisers ------------------------------------------------------------------------------------------

    async def attendance(self, user: User, mission_id: int, item_id: int) -> ItemAttendance:
        seen = await self._seen(user, mission_id, item_id, Action.MANAGE_PROGRAMME)
        item = seen.item
        signups = await self._store.signups(item_id)
        checkins = {c.user_id: c for c in await self._store.checkins(item_id)}
        order = [s.user_id for s in signups]
        standing = standings(order, item.capacity) if item.capacity is not None else {}
        ids = order + [u for u in checkins if u not in set(order)]
        cards = {e.profile.user_id: e.profile for e in await self._store.mission_directory(mission_id, ids)}
        when = {s.user_id: s.at.isoformat() for s in signups}
        people = []
        for u in ids:
            p = cards.get(u)
            s = standing.get(u)
            c = checkins.get(u)
            people.append(Attendee(u, p.name if p else "?", p.organisation if p else "", s.status if s else None,
                                   s.position if s else None, when.get(u), c.at.isoformat() if c else None))
        return ItemAttendance(item_id, item.capacity, people, len(checkins))

    async def remove(self, user: User, mission_id: int, item_id: int, member_id: int) -> PlacesChange:
        seen = await self._seen(user, mission_id, item_id, Action.MANAGE_PROGRAMME)
        if seen.item.capacity is None:
            raise Invalid(code="no-signup", message="This item takes no sign-ups.")
        appended = await self._release(seen, member_id)
        return PlacesChange(await self._places(seen.item, member_id), appended)

    async def checkin_code(self, user: User, mission_id: int, item_id: int) -> CheckinCode:
        seen = await self._seen(user, mission_id, item_id, Action.MANAGE_PROGRAMME)
        if not on_location(seen.item, seen.mission):
            raise Invalid(code="checkin-not-here", message="This item does not take place on location.")
        code = await self._store.checkin_code(item_id) or await self._store.keep_checkin_code(item_id, new_code())
        return CheckinCode(code, f"/m/{mission_id}/checkin/{item_id}#c={code}")

    async def check_in_person(self, user: User, mission_id: int, item_id: int, member_id: int) -> CheckedIn:
        """An organiser checks someone in by hand (no phone, a flat battery): anyone of the mission."""
        seen = await self._seen(user, mission_id, item_id, Action.MANAGE_PROGRAMME)
        self._require_checkin(seen)
        if await self._store.get_membership(mission_id, member_id) is None:
            raise Invalid(code="not-a-member", message="Only people taking part in the mission can check in.",
                          field="user_id")
        return await self._record(item_id, member_id, user.id)
