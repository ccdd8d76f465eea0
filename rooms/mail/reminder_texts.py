"""The reminders' messages (rooms/reminders), in English and Dutch. Each ends with the one-click unsubscribe
link for its kind ($unsubscribe, made by the sender when it sends, like $link)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    subject: str
    body: str  # paragraphs separated by blank lines; $link and $unsubscribe stand alone on their lines


_FOOT = {
    "en": "You get this mail because $about reminders are on. Turn them off with one click:\n\n$unsubscribe",
    "nl": "Je krijgt deze mail omdat herinneringen over $about aan staan. Met één klik zet je ze uit:\n\n"
          "$unsubscribe",
}

# What each kind is about, in the footer and on the unsubscribe page.
ABOUT = {
    "en": {"webinar-starting": "webinars starting", "meeting-request": "meeting requests",
           "meeting-accepted": "booked meetings", "meeting-starting": "meetings starting",
           "digest": "the daily programme"},
    "nl": {"webinar-starting": "webinars die beginnen", "meeting-request": "gespreksverzoeken",
           "meeting-accepted": "geboekte gesprekken", "meeting-starting": "gesprekken die beginnen",
           "digest": "het dagprogramma"},
}


def _both(en: tuple[str, str], nl: tuple[str, str]) -> dict[str, Text]:
    return {"en": Text(en[0], en[1] + "\n\n" + _FOOT["en"]), "nl": Text(nl[0], nl[1] + "\n\n" + _FOOT["nl"])}


REMINDER_TEXTS: dict[str, dict[str, Text]] = {
    "webinar-starting": _both(
        ("Starts in 10 minutes: $title",
         "Hello $name,\n\n$title ($mission) starts at $time ($zone).\n\nJoin it here:\n\n$link"),
        ("Begint over 10 minuten: $title",
         "Hallo $name,\n\n$title ($mission) begint om $time ($zone).\n\nDoe hier mee:\n\n$link")),
    "meeting-request": _both(
        ("$other asks you for a meeting",
         "Hello $name,\n\n$other asks you for a meeting in $mission.\n\n$message\n\nAnswer the request here:\n\n$link"),
        ("$other vraagt je om een gesprek",
         "Hallo $name,\n\n$other vraagt je om een gesprek in $mission.\n\n$message\n\nBeantwoord het verzoek hier:"
         "\n\n$link")),
    "meeting-accepted": _both(
        ("Meeting booked with $other at $time",
         "Hello $name,\n\nYour meeting with $other in $mission is booked: $day at $time ($zone).\n\n"
         "Your meetings:\n\n$link"),
        ("Gesprek met $other geboekt om $time",
         "Hallo $name,\n\nJe gesprek met $other in $mission is geboekt: $day om $time ($zone).\n\n"
         "Je gesprekken:\n\n$link")),
    "meeting-starting": _both(
        ("Your meeting with $other starts in 10 minutes",
         "Hello $name,\n\nYour meeting with $other ($mission) starts at $time ($zone).\n\nEnter the meeting room:"
         "\n\n$link"),
        ("Je gesprek met $other begint over 10 minuten",
         "Hallo $name,\n\nJe gesprek met $other ($mission) begint om $time ($zone).\n\nGa naar de gespreksruimte:"
         "\n\n$link")),
    "digest": _both(
        ("Today in $mission: $day",
         "Good morning $name,\n\nToday's programme of $mission ($day, times in $zone):\n\n$agenda\n\n"
         "The whole programme:\n\n$link"),
        ("Vandaag in $mission: $day",
         "Goedemorgen $name,\n\nHet programma van $mission vandaag ($day, tijden in $zone):\n\n$agenda\n\n"
         "Het hele programma:\n\n$link")),
}
