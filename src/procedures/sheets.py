"""A sheet of an Excel workbook (.xlsx) read as a table (``procedures.tables.open_table`` hands a zip file here).

openpyxl's read-only mode streams the rows, so memory stays flat. What openpyxl is not trusted with: the range
a sheet says it spans (every row is read, up to Excel's last), a sheet the workbook lists that openpyxl leaves
out (the workbook is damaged, rather than another sheet read in its place), and the errors it raises on a
damaged file (each is one line naming the file, the sheet and the first row that cannot be read, and how to
repair it); its warnings are not shown.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from procedures.errors import InputError
from procedures.inputs import one_line, shown
from procedures.tables import Record, Table, check_columns

#: An Excel workbook's main part, where producers put it (openpyxl finds it through the content types).
MAIN_PART = "xl/workbook.xml"
#: Excel's last row (a sheet's rows past it are a damaged file's).
EXCEL_ROWS = 1_048_576
#: The characters of a library's message shown at most.
RAISED_SHOWN = 200
# openpyxl's warnings about the parts of a workbook it reads (a date past its range, a defined name it drops) are
# not for the user: each is either an error row of its own or about a part that is not read.
warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")


def sheet_table(raw: BinaryIO, name: str, sheet: str | None) -> Table:
    """The sheet of an .xlsx workbook as a table: its first row is the header, then one record per row."""
    book = _opened_workbook(raw, name)
    try:
        names = _sheet_names(book, raw, name)
        listed = shown(", ".join(names))
        if sheet is not None and sheet not in names:
            raise InputError(f"sheet '{shown(sheet)}': {name} has no sheet of that name; its sheets: {listed}")
        title = sheet or names[0]
        if not hasattr(book[title], "iter_rows"):  # a chart sheet
            raise InputError(f"{name}, sheet {shown(title)}: a chart, not rows; name the sheet that holds the rows (its sheets: {listed})")
        rows = _sheet_rows(book, title, name)
        first = next(rows, None)
        if first is None or all(v is None for v in first):
            raise InputError(f"{name}, sheet {shown(title)}: the first row is empty; it needs the header")
    except BaseException:
        book.close()
        raise
    header = [cell_text(v) for v in first]
    while header and not header[-1]:
        header.pop()
    columns = check_columns(header, name)

    def records() -> Iterator[Record]:
        for line, values in enumerate(rows, start=2):
            fields = [cell_text(v) for v in values]
            while fields and not fields[-1]:
                fields.pop()
            if fields:
                yield Record(line, fields)

    def close() -> None:
        book.close()
        raw.close()

    return Table(name, columns, "xlsx", "", records(), close, [h.strip() for h in header])


def _opened_workbook(raw: BinaryIO, name: str):
    """The workbook in a zip file, opened to be read row by row; an InputError if it is not one, or is damaged."""
    from openpyxl import load_workbook

    raw.seek(0)
    try:
        return load_workbook(raw, read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl reading a user's file: whatever it raises, the file is the cause
        if isinstance(exc, SyntaxError) or _has_workbook_part(raw):  # XML that is not well-formed, or a workbook's parts
            raise InputError(_damaged(name, _raised(exc))) from None
        raise InputError(f"{name} is a zip file but not an Excel workbook (.xlsx) that can be read ({_raised(exc)})") from None


def _sheet_names(book, raw: BinaryIO, name: str) -> list[str]:
    """The workbook's sheets; a sheet its main part lists with a relationship that openpyxl left out (its part
    missing) makes it damaged, as does a workbook of no sheet: else another sheet would be read silently."""
    names = book.sheetnames
    missing = [listed for listed in _listed_sheets(raw) if listed not in names]
    if missing:
        raise InputError(_damaged(name, f"its sheet '{shown(missing[0])}' is listed but cannot be found in it"))
    if not names:
        raise InputError(_damaged(name, "it holds no sheet"))
    return names


def _listed_sheets(raw: BinaryIO) -> list[str]:
    """The sheets' names as the workbook's main part lists them with a relationship to their part (a sheet without
    one, as older macro workbooks have, has no part to read), where that main part is at its usual place
    (xl/workbook.xml; else none: a producer may put it elsewhere, and openpyxl, which found it, read it)."""
    import xml.etree.ElementTree as ET

    raw.seek(0)
    try:
        with zipfile.ZipFile(raw) as z:
            root = ET.fromstring(z.read(MAIN_PART))
    except (KeyError, SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return []
    return [e.get("name", "") for sheets in root if _local(sheets.tag) == "sheets" for e in sheets
            if _local(e.tag) == "sheet" and any(_local(key) == "id" for key in e.attrib)]  # with its relationship


def _local(tag: str) -> str:
    """An XML element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _sheet_rows(book, title: str, name: str) -> Iterator[tuple]:
    """A sheet's rows as values, every one of them (not only those within the range the sheet says it spans: some
    programs write it too small, and the rows past it were lost); a damaged sheet is an InputError naming the
    first row that cannot be read (the rows after it cannot be read either, so the table is refused whole: a batch
    then writes nothing). Where the sheet's bytes were altered (the zip's check of them fails at its end), no row."""
    read = 0
    try:
        sheet = book[title]
        sheet.reset_dimensions()
        for values in sheet.iter_rows(values_only=True):  # a gap in the rows' numbers comes as empty rows
            if read >= EXCEL_ROWS:  # a row numbered past Excel's last: without its range, openpyxl would fill the gap
                raise InputError(_damaged(f"{name}, sheet {shown(title)}", f"a row past Excel's last row, {EXCEL_ROWS:,}"))
            yield values
            read += 1
    except (MemoryError, InputError):
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl reading a user's file: whatever it raises, the file is the cause
        altered = isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError))
        where = f"{name}, sheet {shown(title)}" + ("" if altered else f", row {read + 1} and the rows after it")
        raise InputError(_damaged(where, _raised(exc))) from None


def _has_workbook_part(raw: BinaryIO) -> bool:
    """Whether a zip file lists an Excel workbook's main part (it is a workbook, damaged if it cannot be read)."""
    try:
        raw.seek(0)
        with zipfile.ZipFile(raw) as z:
            return MAIN_PART in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _raised(exc: Exception) -> str:
    """An exception of a library, as a message shows it: its kind and its words, on one line, cut when long."""
    words = str(exc)
    return f"{type(exc).__name__}: {one_line(words[:RAISED_SHOWN])}" + ("…" if len(words) > RAISED_SHOWN else "")


def _damaged(where: str, problem: str) -> str:
    return (f"{where}: a damaged workbook ({problem}); open it in a spreadsheet program and save it again, or "
            "export the sheet as CSV")


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold: dates and times in ISO 8601, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) and value.tzinfo is None else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
