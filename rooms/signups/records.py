"""Sign-ups and check-ins as records, and the rules that need no store: who holds a place, when check-in is open."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from collections.abc import Sequence
from typing import Annotated

import msgspec

from rooms.missions.mission import ItemKind, Mission, ProgrammeItem

# Check-in opens an hour before the item and closes an hour after it: people arrive early and leave late.
CHECKIN_MARGIN = dt.timedelta(hours=1)
# No 0/O or 1/I/L: read aloud in a lobby or typed from a screen, every character is unambiguous. 31^6 ≈ 887 million.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CheckinCodeText = Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class PlaceStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"


class Signup(msgspec.Struct, frozen=True):
    item_id: int
    user_id: int
    at: dt.datetime
    seq: int  # the order: given as the sign-up is written, never reused for the item


class CheckIn(msgspec.Struct, frozen=True):
    item_id: int
    user_id: int
    at: dt.datetime
    by: int | None  # who recorded it: the person themself with the code, or an organiser by hand


class Standing(msgspec.Struct, frozen=True):
    status: PlaceStatus
    position: int  # 1-based: the place's number, or the place in the waiting list


def standings(order: Sequence[int], capacity: int) -> dict[int, Standing]:
    """Who holds a place: the first `capacity` in sign-up order; the rest wait in order. Derived each time,
    so two people taking the last place at once can never both hold it, and a withdrawal moves the first waiting
    person up by itself."""
    out: dict[int, Standing] = {}
    for i, user_id in enumerate(order):
        out[user_id] = Standing(PlaceStatus.CONFIRMED, i + 1) if i < capacity else \
            Standing(PlaceStatus.WAITING, i - capacity + 1)
    return out


def holders(order: Sequence[int], capacity: int | None) -> list[int]:
    return list(order) if capacity is None else list(order[:capacity])


def on_location(item: ProgrammeItem, mission: Mission) -> bool:
    """Whether people are physically at the item, so that checking in means something."""
    if item.kind is ItemKind.COMPANY_VISIT:
        return True
    return mission.format.on_location and item.kind in (ItemKind.GROUP_SESSION, ItemKind.ROUNDTABLE,
                                                        ItemKind.NETWORKING)


def checkin_open(item: ProgrammeItem, now: dt.datetime) -> bool:
    return item.starts_at - CHECKIN_MARGIN <= now <= item.ends_at + CHECKIN_MARGIN


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def same_code(given: str, code: str) -> bool:
    """Typed codes forgive case, spaces and dashes; compared in constant time."""
    clean = "".join(c for c in given.upper() if c.isalnum())
    return secrets.compare_digest(clean.encode(), code.encode())
