"""Bulk onboarding over HTTP (docs/onboarding.md): an organiser sends a roster (CSV or XLSX, as the request's raw
body, at most 10 MB), sees every row with its errors, then imports the good rows: one invitation each, with its
mail, in one transaction. Then each invitation's status, and resend / revoke / its link.

Reading the file is here (openpyxl for XLSX, read-only, formulas read as their text and never evaluated); what the
rows mean and whether they are good is rooms.missions.roster's.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from collections.abc import Sequence
from typing import Any

import anyio.to_thread
import msgspec
import openpyxl
from starlette.requests import Request

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.mail.outbox import OutboxEntry
from rooms.missions.people import Invitation, Role, User
from rooms.missions.roster import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, Roster, RowError, csv_cells, delivery_status
from server.api.core import Context, Endpoint
from server.api.errors import ApiError
from server.tokens import Purpose

_ZIP = b"PK\x03\x04"  # an XLSX file is a zip archive
# What an XLSX file may hold unpacked: a 10 MB zip can unpack to gigabytes (openpyxl keeps the shared strings in
# memory), so the archive's declared sizes are checked before it is opened; zipfile reads no more than declared.
MAX_UNPACKED = 100 * 1024 * 1024
# Rows read from a file before giving up on it: blank rows are skipped, so allow some beyond MAX_ROWS.
_ROWS_READ = MAX_ROWS * 2


class RowView(msgspec.Struct, frozen=True):
    line: int
    ok: bool
    name: str
    email: str
    organisation: str
    org_type: OrgType | None
    sector: str
    side: Side | None
    role: Role
    language: str
    errors: list[RowError]


class RosterPreview(msgspec.Struct, frozen=True):
    rows: list[RowView]
    good: int
    bad: int
    ignored_columns: list[str]


class Invitee(msgspec.Struct, frozen=True):
    invitation_id: int
    name: str
    email: str
    organisation: str
    role: Role
    side: Side | None
    status: str  # queued | sent | retrying | failed | held | opened | accepted | revoked | expired
    mail_status: str | None  # the latest mail's own status (rooms.mail.outbox.MailStatus), None: no mail
    mail_answer: str  # what the SMTP server last said about it
    created_at: dt.datetime
    expires_at: dt.datetime


class Invitees(msgspec.Struct, frozen=True):
    mail_sent: bool  # False: no SMTP server; mails are held and the organiser passes each link on
    people: list[Invitee]


class RosterImport(msgspec.Struct, frozen=True):
    imported: int
    preview: RosterPreview
    people: list[Invitee]  # the invitations just made, in the roster's order


class InvitationLink(msgspec.Struct, frozen=True):
    link: str


async def read_upload(request: Request) -> bytes:
    """The raw body, refused beyond MAX_BYTES before it is all read."""
    too_large = ApiError(status=413, code="roster-too-large",
                         message=f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="file")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise too_large
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data.strip():
        raise Invalid(code="roster-empty", message="The file holds no rows.", field="file")
    return data


def xlsx_cells(data: bytes) -> list[Sequence[object]]:
    """The first sheet's cells. read_only streams the sheet; a formula is read as its text (=…), never run."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise Invalid(code="roster-unreadable", message="This spreadsheet cannot be read; save it as .xlsx or .csv.",
                      field="file") from e
    if unpacked > MAX_UNPACKED:
        raise Invalid(code="roster-too-large", message="The spreadsheet unpacks to more than "
                      f"{MAX_UNPACKED // (1024 * 1024)} MB.", field="file")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise Invalid(code="roster-unreadable", message="This spreadsheet cannot be read; save it as .xlsx or .csv.",
                      field="file") from e
    try:
        sheet = book.worksheets[0]
        rows = list(itertools.islice(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), _ROWS_READ + 1))
    finally:
        book.close()
    if len(rows) > _ROWS_READ:
        raise Invalid(code="roster-too-long", message=f"A roster holds at most {MAX_ROWS} people.", field="file")
    return rows


def file_cells(data: bytes) -> list[Sequence[object]]:
    if data.startswith(_ZIP):
        return xlsx_cells(data)
    return list(itertools.islice(csv_cells(data), _ROWS_READ + 1))


async def _cells(ctx: Context, user: User, mission_id: int) -> list[Sequence[object]]:
    await ctx.services.missions.may_invite(user, mission_id)  # before reading 10 MB for someone who may not
    data = await read_upload(ctx.request)
    # Parsing is CPU work: off the event loop, so other requests and sockets go on meanwhile.
    return await anyio.to_thread.run_sync(file_cells, data)


def preview_of(roster: Roster) -> RosterPreview:
    views = [RowView(line=r.line, ok=r.ok, name=r.name, email=r.email, organisation=r.organisation,
                     org_type=r.org_type, sector=r.sector, side=r.side, role=r.role, language=r.language,
                     errors=r.errors) for r in roster.rows]
    good = sum(1 for v in views if v.ok)
    return RosterPreview(views, good, len(views) - good, roster.ignored_columns)


def invitee(ctx: Context, invitation: Invitation, mail: OutboxEntry | None) -> Invitee:
    return Invitee(
        invitation_id=invitation.id, name=invitation.name, email=invitation.email,
        organisation=invitation.organisation, role=invitation.role, side=invitation.side,
        status=delivery_status(invitation, mail, ctx.services.clock.now()),
        mail_status=None if mail is None else mail.status.value, mail_answer="" if mail is None else mail.last_answer,
        created_at=invitation.created_at, expires_at=invitation.expires_at)


def _mission_id(ctx: Context) -> int:
    return ctx.path_id("mission_id")


async def preview(ctx: Context, _: Any) -> RosterPreview:
    mid = _mission_id(ctx)
    user = await ctx.user_in(mid)
    return preview_of(await ctx.services.missions.check_roster(user, mid, await _cells(ctx, user, mid)))


async def import_roster(ctx: Context, _: Any) -> RosterImport:
    mid = _mission_id(ctx)
    user = await ctx.user_in(mid)
    roster, made = await ctx.services.missions.import_roster(user, mid, await _cells(ctx, user, mid))
    ctx.services.mail.wake()  # their mails were queued with them
    return RosterImport(len(made), preview_of(roster), [invitee(ctx, i, None) for i in made])


async def invitees(ctx: Context, _: Any) -> Invitees:
    mid = _mission_id(ctx)
    found = await ctx.services.missions.invitees(await ctx.user_in(mid), mid)
    return Invitees(ctx.services.mail.sends, [invitee(ctx, i, m) for i, m in found])


async def resend(ctx: Context, _: Any) -> Invitee:
    mid = _mission_id(ctx)
    invitation = await ctx.services.missions.resend(await ctx.user_in(mid), mid, ctx.path_id("invitation_id"))
    ctx.services.mail.wake()
    return invitee(ctx, invitation, None)


async def revoke(ctx: Context, _: Any) -> Invitee:
    mid = _mission_id(ctx)
    invitation = await ctx.services.missions.revoke(await ctx.user_in(mid), mid, ctx.path_id("invitation_id"))
    return invitee(ctx, invitation, None)


async def link(ctx: Context, _: Any) -> InvitationLink:
    mid = _mission_id(ctx)
    invitation = await ctx.services.missions.invitation_for_link(await ctx.user_in(mid), mid,
                                                                 ctx.path_id("invitation_id"))
    token = ctx.services.tokens.sign(Purpose.INVITATION, invitation.id)
    return InvitationLink(f"{ctx.services.settings.public_url}/invite#t={token}")


def endpoints() -> list[Endpoint]:
    m = "/api/missions/{mission_id:int}"
    one = f"{m}/invitations/{{invitation_id:int}}"
    upload = ("roster-too-large", "roster-unreadable", "roster-empty", "roster-columns-missing", "roster-too-long")
    closed = ("invitation-not-found", "invitation-closed")
    return [
        Endpoint("POST", f"{m}/roster/preview", preview, "Check a roster (the raw CSV or XLSX file as the body, at "
                 "most 10 MB): every row with its errors; nothing is written (organisers)", "invitations",
                 returns=RosterPreview, errors=upload),
        Endpoint("POST", f"{m}/roster/import", import_roster, "Invite every good row of a roster (the same body as "
                 "the preview), each with its mail, in one transaction (organisers)", "invitations",
                 returns=RosterImport, status=201, errors=upload),
        Endpoint("GET", f"{m}/invitees", invitees, "Each invitation with its status: queued, sent, retrying, "
                 "failed, held, opened, accepted, revoked or expired (organisers)", "invitations", returns=Invitees),
        Endpoint("POST", f"{one}/resend", resend, "Send an open invitation's mail again (organisers)",
                 "invitations", returns=Invitee, errors=closed),
        Endpoint("POST", f"{one}/revoke", revoke, "Withdraw an open invitation: its link stops working "
                 "(organisers)", "invitations", returns=Invitee, errors=closed),
        Endpoint("POST", f"{one}/link", link, "An open invitation's link, to pass on yourself (organisers)",
                 "invitations", returns=InvitationLink, errors=closed),
    ]
