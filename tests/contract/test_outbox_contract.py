"""One suite for every OutboxStore: memory, SQLite, PostgreSQL (rooms/mail/ports.py states what they keep)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest

from rooms.catalog import Store
from rooms.core.cards import Side
from rooms.mail.outbox import LEASE, MailDraft, MailStatus, Outcome, judge
from rooms.missions.mission import MissionDraft
from rooms.missions.people import InvitationDraft, Role
from server.db.store_sql import SqlStore

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def _draft(n: int = 1, mission_id: int | None = None, template: str = "sign-in") -> MailDraft:
    return MailDraft(template=template, to_addr=f"p{n}@example.org", to_name=f"Person {n}", lang="nl",
                     sender_name="Roundtable", params={"expires": "later", "n": str(n)}, mission_id=mission_id)


async def test_a_queued_mail_is_claimed_once_then_settled(store: Store) -> None:
    mail_id = await store.enqueue_mail(_draft(), NOW)
    entry = await store.mail_entry(mail_id)
    assert entry is not None and entry.status is MailStatus.PENDING and entry.attempts == 0
    assert entry.draft == _draft()

    assert await store.claim_mail(NOW - SECOND, 10, LEASE, "early") == []  # not due before it was queued
    [claimed] = await store.claim_mail(NOW, 10, LEASE, "a")
    assert claimed.id == mail_id and claimed.status is MailStatus.SENDING and claimed.attempts == 1
    assert claimed.claim == "a" and claimed.next_attempt_at == NOW + LEASE
    assert await store.claim_mail(NOW + SECOND, 10, LEASE, "b") == []  # held by a's lease

    assert await store.settle_mail(mail_id, "a", Outcome(MailStatus.SENT, "250 OK queued"), NOW + SECOND)
    sent = await store.mail_entry(mail_id)
    assert sent is not None and sent.status is MailStatus.SENT and sent.last_answer == "250 OK queued"
    assert sent.sent_at == NOW + SECOND and sent.claim is None
    assert await store.claim_mail(NOW + 2 * LEASE, 10, LEASE, "c") == []  # final: never again


async def test_a_failed_attempt_is_retried_when_its_time_comes(store: Store) -> None:
    mail_id = await store.enqueue_mail(_draft(), NOW)
    [first] = await store.claim_mail(NOW, 10, LEASE, "a")
    outcome = judge(first.attempts, NOW, delivered=False, permanent=False, recipient_refused=False,
                    answer="ConnectionRefusedError", first_retry=10 * SECOND)
    assert outcome.status is MailStatus.RETRYING and outcome.retry_at == NOW + 10 * SECOND
    assert await store.settle_mail(mail_id, "a", outcome, NOW)
    waiting = await store.mail_entry(mail_id)
    assert waiting is not None and waiting.status is MailStatus.RETRYING
    assert waiting.last_answer == "ConnectionRefusedError"
    assert await store.claim_mail(NOW + 9 * SECOND, 10, LEASE, "b") == []
    [again] = await store.claim_mail(NOW + 10 * SECOND, 10, LEASE, "b")
    assert again.attempts == 2 and again.claim == "b"


async def test_a_claim_that_outlived_its_lease_records_nothing(store: Store) -> None:
    mail_id = await store.enqueue_mail(_draft(), NOW)
    await store.claim_mail(NOW, 10, LEASE, "dead node")
    # The node died mid-attempt: once the lease runs out another claims it, and the first one's late word is void.
    [taken] = await store.claim_mail(NOW + LEASE, 10, LEASE, "b")
    assert taken.attempts == 2
    assert not await store.settle_mail(mail_id, "dead node", Outcome(MailStatus.SENT, "250"), NOW + LEASE)
    assert await store.settle_mail(mail_id, "b", Outcome(MailStatus.BOUNCED, "550 no such user"), NOW + LEASE)
    entry = await store.mail_entry(mail_id)
    assert entry is not None and entry.status is MailStatus.BOUNCED and entry.sent_at is None


async def test_claims_take_the_oldest_first_up_to_the_limit(store: Store) -> None:
    ids = [await store.enqueue_mail(_draft(n), NOW) for n in range(5)]
    assert [e.id for e in await store.claim_mail(NOW, 3, LEASE, "a")] == ids[:3]
    assert [e.id for e in await store.claim_mail(NOW, 3, LEASE, "b")] == ids[3:]


async def test_racing_claimers_take_each_mail_exactly_once(store: Store) -> None:
    count, claimers = 120, 6
    for n in range(count):
        await store.enqueue_mail(_draft(n), NOW)
    # Separate connections for the SQL stores: each claimer is its own node.
    stores: list[Store] = [store]
    if isinstance(store, SqlStore):
        stores += [await SqlStore.open(store.url) for _ in range(claimers - 1)]
    taken: Counter[int] = Counter()

    async def claimer(i: int) -> None:
        mine = stores[i % len(stores)]
        while batch := await mine.claim_mail(NOW, 7, LEASE, f"node-{i}"):
            for entry in batch:
                taken[entry.id] += 1
                assert await mine.settle_mail(entry.id, f"node-{i}", Outcome(MailStatus.SENT, "250"), NOW)

    try:
        await asyncio.gather(*(claimer(i) for i in range(claimers)))
    finally:
        for other in stores[1:]:
            await other.close()
    assert len(taken) == count and set(taken.values()) == {1}


async def test_without_smtp_pending_mail_is_held(store: Store) -> None:
    first = await store.enqueue_mail(_draft(1), NOW)
    [held] = await store.hold_mail(NOW, 10)
    assert held.id == first and held.status is MailStatus.HELD
    assert await store.hold_mail(NOW, 10) == []
    assert await store.claim_mail(NOW + LEASE, 10, LEASE, "a") == []  # held mail is never sent


async def test_mail_waiting_counts_pending_sending_and_retrying_only(store: Store) -> None:
    assert await store.mail_waiting() == 0
    ids = [await store.enqueue_mail(_draft(n), NOW) for n in range(4)]
    assert await store.mail_waiting() == 4
    sending = await store.claim_mail(NOW, 3, LEASE, "a")
    assert await store.mail_waiting() == 4  # sending still waits
    sent, retrying, bounced = (e.id for e in sending)
    assert await store.settle_mail(sent, "a", Outcome(MailStatus.SENT, "250 OK"), NOW)
    assert await store.settle_mail(retrying, "a", Outcome(MailStatus.RETRYING, "421 busy", NOW + LEASE), NOW)
    assert await store.settle_mail(bounced, "a", Outcome(MailStatus.BOUNCED, "550 no such user"), NOW)
    assert await store.mail_waiting() == 2  # the one retrying and the one never claimed
    assert ids[3] not in (sent, retrying, bounced)
    await store.hold_mail(NOW, 10)
    assert await store.mail_waiting() == 1  # held mail is kept, not waiting


async def test_the_mail_comes_with_what_caused_it_or_not_at_all(store: Store) -> None:
    owner = await store.create_user("org@example.org", "Olga Organiser", NOW, can_create_missions=True)
    mission = await store.create_mission(MissionDraft(
        title="EV charging to Boston", destination="Boston", timezone="America/New_York",
        start_date=dt.date(2027, 3, 8), end_date=dt.date(2027, 3, 12)).validated(), owner.id, NOW)
    invitation = await store.create_invitation(
        mission.id, InvitationDraft(email="bo@example.org", name="Bo Chen", role=Role.PARTICIPANT,
                                    side=Side.PARTNER).validated(),
        owner.id, NOW, NOW + dt.timedelta(days=14), _draft(1, mission.id, "invitation"))
    link = await store.create_sign_in_link(owner.id, None, NOW, NOW + LEASE, _draft(2))
    without = await store.create_sign_in_link(owner.id, None, NOW, NOW + LEASE)

    everything = await store.outbox(None)
    assert [(e.draft.template, e.draft.ref_id) for e in everything] == [("sign-in", link),
                                                                          ("invitation", invitation.id)]
    assert without not in [e.draft.ref_id for e in everything if e.draft.template == "sign-in"]
    assert [e.draft.ref_id for e in await store.outbox(mission.id)] == [invitation.id]

    # A link for nobody is refused, and its mail with it.
    with pytest.raises(Exception):  # noqa: B017 — NotFound in memory, the foreign key in SQL
        await store.create_sign_in_link(999_999, None, NOW, NOW + LEASE, _draft(3))
    assert len(await store.outbox(None)) == 2
