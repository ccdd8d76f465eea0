"""What a reminder is and what a person chose to get: pure data."""

from __future__ import annotations

import datetime as dt
import enum

import msgspec


class ReminderKind(enum.StrEnum):
    WEBINAR_STARTING = "webinar-starting"  # a webinar of a mission I am in starts in 10 minutes
    MEETING_REQUEST = "meeting-request"  # someone asked me for a meeting
    MEETING_ACCEPTED = "meeting-accepted"  # a meeting of mine was booked (my request accepted)
    MEETING_STARTING = "meeting-starting"  # a meeting of mine starts in 10 minutes
    DIGEST = "digest"  # at 07:00 in my zone: today's programme and my meetings


class Channel(enum.StrEnum):
    MAIL = "mail"
    APP = "app"


class Preference(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kind: ReminderKind
    mail: bool = True
    app: bool = True


class Preferences(msgspec.Struct, frozen=True):
    """One Preference per kind, every kind listed (a kind never chosen is on for both channels)."""

    kinds: list[Preference]

    @classmethod
    def of(cls, chosen: list[Preference]) -> Preferences:
        by_kind = {p.kind: p for p in chosen}
        return cls([by_kind.get(k, Preference(k)) for k in ReminderKind])

    def allows(self, kind: ReminderKind, channel: Channel) -> bool:
        found = next((p for p in self.kinds if p.kind is kind), Preference(kind))
        return found.mail if channel is Channel.MAIL else found.app

    def with_(self, kind: ReminderKind, channel: Channel, on: bool) -> Preferences:
        field = "mail" if channel is Channel.MAIL else "app"
        return Preferences([msgspec.structs.replace(p, **{field: on}) if p.kind is kind else p for p in self.kinds])


class ReminderKey(msgspec.Struct, frozen=True):
    """What makes a reminder one: of this kind, about this subject (a meeting, a request, a programme item, a
    mission's day), for this person, for this moment (the subject's start, or the digest's local day at 00:00
    UTC). A moved webinar has a new moment, so it is reminded of again; the same one never twice."""

    kind: ReminderKind
    subject_id: int
    user_id: int
    at: dt.datetime
