"""The LeadBook contract (rooms/leads/ports.py): memory, SQLite and PostgreSQL keep the workspace around each lead
alike — status changes with their times, next steps reminded of once per date, leads added by hand, targets."""

from __future__ import annotations

import asyncio
import datetime as dt

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.leads.records import Contact, LeadEdit, LeadStatus, ManualLead, Origin
from rooms.matchmaking.records import LeadSource
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import Role, User

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)
TODAY = NOW.date()


async def _setup(store: Store) -> tuple[Mission, User, User]:
    owner = await store.create_user("olga@example.org", "Olga Organiser", NOW)
    draft = MissionDraft(title="Water to Ghana", destination="Ghana", timezone="Africa/Accra",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated()
    mission = await store.create_mission(draft, owner.id, NOW)
    ana = await store.create_user("ana@example.org", "Ana", NOW)
    bo = await store.create_user("bo@example.org", "Bo", NOW)
    for user in (ana, bo):
        await store.set_membership(mission.id, user.id, Role.PARTICIPANT, Side.DELEGATION)
    return mission, ana, bo


async def test_a_lead_nobody_edited_is_new_and_edits_keep_each_status_change(store: Store) -> None:
    mission, ana, bo = await _setup(store)
    lead = await store.add_lead(mission.id, ana.id, bo.id, LeadSource.LOUNGE, None, NOW)
    fresh = await store.lead_entry(lead.id)
    assert fresh is not None
    assert (fresh.lead, fresh.status, fresh.changes, fresh.contact, fresh.origin) == (
        lead, LeadStatus.NEW, [], Contact(), None)
    assert fresh.next_step_on is None and fresh.notes == "" and fresh.meeting_notes == ""

    edit = LeadEdit(status=LeadStatus.CONTACTED, next_step_on=TODAY, next_step_note="Call back",
                    notes="Wants 200 pumps", contact=Contact(email="bo@work.example", phone="+31 6 1234"))
    saved = await store.edit_lead(lead.id, edit, NOW + MIN)
    assert saved is not None
    assert [(c.status, c.at) for c in saved.changes] == [(LeadStatus.CONTACTED, NOW + MIN)]
    assert (saved.next_step_on, saved.next_step_note, saved.notes, saved.contact, saved.updated_at) == (
        TODAY, "Call back", "Wants 200 pumps", edit.contact, NOW + MIN)
    same = await store.edit_lead(lead.id, LeadEdit(status=LeadStatus.CONTACTED, notes="more"), NOW + 2 * MIN)
    assert same is not None and len(same.changes) == 1 and same.notes == "more" and same.next_step_on is None
    won = await store.edit_lead(lead.id, LeadEdit(status=LeadStatus.WON), NOW + 3 * MIN)
    assert won is not None
    assert [c.status for c in won.changes] == [LeadStatus.CONTACTED, LeadStatus.WON]
    assert await store.lead_entry(lead.id) == won
    assert await store.edit_lead(lead.id + 10_000, edit, NOW) is None
    assert await store.lead_entry(lead.id + 10_000) is None


async def test_leads_added_by_hand_need_no_platform_person_and_list_newest_first(store: Store) -> None:
    mission, ana, bo = await _setup(store)
    auto = await store.add_lead(mission.id, ana.id, bo.id, LeadSource.MEETING, None, NOW)
    card = Contact(name="Kwame Mensah", organisation="Accra Water", email="k@aw.example")
    by_hand = await store.add_manual_lead(ana.id, ManualLead(mission_id=mission.id, contact=card,
                                                             origin=Origin.BUSINESS_CARD, notes="At the fair"),
                                          NOW + MIN)
    assert (by_hand.lead.person, by_hand.lead.source, by_hand.origin, by_hand.contact, by_hand.notes) == (
        None, LeadSource.MANUAL, Origin.BUSINESS_CARD, card, "At the fair")
    assert by_hand.status is LeadStatus.NEW
    also_bo = await store.add_manual_lead(ana.id, ManualLead(mission_id=mission.id, contact=Contact(), person=bo.id,
                                                             origin=Origin.COMPANY_VISIT), NOW + 2 * MIN)
    assert also_bo.lead.person == bo.id
    assert [e.lead.id for e in await store.lead_entries(ana.id)] == [also_bo.lead.id, by_hand.lead.id, auto.id]
    assert await store.lead_entries(bo.id) == []
    assert await store.lead_entry(by_hand.lead.id) == by_hand
    # The old per-mission list still lists every lead of the mission.
    assert len(await store.leads_of(mission.id, ana.id)) == 3


async def test_meeting_notes_come_with_a_meeting_lead(store: Store) -> None:
    mission, ana, bo = await _setup(store)
    slot = dt.datetime(2027, 3, 9, 10, 0, tzinfo=dt.UTC)
    item = await store.add_item(mission.id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=slot,
                                                      ends_at=slot + dt.timedelta(hours=2)).validated(mission))
    meeting = await store.book(mission.id, ana.id, bo.id, item.id, slot, slot + dt.timedelta(minutes=20), ana.id,
                               10, NOW)
    await store.save_notes(meeting.id, ana.id, "Bo's pumps are cheap", 4, NOW)
    await store.save_notes(meeting.id, bo.id, "Bo's own notes", 3, NOW)
    lead = await store.add_lead(mission.id, ana.id, bo.id, LeadSource.MEETING, meeting.id, NOW)
    entry = await store.lead_entry(lead.id)
    assert entry is not None and entry.meeting_notes == "Bo's pumps are cheap"


async def test_a_due_next_step_is_reminded_of_once_per_date(store: Store) -> None:
    mission, ana, bo = await _setup(store)
    lead = await store.add_lead(mission.id, ana.id, bo.id, LeadSource.LOUNGE, None, NOW)
    later = await store.add_lead(mission.id, bo.id, ana.id, LeadSource.LOUNGE, None, NOW)
    await store.edit_lead(lead.id, LeadEdit(next_step_on=TODAY), NOW)
    await store.edit_lead(later.id, LeadEdit(next_step_on=TODAY + dt.timedelta(days=2)), NOW)
    assert [e.lead.id for e in await store.due_leads(TODAY)] == [lead.id]
    assert [e.lead.id for e in await store.due_leads(TODAY + dt.timedelta(days=3))] == [lead.id, later.id]
    racing = await asyncio.gather(*(store.mark_reminded(lead.id, TODAY) for _ in range(6)))
    assert racing.count(True) == 1
    assert await store.due_leads(TODAY) == []
    entry = await store.lead_entry(lead.id)
    assert entry is not None and entry.reminded_on == TODAY
    assert not await store.mark_reminded(lead.id, TODAY + dt.timedelta(days=1))  # not its date
    # A new date is reminded of again; an edit that keeps the date does not re-arm it.
    await store.edit_lead(lead.id, LeadEdit(next_step_on=TODAY, notes="x"), NOW)
    assert await store.due_leads(TODAY) == []
    moved = TODAY + dt.timedelta(days=1)
    await store.edit_lead(lead.id, LeadEdit(next_step_on=moved), NOW)
    assert [e.lead.id for e in await store.due_leads(moved)] == [lead.id]
    assert await store.mark_reminded(lead.id, moved)


async def test_targets_are_per_person_and_mission(store: Store) -> None:
    mission, ana, bo = await _setup(store)
    assert await store.lead_targets(ana.id) == {}
    await store.set_lead_target(ana.id, mission.id, 12)
    await store.set_lead_target(ana.id, mission.id, 40)
    assert await store.lead_targets(ana.id) == {mission.id: 40}
    assert await store.lead_targets(bo.id) == {}
