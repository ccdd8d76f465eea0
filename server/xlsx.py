"""Tables (rooms.core.sheets.Table) as one XLSX workbook, a sheet each. Text cells are neutralised as for CSV:
openpyxl would otherwise store a string starting with `=` as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font

from rooms.core.sheets import Table, neutralise, safe


def workbook(tables: Sequence[Table]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([neutralise(h) for h in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe(cell) for cell in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
