"""The messages, in English and Dutch, as plain text and HTML: `compose(draft, link)` → Message.

string.Template fills both forms; in the HTML form every value is escaped first (html.escape), so a name or a
mission title can never become markup. The link is made by the sender when it sends (it carries a signed token
that is never stored) and handed in here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from string import Template

import msgspec

from rooms.mail.outbox import MailDraft
from rooms.mail.reminder_texts import ABOUT, REMINDER_TEXTS

LANGUAGES = ("en", "nl")


def language_for(spoken: list[str] | tuple[str, ...], fallback: str = "en") -> str:
    """The first language the recipient speaks that we write in; else the fallback (the mission's, or en)."""
    for code in spoken:
        if code.lower() in LANGUAGES:
            return code.lower()
    return fallback if fallback in LANGUAGES else "en"


class Message(msgspec.Struct, frozen=True):
    to_addr: str
    to_name: str
    sender_name: str
    subject: str
    text: str
    html: str
    lang: str


@dataclass(frozen=True)
class _Text:
    subject: str
    body: str  # paragraphs separated by blank lines; $link stands alone on its line


_SIGN_IN = {
    "en": _Text(
        "Your sign-in link for $platform",
        "Hello $name,\n\nUse this link to sign in to $platform. It works once, until $expires.\n\n$link\n\n"
        "Did not ask for it? Then you can ignore this mail: nobody can sign in without the link.",
    ),
    "nl": _Text(
        "Je inloglink voor $platform",
        "Hallo $name,\n\nMet deze link log je in bij $platform. Hij werkt één keer, tot $expires.\n\n$link\n\n"
        "Niet aangevraagd? Dan kun je deze mail negeren: zonder de link kan niemand inloggen.",
    ),
}

_INVITATION = {
    "en": _Text(
        "Invitation: $mission",
        "Hello $name,\n\n$inviter invites you to take part in $mission ($destination, $dates) as $role.\n\n"
        "Accept the invitation with this link (it works once, until $expires):\n\n$link\n\n"
        "Not expecting this? Then you can ignore this mail.",
    ),
    "nl": _Text(
        "Uitnodiging: $mission",
        "Hallo $name,\n\n$inviter nodigt je uit om mee te doen aan $mission ($destination, $dates) als $role.\n\n"
        "Neem de uitnodiging aan met deze link (hij werkt één keer, tot $expires):\n\n$link\n\n"
        "Verwachtte je dit niet? Dan kun je deze mail negeren.",
    ),
}

# An organiser booked a meeting for two people: each is told who with and when (in their own zone when their
# profile has one, else UTC), and where their schedule is.
_MEETING_BOOKED = {
    "en": _Text(
        "Meeting booked: $other, $when",
        "Hello $name,\n\n$by booked a meeting for you with $other in $mission, on $when.\n\n"
        "It is in your schedule:\n\n$link\n\nCannot make it? Cancel or propose another time from your schedule.",
    ),
    "nl": _Text(
        "Afspraak ingepland: $other, $when",
        "Hallo $name,\n\n$by heeft voor jou een afspraak met $other ingepland in $mission, op $when.\n\n"
        "Hij staat in je agenda:\n\n$link\n\nKun je niet? Zeg af of stel een ander tijdstip voor vanuit je agenda.",
    ),
}

# Someone gave up a place on an item with places (rooms/signups): the first on the waiting list holds it now.
_PLACE_GIVEN = {
    "en": _Text(
        "You have a place: $title",
        "Hello $name,\n\nA place came free on $title in $mission, $when, and it is yours: you were first on the "
        "waiting list.\n\nIt is in your programme:\n\n$link\n\nCannot come after all? Give the place up there, "
        "so that the next person on the list gets it.",
    ),
    "nl": _Text(
        "Je hebt een plek: $title",
        "Hallo $name,\n\nEr is een plek vrijgekomen bij $title in $mission, $when, en die is voor jou: je stond "
        "als eerste op de wachtlijst.\n\nHet staat in je programma:\n\n$link\n\nKun je toch niet? Geef de plek "
        "daar op, dan krijgt de volgende op de lijst hem.",
    ),
}

# Public registration (rooms/registration): received, received again, and rejected. Approval sends the invitation.
_REGISTERED = {
    "en": _Text(
        "Registration received: $mission",
        "Hello $name,\n\nThank you for registering for $mission ($dates), organised by $organiser. "
        "The organiser looks at every registration; you will hear from us by mail.\n\n"
        "Did not register? Then you can ignore this mail.\n\n$link",
    ),
    "nl": _Text(
        "Aanmelding ontvangen: $mission",
        "Hallo $name,\n\nDank je voor je aanmelding voor $mission ($dates), georganiseerd door $organiser. "
        "De organisator bekijkt elke aanmelding; je hoort per mail van ons.\n\n"
        "Niet aangemeld? Dan kun je deze mail negeren.\n\n$link",
    ),
}
_REGISTERED_AGAIN = {
    "en": _Text(
        "You already registered: $mission",
        "Hello $name,\n\nSomeone (probably you) registered this address for $mission again. You had already "
        "registered, so nothing changed: the organiser decides on your first registration.\n\n"
        "Did not do this? Then you can ignore this mail.\n\n$link",
    ),
    "nl": _Text(
        "Je was al aangemeld: $mission",
        "Hallo $name,\n\nIemand (waarschijnlijk jij) heeft dit adres opnieuw aangemeld voor $mission. Je was al "
        "aangemeld, dus er verandert niets: de organisator beslist over je eerste aanmelding.\n\n"
        "Niet gedaan? Dan kun je deze mail negeren.\n\n$link",
    ),
}
_REJECTED = {
    "en": _Text(
        "Your registration for $mission",
        "Hello $name,\n\nThank you for registering for $mission. The organiser, $organiser, cannot accept your "
        "registration this time, and says why:\n\n$reason\n\n$link",
    ),
    "nl": _Text(
        "Je aanmelding voor $mission",
        "Hallo $name,\n\nDank je voor je aanmelding voor $mission. De organisator, $organiser, kan je aanmelding "
        "deze keer niet aannemen, en zegt waarom:\n\n$reason\n\n$link",
    ),
}

TEMPLATES: dict[str, dict[str, _Text]] = {
    "sign-in": _SIGN_IN, "invitation": _INVITATION, "registration-received": _REGISTERED,
    "registration-again": _REGISTERED_AGAIN, "registration-rejected": _REJECTED,
    "meeting-booked": _MEETING_BOOKED, "place-given": _PLACE_GIVEN,
    **{k: {lang: _Text(t.subject, t.body) for lang, t in v.items()} for k, v in REMINDER_TEXTS.items()},
}
_LINKS = ("$link", "$unsubscribe")

_ROLES = {
    "en": {"organiser": "organiser", "host": "host", "moderator": "moderator", "speaker": "speaker",
           "participant": "participant"},
    "nl": {"organiser": "organisator", "host": "gastheer of gastvrouw", "moderator": "moderator",
           "speaker": "spreker", "participant": "deelnemer"},
}

_HTML = Template("""<!doctype html>
<html lang="$lang"><head><meta charset="utf-8"><title>$subject</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1d2330; max-width: 36rem">
$paragraphs
<p style="color: #5b6475; font-size: 0.875rem">$platform</p>
</body></html>
""")


def compose(draft: MailDraft, link: str, platform: str = "Roundtable", unsubscribe: str = "") -> Message:
    """The message of a queued mail, in its language, with `link` (and a reminder's `unsubscribe` link) in
    it. Raises KeyError for an unknown template (a mail queued by a newer version: the sender records it as
    failed)."""
    texts = TEMPLATES[draft.template]
    text = texts.get(draft.lang) or texts["en"]
    lang = draft.lang if draft.lang in texts else "en"
    values = {**draft.params, "name": draft.to_name, "platform": platform, "link": link, "unsubscribe": unsubscribe}
    if "role" in values:
        values["role"] = _ROLES[lang].get(values["role"], values["role"])
    if "kind" in values:
        values["about"] = ABOUT[lang].get(values["kind"], values["kind"])
    subject = Template(text.subject).safe_substitute(values)
    plain = Template(text.body).safe_substitute(values)
    escaped = {k: html.escape(v) for k, v in values.items()}
    paragraphs = []
    for para in text.body.split("\n\n"):
        if para.strip() in _LINKS:
            url = escaped[para.strip()[1:]]
            paragraphs.append(f'<p><a href="{url}">{url}</a></p>')
        else:
            # A value may span lines (the digest's agenda): each line stays a line.
            paragraphs.append(f"<p>{Template(para).safe_substitute(escaped).replace(chr(10), '<br>')}</p>")
    page = _HTML.substitute(lang=lang, subject=html.escape(subject), platform=html.escape(platform),
                            paragraphs="\n".join(paragraphs))
    return Message(to_addr=draft.to_addr, to_name=draft.to_name, sender_name=draft.sender_name,
                   subject=subject, text=plain + "\n", html=page, lang=lang)
