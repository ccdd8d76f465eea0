"""The drafts of the mails Roundtable sends, made where their cause is (the account and mission services): the
recipient's language is their profile's, else the mission's (missions have none yet: en); the sender's display
name is the mission and its organiser, or the platform's name for mail about no mission."""

from __future__ import annotations

import datetime as dt

from rooms.core.timezones import zone
from rooms.mail.outbox import MailDraft
from rooms.mail.templates import language_for
from rooms.missions.mission import Mission
from rooms.missions.people import InvitationDraft, User
from rooms.missions.profile import Profile

PLATFORM = "Roundtable"


def _when(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def sender_name(mission: Mission | None, organiser: User | None) -> str:
    """From:'s display name: 'Organiser (Mission)', the mission alone, or the platform."""
    if mission is None:
        return PLATFORM
    return mission.title if organiser is None else f"{organiser.name} ({mission.title})"


def sign_in_mail(user: User, profile: Profile | None, expires_at: dt.datetime, mission_id: int | None) -> MailDraft:
    return MailDraft(template="sign-in", to_addr=user.email, to_name=user.name,
                     lang=language_for(profile.languages if profile else []), sender_name=PLATFORM,
                     params={"expires": _when(expires_at)}, mission_id=mission_id)


def invitation_mail(draft: InvitationDraft, mission: Mission, inviter: User, profile: Profile | None,
                    expires_at: dt.datetime) -> MailDraft:
    dates = f"{mission.start_date.isoformat()} – {mission.end_date.isoformat()}"
    return MailDraft(template="invitation", to_addr=draft.email, to_name=draft.name,
                     lang=language_for(profile.languages if profile else [], draft.language or "en"),
                     sender_name=sender_name(mission, inviter),
                     params={"mission": mission.title, "destination": mission.destination, "dates": dates,
                             "inviter": inviter.name, "role": draft.role.value, "expires": _when(expires_at)},
                     mission_id=mission.id)


def place_given_mail(to: User, profile: Profile | None, mission: Mission, organiser: User | None, title: str,
                     starts_at: dt.datetime, timezone: str) -> MailDraft:
    """To the person who moved up from an item's waiting list; the time in the item's zone (where it happens)."""
    when = f"{starts_at.astimezone(zone(timezone)).strftime('%Y-%m-%d %H:%M')} ({timezone})"
    return MailDraft(template="place-given", to_addr=to.email, to_name=to.name,
                     lang=language_for(profile.languages if profile else []),
                     sender_name=sender_name(mission, organiser),
                     params={"mission": mission.title, "title": title, "when": when}, mission_id=mission.id)


def meeting_booked_mail(to: User, profile: Profile | None, other: str, mission: Mission, organiser: User,
                        starts_at: dt.datetime, timezone: str) -> MailDraft:
    """To one of the two people an organiser booked a meeting for; `other` names the person they meet, the time
    is given in `timezone` (theirs: the delegation's zone or the destination's)."""
    when = f"{starts_at.astimezone(zone(timezone)).strftime('%Y-%m-%d %H:%M')} ({timezone})"
    return MailDraft(template="meeting-booked", to_addr=to.email, to_name=to.name,
                     lang=language_for(profile.languages if profile else []),
                     sender_name=sender_name(mission, organiser),
                     params={"mission": mission.title, "by": organiser.name, "other": other, "when": when},
                     mission_id=mission.id)
