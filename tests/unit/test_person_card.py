"""One person card (rooms.core.cards.PersonCard) under the cards each context shows: a struct's own fields come
after its base's, so each card's JSON is byte for byte what it was when each context declared every field itself."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from rooms.core.cards import OrgType, PersonCard, Side
from rooms.core.presence import PresenceEntry, Status
from rooms.lounge.events import LoungeCard
from rooms.webinar.events import AttendeeCard

ANNA = PersonCard(user_id=7, name="Anna de Vries", organisation="Windkracht BV", org_type=OrgType.SME,
                  side=Side.DELEGATION, country="NL")
COMMON = msgspec.structs.asdict(ANNA)
AT = dt.datetime(2026, 6, 15, 17, 0, tzinfo=dt.UTC)
HEAD = ('{"user_id":7,"name":"Anna de Vries","organisation":"Windkracht BV","org_type":"sme",'
        '"side":"delegation","country":"NL"')

# The JSON of each card before they shared a base, as msgspec encoded it.
BEFORE = [
    (ANNA, HEAD + "}"),
    (PresenceEntry(**COMMON), HEAD + ',"status":"available","sectors":[]}'),
    (PresenceEntry(**{**COMMON, "side": None}, status=Status.IN_MEETING, sectors=["energy"]),
     HEAD.replace('"delegation"', "null") + ',"status":"in-meeting","sectors":["energy"]}'),
    (LoungeCard(**COMMON, sectors=["energy", "water"]), HEAD + ',"sectors":["energy","water"]}'),
    (AttendeeCard(**COMMON, joined_at=AT), HEAD + ',"joined_at":"2026-06-15T17:00:00Z","staff":false}'),
    (AttendeeCard(**COMMON, joined_at=AT, staff=True), HEAD + ',"joined_at":"2026-06-15T17:00:00Z","staff":true}'),
]


@pytest.mark.parametrize(("card", "json"), BEFORE, ids=lambda v: type(v).__name__ if isinstance(v, PersonCard) else "")
def test_the_json_is_what_it_was(card: PersonCard, json: str) -> None:
    assert msgspec.json.encode(card).decode() == json
    assert msgspec.json.decode(json, type=type(card)) == card


def test_every_card_is_a_person_card_with_the_common_fields_first() -> None:
    for card in (PresenceEntry, LoungeCard, AttendeeCard):
        assert issubclass(card, PersonCard)
        assert card.__struct_fields__[:len(PersonCard.__struct_fields__)] == PersonCard.__struct_fields__
