"""Tables (rooms.core.sheets.Table) as one XLSX workbook, a sheet each. Text cells are neutralised as for CSV:
openpyxl would otherwise store a string starting with `=` as a formula. Written in openpyxl's write-only mode:
a results workbook of 2,000 meetings took ~2 s in the normal mode (docs/performance.md)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from rooms.core.sheets import Table, neutralise, safe


def workbook(tables: Sequence[Table]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.freeze_panes = "A2"
        header = []
        for name in table.header:
            cell = WriteOnlyCell(sheet, value=neutralise(name))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([safe(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
