"""The LedgerStore contract (rooms/ledger/ports.py): memory, SQLite and PostgreSQL keep teams, their members and
missions, activities, plans and corrections alike, and count held meetings and organisations the same way."""

from __future__ import annotations

import asyncio
import datetime as dt

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.ledger.records import ActivityDraft, ActivityKind, CorrectionDraft, Figure, MissionRole, PlanDraft
from rooms.matchmaking.records import Attendance, CallQuality, MeetingStatus
from rooms.missions.mission import ItemDraft, ItemKind, MissionDraft
from rooms.missions.people import Role
from rooms.missions.profile import ProfileDraft

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
SLOT = dt.datetime(2027, 3, 9, 10, 0, tzinfo=dt.UTC)


async def test_teams_members_and_the_last_one_stays(store: Store) -> None:
    olga = await store.create_user("olga@example.org", "Olga", NOW)
    piet = await store.create_user("piet@example.org", "Piet", NOW)
    team = await store.create_team("Regio Oost", olga.id, NOW)
    assert await store.team(team.id) == team and await store.team(team.id + 99) is None
    assert [m.user_id for m in await store.team_members(team.id)] == [olga.id]
    assert await store.add_team_member(team.id, piet.id) is True
    assert await store.add_team_member(team.id, piet.id) is False
    assert [t.id for t in await store.teams_of(piet.id)] == [team.id]
    assert await store.is_team_member(team.id, piet.id)
    assert await store.remove_team_member(team.id, olga.id, 1) == (True, 1)
    assert await store.remove_team_member(team.id, piet.id, 1) == (False, 1)  # the last stays
    assert await store.remove_team_member(team.id, olga.id, 1) == (False, 1)  # not a member: nothing
    renamed = await store.rename_team(team.id, "Regio Oost-Nederland")
    assert renamed is not None and renamed.name == "Regio Oost-Nederland"


async def test_two_members_removing_each_other_at_once_leave_one(store: Store) -> None:
    a = await store.create_user("a@example.org", "A", NOW)
    b = await store.create_user("b@example.org", "B", NOW)
    team = await store.create_team("Pair", a.id, NOW)
    await store.add_team_member(team.id, b.id)
    results = await asyncio.gather(store.remove_team_member(team.id, a.id, 1),
                                   store.remove_team_member(team.id, b.id, 1))
    assert sorted(removed for removed, _ in results) == [False, True]
    assert len(await store.team_members(team.id)) == 1


async def test_one_lead_partner_per_mission_and_any_number_of_partners(store: Store) -> None:
    olga = await store.create_user("olga@example.org", "Olga", NOW)
    draft = MissionDraft(title="Water to Ghana", destination="Ghana", timezone="Africa/Accra",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated()
    mission = await store.create_mission(draft, olga.id, NOW)
    east, west, north = [await store.create_team(n, olga.id, NOW) for n in ("East", "West", "North")]
    assert await store.link_mission(east.id, mission.id, MissionRole.LEAD_PARTNER)
    assert not await store.link_mission(west.id, mission.id, MissionRole.LEAD_PARTNER)
    assert await store.link_mission(west.id, mission.id, MissionRole.PARTNER)
    assert await store.link_mission(north.id, mission.id, MissionRole.PARTNER)
    assert await store.lead_partner_of(mission.id) == east.id
    assert await store.link_mission(east.id, mission.id, MissionRole.PARTNER)  # a change of role
    assert await store.lead_partner_of(mission.id) is None
    assert [(m.mission_id, m.role) for m in await store.team_missions(east.id)] == [(mission.id, MissionRole.PARTNER)]
    assert await store.unlink_mission(east.id, mission.id) and not await store.unlink_mission(east.id, mission.id)


async def test_activities_plans_and_the_correction_log(store: Store) -> None:
    olga = await store.create_user("olga@example.org", "Olga Organiser", NOW)
    team = await store.create_team("Regio Oost", olga.id, NOW)
    other = await store.create_team("Elsewhere", olga.id, NOW)
    early = await store.add_activity(team.id, ActivityDraft(kind=ActivityKind.COMPANY_VISIT, on=dt.date(2027, 1, 5),
                                                            title="Voltera", count=3), olga.id, NOW)
    late = await store.add_activity(team.id, ActivityDraft(kind=ActivityKind.PARTNER_SCAN, on=dt.date(2027, 5, 5),
                                                           title="Scan", company="Bayfleet"), olga.id, NOW)
    await store.add_activity(team.id, ActivityDraft(kind=ActivityKind.INFO_SESSION, on=dt.date(2026, 12, 31),
                                                    title="Last year"), olga.id, NOW)
    await store.add_activity(other.id, ActivityDraft(kind=ActivityKind.INFO_SESSION, on=dt.date(2027, 2, 2),
                                                     title="Not ours"), olga.id, NOW)
    assert await store.activities(team.id, dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == [late, early]
    assert not await store.delete_activity(other.id, late.id)  # another team's id answers nothing
    assert await store.delete_activity(team.id, late.id)
    assert await store.activities(team.id, dt.date(2027, 1, 1), dt.date(2027, 12, 31)) == [early]

    year = await store.set_plan(team.id, PlanDraft(figure=Figure.MATCHMAKING, first_year=2027, last_year=2027,
                                                   low=300, high=300), olga.id, NOW)
    await store.set_plan(team.id, PlanDraft(figure=Figure.MATCHMAKING, first_year=2025, last_year=2028, low=None,
                                            high=None), olga.id, NOW)
    replaced = await store.set_plan(team.id, PlanDraft(figure=Figure.MATCHMAKING, first_year=2027, last_year=2027,
                                                       low=250, high=320), olga.id, NOW + dt.timedelta(hours=1))
    assert (year.low, replaced.low, replaced.high) == (300, 250, 320)
    assert [(p.first_year, p.last_year, p.low, p.high) for p in await store.plans(team.id)] == [
        (2025, 2028, None, None), (2027, 2027, 250, 320)]
    assert await store.plans(other.id) == []

    first = await store.add_correction(team.id, CorrectionDraft(figure=Figure.MISSIONS, year=2027, delta=2,
                                                                reason="Two before Roundtable"), olga.id, NOW)
    second = await store.add_correction(team.id, CorrectionDraft(figure=Figure.MISSIONS, year=2027, delta=-1,
                                                                 reason="Counted twice"), olga.id,
                                        NOW + dt.timedelta(minutes=1))
    assert await store.corrections(team.id) == [second, first]
    assert first.author_name == "Olga Organiser" and await store.corrections(other.id) == []


async def test_held_meetings_by_year_and_organisations_with_a_side(store: Store) -> None:
    olga = await store.create_user("olga@example.org", "Olga", NOW)
    draft = MissionDraft(title="Water to Ghana", destination="Ghana", timezone="Africa/Accra",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated()
    mission = await store.create_mission(draft, olga.id, NOW)
    item = await store.add_item(mission.id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=SLOT,
                                                      ends_at=SLOT + dt.timedelta(hours=3)).validated(mission))
    people = []
    for n, (org, side) in enumerate((("Voltera", Side.DELEGATION), ("Voltera", Side.DELEGATION),
                                     ("Bayfleet", Side.PARTNER), ("Staff org", None))):
        user = await store.create_user(f"p{n}@example.org", f"P{n}", NOW)
        await store.set_membership(mission.id, user.id, Role.PARTICIPANT if side else Role.HOST, side)
        await store.save_profile(user.id, ProfileDraft(name=f"P{n}", organisation=org, org_type=OrgType.SME))
        people.append(user)
    orgs = await store.mission_organisations([mission.id])
    profiles = [await store.get_profile(p.id) for p in people]
    ids = {p.organisation_id for p in profiles if p is not None}
    found = [p.organisation_id for p in profiles if p is not None]
    assert len(ids) == 3 and orgs == {mission.id: {found[0], found[2]}}
    held = await store.book(mission.id, people[0].id, people[2].id, item.id, SLOT, SLOT + dt.timedelta(minutes=20),
                            olga.id, 10, NOW)
    missed = await store.book(mission.id, people[1].id, people[2].id, item.id, SLOT + dt.timedelta(minutes=30),
                              SLOT + dt.timedelta(minutes=50), olga.id, 10, NOW)
    both = Attendance(a_seconds=600, b_seconds=600, both_seconds=600)
    await store.record_call(held.id, both, CallQuality(media_seconds=600), MeetingStatus.HELD)
    await store.record_call(missed.id, Attendance(a_seconds=300), CallQuality(), MeetingStatus.NO_SHOW)
    assert await store.held_meetings_by_year([mission.id]) == {mission.id: {2027: 1}}
    assert await store.held_meetings_by_year([]) == {} and await store.mission_organisations([]) == {}
