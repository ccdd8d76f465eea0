"""Domain rules that need no storage: validation, time zones across DST, the policy table."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from rooms.core.cards import Side
from rooms.core.errors import Invalid, NotAllowed, NotFound
from rooms.missions.mission import Direction, Format, ItemDraft, ItemKind, Mission, MissionDraft
from rooms.missions.people import InvitationDraft, Membership, Role, User, normalise_email
from rooms.missions.profile import ProfileDraft
from rooms.policy import RULES, Action, Actor, permissions, require

UTC = dt.UTC


def _mission(tz: str = "America/Los_Angeles", start: dt.date = dt.date(2027, 3, 8), days: int = 14,
             fmt: Format = Format.ONLINE) -> Mission:
    return Mission(id=1, title="M", destination="D", timezone=tz, start_date=start,
                   end_date=start + dt.timedelta(days=days), direction=Direction.OUTGOING, format=fmt,
                   sectors=["EV charging"], description="", webinar_max_minutes=60, created_by=1,
                   created_at=dt.datetime(2027, 1, 1, tzinfo=UTC))


def _item(starts: dt.datetime, minutes: int = 30, kind: ItemKind = ItemKind.GROUP_SESSION, **kw: Any) -> ItemDraft:
    return ItemDraft(kind=kind, title="Briefing", starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes),
                     **kw)


def test_times_are_kept_in_utc_whatever_offset_they_came_with() -> None:
    amsterdam = zoneinfo.ZoneInfo("Europe/Amsterdam")
    clean = _item(dt.datetime(2027, 3, 10, 18, 0, tzinfo=amsterdam)).validated(_mission())
    assert clean.starts_at == dt.datetime(2027, 3, 10, 17, 0, tzinfo=UTC)
    assert clean.starts_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("local_date", "expected_utc_hour"),
    [
        # Los Angeles moves to summer time on 14 March 2027, Amsterdam only on 28 March:
        # a 09:00 LA session is 17:00 UTC before, 16:00 UTC in between and after.
        (dt.date(2027, 3, 12), 17),
        (dt.date(2027, 3, 15), 16),
        (dt.date(2027, 3, 29), 16),
    ],
)
def test_a_daily_session_keeps_its_local_time_across_dst(local_date: dt.date, expected_utc_hour: int) -> None:
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    starts = dt.datetime.combine(local_date, dt.time(9, 0), tzinfo=la)
    clean = _item(starts).validated(_mission(days=30))
    assert clean.starts_at.hour == expected_utc_hour
    assert clean.starts_at.astimezone(la).time() == dt.time(9, 0)


def test_items_outside_the_mission_days_in_its_own_zone_are_refused() -> None:
    # 23:30 in Los Angeles on the last day is already the next day in UTC: still inside the mission.
    mission = _mission(start=dt.date(2027, 6, 14), days=4)
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    late = dt.datetime(2027, 6, 18, 23, 0, tzinfo=la)
    assert _item(late).validated(mission).starts_at.date() == dt.date(2027, 6, 19)
    with pytest.raises(Invalid) as exc:
        _item(late + dt.timedelta(hours=2)).validated(mission)
    assert exc.value.code == "outside-mission"


def test_company_visits_belong_to_hybrid_missions_and_need_an_address() -> None:
    start = dt.datetime(2027, 3, 9, 15, 0, tzinfo=UTC)
    with pytest.raises(Invalid) as exc:
        _item(start, kind=ItemKind.COMPANY_VISIT, address="1 Main St").validated(_mission())
    assert exc.value.code == "visit-needs-hybrid"
    with pytest.raises(Invalid) as exc:
        _item(start, kind=ItemKind.COMPANY_VISIT).validated(_mission(fmt=Format.HYBRID))
    assert exc.value.code == "address-required"
    visit = _item(start, kind=ItemKind.COMPANY_VISIT, address=" 200  Technology Sq,\n Cambridge ")
    assert visit.validated(_mission(fmt=Format.HYBRID)).address == "200 Technology Sq, Cambridge"


def test_mission_drafts_are_cleaned() -> None:
    draft = MissionDraft(title="  West   Coast ", destination="SF", timezone="America/Los_Angeles",
                         start_date=dt.date(2027, 6, 14), end_date=dt.date(2027, 6, 18),
                         sectors=["EV charging", "ev  Charging", "Batteries"])
    clean = draft.validated()
    assert clean.title == "West Coast"
    assert clean.sectors == ["EV charging", "Batteries"]
    with pytest.raises(Invalid):
        MissionDraft(title="x", destination="y", timezone="Europe/Amsterdam", start_date=dt.date(2027, 1, 1),
                     end_date=dt.date(2027, 5, 1)).validated()


def test_profile_and_invitation_drafts_are_normalised() -> None:
    clean = ProfileDraft(name=" Anna  de Vries ", country="nl", languages=["NL", "en", "nl"],
                         sectors=["EV charging", "EV Charging"], website="https://voltera.example").validated()
    assert (clean.name, clean.country, clean.languages, clean.sectors) == (
        "Anna de Vries", "NL", ["nl", "en"], ["EV charging"])
    inv = InvitationDraft(email=" Anna@Voltera.Example ", name="Anna", side=Side.DELEGATION).validated()
    assert inv.email == "anna@voltera.example"
    with pytest.raises(Invalid):
        normalise_email("anna@localhost")


def _actor(role: Role | None, can_create: bool = False) -> Actor:
    user = User(id=7, email="a@b.example", name="A", can_create_missions=can_create, has_password=False,
                created_at=dt.datetime(2027, 1, 1, tzinfo=UTC))
    return Actor(user, None if role is None else Membership(1, 7, role, Side.PARTNER))


def test_every_mission_action_has_a_rule() -> None:
    assert set(RULES) == set(Action) - {Action.CREATE_MISSION}


@pytest.mark.parametrize("role", list(Role))
def test_policy_table(role: Role) -> None:
    actor = _actor(role)
    for action, roles in RULES.items():
        if role in roles:
            require(actor, action)
        else:
            with pytest.raises(NotAllowed):
                require(actor, action)
    assert ("invite" in permissions(actor)) is (role is Role.ORGANISER)


def test_non_members_learn_nothing() -> None:
    for action in RULES:
        with pytest.raises(NotFound):
            require(_actor(None), action)
    with pytest.raises(NotAllowed):
        require(_actor(None), Action.CREATE_MISSION)
    require(_actor(None, can_create=True), Action.CREATE_MISSION)
