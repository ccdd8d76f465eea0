"""The mail domain (templates, languages, retry policy) and the SMTP URL, in process."""

from __future__ import annotations

import datetime as dt

import pytest

from rooms.mail.outbox import LONGEST_WAIT, MAX_ATTEMPTS, MailDraft, MailStatus, judge, retry_after
from rooms.mail.templates import TEMPLATES, compose, language_for
from server.settings import SmtpConfig, parse_smtp_url

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
PARAMS = {"expires": "2027-02-01 09:30 UTC", "mission": "EV <charging> & co", "destination": "Boston",
          "dates": "2027-03-08 – 2027-03-12", "inviter": "Eva \"Jansen\"", "role": "participant",
          "by": "Eva Jansen", "other": "Ana Ruiz (Volt <B.V.>)", "when": "2027-03-09 15:00 (America/New_York)",
          "organiser": "Eva Jansen", "reason": "Full <b>up</b>",  # registration mails
          # what reminders fill in (rooms/reminders/service.py)
          "title": "Grid <b>", "time": "10:00", "day": "2027-03-09", "zone": "America/New_York",
          "message": "Hi", "agenda": "09:00–09:30 Grid\n10:00–10:20 Meeting with Mike", "kind": "digest",
          "user": "7", "path": "/m/1/schedule"}


def _draft(template: str, lang: str, name: str = "Bo <i>Chen</i>") -> MailDraft:
    return MailDraft(template=template, to_addr="bo@example.org", to_name=name, lang=lang,
                     sender_name="Eva (EV)", params=PARAMS)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_template_fills_every_placeholder_in_both_languages(template: str, lang: str) -> None:
    message = compose(_draft(template, lang), "https://rt.example/x#t=a.b-c_d")
    for part in (message.subject, message.text, message.html):
        assert "$" not in part
    assert "https://rt.example/x#t=a.b-c_d" in message.text
    assert '<a href="https://rt.example/x#t=a.b-c_d">' in message.html
    assert f'lang="{lang}"' in message.html and message.lang == lang


def test_the_html_escapes_every_value_and_the_text_keeps_it() -> None:
    message = compose(_draft("invitation", "en"), "https://rt.example/invite#t=x\"><script>")
    assert "Hello Bo <i>Chen</i>," in message.text and "EV <charging> & co" in message.text
    assert "<i>" not in message.html and "<script>" not in message.html and "<charging>" not in message.html
    assert "Bo &lt;i&gt;Chen&lt;/i&gt;" in message.html and "EV &lt;charging&gt; &amp; co" in message.html
    assert "Eva &quot;Jansen&quot;" in message.html
    assert message.subject == "Invitation: EV <charging> & co"  # a header, not HTML


def test_roles_and_texts_are_in_the_recipients_language() -> None:
    assert "als deelnemer" in compose(_draft("invitation", "nl"), "L").text
    assert "as participant" in compose(_draft("invitation", "en"), "L").text
    assert compose(_draft("sign-in", "de"), "L").lang == "en"  # a language we do not write in: English


def test_a_booked_meeting_names_the_other_person_and_the_time_in_each_language() -> None:
    nl = compose(_draft("meeting-booked", "nl"), "https://rt.example/m/1/schedule")
    assert nl.subject == "Afspraak ingepland: Ana Ruiz (Volt <B.V.>), 2027-03-09 15:00 (America/New_York)"
    assert "Eva Jansen heeft voor jou een afspraak met Ana Ruiz" in nl.text
    assert "Volt &lt;B.V.&gt;" in nl.html and "<B.V.>" not in nl.html
    assert "booked a meeting for you with Ana Ruiz" in compose(_draft("meeting-booked", "en"), "L").text


def test_language_for_takes_the_first_one_we_write_in() -> None:
    assert language_for(["de", "NL", "en"]) == "nl"
    assert language_for(["fr"]) == "en"
    assert language_for([], fallback="nl") == "nl"
    assert language_for([], fallback="fr") == "en"


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(KeyError):
        compose(_draft("reminder-from-the-future", "en"), "L")


def test_retries_double_up_to_an_hour_then_give_up() -> None:
    assert [retry_after(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_after(20) == LONGEST_WAIT
    retried = judge(1, NOW, delivered=False, permanent=False, recipient_refused=False, answer="421 busy")
    assert retried.status is MailStatus.RETRYING and retried.retry_at == NOW + dt.timedelta(seconds=30)
    last = judge(MAX_ATTEMPTS, NOW, delivered=False, permanent=False, recipient_refused=False, answer="421")
    assert last.status is MailStatus.FAILED and last.retry_at is None
    bounced = judge(1, NOW, delivered=False, permanent=True, recipient_refused=True, answer="550 unknown")
    assert bounced.status is MailStatus.BOUNCED
    refused = judge(1, NOW, delivered=False, permanent=True, recipient_refused=False, answer="554 spam")
    assert refused.status is MailStatus.FAILED
    assert judge(3, NOW, delivered=True, permanent=False, recipient_refused=False, answer="250 ok").status \
        is MailStatus.SENT


def test_smtp_urls() -> None:
    assert parse_smtp_url("smtp://mailpit:1025") == SmtpConfig(host="mailpit", port=1025)
    assert parse_smtp_url("smtp://u%40x.org:p%3Aw@mail.example.org?starttls=1&timeout=10") == SmtpConfig(
        host="mail.example.org", port=587, username="u@x.org", password="p:w", starttls=True, timeout=10.0)
    assert parse_smtp_url("smtps://u:p@mail.example.org") == SmtpConfig(
        host="mail.example.org", port=465, username="u", password="p", tls=True)
    assert parse_smtp_url("smtp://h:25?starttls=0").starttls is False
    assert "p:w" not in repr(parse_smtp_url("smtp://u:p%3Aw@h"))  # the password stays out of logs
    for wrong in ("http://h", "smtp://", "smtp://h?starttls=maybe"):
        with pytest.raises(ValueError):
            parse_smtp_url(wrong)
