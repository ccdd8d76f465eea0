"""Webinar leads (docs/leads.md): bringing someone on stage and answering someone's question make leads, both ways
— except that an anonymous asker is never named to the answerer — and a rehearsal makes none."""

from __future__ import annotations

from rooms.matchmaking.records import LeadSource
from rooms.webinar.events import QuestionChanged
from tests.unit.test_webinar_domain import Webinar, bodies, make_webinar


async def _leads(w: Webinar, owner: int) -> list[tuple[int | None, LeadSource]]:
    return [(e.lead.person, e.lead.source) for e in await w.store.lead_entries(owner)]


async def test_a_guest_brought_on_stage_and_the_inviter_get_a_lead_of_each_other() -> None:
    w = await make_webinar()
    anna, ben, mod = w.users["anna"], w.users["ben"], w.users["moderator"]
    await w.svc.invite(mod, w.item, anna.id, None)
    await w.svc.reply(anna, w.item, True)
    assert await _leads(w, mod.id) == [(anna.id, LeadSource.STAGE)]
    assert await _leads(w, anna.id) == [(mod.id, LeadSource.STAGE)]
    await w.svc.invite(mod, w.item, ben.id, None)
    await w.svc.reply(ben, w.item, False)  # declined: no lead
    assert await _leads(w, ben.id) == []


async def test_an_answered_question_makes_leads_but_never_names_an_anonymous_asker() -> None:
    w = await make_webinar()
    anna, ben, host = w.users["anna"], w.users["ben"], w.users["host"]
    await w.svc.set_qa_mode(host, w.item, "pre-approved")
    asked = [bodies(await w.svc.ask(who, w.item, f"A question from {who.id}?", anonymous, f"k{who.id}"), w.staff)[0]
             for who, anonymous in ((anna, False), (ben, True))]
    for body in asked:
        assert isinstance(body, QuestionChanged)
        await w.svc.moderate(host, w.item, body.question.id, "approve")
        await w.svc.moderate(host, w.item, body.question.id, "answered")
    assert await _leads(w, anna.id) == [(host.id, LeadSource.QA)]
    assert await _leads(w, ben.id) == [(host.id, LeadSource.QA)]
    assert await _leads(w, host.id) == [(anna.id, LeadSource.QA)]  # not ben: he asked anonymously


async def test_a_rehearsal_makes_no_leads() -> None:
    w = await make_webinar()
    anna, host = w.users["anna"], w.users["host"]
    await w.svc.rehearse(host, w.item, True)
    await w.svc.invite(host, w.item, anna.id, None)
    await w.svc.reply(anna, w.item, True)
    assert await _leads(w, host.id) == [] and await _leads(w, anna.id) == []
