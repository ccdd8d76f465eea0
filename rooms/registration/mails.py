"""The mails about a registration, in the registrant's language (they chose it on the form). Approval sends the
mission's ordinary invitation mail (rooms.mail.drafts.invitation_mail)."""

from __future__ import annotations

from rooms.mail.drafts import sender_name
from rooms.mail.outbox import MailDraft
from rooms.missions.mission import Mission
from rooms.missions.people import User
from rooms.registration.records import RegistrationDraft


def registration_mail(template: str, draft: RegistrationDraft, mission: Mission, organiser: User | None,
                      reason: str = "") -> MailDraft:
    """`registration-received`, `registration-again` or `registration-rejected` (with the organiser's reason)."""
    params = {"mission": mission.title, "dates": f"{mission.start_date.isoformat()} – {mission.end_date.isoformat()}",
              "organiser": organiser.name if organiser else mission.title}
    if reason:
        params["reason"] = reason
    return MailDraft(template=template, to_addr=draft.email, to_name=draft.name, lang=draft.language,
                     sender_name=sender_name(mission, organiser), params=params, mission_id=mission.id)
