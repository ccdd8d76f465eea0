"""Leads as files: CSV cells neutralised against spreadsheet formulas, vCard values escaped and lines folded."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from rooms.core.sheets import neutralise
from rooms.leads.export import escape, fold, leads_csv, leads_vcard
from rooms.leads.records import Contact, LeadEntry, LeadStatus
from rooms.leads.service import MissionBrief, MyLead
from rooms.matchmaking.records import Lead, LeadSource

AT = dt.datetime(2027, 3, 9, 10, 0, tzinfo=dt.UTC)


def _lead(contact: Contact, notes: str = "") -> MyLead:
    lead = Lead(id=7, mission_id=1, owner=2, person=None, source=LeadSource.MANUAL, meeting_id=None, created_at=AT)
    entry = LeadEntry(lead=lead, status=LeadStatus.PROPOSAL, changes=[], next_step_on=dt.date(2027, 3, 20),
                      next_step_note="Offer", notes=notes, contact=contact, origin=None, meeting_notes="",
                      reminded_on=None, updated_at=AT)
    return MyLead(entry, MissionBrief(1, "Water; Ghana, 2027", "Ghana", dt.date(2027, 3, 8)), None)


@pytest.mark.parametrize("cell", ["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://evil\",\"click\")"])
def test_cells_a_spreadsheet_would_evaluate_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Kim", "'=already", " =1", "1+1", "a=b"])
def test_other_cells_stay_as_they_are(cell: str) -> None:
    assert neutralise(cell) == cell


def test_the_csv_has_a_bom_crlf_rows_and_every_cell_neutralised() -> None:
    body = leads_csv([_lead(Contact(name="=cmd|' /C calc'!A0", organisation="@evil", phone="+1 555",
                                    email="-x@y"), notes="line one\nline two, with \"quotes\"")])
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.split("\r\n")[0].startswith('"name","organisation"')
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, row = rows
    cells = dict(zip(header, row, strict=True))
    assert cells["name"] == "'=cmd|' /C calc'!A0" and cells["organisation"] == "'@evil"
    assert cells["phone"] == "'+1 555" and cells["email"] == "'-x@y"
    assert cells["notes"] == "line one\nline two, with \"quotes\"" and cells["status"] == "proposal"
    assert not [c for c in row if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_vcard_values_are_escaped() -> None:
    assert escape("a\\b,c;d\ne\r\nf\rg") == "a\\\\b\\,c\\;d\\ne\\nf\\ng"


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "NOTE:" + "é" * 100 + "x" * 50
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line  # unfolding restores it
    assert fold("short") == "short"


def test_a_vcard_names_the_lead_and_escapes_its_note() -> None:
    text = leads_vcard([_lead(Contact(name="Kwame, Jr.", organisation="Accra; Water", email="k@aw.example",
                                      phone="+233 1"), notes="Pumps\nand pipes")]).decode()
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:3.0", "UID:roundtable-lead-7"]
    assert "FN:Kwame\\, Jr." in lines and "N:Kwame\\, Jr.;;;;" in lines and "ORG:Accra\\; Water" in lines
    assert "EMAIL;TYPE=INTERNET:k@aw.example" in lines and "TEL;TYPE=VOICE:+233 1" in lines
    unfolded = text.replace("\r\n ", "")
    assert ("NOTE:Water\\; Ghana\\, 2027 (Ghana)\\nStatus: proposal\\nNext step 2027-03-20: Offer\\nPumps\\nand "
            "pipes\r\n") in unfolded
    assert text.endswith("END:VCARD\r\n") and "\n" not in text.replace("\r\n", "")
