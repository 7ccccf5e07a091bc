"""Writing results as an Excel workbook (.xlsx), row by row.

openpyxl's write-only mode streams the rows to a temporary file, so memory
stays flat however many rows there are. The header row is bold, frozen and
auto-filtered; dates are real dates (a timestamp with an offset stays text:
Excel has no time zones); the status column is filled with a colour per
status, and a row in error has its error cell shaded. Cells are written as the
CSV output writes them (``procedures.batch.text_cell``): a cell that would
start a formula is neutralised the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import IO

#: Fill colour (RGB) of the status cell, per status; a status not listed is left unfilled.
STATUS_FILLS = {
    "on-time": "C6EFCE",        # green
    "delayed": "FFEB9C",        # yellow
    "late-admitted": "DDEBF7",  # blue
    "late": "F8CBAD",           # orange
    "refused": "FFC7CE",        # red
}
#: Fill colour of the error cell of a row that could not be checked.
ERROR_FILL = "D9D9D9"
#: Width (in characters) of the columns, by name; the others keep Excel's default.
WIDTHS = {"status": 14, "cite": 30, "cutoff": 20, "cutoff_cite": 18, "publish_by": 12, "margin": 60,
          "warnings": 60, "error": 60, "modality": 10}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")


#: Characters an .xlsx file (XML 1.0) cannot hold; written as \\uNNNN so the workbook stays readable.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def as_date(text: str) -> dt.date | dt.datetime | None:
    """An echoed cell that is an ISO date, or a date and time without offset, as a date; else None."""
    try:
        if _DATE.match(text):
            return dt.date.fromisoformat(text)
        if _MOMENT.match(text):
            return dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return None


class ResultsWorkbook:
    """A workbook of one sheet, written row by row to ``fh`` (a binary stream) when closed."""

    def __init__(self, fh: IO[bytes], header: list[str], text: Callable[[object], str], sheet: str = "results"):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.fh, self.text, self.width, self.rows = fh, text, len(header), 1
        self._cell, self._fill = WriteOnlyCell, lambda rgb: PatternFill("solid", fgColor=rgb)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(sheet)
        self.sheet.freeze_panes = "A2"
        for i, name in enumerate(header, start=1):
            if name in WIDTHS:
                self.sheet.column_dimensions[get_column_letter(i)].width = WIDTHS[name]
        self.status = header.index("status") if "status" in header else None
        self.error = header.index("error") if "error" in header else None
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = WriteOnlyCell(self.sheet, value=text(name))
            cell.font = bold
            cells.append(cell)
        self.sheet.append(cells)
        self.fills = {status: self._fill(rgb) for status, rgb in STATUS_FILLS.items()}
        self.error_fill = self._fill(ERROR_FILL)

    def value(self, v: object) -> object:
        """A value as its cell holds it: a date or a naive time as such, an aware time in its own zone's clock, else text
        (nothing for an empty value: an empty cell is not written)."""
        if v is None or v == "":
            return None
        if isinstance(v, dt.datetime):
            return v.replace(tzinfo=None)
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            found = as_date(v)
            if found is not None:
                return found
        return NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", self.text(v))

    def append(self, values: list) -> None:
        row = [self.value(v) for v in values]
        if self.status is not None and values[self.status] in self.fills:
            cell = self._cell(self.sheet, value=row[self.status])
            cell.fill = self.fills[values[self.status]]
            row[self.status] = cell
        if self.error is not None and values[self.error]:
            cell = self._cell(self.sheet, value=row[self.error])
            cell.fill = self.error_fill
            row[self.error] = cell
        self.sheet.append(row)
        self.rows += 1

    def abandon(self) -> None:
        """Give the workbook up (the batch failed): its sheet's rows, kept in a temporary file, are closed, so that
        nothing is written later, when the sheet is thrown away (openpyxl would then write to a closed file)."""
        try:
            self.sheet.close()
        except Exception:  # noqa: BLE001 - giving up: whatever the sheet's state, nothing more is to be written
            pass

    def close(self) -> None:
        from openpyxl.utils import get_column_letter

        self.sheet.auto_filter.ref = f"A1:{get_column_letter(max(self.width, 1))}{self.rows}"
        self.book.save(self.fh)
