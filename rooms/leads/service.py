"""The leads workspace's use cases: a person's leads across missions (filter by mission, market, status), one
lead, leads added by hand, edits, targets, the leads carried over from earlier missions to the same market, and
reminders of due next steps. Every lead is its owner's alone (rooms.policy.require_lead_owner)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

import msgspec

from rooms.core.cards import PersonCard
from rooms.core.clock import Clock
from rooms.core.errors import Invalid, NotFound
from rooms.core.eventlog import EventLog
from rooms.core.events import Appended
from rooms.core.refs import inbox
from rooms.leads.events import LeadDue
from rooms.leads.ports import LeadBook
from rooms.leads.records import (
    DEFAULT_TARGET,
    MAX_TARGET,
    LeadEdit,
    LeadEntry,
    LeadStatus,
    ManualLead,
    counts_towards_target,
)
from rooms.missions.mission import Mission
from rooms.missions.people import User
from rooms.missions.ports import DirectoryStore, MembershipStore, MissionStore
from rooms.policy import Action, Actor, require, require_lead_owner


class LeadsStore(LeadBook, MissionStore, MembershipStore, DirectoryStore, EventLog, Protocol):
    """What the leads workspace uses of the store."""


class MissionBrief(msgspec.Struct, frozen=True):
    id: int
    title: str
    destination: str  # the market: leads carry over to the next mission with the same destination
    start_date: dt.date


class MyLead(msgspec.Struct, frozen=True):
    """A lead as its owner sees it: the workspace, the mission, and the person's card when on the platform."""

    entry: LeadEntry
    mission: MissionBrief
    person: PersonCard | None  # None: added by hand and not on the platform, or since left the mission

    @property
    def name(self) -> str:
        return self.entry.contact.name or (self.person.name if self.person else "")

    @property
    def organisation(self) -> str:
        return self.entry.contact.organisation or (self.person.organisation if self.person else "")


class Progress(msgspec.Struct, frozen=True):
    mission: MissionBrief
    target: int
    leads: int  # every lead of the mission except those marked not relevant


class LeadsFilter(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    mission_id: int | None = None
    destination: str = ""  # a market: case and surrounding spaces do not matter
    status: LeadStatus | None = None


class MyLeads(msgspec.Struct, frozen=True):
    leads: list[MyLead]
    progress: list[Progress]  # one per mission the person has leads in or belongs to, newest mission first
    markets: list[str]  # every destination of those missions, for the filter


def market(destination: str) -> str:
    return " ".join(destination.split()).casefold()


class LeadService:
    def __init__(self, store: LeadsStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def my_leads(self, user: User, where: LeadsFilter | None = None) -> MyLeads:
        entries = await self._store.lead_entries(user.id)
        member_of = [m for m, _ in await self._store.missions_of(user.id)]
        missions = await self._missions({e.lead.mission_id for e in entries}, member_of)
        everything = await self._views(entries, missions)
        targets = await self._store.lead_targets(user.id)
        ordered = sorted(missions.values(), key=lambda m: (m.start_date, m.id), reverse=True)
        progress = [Progress(m, targets.get(m.id, DEFAULT_TARGET),
                             sum(1 for v in everything if v.mission.id == m.id and counts_towards_target(v.entry)))
                    for m in ordered]
        markets = sorted({m.destination.strip() for m in ordered if m.destination.strip()}, key=market)
        return MyLeads([v for v in everything if _matches(v, where)], progress, markets)

    async def lead(self, user: User, lead_id: int) -> MyLead:
        entry = await self._own(user, lead_id)
        return (await self._views([entry], await self._missions({entry.lead.mission_id}, [])))[0]

    async def add(self, user: User, draft: ManualLead) -> MyLead:
        await self._member(user, draft.mission_id)
        if draft.person is not None:
            if not await self._store.mission_directory(draft.mission_id, [draft.person]):
                raise Invalid(code="lead-person-unknown", message="That person is not in this mission.",
                              field="person")
        elif not draft.contact.name.strip():
            raise Invalid(code="lead-name-missing", message="Give the lead a name.", field="contact.name")
        return await self._view(await self._store.add_manual_lead(user.id, draft, self._clock.now()))

    async def edit(self, user: User, lead_id: int, edit: LeadEdit) -> MyLead:
        await self._own(user, lead_id)
        saved = await self._store.edit_lead(lead_id, edit, self._clock.now())
        if saved is None:
            raise NotFound(code="lead-not-found", message="Lead not found.")
        return await self._view(saved)

    async def set_target(self, user: User, mission_id: int, target: int) -> Progress:
        mission = await self._member(user, mission_id)
        if not 1 <= target <= MAX_TARGET:
            raise Invalid(code="bad-target", message=f"A target is from 1 to {MAX_TARGET}.", field="target")
        await self._store.set_lead_target(user.id, mission_id, target)
        counted = [e for e in await self._store.lead_entries(user.id)
                   if e.lead.mission_id == mission_id and counts_towards_target(e)]
        return Progress(_brief(mission), target, len(counted))

    async def carried_over(self, user: User, mission_id: int) -> list[MyLead]:
        """My leads from my other missions to this mission's market (its destination)."""
        mission = await self._member(user, mission_id)
        found = await self.my_leads(user, LeadsFilter(destination=mission.destination))
        return [v for v in found.leads if v.mission.id != mission_id]

    async def remind_due(self) -> Appended:
        """One `n-lead-due` in the owner's inbox per lead whose next step is due today (UTC) or earlier, once per
        next-step date: `mark_reminded` lets one caller (of any node) win. Run by the node's sweep
        (server/ws/node_timers.py); a general reminder scheduler would call this same method."""
        now = self._clock.now()
        notes: list[tuple[str, LeadDue]] = []
        for e in await self._store.due_leads(now.date()):
            assert e.next_step_on is not None  # due_leads returns dated leads only
            if await self._store.mark_reminded(e.lead.id, e.next_step_on):
                notes.append((inbox(e.lead.owner).name, LeadDue(
                    lead_id=e.lead.id, mission_id=e.lead.mission_id, name=await self._name(e),
                    next_step_on=e.next_step_on, note=e.next_step_note)))
        if not notes:
            return Appended([], fresh=True)
        written = await self._store.append(notes, 0, None, now)
        return Appended([event for event, _ in written], fresh=all(fresh for _, fresh in written))

    # -- helpers ---------------------------------------------------------------------------------------------

    async def _own(self, user: User, lead_id: int) -> LeadEntry:
        entry = await self._store.lead_entry(lead_id)
        if entry is None:
            raise NotFound(code="lead-not-found", message="Lead not found.")
        require_lead_owner(user, entry.lead.owner)
        return entry

    async def _member(self, user: User, mission_id: int) -> Mission:
        mission = await self._store.get_mission(mission_id)
        if mission is None:
            raise NotFound(code="mission-not-found", message="Mission not found.")
        require(Actor(user, await self._store.get_membership(mission_id, user.id)), Action.VIEW_MISSION)
        return mission

    async def _missions(self, ids: Iterable[int], known: Sequence[Mission]) -> dict[int, MissionBrief]:
        found = {m.id: _brief(m) for m in known}
        for mission_id in set(ids) - set(found):
            mission = await self._store.get_mission(mission_id)
            if mission is not None:
                found[mission_id] = _brief(mission)
        return found

    async def _views(self, entries: Sequence[LeadEntry], missions: dict[int, MissionBrief]) -> list[MyLead]:
        cards: dict[tuple[int, int], PersonCard] = {}
        for mission_id in {e.lead.mission_id for e in entries}:
            people = [e.lead.person for e in entries if e.lead.mission_id == mission_id and e.lead.person]
            for d in await self._store.mission_directory(mission_id, people) if people else []:
                p = d.profile
                cards[mission_id, p.user_id] = PersonCard(p.user_id, p.name, p.organisation, p.org_type, d.side,
                                                          p.country)
        return [MyLead(e, missions[e.lead.mission_id],
                       cards.get((e.lead.mission_id, e.lead.person)) if e.lead.person else None)
                for e in entries if e.lead.mission_id in missions]

    async def _view(self, entry: LeadEntry) -> MyLead:
        return (await self._views([entry], await self._missions({entry.lead.mission_id}, [])))[0]

    async def _name(self, entry: LeadEntry) -> str:
        return (await self._view(entry)).name


def _brief(m: Mission) -> MissionBrief:
    return MissionBrief(m.id, m.title, m.destination, m.start_date)


def _matches(view: MyLead, where: LeadsFilter | None) -> bool:
    if where is None:
        return True
    return ((where.mission_id is None or view.mission.id == where.mission_id)
            and (not where.destination.strip() or market(view.mission.destination) == market(where.destination))
            and (where.status is None or view.entry.status is where.status))
