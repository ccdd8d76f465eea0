"""A mission's results as tables for CSV and XLSX (docs/results.md, "Export"): one table per section, column
names in English snake case (stable for anyone importing them)."""

from __future__ import annotations

from collections.abc import Iterable

from rooms.core.sheets import Cell, Table
from rooms.results.records import MissionResults


def _when(r: MissionResults) -> str:
    return r.computed_at.isoformat()


def _keyed(figure: str, pairs: Iterable[tuple[str, int]]) -> list[list[Cell]]:
    return [[figure, key, n] for key, n in pairs]


def _statuses(found: dict[str, int], keys: list[str]) -> list[Cell]:
    return [found.get(k, 0) for k in keys]


def tables(r: MissionResults) -> list[Table]:
    p, i, mm, le = r.participation, r.invitations, r.matchmaking, r.leads
    c = p.companies
    participation: list[list[Cell]] = [
        ["people", "", p.people], *_keyed("people_by_side", p.by_side.items()),
        *_keyed("people_by_role", p.by_role.items()),
        *_keyed("people_by_org_type", [(x.key, x.count) for x in p.by_org_type]),
        *_keyed("people_by_sector", [(x.key, x.count) for x in p.by_sector]),
        ["companies", "", c.total], *_keyed("companies_by_side", c.by_side.items()),
        *_keyed("companies_by_org_type", c.by_org_type.items()),
        ["people_without_organisation", "", c.people_without_organisation]]
    invited: list[list[Cell]] = [
        ["invited", i.invited], ["opened", i.opened], ["accepted", i.accepted], ["pending", i.pending],
        ["expired", i.expired], ["revoked", i.revoked]]
    invited += [[f"mail_{k}", n] for k, n in i.mails.items()]
    return [
        Table("participation", ["figure", "key", "count"], participation),
        Table("invitations", ["figure", "count"], invited),
        Table("webinars", ["item_id", "title", "starts_at", "unique_viewers", "peak", "minutes_watched",
                           "average_minutes", "questions_asked", "questions_answered", "polls", "poll_voters",
                           "poll_participation", "replay_viewers"],
              [[w.item_id, w.title, w.starts_at.isoformat(), w.unique_viewers, w.peak, w.minutes_watched,
                w.average_minutes, w.questions_asked, w.questions_answered, w.polls, w.poll_voters,
                w.poll_participation, w.replay_viewers] for w in r.webinars]),
        Table("matchmaking", ["figure", "value"], [
            ["requests_sent", mm.requests_sent], ["requests_accepted", mm.requests_accepted],
            ["requests_declined", mm.requests_declined], ["requests_pending", mm.requests_pending],
            ["requests_other", mm.requests_other], ["meetings_booked", mm.meetings_booked], ["held", mm.held],
            ["no_show", mm.no_show], ["failed_to_connect", mm.failed_to_connect], ["ahead", mm.ahead],
            ["cancelled", mm.cancelled], ["average_held_minutes", mm.average_held_minutes],
            ["ratings", mm.ratings], ["average_rating", mm.average_rating]]),
        Table("meetings", ["meeting_id", "starts_at", "a_name", "a_organisation", "b_name", "b_organisation",
                           "status", "minutes_together", "media_seconds", "booked_by_organiser"],
              [[m.meeting_id, m.starts_at.isoformat(), m.a.name, m.a.organisation, m.b.name, m.b.organisation,
                m.status, m.minutes_together, m.media_seconds, "yes" if m.booked_by_organiser else "no"]
               for m in r.meetings]),
        Table("lounges", ["item_id", "title", "connects", "one_sided", "pairs_met"],
              [[x.item_id, x.title, x.connects, x.one_sided, x.pairs_met] for x in r.lounges]),
        Table("leads", ["user_id", "name", "organisation", "total", *sorted(le.by_status)],
              [[x.person.user_id, x.person.name, x.person.organisation, x.total,
                *_statuses(x.by_status, sorted(le.by_status))] for x in le.participants]),
        Table("company_visits", ["item_id", "title", "starts_at", "address", "attendance"],
              [[v.item_id, v.title, v.starts_at.isoformat(), v.address,
                v.attendance] for v in r.company_visits]),
    ]


TABLES = ("participation", "invitations", "webinars", "matchmaking", "meetings", "lounges", "leads", "company_visits")
