"""Checking a registry export: one output row per input row, streamed.

The input is CSV with a header (``id, kind, opens, received`` and optionally
``purpose, opening_time, chair_admitted, closes``). Rows are read and written one at
a time, so memory stays flat; each distinct meeting's deadlines are computed
once. A row that cannot be evaluated still yields its output row, with the
reason in the ``error`` column.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from procedures.contributions import Meeting, Plan, classify, plan
from procedures.deadlines import other_counting
from procedures.csvfiles import check_header
from procedures.errors import InputError, ProceduresError
from procedures.loader import Library
from procedures.timestamps import parse_date, parse_received, parse_time

REQUIRED = ("id", "kind", "opens", "received")
OPTIONAL = ("purpose", "opening_time", "chair_admitted", "closes")
#: The output columns; columns added later go at the end, so positions stay stable.
OUTPUT = ("id", "status", "translated", "on_agenda", "publish_by", "cite", "warnings", "error", "modality")
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


def _flag(value: str | None) -> bool:
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

    def get(self, kind: str, opens: str, purpose: str, opening_time: str, closes: str) -> tuple[Plan, Plan]:
        key = (kind, opens, purpose, opening_time, closes)
        hit = self.cache.get(key)
        if hit is None:
            try:
                meeting = Meeting(
                    kind, parse_date(opens, "opens"), purpose or "action",
                    parse_time(opening_time, "opening_time") if opening_time else None,
                    parse_date(closes, "closes") if closes else None,
                )
                rs = self.lib.in_force(meeting.opens)
                hit = (plan(rs, meeting), plan(rs, meeting, other_counting(rs)))
            except ProceduresError as exc:
                hit = exc
            self.cache[key] = hit
        if isinstance(hit, ProceduresError):
            raise hit
        return hit


class Columns:
    """Where each known column is in a row, from the header."""

    def __init__(self, header: list[str]):
        self.width = len(header)
        self.at = {name: header.index(name) for name in REQUIRED + OPTIONAL if name in header}


class Evaluator:
    """Turns input rows (lists of strings) into output rows (lists, in OUTPUT order)."""

    def __init__(self, lib: Library, columns: Columns):
        self.plans = _Plans(lib)
        self.columns = columns

    def row(self, number: int, fields: list[str]) -> list:
        at = self.columns.at
        width = len(fields)

        def cell(name: str) -> str | None:
            i = at.get(name)
            return fields[i] if i is not None and i < width else None

        ident = (cell("id") or "").strip()
        try:
            if width > self.columns.width:
                raise InputError(f"line {number} has more fields than the header")
            missing = [c for c in REQUIRED if cell(c) is None]
            if missing:
                raise InputError(f"line {number} has no value for {', '.join(missing)}")
            p, alt = self.plans.get(
                cell("kind").strip(), cell("opens").strip(), (cell("purpose") or "").strip(),
                (cell("opening_time") or "").strip(), (cell("closes") or "").strip(),
            )
            received = parse_received(cell("received"), p.rs.head.time_zone)
            flags = CHAIR if _flag(cell("chair_admitted")) else NO_FLAGS
            result = classify(p, received, flags, alt, explain=False)
        except ProceduresError as exc:
            return [ident, None, None, None, None, None, None, str(exc), None]
        return [
            ident, result.status, result.translated, result.on_agenda,
            result.publish_by.date.isoformat() if result.publish_by else None,
            result.cite, result.warnings, None, result.modality,
        ]

    def chunk(self, rows: list[tuple[int, list[str]]], fmt: str) -> Rendered:
        """Evaluate and render a chunk of rows: the output text and its counts."""
        out = [self.row(n, fields) for n, fields in rows]
        by_status = Counter(r[1] for r in out if r[7] is None)
        errors = sum(1 for r in out if r[7] is not None)
        if fmt == "json":
            text = ",\n".join(json.dumps(dict(zip(OUTPUT, r)), ensure_ascii=False) for r in out)
        else:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows([_cell(v) for v in r] for r in out)
            text = buffer.getvalue()
        return Rendered(text, len(out), by_status, errors)


@dataclass(frozen=True)
class Rendered:
    text: str
    rows: int
    by_status: Counter
    errors: int


CHAIR, NO_FLAGS = frozenset({"chair-admitted"}), frozenset()
#: Rows per chunk handed to a worker process, and chunks in flight per worker.
CHUNK, IN_FLIGHT = 4000, 3

_worker: Evaluator | None = None


def _worker_init(lib: Library, columns: Columns) -> None:
    global _worker
    _worker = Evaluator(lib, columns)


def _worker_chunk(first_line: int, text: str, fmt: str) -> Rendered:
    return _worker.chunk(_parse(first_line, text), fmt)


def _parse(first_line: int, text: str) -> list[tuple[int, list[str]]]:
    """CSV text of whole records back into (line number, fields)."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    for fields in reader:
        rows.append((first_line + reader.line_num - 1, fields))
    return rows


def _chunks(fh: IO[str], first_line: int, size: int):
    """Cut the input into chunks of whole CSV records, as text, never inside a quoted field.

    A record continues on the next line while its count of quote characters is
    odd (a doubled quote inside a field counts twice, so the parity holds).
    """
    lines: list[str] = []
    start = line = first_line
    quotes = 0
    for raw in fh:
        line += 1
        lines.append(raw)
        quotes += raw.count('"')
        if quotes % 2 == 0 and len(lines) >= size:
            yield start, "".join(lines)
            lines, start, quotes = [], line, 0
    if lines:
        yield start, "".join(lines)


def evaluate_rows(lib: Library, fh: IO[str], columns: Columns, fmt: str, workers: int = 1):
    """Yield the rendered output of each chunk of input records, in input order.

    With more than one worker, chunks are parsed and evaluated in forked worker
    processes, a bounded number in flight, so memory stays flat.
    """
    chunks = _chunks(fh, 2, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None) if workers > 1 else None
    if second is None:
        local = Evaluator(lib, columns)
        yield local.chunk(_parse(*first), fmt)
        for c in chunks:
            yield local.chunk(_parse(*c), fmt)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(lib, columns)) as pool:
        pending = deque([pool.submit(_worker_chunk, *first, fmt), pool.submit(_worker_chunk, *second, fmt)])
        for c in chunks:
            while len(pending) >= workers * IN_FLIGHT:
                yield pending.popleft().result()
            pending.append(pool.submit(_worker_chunk, *c, fmt))
        while pending:
            yield pending.popleft().result()


def _open_input(path: Path) -> IO[str]:
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _header(fh: IO[str], path: Path, summary: Summary) -> Columns:
    try:
        header = next(csv.reader([fh.readline()]), None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc})") from None
    header, summary.ignored_columns = check_header(header, str(path), REQUIRED, OPTIONAL)
    return Columns(header)


def _fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def run_batch(lib: Library, path: Path, out: Path | None, fmt: str, workers: int | None = None) -> Summary:
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if _fork_available() else 1

    def sink():
        return out.open("w", encoding="utf-8", newline="") if out else contextlib.nullcontext(sys.stdout)

    with _open_input(path) as fh:
        return check_stream(lib, fh, str(path), sink, fmt, workers)


def check_stream(lib: Library, fh: IO[str], name: str, sink, fmt: str, workers: int = 1) -> Summary:
    """The batch check over an open text stream. ``sink()`` opens the output, once the header is known good."""
    summary = Summary()
    columns = _header(fh, Path(name), summary)
    with sink() as out:
        try:
            _write(out, evaluate_rows(lib, fh, columns, fmt, workers), fmt, summary)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{name}: cannot be read as CSV ({exc})") from None
        out.flush()
    return summary


def _write(sink: IO[str], chunks, fmt: str, summary: Summary) -> None:
    if fmt == "json":
        sink.write("[")
    else:
        sink.write(",".join(OUTPUT) + "\n")
    first = True
    for chunk in chunks:
        summary.rows += chunk.rows
        summary.errors += chunk.errors
        summary.by_status.update(chunk.by_status)
        if fmt == "json":
            sink.write(("\n" if first else ",\n") + chunk.text)
        else:
            sink.write(chunk.text)
        first = False
    if fmt == "json":
        sink.write("\n]\n")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        value = "; ".join(value)
    return neutralise(value)

