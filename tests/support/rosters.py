"""Roster files for the bulk onboarding tests (system and browser)."""

from __future__ import annotations

import io

import openpyxl

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_xlsx(count: int = 300, domain: str = "bulk.example", first_name: str = "Person 0") -> bytes:
    """`count` rows of which three are bad: an invalid address (line 11), a duplicate of line 2 (line 51) and an
    unknown organisation type (line 101)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "E-mail", "Organisation", "Organisation type", "Sector", "Side", "Role", "Language"])
    for n in range(count):
        line = n + 2
        email = f"person{n}@{domain}"
        org_type = "sme" if n % 2 else "knowledge institution"
        if line == 11:
            email = "not an address"
        elif line == 51:
            email = f"PERSON0@{domain}"
        elif line == 101:
            org_type = "castle"
        name = first_name if n == 0 else f"Person {n}"
        sheet.append([name, email, f"Company {n % 17}", org_type, "", "delegation" if n % 3 else "partner",
                      "participant", "nl" if n % 2 else "en"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
