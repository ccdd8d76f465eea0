"""Bulk onboarding: a roster (rows of name, e-mail, organisation, organisation type, sector, side, role,
language) read from a CSV file, checked row by row, before its good rows become invitations in one go.

Pure: bytes or cell values in, rows with their errors out. Reading an XLSX file is the server's business
(server/api/roster_files.py hands its cells to `rows_from_cells`); decoding a CSV file is done here because it
needs nothing but the standard library.

Cells are text, never formulas: a cell starting with = + - @ (what a spreadsheet would evaluate when the organiser
opens an export again) is refused with `formula-cell` rather than stored, so nothing we keep can run later.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

import msgspec

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.mail.outbox import OPEN, MailStatus, OutboxEntry
from rooms.mail.templates import LANGUAGES
from rooms.missions.people import Invitation, InvitationDraft, Role, clean_name, normalise_email

MAX_BYTES = 10 * 1024 * 1024  # the largest file accepted (10 MB)
MAX_ROWS = 2000  # people in one roster
MAX_CELL = 200  # characters in one cell, before a field's own limit
MAX_COLUMNS = 40  # cells of a row looked at

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Each column and the headings it is known by (casefolded, spaces, '-' and '_' removed), English and Dutch.
_HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "naam", "fullname", "volledigenaam"),
    "email": ("email", "emailaddress", "mail", "emailadres", "mailadres"),
    "organisation": ("organisation", "organization", "organisatie", "company", "bedrijf"),
    "org_type": ("organisationtype", "organizationtype", "orgtype", "typeorganisatie", "organisatietype"),
    "sector": ("sector",),
    "side": ("side", "kant", "zijde"),
    "role": ("role", "rol"),
    "language": ("language", "taal", "lang"),
}
COLUMNS = tuple(_HEADINGS)
REQUIRED = ("name", "email")

_SIDES = {"delegation": Side.DELEGATION, "delegatie": Side.DELEGATION, "partner": Side.PARTNER}
_ROLES = {r.value: r for r in Role} | {"organisator": Role.ORGANISER, "deelnemer": Role.PARTICIPANT,
                                       "spreker": Role.SPEAKER}
_LANGUAGE_NAMES = {"english": "en", "engels": "en", "dutch": "nl", "nederlands": "nl"}


def _key(heading: str) -> str:
    return "".join(ch for ch in heading.casefold() if ch not in " -_.\t")


def _org_types() -> dict[str, OrgType]:
    found = {_key(t.value): t for t in OrgType}
    found.update({_key(t.value.replace("_", " ")): t for t in OrgType})
    return found


class RowError(msgspec.Struct, frozen=True):
    code: str
    field: str
    message: str


class RosterRow(msgspec.Struct, frozen=True):
    """One person of the roster as read and checked. `line` is the row's number in the file (the heading is 1)."""

    line: int
    name: str
    email: str
    organisation: str
    org_type: OrgType | None
    sector: str
    side: Side | None
    role: Role
    language: str
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors

    def draft(self) -> InvitationDraft:
        return InvitationDraft(email=self.email, name=self.name, role=self.role, side=self.side,
                               organisation=self.organisation, org_type=self.org_type, sector=self.sector,
                               language=self.language)


class Roster(msgspec.Struct, frozen=True):
    rows: list[RosterRow]
    ignored_columns: list[str]

    @property
    def good(self) -> list[RosterRow]:
        return [r for r in self.rows if r.ok]


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise Invalid(code="roster-too-large",
                      message=f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="file")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 (what Excel writes as 'CSV'), else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # maps every byte: never fails


def csv_cells(data: bytes) -> list[list[str]]:
    """The cells of a CSV file: ',' or ';' (Dutch Excel) or a tab between cells, whichever the heading uses."""
    check_size(len(data))
    text = decode_text(data)
    heading = text.split("\n", 1)[0]
    counts = {d: heading.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)]
    except csv.Error as e:
        raise Invalid(code="roster-unreadable", message=f"This CSV file cannot be read: {e}.", field="file") from e


def normalise_or_blank(value: str) -> str:
    """The address if the cell is one, else '' (to ask the store which rows' people are members already)."""
    try:
        return normalise_email(value)
    except Invalid:
        return ""


def delivery_status(invitation: Invitation, mail: OutboxEntry | None, now: dt.datetime) -> str:
    """What the organiser sees of one invitation: accepted, revoked, expired, opened (its link was followed),
    else what became of its latest mail: queued, sent, retrying (an attempt failed; it is tried again), failed
    (given up or bounced), or held (no SMTP server: pass the link on)."""
    status = invitation.status(now)
    if status != "pending":
        return status
    if invitation.opened_at is not None:
        return "opened"
    if mail is not None and mail.status is MailStatus.RETRYING:
        return "retrying"
    if mail is None or mail.status in OPEN:
        return "queued"
    if mail.status is MailStatus.SENT:
        return "sent"
    if mail.status is MailStatus.HELD:
        return "held"
    return "failed"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not str(value).startswith(FORMULA_START) else str(value).strip("\r\n")


def rows_from_cells(cells: Iterable[Sequence[object]], mission_sectors: Sequence[str] = (),
                    members: Iterable[str] = (), invited: Iterable[str] = ()) -> Roster:
    """Checks every row: each gets its errors (none: it will be imported). `members` and `invited` are the
    e-mails (normalised) of the mission's members and of its open invitations."""
    lines = iter(cells)
    header = next(lines, None)
    while header is not None and not any(_cell(c) for c in header):
        header = next(lines, None)
    if header is None:
        raise Invalid(code="roster-empty", message="The file holds no rows.", field="file")
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for i, heading in enumerate(header):
        key = _key(_cell(heading))
        column = next((c for c, names in _HEADINGS.items() if key in names), None)
        if column is not None and column not in positions:
            positions[column] = i
        elif key:
            ignored.append(_cell(heading))
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        raise Invalid(code="roster-columns-missing",
                      message=f"The first row must name the columns; missing: {', '.join(missing)}.", field="file")
    sectors = {s.casefold(): s for s in mission_sectors}
    member_set, invited_set = set(members), set(invited)
    seen: dict[str, int] = {}
    org_types = _org_types()
    rows: list[RosterRow] = []
    for number, raw in enumerate(lines, start=2):
        values = {c: _cell(raw[i]) if i < min(len(raw), MAX_COLUMNS) else "" for c, i in positions.items()}
        if not any(values.values()):
            continue  # a blank line
        if len(rows) >= MAX_ROWS:
            raise Invalid(code="roster-too-long", message=f"A roster holds at most {MAX_ROWS} people.",
                          field="file")
        rows.append(_check(number, values, sectors, member_set, invited_set, seen, org_types))
    if not rows:
        raise Invalid(code="roster-empty", message="The file holds no rows.", field="file")
    return Roster(rows, ignored)


def _check(number: int, values: dict[str, str], sectors: dict[str, str], members: set[str], invited: set[str],
           seen: dict[str, int], org_types: dict[str, OrgType]) -> RosterRow:
    errors: list[RowError] = []

    def fail(code: str, field: str, message: str) -> None:
        errors.append(RowError(code, field, message))

    for field, value in values.items():
        if value.startswith(FORMULA_START):
            fail("formula-cell", field, "A cell starting with = + - or @ is a formula; write it as plain text.")
            values[field] = ""
        elif len(value) > MAX_CELL:
            fail("too-long", field, f"At most {MAX_CELL} characters.")
            values[field] = ""
    name = email = ""
    try:
        name = clean_name(values.get("name", ""))
        if len(name) > 120:
            raise Invalid(code="too-long", message="A name has at most 120 characters.", field="name")
    except Invalid as e:
        if not any(x.field == "name" for x in errors):
            fail(e.code, "name", e.message)
    raw_email = values.get("email", "")
    try:
        email = normalise_email(raw_email)
    except Invalid as e:
        if not any(x.field == "email" for x in errors):
            fail("invalid-email" if raw_email else "required", "email",
                 e.message if raw_email else "An e-mail address is required.")
    if email:
        if email in seen:
            fail("duplicate-in-file", "email", f"This address is already on line {seen[email]}.")
        else:
            seen[email] = number
            if email in members:
                fail("already-member", "email", "This person already takes part in the mission.")
            elif email in invited:
                fail("already-invited", "email", "This person already has an open invitation.")
    organisation = values.get("organisation", "")
    if len(organisation) > 120:
        fail("too-long", "organisation", "An organisation has at most 120 characters.")
    org_type: OrgType | None = None
    if values.get("org_type"):
        org_type = org_types.get(_key(values["org_type"]))
        if org_type is None:
            fail("unknown-org-type", "org_type", "Not a kind of organisation: use one of "
                 + ", ".join(t.value for t in OrgType) + ".")
    sector = ""
    if values.get("sector"):
        if sectors:
            sector = sectors.get(values["sector"].casefold(), "")
            if not sector:
                fail("unknown-sector", "sector", "Not one of the mission's sectors: "
                     + ", ".join(sectors.values()) + ".")
        else:
            sector = values["sector"][:60]
    role = Role.PARTICIPANT
    if values.get("role"):
        found_role = _ROLES.get(values["role"].casefold())
        if found_role is None:
            fail("unknown-role", "role", "Not a role: use one of " + ", ".join(r.value for r in Role) + ".")
        else:
            role = found_role
    side: Side | None = None
    if values.get("side"):
        side = _SIDES.get(values["side"].casefold())
        if side is None:
            fail("unknown-side", "side", "Not a side: use delegation or partner.")
    elif role is Role.PARTICIPANT:
        fail("side-required", "side", "A participant is on a side: delegation or partner.")
    language = ""
    if values.get("language"):
        spoken = values["language"].casefold()
        language = _LANGUAGE_NAMES.get(spoken, spoken)
        if language not in LANGUAGES:
            fail("unknown-language", "language", "Mail is written in en or nl.")
            language = ""
    return RosterRow(line=number, name=name, email=email or raw_email, organisation=organisation,
                     org_type=org_type, sector=sector, side=side, role=role, language=language, errors=errors)
