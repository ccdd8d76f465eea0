"""The ResultsStore contract (rooms/results/ports.py): memory, SQLite and PostgreSQL count a mission's requests by
status, the ratings given per meeting and its leads by owner, stage and source alike, and never count another
mission's."""

from __future__ import annotations

import datetime as dt

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.leads.records import Contact, LeadEdit, LeadStatus, ManualLead
from rooms.matchmaking.records import LeadSource, RequestStatus
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import Role, User
from rooms.results.ports import LeadCount

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)
SLOT = dt.datetime(2027, 3, 9, 10, 0, tzinfo=dt.UTC)


async def _mission(store: Store, owner: User, title: str, people: list[User]) -> tuple[Mission, int]:
    draft = MissionDraft(title=title, destination="Ghana", timezone="Africa/Accra",
                         start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated()
    mission = await store.create_mission(draft, owner.id, NOW)
    for user in people:
        await store.set_membership(mission.id, user.id, Role.PARTICIPANT, Side.DELEGATION)
    item = await store.add_item(mission.id, ItemDraft(kind=ItemKind.MATCHMAKING, title="Matchmaking", starts_at=SLOT,
                                                      ends_at=SLOT + dt.timedelta(hours=3)).validated(mission))
    return mission, item.id


async def test_counts_are_per_mission_and_by_status_rating_and_source(store: Store) -> None:
    owner = await store.create_user("olga@example.org", "Olga Organiser", NOW)
    ana, bo, cy, di = [await store.create_user(f"{n}@example.org", n.title(), NOW) for n in ("ana", "bo", "cy", "di")]
    mission, item = await _mission(store, owner, "Water to Ghana", [ana, bo, cy, di])
    other, other_item = await _mission(store, owner, "Water to Kenya", [ana, bo])

    # Requests: one of each end state, and one in the other mission.
    accepted = await store.create_request(mission.id, ana.id, bo.id, "Hi", [SLOT], NOW)
    declined = await store.create_request(mission.id, cy.id, bo.id, "Hi", [SLOT], NOW)
    withdrawn = await store.create_request(mission.id, di.id, bo.id, "Hi", [SLOT], NOW)
    countered = await store.create_request(mission.id, cy.id, di.id, "Hi", [SLOT], NOW)
    await store.create_request(mission.id, di.id, cy.id, "Later?", [SLOT + 30 * MIN], NOW, counter_of=countered.id)
    await store.create_request(mission.id, ana.id, cy.id, "Hi", [SLOT], NOW)  # stays pending
    await store.create_request(other.id, ana.id, bo.id, "Hi", [SLOT], NOW)
    _, meeting = await store.accept(accepted.id, SLOT, SLOT + 20 * MIN, item, 10, NOW + MIN)
    await store.answer_request(declined.id, RequestStatus.DECLINED, "Full", NOW + MIN)
    await store.answer_request(withdrawn.id, RequestStatus.CANCELLED, None, NOW + MIN)
    assert await store.request_counts(mission.id) == {"accepted": 1, "declined": 1, "cancelled": 1, "countered": 1,
                                                      "pending": 2}
    assert await store.request_counts(other.id) == {"pending": 1}

    # Ratings: both rated one meeting, nobody another, notes without a rating do not count.
    quiet = await store.book(mission.id, cy.id, di.id, item, SLOT + 30 * MIN, SLOT + 50 * MIN, owner.id, 10, NOW)
    elsewhere = await store.book(other.id, ana.id, bo.id, other_item, SLOT + 60 * MIN, SLOT + 80 * MIN, owner.id, 10,
                                NOW)
    await store.save_notes(meeting.id, ana.id, "Good", 4, NOW)
    await store.save_notes(meeting.id, bo.id, "Fine", 5, NOW)
    await store.save_notes(quiet.id, cy.id, "Notes, no stars", None, NOW)
    await store.save_notes(elsewhere.id, ana.id, "Other mission", 1, NOW)
    assert {k: sorted(v) for k, v in (await store.meeting_ratings(mission.id)).items()} == {meeting.id: [4, 5]}
    assert await store.meeting_ratings(other.id) == {elsewhere.id: [1]}

    # Leads: a new one counts as `new`, an edited one by its latest stage; by owner and source.
    first = await store.add_lead(mission.id, ana.id, bo.id, LeadSource.MEETING, meeting.id, NOW)
    await store.add_lead(mission.id, bo.id, ana.id, LeadSource.MEETING, meeting.id, NOW)
    await store.add_lead(mission.id, ana.id, cy.id, LeadSource.LOUNGE, None, NOW)
    await store.add_manual_lead(ana.id, ManualLead(mission_id=mission.id, contact=Contact(name="Kwame")), NOW)
    await store.add_lead(other.id, ana.id, bo.id, LeadSource.LOUNGE, None, NOW)
    await store.edit_lead(first.id, LeadEdit(status=LeadStatus.CONTACTED), NOW + MIN)
    await store.edit_lead(first.id, LeadEdit(status=LeadStatus.WON, notes="never counted"), NOW + 2 * MIN)
    counted = sorted(await store.lead_counts(mission.id), key=lambda c: (c.owner, c.status, c.source))
    assert counted == sorted([
        LeadCount(owner=ana.id, status="won", source="meeting", count=1),
        LeadCount(owner=ana.id, status="new", source="lounge", count=1),
        LeadCount(owner=ana.id, status="new", source="manual", count=1),
        LeadCount(owner=bo.id, status="new", source="meeting", count=1),
    ], key=lambda c: (c.owner, c.status, c.source))
    assert await store.lead_counts(other.id) == [LeadCount(owner=ana.id, status="new", source="lounge", count=1)]


async def test_an_empty_mission_counts_nothing(store: Store) -> None:
    owner = await store.create_user("olga@example.org", "Olga Organiser", NOW)
    mission, _ = await _mission(store, owner, "Nothing yet", [])
    assert await store.request_counts(mission.id) == {}
    assert await store.meeting_ratings(mission.id) == {}
    assert await store.lead_counts(mission.id) == []
