"""A past mission as the template for the next: a new mission with a new title and start date, the same settings,
the programme moved by the difference in dates (each item keeping its local time in the mission's zone), the
matchmaking rules, optionally the organisers, optionally the webinars' hosts, moderators and speakers. Members are
not copied: the new mission invites its own people.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import msgspec

from rooms.core.clock import Clock
from rooms.core.errors import Invalid
from rooms.core.timezones import zone
from rooms.matchmaking.records import MatchmakingRules
from rooms.missions.audience import AudienceStore
from rooms.missions.copying import CopiedItem, CopiedMember, CopyStore, MissionCopy
from rooms.missions.mission import ItemDraft, Mission, MissionDraft, ProgrammeItem, Title
from rooms.missions.people import Membership, Role, User
from rooms.missions.ports import DirectoryStore, ItemRoleStore, MembershipStore, MissionStore
from rooms.missions.service import MissionView
from rooms.policy import Actor, permissions, require_copy_mission


class RulesStore(Protocol):
    async def get_rules(self, mission_id: int) -> MatchmakingRules: ...


class TemplateStore(MissionStore, MembershipStore, DirectoryStore, ItemRoleStore, RulesStore, CopyStore,
                    AudienceStore, Protocol):
    """What copying a mission uses of the store."""


class TemplateDraft(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    title: Title
    start_date: dt.date
    copy_organisers: bool = True  # the source's other organisers organise the copy too
    copy_webinar_roles: bool = False  # hosts, moderators and speakers come along, with their mission role


def shifted(item: ProgrammeItem, days: int, timezone: str) -> ItemDraft:
    """The item `days` later at the same local wall-clock time in `timezone` (so 09:00 stays 09:00 across a change
    of daylight saving time), as a draft for the new mission."""
    tz = zone(item.timezone or timezone)

    def move(at: dt.datetime) -> dt.datetime:
        local = at.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=days)
        return local.replace(tzinfo=tz).astimezone(dt.UTC)

    return ItemDraft(kind=item.kind, title=item.title, starts_at=move(item.starts_at), ends_at=move(item.ends_at),
                     description=item.description, address=item.address, track=item.track, audience=item.audience,
                     city=item.city, venue=item.venue, timezone=item.timezone, capacity=item.capacity)


def copied_draft(source: Mission, draft: TemplateDraft) -> MissionDraft:
    return MissionDraft(
        title=draft.title, destination=source.destination, timezone=source.timezone, start_date=draft.start_date,
        end_date=draft.start_date + (source.end_date - source.start_date), direction=source.direction,
        format=source.format, sectors=list(source.sectors), description=source.description,
        webinar_max_minutes=source.webinar_max_minutes,
    ).validated()


class MissionTemplates:
    def __init__(self, store: TemplateStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def copy(self, user: User, source_id: int, draft: TemplateDraft) -> MissionView:
        mission = await self._store.get_mission(source_id)
        membership = None if mission is None else await self._store.get_membership(source_id, user.id)
        require_copy_mission(Actor(user, membership))  # NotFound for a mission the user is not in
        assert mission is not None
        clean = copied_draft(mission, draft)
        days = (clean.start_date - mission.start_date).days
        programme = await self._store.programme(source_id)
        # Every item is checked against the new mission before anything is written.
        target = msgspec.structs.replace(mission, start_date=clean.start_date, end_date=clean.end_date)
        # Tracks come along by name (their members are this mission's people; the organisers fill them anew), and
        # invite-only items with an empty list: only organisers see them until they invite.
        tracks = [t.name for t in await self._store.tracks(source_id)]
        items: list[tuple[ProgrammeItem, ItemDraft]] = []
        for item in programme:
            try:
                items.append((item, shifted(item, days, mission.timezone).validated(target, tracks)))
            except Invalid as exc:
                raise Invalid(code="programme-conflict", message=f"The programme item “{item.title}” cannot be "
                              f"copied: {exc.message}", field="start_date") from exc
        people = {e.profile.user_id: e for e in await self._store.mission_directory(source_id)}
        grants = {item.id: await self._store.item_roles(item.id) for item, _ in items} \
            if draft.copy_webinar_roles else {}
        bring = {uid for uid, e in people.items() if draft.copy_organisers and e.role is Role.ORGANISER}
        bring |= {uid for roles in grants.values() for uid in roles}
        bring = {uid for uid in bring if uid in people and uid != user.id}
        staff = bring | {user.id}
        # One write: a copy that fails leaves no half-made mission behind.
        made = await self._store.create_mission_copy(MissionCopy(
            draft=clean, created_by=user.id,
            members=[CopiedMember(uid, people[uid].role, people[uid].side) for uid in sorted(bring)],
            items=[CopiedItem(d, {uid: r for uid, r in grants.get(item.id, {}).items() if uid in staff})
                   for item, d in items],
            rules=await self._store.get_rules(source_id), tracks=tracks), self._clock.now())
        own = Membership(made.id, user.id, Role.ORGANISER, None)
        return MissionView(made, Role.ORGANISER, None, permissions(Actor(user, own)))
