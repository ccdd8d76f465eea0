"""Reading and checking a roster for bulk onboarding (rooms.missions.roster, server/api/roster_files.py)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from rooms.core.cards import OrgType, Side
from rooms.core.errors import Invalid
from rooms.missions.people import Role
from rooms.missions.roster import MAX_BYTES, MAX_ROWS, csv_cells, rows_from_cells
from server.api.roster_files import MAX_UNPACKED, file_cells

HEADING = "name,e-mail,organisation,organisation type,sector,side,role,language"


def _codes(text: str, **kwargs: object) -> list[list[str]]:
    roster = rows_from_cells(csv_cells(text.encode()), **kwargs)  # type: ignore[arg-type]
    return [[e.code for e in r.errors] for r in roster.rows]


def test_a_comma_separated_file_is_read_with_every_column() -> None:
    data = f"{HEADING}\nAnna de Vries,Anna@Example.org,Acme,SME,Water,delegation,participant,nl\n".encode()
    [row] = rows_from_cells(csv_cells(data), ["Water"]).rows
    assert row.ok and row.line == 2
    assert (row.name, row.email, row.organisation, row.org_type, row.sector, row.side, row.role, row.language) == (
        "Anna de Vries", "anna@example.org", "Acme", OrgType.SME, "Water", Side.DELEGATION, Role.PARTICIPANT, "nl")


def test_a_semicolon_separated_file_from_dutch_excel_is_read() -> None:
    data = "naam;e-mailadres;organisatie;zijde;taal\nJan Jansen;jan@example.nl;Gemeente, Delft;partner;Nederlands\n"
    [row] = rows_from_cells(csv_cells(data.encode())).rows
    assert row.ok
    assert (row.name, row.organisation, row.side, row.language) == ("Jan Jansen", "Gemeente, Delft", Side.PARTNER, "nl")


def test_utf8_with_a_byte_order_mark_and_latin1_are_read() -> None:
    text = "name,email,side\nJosé Müller,jose@example.org,partner\n"
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("latin-1"), text.encode("cp1252")):
        [row] = rows_from_cells(csv_cells(data)).rows
        assert row.ok and row.name == "José Müller", data


def test_formula_cells_are_refused_never_kept() -> None:
    text = (f"{HEADING}\n=HYPERLINK(\"http://x\"),a@example.org,,,,partner,,\n"
            "Bob,b@example.org,+31 evil,,,partner,,\nCee,c@example.org,@SUM(A1),,,partner,,\n"
            "Dee,d@example.org,-2+3,,,partner,,\n")
    roster = rows_from_cells(csv_cells(text.encode()))
    assert [[e.code for e in r.errors] for r in roster.rows] == [["formula-cell"]] * 4
    assert all(not r.organisation.startswith(("=", "+", "-", "@")) for r in roster.rows)
    assert all(not r.name.startswith("=") for r in roster.rows)


def test_duplicates_invalid_addresses_and_unknown_values_are_errors_of_their_row() -> None:
    text = (f"{HEADING}\nA,a@example.org,,,,partner,,\nA again,A@EXAMPLE.ORG,,,,partner,,\n"
            "B,not-an-address,,,,partner,,\nC,c@example.org,,castle,,partner,,\nD,d@example.org,,,Space,partner,,\n"
            "E,e@example.org,,,,middle,,\nF,f@example.org,,,,partner,king,\nG,g@example.org,,,,partner,,fr\n"
            "H,h@example.org,,,,,,\nI,member@example.org,,,,partner,,\nJ,invited@example.org,,,,partner,,\n"
            ",k@example.org,,,,partner,,\n")
    assert _codes(text, mission_sectors=["Water"], members=["member@example.org"],
                  invited=["invited@example.org"]) == [
        [], ["duplicate-in-file"], ["invalid-email"], ["unknown-org-type"], ["unknown-sector"], ["unknown-side"],
        ["unknown-role"], ["unknown-language"], ["side-required"], ["already-member"], ["already-invited"],
        ["required"]]


def test_an_organiser_needs_no_side_and_blank_lines_are_skipped() -> None:
    roster = rows_from_cells(csv_cells(f"{HEADING}\n\nO,o@example.org,,,,,organiser,\n,,,\n".encode()))
    [row] = roster.rows
    assert row.ok and row.role is Role.ORGANISER and row.side is None and row.line == 3


def test_a_file_without_the_required_columns_or_rows_is_refused() -> None:
    with pytest.raises(Invalid) as missing:
        rows_from_cells(csv_cells(b"name,organisation\nA,B\n"))
    assert missing.value.code == "roster-columns-missing"
    with pytest.raises(Invalid) as empty:
        rows_from_cells(csv_cells(f"{HEADING}\n".encode()))
    assert empty.value.code == "roster-empty"


def test_the_size_and_row_limits() -> None:
    with pytest.raises(Invalid) as large:
        csv_cells(b"x" * (MAX_BYTES + 1))
    assert large.value.code == "roster-too-large"
    many = "name,email,side\n" + "".join(f"P{i},p{i}@example.org,partner\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(Invalid) as long:
        rows_from_cells(csv_cells(many.encode()))
    assert long.value.code == "roster-too-long"


def test_an_xlsx_roster_is_read_and_its_formulas_are_text() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "E-mail", "Organisation", "Organisation type", "Side"])
    sheet.append(["Anna", "anna@example.org", "Acme", "knowledge institution", "delegation"])
    sheet.append(["Bob", "bob@example.org", "=1+1", "sme", "partner"])
    buffer = io.BytesIO()
    book.save(buffer)
    roster = rows_from_cells(file_cells(buffer.getvalue()))
    assert [r.ok for r in roster.rows] == [True, False]
    assert roster.rows[0].org_type is OrgType.KNOWLEDGE
    assert [e.code for e in roster.rows[1].errors] == ["formula-cell"]


def test_a_broken_spreadsheet_is_unreadable() -> None:
    with pytest.raises(Invalid) as broken:
        file_cells(b"PK\x03\x04 not really a zip")
    assert broken.value.code == "roster-unreadable"


def test_a_spreadsheet_that_unpacks_to_too_much_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"a" * (MAX_UNPACKED + 1))  # compresses to ~100 kB
    assert len(buffer.getvalue()) < MAX_BYTES
    with pytest.raises(Invalid) as bomb:
        file_cells(buffer.getvalue())
    assert bomb.value.code == "roster-too-large"


def test_an_invitation_names_a_language_mail_is_written_in() -> None:
    from rooms.missions.people import InvitationDraft
    ok = InvitationDraft(email="a@example.org", name="A", side=Side.PARTNER, language=" NL ").validated()
    assert ok.language == "nl"
    with pytest.raises(Invalid) as wrong:
        InvitationDraft(email="a@example.org", name="A", side=Side.PARTNER, language="fr").validated()
    assert wrong.value.code == "invalid-language"
