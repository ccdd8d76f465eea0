"""Teams and their KPI ledger (docs/ledger.md): who is in a team, which missions it counts and in what role, its
activities outside missions, plans, logged corrections, and the ledger computed from all of that."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import msgspec

from rooms.core.aggregate import AggregateStore
from rooms.core.clock import Clock
from rooms.core.errors import Conflict, Invalid, NotFound
from rooms.core.refs import webinar
from rooms.ledger.ledger import Ledger, MissionFacts, compute
from rooms.ledger.ports import LedgerStore
from rooms.ledger.records import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    ActivityDraft,
    Correction,
    CorrectionDraft,
    MissionRole,
    Plan,
    PlanDraft,
    Team,
    TeamDraft,
    TeamMember,
)
from rooms.missions.mission import Direction, ItemKind
from rooms.missions.people import Role, User
from rooms.missions.ports import MembershipStore, MissionStore, UserStore
from rooms.missions.service import MissionService
from rooms.policy import (
    MIN_TEAM_MEMBERS,
    require_create_team,
    require_link_mission,
    require_team_member,
    require_team_members_left,
)
from rooms.webinar.state import WebinarState


class LedgerServiceStore(LedgerStore, UserStore, MissionStore, MembershipStore, AggregateStore, Protocol):
    """What teams and the ledger use of the store."""


class LinkedMission(msgspec.Struct, frozen=True):
    mission_id: int
    title: str
    direction: Direction
    start_date: dt.date
    end_date: dt.date
    role: MissionRole | None  # None: a mission of mine the team does not count (yet)


class TeamView(msgspec.Struct, frozen=True):
    team: Team
    members: list[TeamMember]
    missions: list[LinkedMission]  # the team counts these
    linkable: list[LinkedMission]  # missions the viewer organises that the team does not count


class NewMember(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    email: str


class Link(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    role: MissionRole


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(code="bad-year", message=f"A year in {FIRST_YEAR}–{LAST_YEAR}.", field="year")
    return year


def _newest(m: LinkedMission) -> tuple[dt.date, int]:
    return m.start_date, m.mission_id


class LedgerService:
    def __init__(self, store: LedgerServiceStore, missions: MissionService, clock: Clock) -> None:
        self._store = store
        self._missions = missions
        self._clock = clock
        self._webinar = msgspec.json.Decoder(WebinarState)

    async def _team(self, user: User, team_id: int) -> Team:
        team = await self._store.team(team_id)
        require_team_member(team is not None and await self._store.is_team_member(team_id, user.id))
        assert team is not None
        return team

    # -- teams ----------------------------------------------------------------------------------------------

    async def teams(self, user: User) -> list[Team]:
        return await self._store.teams_of(user.id)

    async def create_team(self, user: User, draft: TeamDraft) -> Team:
        require_create_team(user)
        return await self._store.create_team(draft.validated().name, user.id, self._clock.now())

    async def rename(self, user: User, team_id: int, draft: TeamDraft) -> Team:
        await self._team(user, team_id)
        renamed = await self._store.rename_team(team_id, draft.validated().name)
        if renamed is None:
            raise NotFound(code="team-not-found", message="Team not found.")
        return renamed

    async def view(self, user: User, team_id: int) -> TeamView:
        team = await self._team(user, team_id)
        linked = {m.mission_id: m.role for m in await self._store.team_missions(team_id)}
        missions = []
        for mission_id, role in linked.items():
            found = await self._store.get_mission(mission_id)
            if found is not None:
                missions.append(LinkedMission(mission_id=found.id, title=found.title, direction=found.direction,
                                              start_date=found.start_date, end_date=found.end_date, role=role))
        mine = [LinkedMission(mission_id=m.id, title=m.title, direction=m.direction, start_date=m.start_date,
                              end_date=m.end_date, role=None)
                for m, ms in await self._store.missions_of(user.id)
                if ms.role is Role.ORGANISER and m.id not in linked]
        return TeamView(team=team, members=await self._store.team_members(team_id),
                        missions=sorted(missions, key=_newest, reverse=True),
                        linkable=sorted(mine, key=_newest, reverse=True))

    async def add_member(self, user: User, team_id: int, member: NewMember) -> list[TeamMember]:
        await self._team(user, team_id)
        found = await self._store.get_user_by_email(member.email.strip().lower())
        if found is None:
            raise NotFound(code="user-not-found", message="Nobody has an account with that address yet: invite "
                           "them to a mission first, or ask them to sign in once.", field="email")
        if not await self._store.add_team_member(team_id, found.id):
            raise Conflict(code="already-in-team", message=f"{found.name} is in the team already.", field="email")
        return await self._store.team_members(team_id)

    async def remove_member(self, user: User, team_id: int, member_id: int) -> list[TeamMember]:
        await self._team(user, team_id)
        if not await self._store.is_team_member(team_id, member_id):
            raise NotFound(code="user-not-found", message="That person is not in the team.")
        removed, _ = await self._store.remove_team_member(team_id, member_id, MIN_TEAM_MEMBERS)
        require_team_members_left(removed, was_member=True)
        return await self._store.team_members(team_id)

    # -- missions -------------------------------------------------------------------------------------------

    async def link(self, user: User, team_id: int, mission_id: int, link: Link) -> TeamView:
        await self._team(user, team_id)
        actor, _ = await self._missions.actor(user, mission_id)
        require_link_mission(actor)
        if not await self._store.link_mission(team_id, mission_id, link.role):
            raise Conflict(code="lead-partner-taken", message="Another team is this mission's lead partner; "
                           "link it as partner.", field="role")
        return await self.view(user, team_id)

    async def unlink(self, user: User, team_id: int, mission_id: int) -> TeamView:
        await self._team(user, team_id)
        if not await self._store.unlink_mission(team_id, mission_id):
            raise NotFound(code="mission-not-linked", message="The team does not count that mission.")
        return await self.view(user, team_id)

    # -- activities, plans, corrections --------------------------------------------------------------------

    async def activities(self, user: User, team_id: int, year: int) -> list[Activity]:
        await self._team(user, team_id)
        return await self._store.activities(team_id, dt.date(_year(year), 1, 1), dt.date(year, 12, 31))

    async def add_activity(self, user: User, team_id: int, draft: ActivityDraft) -> Activity:
        await self._team(user, team_id)
        return await self._store.add_activity(team_id, draft.validated(), user.id, self._clock.now())

    async def delete_activity(self, user: User, team_id: int, activity_id: int) -> None:
        await self._team(user, team_id)
        if not await self._store.delete_activity(team_id, activity_id):
            raise NotFound(code="activity-not-found", message="No such activity in this team.")

    async def plans(self, user: User, team_id: int) -> list[Plan]:
        await self._team(user, team_id)
        return await self._store.plans(team_id)

    async def set_plan(self, user: User, team_id: int, draft: PlanDraft) -> Plan:
        await self._team(user, team_id)
        return await self._store.set_plan(team_id, draft.validated(), user.id, self._clock.now())

    async def corrections(self, user: User, team_id: int) -> list[Correction]:
        await self._team(user, team_id)
        return await self._store.corrections(team_id)

    async def add_correction(self, user: User, team_id: int, draft: CorrectionDraft) -> Correction:
        await self._team(user, team_id)
        return await self._store.add_correction(team_id, draft.validated(), user.id, self._clock.now())

    # -- the ledger -----------------------------------------------------------------------------------------

    async def ledger(self, user: User, team_id: int, year: int) -> Ledger:
        team = await self._team(user, team_id)
        now = self._clock.now()
        linked = await self._store.team_missions(team_id)
        ids = [m.mission_id for m in linked]
        held = await self._store.held_meetings_by_year(ids)
        organisations = await self._store.mission_organisations(ids)
        facts = []
        for link in linked:
            mission = await self._store.get_mission(link.mission_id)
            if mission is None:
                continue
            webinars: dict[int, int] = {}
            visits: dict[int, int] = {}
            for item in await self._store.programme(mission.id):
                y = item.starts_at.year
                if item.kind is ItemKind.WEBINAR and await self._went_live(item.id):
                    webinars[y] = webinars.get(y, 0) + 1
                elif item.kind is ItemKind.COMPANY_VISIT and item.ends_at <= now:
                    visits[y] = visits.get(y, 0) + 1
            facts.append(MissionFacts(
                mission_id=mission.id, title=mission.title, direction=mission.direction, role=link.role,
                start_date=mission.start_date, end_date=mission.end_date,
                organisations=frozenset(organisations.get(mission.id, set())),
                held_by_year=held.get(mission.id, {}), webinars_by_year=webinars, visits_by_year=visits))
        plans = await self._store.plans(team_id)
        first = min([_year(year)] + [p.first_year for p in plans if p.first_year <= year <= p.last_year])
        activities = await self._store.activities(team_id, dt.date(first, 1, 1), dt.date(year, 12, 31))
        return compute(team, year, now.date(), now, facts, activities, plans, await self._store.corrections(team_id))

    async def _went_live(self, item_id: int) -> bool:
        """A webinar counts as an information session held when someone other than its staff watched it live."""
        room = webinar(item_id).name
        raw, _ = await self._store.load(room, room)
        if raw is None:
            return False
        return any(a.attended and not a.card.staff for a in self._webinar.decode(raw).attendance.values())
