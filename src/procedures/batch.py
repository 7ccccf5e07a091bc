"""Checking a registry export: one output row per input row, streamed.

The input is CSV with a header (``id, kind, opens, received`` and optionally
``purpose, opening_time, chair_admitted``). Rows are read and written one at
a time, so memory stays flat; each distinct meeting's deadlines are computed
once. A row that cannot be evaluated still yields its output row, with the
reason in the ``error`` column.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from procedures.contributions import Meeting, Plan, classify, other_counting, plan
from procedures.errors import InputError, ProceduresError
from procedures.loader import Library
from procedures.timestamps import parse_date, parse_received, parse_time

REQUIRED = ("id", "kind", "opens", "received")
OPTIONAL = ("purpose", "opening_time", "chair_admitted")
OUTPUT = ("id", "status", "translated", "on_agenda", "publish_by", "cite", "warnings", "error")
TRUE, FALSE = {"true", "yes", "y", "1", "x"}, {"false", "no", "n", "0", ""}
#: A cell a spreadsheet would read as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet: a leading formula character is quoted."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    by_status: Counter = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{self.rows} row(s) read"]
        parts += [f"{n} {status}" for status, n in sorted(self.by_status.items())]
        parts.append(f"{self.errors} error(s)")
        text = ", ".join(parts)
        if self.ignored_columns:
            text += f"; columns ignored: {', '.join(self.ignored_columns)}"
        return text


def _flag(value: str | None, row: int) -> bool:
    v = (value or "").strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise InputError(f"chair_admitted '{value}' is not yes/no")


class _Plans:
    """Each distinct meeting's plans (and the other reading's), computed once."""

    def __init__(self, lib: Library):
        self.lib = lib
        self.cache: dict[tuple, tuple[Plan, Plan] | ProceduresError] = {}

    def get(self, kind: str, opens: str, purpose: str, opening_time: str) -> tuple[Plan, Plan]:
        key = (kind, opens, purpose, opening_time)
        hit = self.cache.get(key)
        if hit is None:
            try:
                meeting = Meeting(
                    kind, parse_date(opens, "opens"), purpose or "action",
                    parse_time(opening_time, "opening_time") if opening_time else None,
                )
                rs = self.lib.in_force(meeting.opens)
                hit = (plan(rs, meeting), plan(rs, meeting, other_counting(rs)))
            except ProceduresError as exc:
                hit = exc
            self.cache[key] = hit
        if isinstance(hit, ProceduresError):
            raise hit
        return hit


def evaluate_rows(lib: Library, reader: csv.DictReader, summary: Summary):
    """Yield one output dict per input row."""
    plans = _Plans(lib)
    for number, row in enumerate(reader, start=2):
        summary.rows += 1
        out: dict = dict.fromkeys(OUTPUT)
        out["id"] = (row.get("id") or "").strip()
        try:
            if None in row:
                raise InputError(f"line {number} has more fields than the header")
            missing = [c for c in REQUIRED if row.get(c) is None]
            if missing:
                raise InputError(f"line {number} has no value for {', '.join(missing)}")
            p, alt = plans.get(row["kind"].strip(), row["opens"].strip(), (row.get("purpose") or "").strip(), (row.get("opening_time") or "").strip())
            received = parse_received(row["received"], p.rs.head.time_zone)
            flags = frozenset({"chair-admitted"}) if _flag(row.get("chair_admitted"), number) else frozenset()
            result = classify(p, received, flags, alt, explain=False)
        except ProceduresError as exc:
            summary.errors += 1
            out["error"] = str(exc)
            yield out
            continue
        summary.by_status[result.status] += 1
        out.update(
            status=result.status,
            translated=result.translated,
            on_agenda=result.on_agenda,
            publish_by=result.publish_by.date.isoformat() if result.publish_by else None,
            cite=result.cite,
            warnings=result.warnings,
        )
        yield out


def _open_input(path: Path) -> IO[str]:
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _reader(fh: IO[str], path: Path, summary: Summary) -> csv.DictReader:
    reader = csv.DictReader(fh)
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None
    if not header:
        raise InputError(f"{path} is empty: it needs a header line with {', '.join(REQUIRED)}")
    reader.fieldnames = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in reader.fieldnames]
    if missing:
        raise InputError(f"{path}: the header lacks column(s) {', '.join(missing)}; it needs {', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})")
    summary.ignored_columns = [h for h in reader.fieldnames if h not in REQUIRED + OPTIONAL]
    return reader


def run_batch(lib: Library, path: Path, out: Path | None, fmt: str) -> Summary:
    summary = Summary()
    with _open_input(path) as fh:
        reader = _reader(fh, path, summary)
        sink = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
        try:
            rows = evaluate_rows(lib, reader, summary)
            try:
                if fmt == "json":
                    _write_json(sink, rows)
                else:
                    _write_csv(sink, rows)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise InputError(f"{path}: line {reader.line_num} cannot be read as CSV ({exc})") from None
        finally:
            if out:
                sink.close()
            else:
                sink.flush()
    return summary


def _cell(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        value = "; ".join(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _write_csv(sink: IO[str], rows) -> None:
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(OUTPUT)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in OUTPUT])


def _write_json(sink: IO[str], rows) -> None:
    sink.write("[")
    first = True
    for row in rows:
        sink.write(("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
    sink.write("\n]\n")
