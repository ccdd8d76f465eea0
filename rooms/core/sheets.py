"""Tables for spreadsheets, safe to open: every text cell that a spreadsheet would run as a formula (it starts
with `=`, `+`, `-`, `@`, a tab or a carriage return; OWASP's CSV-injection list) is prefixed with `'`, so it is
shown as text. Numbers stay numbers. CSV is UTF-8 with a byte order mark (Excel reads it as UTF-8 only then),
CRLF rows, every cell quoted."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import msgspec

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


class Table(msgspec.Struct, frozen=True):
    name: str  # a file and sheet name: lowercase, no spaces
    header: list[str]
    rows: list[list[Cell]]


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet will show and never evaluate."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def safe(cell: Cell) -> Cell:
    return neutralise(cell) if isinstance(cell, str) else cell


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if cell is None else safe(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")
