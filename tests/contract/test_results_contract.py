"""The ResultsStore contract (rooms/results/ports.py): memory, SQLite and PostgreSQL count a mission's requests by
status, the ratings given per meeting and its leads by owner, stage and source alike, give its members and meetings
as the same slim rows, and never count another mission's."""

from __future__ import annotations

import datetime as dt

from rooms.catalog import Store
from rooms.core.cards import OrgType, Side
from rooms.leads.records import Contact, LeadEdit, LeadStatus, ManualLead
from rooms.matchmaking.records import Attendance, CallQuality, LeadSource, MeetingStatus, RequestStatus
from rooms.missions.mission import ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import Role, User
from rooms.missions.profile import ProfileDraft
from rooms.organisations.records import OrganisationEdit
from rooms.results.ports import LeadCount, ResultMeeting, ResultMember

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
    assert [m.role for m in await store.result_members(mission.id)] == ["organiser"]
    assert await store.meeting_rows(mission.id) == []


async def test_members_and_meetings_are_slim_rows_of_the_mission(store: Store) -> None:
    owner = await store.create_user("olga@example.org", "Olga Organiser", NOW)
    ana, bo, cy, di = [await store.create_user(f"{n}@example.org", n.title(), NOW) for n in ("ana", "bo", "cy", "di")]
    # Ana's profile links to an organisation record an organiser then renamed and retyped; Bo names only a legal
    # form (no record); Cy named none; Di is suspended, so no member.
    linked = await store.save_profile(ana.id, ProfileDraft(
        name="Ana Alves", organisation="Acme B.V.", org_type=OrgType.SME, sectors=["Water", "Energy"],
        country="NL").validated())
    assert linked.organisation_id is not None
    await store.update_organisation(linked.organisation_id, OrganisationEdit(name="Acme Water",
                                                                             org_type=OrgType.CORPORATE))
    loose = await store.save_profile(bo.id, ProfileDraft(name="Bo Berg", organisation="B.V.",
                                                         org_type=OrgType.STARTUP, country="GH").validated())
    assert loose.organisation_id is None
    mission, item = await _mission(store, owner, "Water to Ghana", [ana, bo, cy, di])
    await store.set_membership(mission.id, bo.id, Role.PARTICIPANT, Side.PARTNER)
    await store.set_membership(mission.id, cy.id, Role.MODERATOR, None)
    await store.suspend_membership(mission.id, di.id, NOW)
    other, other_item = await _mission(store, owner, "Water to Kenya", [ana, bo])

    assert await store.result_members(mission.id) == sorted([
        ResultMember(user_id=owner.id, name="Olga Organiser", role="organiser", side=None, org_type="other",
                     sectors=[], organisation_id=None, organisation="", organisation_type=None),
        ResultMember(user_id=ana.id, name="Ana Alves", role="participant", side="delegation", org_type="sme",
                     sectors=["Water", "Energy"], organisation_id=linked.organisation_id, organisation="Acme Water",
                     organisation_type="corporate"),
        ResultMember(user_id=bo.id, name="Bo Berg", role="participant", side="partner", org_type="startup",
                     sectors=[], organisation_id=None, organisation="B.V.", organisation_type=None),
        ResultMember(user_id=cy.id, name="Cy", role="moderator", side=None, org_type="other", sectors=[],
                     organisation_id=None, organisation="", organisation_type=None),
    ], key=lambda m: m.user_id)
    assert [m.user_id for m in await store.result_members(other.id)] == sorted([owner.id, ana.id, bo.id])

    # A meeting from an accepted request, held; one an organiser booked earlier in the day, still ahead.
    request = await store.create_request(mission.id, ana.id, bo.id, "Hi", [SLOT + 30 * MIN], NOW)
    _, held = await store.accept(request.id, SLOT + 30 * MIN, SLOT + 50 * MIN, item, 10, NOW + MIN)
    await store.record_call(held.id, Attendance(a_seconds=1150, b_seconds=1120, both_seconds=1100),
                            CallQuality(media_seconds=1080), MeetingStatus.HELD)
    booked = await store.book(mission.id, bo.id, cy.id, item, SLOT, SLOT + 20 * MIN, owner.id, 10, NOW)
    await store.book(other.id, ana.id, bo.id, other_item, SLOT + 60 * MIN, SLOT + 80 * MIN, owner.id, 10, NOW)
    assert await store.meeting_rows(mission.id) == [
        ResultMeeting(id=booked.id, a=bo.id, b=cy.id, starts_at=SLOT, status="booked", both_seconds=0,
                      media_seconds=0, request_id=None),
        ResultMeeting(id=held.id, a=ana.id, b=bo.id, starts_at=SLOT + 30 * MIN, status="held", both_seconds=1100,
                      media_seconds=1080, request_id=request.id),
    ]
    assert len(await store.meeting_rows(other.id)) == 1
