"""Leads as files: CSV for spreadsheets and vCard 3.0 for address books (docs/leads.md, "Export").

CSV: UTF-8 with a byte order mark (Excel reads it as UTF-8 only then), CRLF rows, every cell quoted, and every cell
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return prefixed with `'`, so a spreadsheet shows it as
text instead of running it as a formula (CSV injection; OWASP's list). A phone number `+31 …` therefore reads
`'+31 …` in the file: Excel hides the apostrophe.

vCard: version 3.0 (RFC 2426; every address book imports it), values escaped (`\\`, `,`, `;`, line breaks as
`\\n`), CRLF line ends, and lines longer than 75 octets folded (CRLF plus one space) without splitting a UTF-8
character."""

from __future__ import annotations

from collections.abc import Sequence

from rooms.core.sheets import csv_bytes
from rooms.leads.service import MyLead

CSV_HEADER = ("name", "organisation", "email", "phone", "mission", "market", "source", "origin", "status",
              "status_since", "next_step_on", "next_step", "notes", "meeting_notes", "created_at")
FOLD_AT = 75  # octets per vCard line, CRLF excluded


def _row(view: MyLead) -> list[str]:
    e = view.entry
    since = e.changes[-1].at if e.changes else e.lead.created_at
    return [view.name, view.organisation, e.contact.email, e.contact.phone, view.mission.title,
            view.mission.destination, e.lead.source.value, e.origin.value if e.origin else "", e.status.value,
            since.isoformat(), e.next_step_on.isoformat() if e.next_step_on else "", e.next_step_note, e.notes,
            e.meeting_notes, e.lead.created_at.isoformat()]


def leads_csv(leads: Sequence[MyLead]) -> bytes:
    return csv_bytes(CSV_HEADER, [_row(view) for view in leads])


def escape(value: str) -> str:
    """A vCard 3.0 text value: backslash, comma and semicolon escaped, every line break as `\\n`."""
    escaped = value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded to at most 75 octets per physical line (the continuation's space counts)."""
    parts: list[str] = []
    current, size, limit = "", 0, FOLD_AT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, FOLD_AT - 1  # a continuation starts with its space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _card(view: MyLead) -> list[str]:
    e = view.entry
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:roundtable-lead-{e.lead.id}", f"FN:{escape(view.name or '?')}",
             # The whole name as the family name: splitting names into parts guesses wrong too often.
             f"N:{escape(view.name or '?')};;;;"]
    if view.organisation:
        lines.append(f"ORG:{escape(view.organisation)}")
    if e.contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{escape(e.contact.email)}")
    if e.contact.phone:
        lines.append(f"TEL;TYPE=VOICE:{escape(e.contact.phone)}")
    note = [f"{view.mission.title} ({view.mission.destination})", f"Status: {e.status.value}"]
    if e.next_step_on:
        note.append(f"Next step {e.next_step_on.isoformat()}: {e.next_step_note}")
    note += [text for text in (e.notes, e.meeting_notes) if text]
    lines += [f"NOTE:{escape(chr(10).join(note))}", f"REV:{e.updated_at.strftime('%Y%m%dT%H%M%SZ')}", "END:VCARD"]
    return lines


def leads_vcard(leads: Sequence[MyLead]) -> bytes:
    return "".join(fold(line) + "\r\n" for view in leads for line in _card(view)).encode("utf-8")
