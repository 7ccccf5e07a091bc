"""Real files from real desks (issue 16): workbooks, semicolons, UTF-16 and Windows-1252 exports.

Each test builds the files a secretariat's machine writes (Excel workbooks
written with openpyxl, with date cells and several sheets; "Unicode text"
exports; CSV with semicolons and CRLF from a Swiss or French locale) and
checks that every row comes out, with the same answers as the plain CSV, or
that the file is refused in one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from procedures.cli import app

runner = CliRunner()
REPO = Path(__file__).parent.parent

#: A registry with every status, a title that needs quoting, accents, a multi-line title and a bad row.
REGISTRY = [
    ["id", "title", "kind", "opens", "received", "purpose", "chair_admitted"],
    ["C-101", "Réseaux; rural areas", "study-group", "2026-09-14", "2026-07-31T23:30:00+02:00", "action", ""],
    ["C-102", 'The "last mile", again', "study-group", "2026-09-14", "2026-07-31T23:30:00-04:00", "action", ""],
    ["C-103", "Übertragung\nsecond line", "study-group", "2026-09-14", "2026-09-03T10:12:00", "action", ""],
    ["C-104", "Admitted", "study-group", "2026-09-14", "2026-09-03", "action", "yes"],
    ["C-105", "Group", "rapporteur-group", "2026-04-20", "2026-04-02", "action", ""],
    ["C-106", "TDAG", "tdag", "2026-06-08", "2026-06-09", "action", ""],
    ["C-107", "For information", "study-group", "2026-09-14", "2026-09-01", "information", ""],
    ["C-108", "Plenary", "plenary", "2026-09-14", "2026-09-01", "action", ""],
]
ADDED = ["status", "cite", "cutoff", "cutoff_cite", "publish_by", "on_agenda", "translated", "margin", "warnings", "error", "modality"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def csv_text(rows: list[list], delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def with_date_cells(rows: list[list]) -> list[list]:
    """The registry as Excel holds it when dates were typed: opens as a date, bare received dates as dates."""
    out = [rows[0]]
    for row in rows[1:]:
        row = list(row)
        row[3] = dt.date.fromisoformat(row[3])
        if len(row[4]) == 10:
            row[4] = dt.datetime.fromisoformat(row[4])  # Excel stores a date as a date-time at midnight
        out.append(row)
    return out


def results(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def checked(res) -> list[tuple]:
    """The check's own columns of each output row."""
    return [tuple(r[c] for c in ADDED) for r in results(res.stdout)]


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "registry.csv"
    path.write_text(csv_text(REGISTRY), encoding="utf-8")
    res = run("check-batch", path)
    assert res.exit_code == 1, res.output
    return res


EXPORTS = {
    # Excel's CSV in a Swiss or French locale: semicolons, CRLF, a byte-order mark
    "semicolon-crlf-bom.csv": lambda p: p.write_bytes(csv_text(REGISTRY, ";", "\r\n").encode("utf-8-sig")),
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
    "unicode-text.txt": lambda p: p.write_bytes(csv_text(REGISTRY, "\t", "\r\n").encode("utf-16")),
    # an older export in the Windows code page, semicolons
    "windows-1252.csv": lambda p: p.write_bytes(csv_text(REGISTRY, ";", "\r\n").encode("cp1252")),
    "registry.xlsx": lambda p: workbook(p, {"Registry": REGISTRY}),
    "date-cells.xlsx": lambda p: workbook(p, {"Registry": with_date_cells(REGISTRY), "Notes": [["not read"]]}),
}


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_gives_every_row_and_the_same_answers_as_the_plain_csv(tmp_path, plain, name):
    path = tmp_path / name
    EXPORTS[name](path)
    res = run("check-batch", path)
    assert res.exit_code == 1, res.output
    assert checked(res) == checked(plain)
    got = results(res.stdout)
    assert [r["id"] for r in got] == [row[0] for row in REGISTRY[1:]]
    assert [r["title"] for r in got] == [row[1] for row in REGISTRY[1:]], "the input's own columns come back as they were"
    assert "8 rows read" in res.stderr and "1 error" in res.stderr


def test_the_summary_says_how_an_unusual_file_was_read(tmp_path):
    for name, words in [("semicolon-crlf-bom.csv", "semicolon-separated"), ("unicode-text.txt", "read as UTF-16"),
                        ("windows-1252.csv", "read as Windows-1252"), ("registry.xlsx", "read from a workbook")]:
        path = tmp_path / name
        EXPORTS[name](path)
        assert words in run("check-batch", path).stderr


def test_a_workbook_sheet_is_chosen_by_name(tmp_path, plain):
    path = workbook(tmp_path / "book.xlsx", {"Read me": [["This workbook's registry is on the next sheet"]], "Registry": REGISTRY})
    res = run("check-batch", path, "--sheet", "Registry")
    assert res.exit_code == 1 and checked(res) == checked(plain)
    res = run("check-batch", path)
    assert res.exit_code == 2 and "lacks column(s) id, kind, opens, received" in res.stderr


def _empty_first_row(path: Path) -> None:
    book = Workbook()
    book.active["A2"] = "id"
    book.save(path)


def _other_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")


@pytest.mark.parametrize("make,args,message", [
    (lambda p: workbook(p, {"Registry": REGISTRY}), ["--sheet", "Registy"], "has no sheet of that name; its sheets: Registry"),
    (_empty_first_row, [], "the first row is empty; it needs the header"),
    (_other_zip, [], "is a zip file but not an Excel workbook (.xlsx)"),
    (lambda p: p.write_text(csv_text(REGISTRY)), ["--sheet", "Registry"], "is not a workbook (.xlsx) but a text file"),
    (lambda p: p.write_text("id;kind;opens;received;KIND\n"), [], "names column(s) kind more than once"),
    (lambda p: p.write_text(""), [], "is empty"),
])
def test_a_file_that_cannot_be_read_as_a_table_is_one_line(tmp_path, make, args, message):
    path = tmp_path / "input.xlsx"
    make(path)
    for command in (["check-batch", path], ["tally", "--procedure", "question-approval", "--replies", path],
                    ["appointments", "check", path]):
        res = run(*command, *args)
        assert res.exit_code == 2, (command, res.output)
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "Traceback" not in res.output
        assert message in res.stderr, (command, res.stderr)


def _rewritten(path: Path, member: str, change, stored: bool = False) -> None:
    """The workbook at ``path`` with one member's bytes changed (``change(bytes) -> bytes``; None: the member left
    out), the others as they were."""
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename == member:
                data = change(data)
                if data is None:
                    continue
                info.compress_type = zipfile.ZIP_STORED if stored else info.compress_type
            z.writestr(info, data)


def _without(path: Path, member: str) -> None:
    _rewritten(path, member, lambda data: None)


SHEET = "xl/worksheets/sheet1.xml"


def _bad_character(row: str, cell: bytes):
    """A cell's text holding a character reference XML does not allow (U+DCFF, a lone surrogate; or U+0001)."""
    def make(path: Path) -> None:
        workbook(path, {"Registry": REGISTRY})
        _rewritten(path, SHEET, lambda data: data.replace(cell, cell[:-4] + (b"&#xDCFF;" if row != "1" else b"&#x1;") + cell[-4:], 1))
    return make


def _cut_short(path: Path) -> None:
    workbook(path, {"Registry": REGISTRY})
    _rewritten(path, SHEET, lambda data: data[: data.index(b"C-106")])


def _altered(path: Path) -> None:
    """A sheet whose stored bytes were altered after they were written: its CRC no longer matches."""
    workbook(path, {"Registry": REGISTRY})
    _rewritten(path, SHEET, lambda data: data, stored=True)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"C-105")
    raw[at] = ord("X")
    path.write_bytes(bytes(raw))


def _broken_book(path: Path) -> None:
    workbook(path, {"Registry": REGISTRY})
    _rewritten(path, "xl/workbook.xml", lambda data: data[: len(data) // 2])


@pytest.mark.parametrize("make,message", [
    (_bad_character("5", b"Admitted</t>"), "input.xlsx, sheet Registry, row 5 and the rows after it: a damaged workbook (ParseError: "),
    (_bad_character("1", b"received</t>"), "input.xlsx, sheet Registry, row 1 and the rows after it: a damaged workbook (ParseError: "),
    (_cut_short, "input.xlsx, sheet Registry, row 7 and the rows after it: a damaged workbook (ParseError: "),
    (_altered, "input.xlsx: a damaged workbook (BadZipFile: Bad CRC-32 for file 'xl/worksheets/sheet1.xml')"),
    (_broken_book, "input.xlsx: a damaged workbook (ParseError: "),
], ids=["a bad character in a row", "a bad character in the header", "a sheet cut short", "altered bytes", "a broken workbook part"])
@pytest.mark.parametrize("out", ["results.csv", "results.xlsx"])
def test_a_damaged_workbook_is_refused_in_one_line_and_nothing_is_written(tmp_path, make, message, out):
    path = tmp_path / "input.xlsx"
    make(path)
    res = run("check-batch", path, "--out", tmp_path / out)
    assert res.exit_code == 2, res.output
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "Traceback" not in res.output
    assert message in res.stderr and "open it in a spreadsheet program and save it again, or export the sheet as CSV" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.xlsx"]


def test_a_long_damaged_workbook_checked_by_workers_writes_nothing(tmp_path):
    rows = [REGISTRY[0]] + [[f"C-{k}", "Title", "study-group", "2026-09-14", "2026-07-31", "action", ""] for k in range(2500)]
    rows[2000][1] = "PLACE"
    path = workbook(tmp_path / "long.xlsx", {"Registry": rows})
    _rewritten(path, SHEET, lambda data: data.replace(b"PLACE</t>", b"PL&#xDCFF;ACE</t>"))
    res = run("check-batch", path, "--out", tmp_path / "results.csv")
    assert res.exit_code == 2 and "long.xlsx, sheet Registry, row 2001 and the rows after it: a damaged workbook" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.xlsx"]


def test_the_other_readers_of_a_workbook_refuse_a_damaged_one_alike(tmp_path):
    path = tmp_path / "input.xlsx"
    _broken_book(path)
    for command in (["tally", "--procedure", "question-approval", "--replies", path], ["appointments", "check", path]):
        res = run(*command)
        assert res.exit_code == 2 and res.stderr.count("\n") == 1, (command, res.output)
        assert "input.xlsx: a damaged workbook (ParseError: " in res.stderr


def _two_sheets_the_first_missing(path: Path) -> None:
    """Sheets 'Current' and 'Archive', the part of 'Current' gone: openpyxl leaves the sheet out, and the archive
    would be read in its place."""
    workbook(path, {"Current": REGISTRY, "Archive": [REGISTRY[0], ["OLD-1", "Old", "study-group", "2019-09-14", "2019-07-31", "action", ""]]})
    _without(path, SHEET)


@pytest.mark.parametrize("make,message", [
    (lambda p: (workbook(p, {"Registry": REGISTRY}), _rewritten(p, "xl/workbook.xml", lambda d: d.replace(b'sheetId="1"', b'sheetId="x"'))),
     "input.xlsx: a damaged workbook (TypeError: "),
    (lambda p: (workbook(p, {"Registry": REGISTRY}), _rewritten(p, "xl/styles.xml", lambda d: d.replace(b'numFmtId="0"', b'numFmtId="abc"', 1))),
     "input.xlsx: a damaged workbook ("),
    (lambda p: (workbook(p, {"Registry": REGISTRY}), _without(p, SHEET)),
     "input.xlsx: a damaged workbook (its sheet 'Registry' is listed but cannot be found in it)"),
    (_two_sheets_the_first_missing,
     "input.xlsx: a damaged workbook (its sheet 'Current' is listed but cannot be found in it)"),
    (lambda p: (workbook(p, {"Registry": REGISTRY}), _rewritten(p, "xl/workbook.xml", lambda d: d[:d.index(b"<sheets>")] + b"<sheets/>" + d[d.index(b"</sheets>") + 9:])),
     "input.xlsx: a damaged workbook (it holds no sheet)"),
    (lambda p: (workbook(p, {"Registry": REGISTRY}), _rewritten(p, SHEET, lambda d: d.replace(b'<c r="A5" t="inlineStr"><is><t>C-104</t></is></c>', b'<c r="A5" t="s"><v>9999</v></c>'))),
     "input.xlsx, sheet Registry, row 5 and the rows after it: a damaged workbook (IndexError: "),
], ids=["a sheet id that is not a number", "a number format that is not a number", "the sheet's part missing",
        "the first of two sheets missing", "no sheet listed", "a shared string that is not there"])
def test_a_workbook_damaged_where_openpyxl_raises_something_else_is_refused_alike(tmp_path, make, message):
    path = tmp_path / "input.xlsx"
    make(path)
    for command in (["check-batch", path, "--out", tmp_path / "out.csv"], ["tally", "--procedure", "question-approval", "--replies", path],
                    ["appointments", "check", path]):
        res = run(*command)
        assert res.exit_code == 2, (command, res.output)
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ") and "Traceback" not in res.output
        if command[0] == "check-batch" or "sheet Registry" not in message:  # the others read no row of a registry
            assert message in res.stderr, (command, res.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input.xlsx"]


def test_rows_past_the_range_a_sheet_says_it_spans_are_read(tmp_path, plain):
    """Some programs write a sheet's range (its dimension) too small; openpyxl's reading by rows stopped there, and the
    rows after it were lost without a word (3 of 8 here)."""
    path = workbook(tmp_path / "book.xlsx", {"Registry": REGISTRY})
    _rewritten(path, SHEET, lambda data: data.replace(b'<dimension ref="A1:G9" />', b'<dimension ref="A1:C4" />'))
    with zipfile.ZipFile(path) as z:
        assert b'<dimension ref="A1:C4" />' in z.read(SHEET)
    res = run("check-batch", path)
    assert checked(res) == checked(plain) and len(checked(res)) == len(REGISTRY) - 1


def test_a_workbook_whose_main_part_is_not_at_its_usual_place_is_read(tmp_path, plain):
    """Some producers name the workbook's main part otherwise; openpyxl finds it through the content types."""
    path = workbook(tmp_path / "book.xlsx", {"Registry": REGISTRY})
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name.replace("xl/workbook.xml", "xl/book.xml").replace("xl/_rels/workbook.xml.rels", "xl/_rels/book.xml.rels"),
                       data.replace(b"xl/workbook.xml", b"xl/book.xml"))
    res = run("check-batch", path)
    assert res.exit_code == 1 and checked(res) == checked(plain)


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl's, which pytest records; the command hides it (tested above)
def test_a_sheet_listed_without_a_relationship_is_passed_over_as_openpyxl_does(tmp_path, plain):
    """Older macro workbooks list sheets with no part (no r:id); openpyxl leaves them out, and so may the check."""
    path = workbook(tmp_path / "book.xlsx", {"Registry": REGISTRY})
    _rewritten(path, "xl/workbook.xml", lambda data: data.replace(b"</sheets>", b'<sheet name="Macro1" sheetId="9"/></sheets>'))
    res = run("check-batch", path)
    assert res.exit_code == 1 and checked(res) == checked(plain) and res.stderr.count("\n") == 1


def test_a_chart_sheet_is_named_as_one(tmp_path):
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    book.active.title = "Registry"
    for row in REGISTRY:
        book.active.append(row)
    chart = BarChart()
    chart.add_data(Reference(book.active, min_col=1, min_row=1, max_row=3))
    book.create_chartsheet("Chart", 0).add_chart(chart)
    book.save(tmp_path / "book.xlsx")
    res = run("check-batch", tmp_path / "book.xlsx")
    assert res.exit_code == 2 and res.stderr.endswith("book.xlsx, sheet Chart: a chart, not rows; name the sheet that holds the rows "
                                                      "(its sheets: Chart, Registry)\n"), res.stderr
    assert run("check-batch", tmp_path / "book.xlsx", "--sheet", "Registry").exit_code == 1  # its rows, one an error


def test_a_row_numbered_past_excel_s_last_is_a_damaged_workbook_not_a_wait(tmp_path):
    """Read past its stated range, a sheet's gap up to a row numbered 999,999,999 came as that many empty rows."""
    path = workbook(tmp_path / "book.xlsx", {"Registry": REGISTRY})
    _rewritten(path, SHEET, lambda data: data.replace(b'<row r="9">', b'<row r="999999999">').replace(b'r="A9"', b'r="A999999999"'))
    res = run("check-batch", path, "--out", tmp_path / "out.csv")
    assert res.exit_code == 2 and "a damaged workbook (a row past Excel's last row, 1,048,576)" in res.stderr, res.output


def test_openpyxl_s_warnings_do_not_reach_the_user(tmp_path):
    """A date cell far past the calendar: openpyxl warns, and its warning (two lines naming its own file) reached
    stderr beside the summary; the row itself is what says what is wrong with it."""
    path = workbook(tmp_path / "book.xlsx", {"Registry": with_date_cells(REGISTRY)})  # C-104 received as a date cell
    _rewritten(path, SHEET, lambda data: data.replace(b'<c r="E5" s="2" t="n"><v>46268</v></c>', b'<c r="E5" s="2" t="n"><v>99999999</v></c>'))
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "procedures", "check-batch", str(path), "--out", str(tmp_path / "out.csv")],
                          capture_output=True, text=True, cwd=REPO)  # a process of its own: pytest records warnings itself
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "warn" not in done.stderr.lower(), done.stderr
    assert "2 errors" in done.stderr and len(list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))) == len(REGISTRY)


def test_an_attendance_sheet_without_an_attendance_file_is_an_error_not_ignored(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_bytes((REPO / "docs/examples/appointments-sg1.csv").read_bytes())
    res = run("appointments", "check", path, "--attendance-sheet", "Present")
    assert res.exit_code == 2 and res.stderr == ("error: --attendance-sheet names a sheet of the attendance, but no attendance is given; "
                                                 "give --attendance too, or leave it out\n")


# --- the registry's columns stay ---------------------------------------------------------------------


def test_check_batch_copies_every_input_column_then_adds_its_own(tmp_path, plain):
    header = results(plain.stdout)[0].keys()
    assert list(header) == REGISTRY[0] + ADDED


def test_an_input_column_named_like_an_added_one_keeps_its_values_under_a_suffix(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text("Status,id,kind,opens,received\nfiled,C1,study-group,2026-09-14,2026-07-31\n")
    res = run("check-batch", path)
    row = results(res.stdout)[0]
    assert row["Status (input)"] == "filed" and row["status"] == "on-time"


def test_the_added_columns_say_what_decided(tmp_path, plain):
    got = {r["id"]: r for r in results(plain.stdout)}
    # on time: the 45-day cut-off was met; delayed: it was missed
    assert got["C-101"]["cutoff"] == "2026-07-31T23:59:59+02:00" and got["C-101"]["cutoff_cite"] == "Res. 1 § 4.2.1.1"
    assert got["C-101"]["margin"].startswith("received 2026-07-31 23:30 CEST, 29 min before the 45-day cut-off")
    assert got["C-102"]["status"] == "delayed" and got["C-102"]["cutoff_cite"] == "Res. 1 § 4.2.1.1"
    assert got["C-103"]["cutoff"] == "2026-09-02T23:59:59+02:00" and got["C-103"]["cutoff_cite"] == "Res. 1 § 4.2.1.3"
    assert got["C-108"]["error"] and got["C-108"]["status"] == "" and got["C-108"]["title"] == "Plenary"


def test_every_echoed_cell_is_neutralised_in_csv_and_workbook(tmp_path):
    rows = [["id", "title", "kind", "opens", "received"],
            ["=1+1", "@SUM(A1)", "study-group", "2026-09-14", "2026-07-31"],
            ["C2", "-2", "study-group", "2026-09-14", "2026-07-31"]]
    src = tmp_path / "reg.csv"
    src.write_text(csv_text(rows))
    res = run("check-batch", src)
    assert [(r["id"], r["title"]) for r in results(res.stdout)] == [("'=1+1", "'@SUM(A1)"), ("C2", "'-2")]
    out = tmp_path / "out.xlsx"
    assert run("check-batch", src, "--out", out).exit_code == 0
    sheet = load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell is a formula"
    assert [sheet["A2"].value, sheet["B2"].value, sheet["B3"].value] == ["'=1+1", "'@SUM(A1)", "'-2"]


# --- workbooks out ------------------------------------------------------------------------------------


def test_check_batch_writes_a_workbook_for_an_xlsx_out_file(tmp_path, plain):
    src = tmp_path / "reg.csv"
    src.write_text(csv_text(REGISTRY))
    out = tmp_path / "results.xlsx"
    res = run("check-batch", src, "--out", out)
    assert res.exit_code == 1 and res.stdout == ""
    book = load_workbook(out)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == REGISTRY[0] + ADDED and len(rows) == len(REGISTRY)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:R{len(REGISTRY)}"
    assert all(c.font.b for c in sheet[1])
    first = dict(zip(header, rows[1]))
    # dates are dates; a cut-off's moment is Geneva's clock (Excel has no time zones)
    assert first["opens"] == dt.datetime(2026, 9, 14) and first["publish_by"] == dt.datetime(2026, 9, 7)
    assert first["cutoff"] == dt.datetime(2026, 7, 31, 23, 59, 59)
    assert first["received"] == "2026-07-31T23:30:00+02:00", "a time with an offset stays as written"
    # the status column is readable at a glance: a fill per status, the error cell shaded
    status, error = header.index("status") + 1, header.index("error") + 1
    fills = {sheet.cell(r, 1).value: sheet.cell(r, status).fill.fgColor.rgb for r in range(2, len(rows) + 1)}
    assert fills["C-101"] != fills["C-102"] != fills["C-103"] != fills["C-106"]
    assert fills["C-101"].endswith("C6EFCE") and fills["C-106"].endswith("FFC7CE")
    assert sheet.cell(len(rows), error).fill.fgColor.rgb.endswith("D9D9D9")
    # the same answers as the CSV, cell for cell (dates as text there)
    as_csv = [[r[c] for c in ADDED] for r in results(plain.stdout)]
    def text(v):
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time(0) else None
        return "" if v is None else v
    for got, want in zip(rows[1:], as_csv):
        got = dict(zip(header, got))
        assert [text(got[c]) for c in ADDED if c != "cutoff"] == [w for c, w in zip(ADDED, want) if c != "cutoff"]


@pytest.mark.parametrize("out,args,kind", [
    ("results.json", [], "json"),
    ("results.xlsx", ["--format", "csv"], "csv"),
    ("results.xlsx", ["--format", "json"], "json"),
    ("results.txt", [], "csv"),
    ("results.XLSX", [], "xlsx"),
])
def test_the_out_file_extension_chooses_the_format_and_format_wins(tmp_path, out, args, kind):
    src = tmp_path / "reg.csv"
    src.write_text(csv_text(REGISTRY[:3]))
    target = tmp_path / out
    assert run("check-batch", src, "--out", target, *args).exit_code == 0
    data = target.read_bytes()
    if kind == "json":
        assert json.loads(data)[0]["status"] == "on-time"
    elif kind == "csv":
        assert data.startswith(b"id,title,kind")
    else:
        assert data.startswith(b"PK") and load_workbook(target).active.max_row == 3


def test_a_failed_workbook_run_leaves_no_file(tmp_path):
    src = tmp_path / "reg.csv"
    src.write_text("id,kind\nC1,study-group\n")
    out = tmp_path / "results.xlsx"
    res = run("check-batch", src, "--out", out)
    assert res.exit_code == 2 and sorted(p.name for p in tmp_path.iterdir()) == ["reg.csv"]


def test_a_workbook_in_gives_a_workbook_out_with_its_dates_as_dates(tmp_path):
    src = workbook(tmp_path / "reg.xlsx", {"Registry": with_date_cells(REGISTRY)})
    out = tmp_path / "out.xlsx"
    run("check-batch", src, "--out", out)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == len(REGISTRY) and rows[1][3] == dt.datetime(2026, 9, 14)


# --- tally and appointments read the same files ------------------------------------------------------


REPLIES = list(csv.reader((REPO / "docs/examples/replies.csv").read_text(encoding="utf-8").splitlines()))


def tally_json(path: Path, *args):
    res = run("tally", "--procedure", "recommendation-approval", "--replies", path, "--circulated", "2026-02-28", "--format", "json", *args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    return data["outcome"], data["counts"], [(e["row"], e["reason"]) for e in data["excluded"]], [c["row"] for c in data["counted"]]


REPLY_EXPORTS = {
    "semicolon.csv": lambda p: p.write_bytes(csv_text(REPLIES, ";", "\r\n").encode("utf-8-sig")),
    "unicode-text.txt": lambda p: p.write_bytes(csv_text(REPLIES, "\t", "\r\n").encode("utf-16")),
    "windows-1252.csv": lambda p: p.write_bytes(csv_text(REPLIES, ";", "\r\n").encode("cp1252")),
    "replies.xlsx": lambda p: workbook(p, {"Replies": [REPLIES[0]] + [[m, a, dt.date.fromisoformat(d)] for m, a, d in REPLIES[1:]]}),
}


@pytest.mark.parametrize("name", REPLY_EXPORTS)
def test_tally_gives_the_same_answer_from_every_export(tmp_path, name):
    expected = tally_json(REPO / "docs/examples/replies.csv")
    path = tmp_path / name
    REPLY_EXPORTS[name](path)
    assert tally_json(path) == expected


def test_tally_reads_the_sheet_named(tmp_path):
    path = workbook(tmp_path / "book.xlsx", {"Summary": [["see next sheet"]], "Replies": REPLIES})
    assert tally_json(path, "--sheet", "Replies") == tally_json(REPO / "docs/examples/replies.csv")


def _appointments_result(*args):
    res = run("appointments", "check", *args, "--format", "json")
    assert res.exit_code == 3, res.output
    data = json.loads(res.stdout)
    return data["findings"], data["errors"], data["people"]


def test_appointments_and_attendance_from_two_sheets_of_one_workbook(tmp_path):
    def rows(name):
        return list(csv.reader((REPO / "docs/examples" / name).read_text(encoding="utf-8").splitlines()))

    attendance = rows("attendance-sg1.csv")
    dated = [attendance[0]] + [[p, m, dt.date.fromisoformat(d), a] for p, m, d, a in attendance[1:]]
    book = workbook(tmp_path / "sg1.xlsx", {"Posts": rows("appointments-sg1.csv"), "Attendance": dated})
    expected = _appointments_result(REPO / "docs/examples/appointments-sg1.csv", "--attendance", REPO / "docs/examples/attendance-sg1.csv")
    got = _appointments_result(book, "--sheet", "Posts", "--attendance", book, "--attendance-sheet", "Attendance")
    assert got == expected
    res = run("appointments", "check", book, "--sheet", "Posts", "--attendance", book, "--attendance-sheet", "Present")
    assert res.exit_code == 2 and "sheet 'Present': " in res.stderr and "its sheets: Posts, Attendance" in res.stderr


def test_line_numbers_are_those_of_the_file_even_across_a_quoted_new_line(tmp_path):
    path = tmp_path / "replies.csv"
    path.write_bytes(b'member_state;answer;note\r\nFrance;object;"two\r\nlines"\r\n\r\nGermny;object;\r\n')
    res = run("tally", "--procedure", "question-approval", "--replies", path, "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 1 and data["unreadable_rows"] == [5] and data["counted"][0]["row"] == 2


def test_a_windows_1252_file_is_named_in_the_warnings_of_tally_and_appointments(tmp_path):
    replies = tmp_path / "replies.csv"
    replies.write_bytes("member_state;answer\nCôte d'Ivoire;object\n".encode("cp1252"))
    data = json.loads(run("tally", "--procedure", "question-approval", "--replies", replies, "--format", "json").stdout)
    assert data["counted"][0]["member_state"].endswith("(CIV)")
    assert any("not valid UTF-8: read as Windows-1252" in w for w in data["warnings"])
    posts = tmp_path / "posts.csv"
    posts.write_bytes("person;nominated_by;role;study_group;question\nJosé Núñez;Perú;rapporteur;SG1;Q1/1\n".encode("cp1252"))
    res = run("appointments", "check", posts, "--format", "json")
    data = json.loads(res.stdout)
    assert data["errors"] == [] and any("read as Windows-1252" in w for w in data["warnings"])


# --- the web page's uploads read the same files (issue 16, item 8) -------------------------------


@pytest.fixture(scope="module")
def web():
    from fastapi.testclient import TestClient

    from procedures.web.app import create_app

    return TestClient(create_app(REPO / "rules"), raise_server_exceptions=False)


def _api_rows(web, path: Path) -> list[dict]:
    r = web.post("/api/check-batch", files={"file": (path.name, path.read_bytes(), "application/octet-stream")})
    assert r.status_code == 200, r.text[:300]
    return r.json()["rows"]


@pytest.mark.parametrize("name", EXPORTS)
def test_the_web_upload_of_every_export_gives_the_same_answers_as_the_plain_csv(tmp_path, web, name):
    plain_path = tmp_path / "registry.csv"
    plain_path.write_text(csv_text(REGISTRY), encoding="utf-8")
    path = tmp_path / name
    EXPORTS[name](path)
    expected, got = _api_rows(web, plain_path), _api_rows(web, path)
    assert [[r[c] for c in ADDED] for r in got] == [[r[c] for c in ADDED] for r in expected]
    assert [r["id"] for r in got] == [row[0] for row in REGISTRY[1:]]


@pytest.mark.parametrize("name", REPLY_EXPORTS)
def test_the_web_tally_of_every_export_gives_the_same_answer(tmp_path, web, name):
    def outcome(path: Path):
        r = web.post("/api/tally", data={"procedure": "recommendation-approval", "circulated": "2026-02-28"},
                     files={"replies": (path.name, path.read_bytes(), "application/octet-stream")})
        assert r.status_code == 200, r.text[:300]
        data = r.json()
        return data["outcome"], data["counts"], [e["row"] for e in data["excluded"]]

    path = tmp_path / name
    REPLY_EXPORTS[name](path)
    assert outcome(path) == outcome(REPO / "docs/examples/replies.csv")


def test_a_character_xml_cannot_hold_does_not_corrupt_the_workbook(tmp_path):
    """U+FFFE in a registry cell: the workbook still opens, the character written as an escape."""
    from openpyxl import load_workbook

    reg = tmp_path / "reg.csv"
    reg.write_text("id,title,kind,opens,received\nC1,a\ufffeb,study-group,2026-09-14,2026-07-31\n", encoding="utf-8")
    res = run("check-batch", reg, "--out", tmp_path / "out.xlsx")
    assert res.exit_code == 0, res.output
    row = [c.value for c in load_workbook(tmp_path / "out.xlsx").active[2]]
    assert row[:2] == ["C1", "a\\ufffeb"]


def test_the_web_reads_day_first_dates_when_told_as_the_command_line_does(web):
    """The docs' own Excel-style export (semicolons, Windows-1252, day-first dates): with date_order=dmy the
    upload gives the answers of the plain registry; without it, each such date is an error naming the field."""
    def rows(path: Path, **form):
        r = web.post("/api/check-batch", data=form, files={"file": (path.name, path.read_bytes(), "text/csv")})
        assert r.status_code == 200, r.text[:300]
        return r.json()["rows"]

    plain_rows = rows(REPO / "docs/examples/registry.csv")
    excel_rows = rows(REPO / "docs/examples/registry-excel.csv", date_order="dmy")
    assert [r["status"] for r in excel_rows] == [r["status"] for r in plain_rows]
    assert any("--date-order" in (r["error"] or "") for r in rows(REPO / "docs/examples/registry-excel.csv"))
    r = web.post("/api/check-batch", data={"date_order": "ymd"}, files={"file": ("r.csv", b"id\n", "text/csv")})
    assert r.status_code == 400 and "date_order" in r.json()["error"]
