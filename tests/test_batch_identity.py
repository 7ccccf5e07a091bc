"""The memoised batch gives, byte for byte, what checking each row on its own gives (issue 17 item 2).

The batch plans each meeting once, memoises each verdict and renders it once,
and reads receipts on a fast path. The reference here does none of that: for
every row it plans the meeting afresh, reads the receipt with the full
parser, classifies it with ``contributions.classify`` and renders every cell,
as the batch did before. The registry is the seeded odd one of the
benchmarks (bad dates, other zones, times without offsets, late and refused
rows, chair-admitted ones, TDAG without its last day, formula-like titles).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from procedures import batch as b
from procedures.contributions import Meeting, classify, plan
from procedures.deadlines import other_counting
from procedures.errors import InputError, ProceduresError
from procedures.tables import open_table, term, yes_no
from procedures.timestamps import parse_date, parse_received, parse_time

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from registry import generate  # noqa: E402


def _reference_added(lib, columns: b.Columns, number: int, fields: list[str], order: str) -> list:
    at = columns.at

    def cell(name):
        i = at.get(name)
        return fields[i] if i is not None and i < len(fields) else None

    try:
        if len(fields) > columns.width:
            raise InputError(f"line {number} has more fields than the header")
        missing = [c for c in b.REQUIRED if cell(c) is None]
        if missing:
            spans = sum(f.count("\n") for f in fields)
            hint = (f"; its quoted field runs over {spans + 1} lines: a quote opened here and not closed "
                    "may have taken in the rows after it") if spans else ""
            raise InputError(f"line {number} has no value for {', '.join(missing)}{hint}")
        try:
            opening_time, closes = (cell("opening_time") or "").strip(), (cell("closes") or "").strip()
            meeting = Meeting(term(cell("kind")), parse_date(cell("opens").strip(), "opens", order), term(cell("purpose") or "") or "action",
                              parse_time(opening_time, "opening_time") if opening_time else None,
                              parse_date(closes, "closes", order) if closes else None)
            rs = lib.in_force(meeting.opens)
            p, alt = plan(rs, meeting), plan(rs, meeting, other_counting(rs))
        except ProceduresError as exc:
            return b._error_row(str(exc))
        received = parse_received(cell("received"), rs.head.time_zone, "received", order)
        flags = b.CHAIR if yes_no(cell("chair_admitted"), "chair_admitted") else b.NO_FLAGS
        result = classify(p, received, flags, alt, explain=False)
    except ProceduresError as exc:
        return b._error_row(str(exc))
    decided = result.decided_by
    cutoff = decided.moment
    cutoff_cite = decided.deadline.cite if decided.deadline else decided.tier.cite.label()
    return [result.status, result.cite, cutoff, cutoff_cite, result.publish_by.date if result.publish_by else None,
            result.on_agenda, result.translated, result.margin, result.warnings, None, result.modality]


#: (rules, file, its bytes, date order) -> (columns, rows): the rows checked one by one are the same for CSV and JSON,
#: so the two formats' tests of one file share them (the costly part; issue 15 item 7).
_CHECKED: dict[tuple, tuple] = {}


def _checked_alone(lib, path: Path, order: str) -> tuple:
    key = (id(lib), str(path), path.read_bytes(), order)
    if key not in _CHECKED:
        with open_table(path) as table:
            columns = b._columns(table, b.Summary())
            rows = []
            for r in table.records():
                echoed = [""] * columns.width if r.fields is None else (r.fields + [""] * columns.width)[: columns.width]
                added = _reference_added(lib, columns, r.line, r.fields, order) if r.problem is None else b._error_row(r.problem)
                rows.append(echoed + added)
        _CHECKED[key] = (columns, rows)
    return _CHECKED[key]


def reference(lib, path: Path, fmt: str, order: str = "iso") -> str:
    """The batch's output for ``path``, each row checked on its own and rendered cell by cell."""
    columns, rows = _checked_alone(lib, path, order)
    if fmt == "json":
        items = [json.dumps(dict(zip(columns.output, [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in row])),
                            ensure_ascii=False) for row in rows]
        return "[" + "".join(("\n" if i == 0 else ",\n") + item for i, item in enumerate(items)) + "\n]\n"
    return b.csv_line([b.text_cell(h) for h in columns.output]) + "".join(b.csv_line([b.text_cell(v) for v in row]) for row in rows)


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("identity") / "registry.csv"
    generate(path, 6000, seed=3)
    return path


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("order", ["iso", "dmy"])
def test_the_memoised_batch_is_byte_identical_to_checking_each_row_alone(library, registry, tmp_path, fmt, order):
    out = tmp_path / f"out.{fmt}"
    summary = b.run_batch(library, registry, out, fmt, workers=1, date_order=order)
    got, expected = out.read_text(encoding="utf-8"), reference(library, registry, fmt, order)
    assert summary.rows == 6000 and summary.errors > 0
    if got != expected:  # name the first row that differs, not two megabytes
        for n, (x, y) in enumerate(zip(got.splitlines(), expected.splitlines()), start=1):
            assert x == y, f"line {n} differs"
    assert got == expected


def test_an_input_header_that_echoes_to_the_same_name_twice_is_rendered_as_before(library, tmp_path):
    """'Status (input)' and 'Status' both echo as 'Status (input)': JSON keeps one key, as a dict does."""
    reg = tmp_path / "reg.csv"
    reg.write_text("id,kind,opens,received,Status (input),Status\nC1,study-group,2026-09-14,2026-09-01T10:00:00,a,b\n")
    out = tmp_path / "out.json"
    b.run_batch(library, reg, out, "json", workers=1)
    assert out.read_text(encoding="utf-8") == reference(library, reg, "json")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_the_fast_path_on_other_delimiters_is_byte_identical_too(library, registry, tmp_path, delimiter):
    """A line split on a semicolon or a tab is echoed comma-separated, or goes the full way when a cell holds a comma."""
    with registry.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    other = tmp_path / "registry.txt"
    with other.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    out = tmp_path / "out.csv"
    b.run_batch(library, other, out, "csv", date_order="iso")
    assert out.read_text(encoding="utf-8") == reference(library, other, "csv")
