"""The template rules in the domain: moving items by whole days at the same local time, and who may copy or grant."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.core.errors import NotAllowed, NotFound
from rooms.missions.mission import Direction, Format, ItemKind, Mission, ProgrammeItem
from rooms.missions.people import Membership, Role, User
from rooms.missions.template import TemplateDraft, copied_draft, shifted
from rooms.policy import Actor, require_copy_mission, require_creators_left, require_grant_mission_creators

UTC = dt.UTC
SOURCE = Mission(id=1, title="EV West Coast", destination="Portland", timezone="America/Los_Angeles",
                 start_date=dt.date(2026, 10, 26), end_date=dt.date(2026, 10, 30), direction=Direction.OUTGOING,
                 format=Format.PHYSICAL, sectors=["EV"], description="", webinar_max_minutes=60, created_by=1,
                 created_at=dt.datetime(2026, 1, 1, tzinfo=UTC))


def _user(can_create: bool) -> User:
    return User(id=7, email="a@b.example", name="A", can_create_missions=can_create, has_password=False,
                created_at=dt.datetime(2026, 1, 1, tzinfo=UTC))


def test_an_item_keeps_its_local_time_across_daylight_saving() -> None:
    # 09:00 PDT on Friday 30 October (16:00 UTC) → a week later it is PST: 09:00 local is 17:00 UTC.
    item = ProgrammeItem(id=1, mission_id=1, kind=ItemKind.COMPANY_VISIT, title="Visit", description="",
                         starts_at=dt.datetime(2026, 10, 30, 16, 0, tzinfo=UTC),
                         ends_at=dt.datetime(2026, 10, 30, 17, 30, tzinfo=UTC), address="Pier 1", track="")
    moved = shifted(item, 7, "America/Los_Angeles")
    assert moved.starts_at == dt.datetime(2026, 11, 6, 17, 0, tzinfo=UTC)
    assert moved.ends_at == dt.datetime(2026, 11, 6, 18, 30, tzinfo=UTC)
    assert (moved.kind, moved.title, moved.address) == (item.kind, item.title, item.address)


def test_the_copy_keeps_length_and_settings_with_a_new_title_and_start() -> None:
    draft = copied_draft(SOURCE, TemplateDraft(title=" Next  one ", start_date=dt.date(2027, 3, 1)))
    assert (draft.title, draft.start_date, draft.end_date) == ("Next one", dt.date(2027, 3, 1), dt.date(2027, 3, 5))
    assert (draft.format, draft.timezone, draft.sectors) == (Format.PHYSICAL, SOURCE.timezone, ["EV"])


def test_company_visits_belong_to_missions_on_location() -> None:
    assert Format.PHYSICAL.on_location and Format.HYBRID.on_location and not Format.ONLINE.on_location


@pytest.mark.parametrize(("role", "can_create", "refusal"), [
    (Role.ORGANISER, True, None),
    (Role.ORGANISER, False, NotAllowed),
    (Role.PARTICIPANT, True, NotAllowed),
    (None, True, NotFound),
])
def test_who_may_copy(role: Role | None, can_create: bool, refusal: type[Exception] | None) -> None:
    actor = Actor(_user(can_create), None if role is None else Membership(1, 7, role, None))
    if refusal is None:
        require_copy_mission(actor)
    else:
        with pytest.raises(refusal):
            require_copy_mission(actor)


def test_only_creators_grant_and_the_last_keeps_the_right() -> None:
    require_grant_mission_creators(_user(True))
    with pytest.raises(NotAllowed):
        require_grant_mission_creators(_user(False))
    require_creators_left(1)
    with pytest.raises(NotAllowed) as exc:
        require_creators_left(0)
    assert exc.value.code == "last-mission-creator"
