"""Checking a registry export: one output row per input row, streamed.

The input is a table (``procedures.tables``) with a header (``id, kind,
opens, received`` and optionally ``purpose, opening_time, chair_admitted, closes``).
Records come from the one table reader, are evaluated in chunks (in forked
worker processes when there are several cores: they receive parsed records,
never bytes) and written in input order, so memory stays flat; each distinct
meeting's deadlines are computed once, and a bounded number are kept. A record
that cannot be read or evaluated still yields its output row, with the reason
in the ``error`` column: rows in = rows out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from procedures.contributions import Meeting, Plan, classify, plan
from procedures.deadlines import other_counting
from procedures.errors import InputError, ProceduresError
from procedures.outfiles import output_file
from procedures.tables import Record, Table, open_table, require
from procedures.loader import Library
from procedures.timestamps import parse_date, parse_received, parse_time
from procedures.vocabulary import CHAIR_ADMITTED

REQUIRED = ("id", "kind", "opens", "received")
OPTIONAL = ("purpose", "opening_time", "chair_admitted", "closes")
#: The output columns; columns added later go at the end, so positions stay stable.
OUTPUT = ("id", "status", "translated", "on_agenda", "publish_by", "cite", "warnings", "error", "modality")
TRUE, FALSE = {"true", "yes", "y", "1", "x"}, {"false", "no", "n", "0", ""}
#: A cell a spreadsheet would read as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _error_row(ident: str | None, message: str) -> list:
    """The output row of a record that could not be checked: its id and why, nothing else."""
    row: list = [None] * len(OUTPUT)
    row[OUTPUT.index("id")], row[OUTPUT.index("error")] = ident, message
    return row


def neutralise(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet: a leading formula character is quoted."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    by_status: Counter = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)
    #: How the file was read when not plain comma-separated UTF-8 (e.g. "semicolon-separated").
    read_as: str = ""

    def describe(self) -> str:
        parts = [f"{self.rows} row(s) read"]
        parts += [f"{n} {status}" for status, n in sorted(self.by_status.items())]
        parts.append(f"{self.errors} error(s)")
        text = ", ".join(parts)
        if self.ignored_columns:
            text += f"; columns ignored: {', '.join(self.ignored_columns)}"
        if self.read_as:
            text += f"; {self.read_as}"
        return text


def _flag(value: str | None) -> bool:
    v = (value or "").strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise InputError(f"chair_admitted '{value}' is not yes/no")


class _Plans:
    """Each distinct meeting's plans (and the other reading's), computed once; a bounded number kept.

    A meeting that cannot be planned is remembered by its message, not by an
    exception (a re-raised exception would grow its traceback on every row).
    """

    #: Distinct meetings remembered at once; past it, the memo starts again.
    LIMIT = 4096

    def __init__(self, lib: Library):
        self.lib = lib
        self.cache: dict[tuple, tuple[Plan, Plan] | str] = {}

    def get(self, kind: str, opens: str, purpose: str, opening_time: str, closes: str) -> tuple[Plan, Plan] | str:
        """The plans, or the one-line reason the meeting cannot be planned."""
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
                hit = str(exc)
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            self.cache[key] = hit
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
            planned = self.plans.get(
                cell("kind").strip(), cell("opens").strip(), (cell("purpose") or "").strip(),
                (cell("opening_time") or "").strip(), (cell("closes") or "").strip(),
            )
            if isinstance(planned, str):
                return _error_row(ident, planned)
            p, alt = planned
            received = parse_received(cell("received"), p.rs.head.time_zone)
            flags = CHAIR if _flag(cell("chair_admitted")) else NO_FLAGS
            result = classify(p, received, flags, alt, explain=False)
        except ProceduresError as exc:
            return _error_row(ident, str(exc))
        return [
            ident, result.status, result.translated, result.on_agenda,
            result.publish_by.date.isoformat() if result.publish_by else None,
            result.cite, result.warnings, None, result.modality,
        ]

    def chunk(self, records: list[Record], fmt: str) -> Rendered:
        """Evaluate and render a chunk of records: the output text and its counts (one output row each)."""
        out = [self.row(r.line, r.fields) if r.problem is None else _error_row(None, r.problem)
               for r in records]
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


CHAIR, NO_FLAGS = frozenset({CHAIR_ADMITTED}), frozenset()
#: Rows per chunk handed to a worker process, and chunks in flight per worker.
CHUNK, IN_FLIGHT = 4000, 3

_worker: Evaluator | None = None


def _worker_init(lib: Library, columns: Columns) -> None:
    global _worker
    _worker = Evaluator(lib, columns)


def _worker_chunk(records: list[Record], fmt: str) -> Rendered:
    return _worker.chunk(records, fmt)


def _chunks(records, size: int):
    """Parsed records, in lists of ``size``."""
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def evaluate_rows(lib: Library, records, columns: Columns, fmt: str, workers: int = 1):
    """Yield the rendered output of each chunk of records, in input order.

    With more than one worker, chunks are evaluated in forked worker processes,
    a bounded number in flight, so memory stays flat.
    """
    chunks = _chunks(records, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None) if workers > 1 else None
    if second is None:
        local = Evaluator(lib, columns)
        yield local.chunk(first, fmt)
        for c in chunks:
            yield local.chunk(c, fmt)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init, initargs=(lib, columns)) as pool:
        pending = deque([pool.submit(_worker_chunk, first, fmt), pool.submit(_worker_chunk, second, fmt)])
        for c in chunks:
            while len(pending) >= workers * IN_FLIGHT:
                yield pending.popleft().result()
            pending.append(pool.submit(_worker_chunk, c, fmt))
        while pending:
            yield pending.popleft().result()


def _columns(table: Table, summary: Summary) -> Columns:
    summary.ignored_columns = require(table.columns, table.name, REQUIRED, OPTIONAL)
    return Columns(table.columns)


def _fork_available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def run_batch(lib: Library, path: Path, out: Path | None, fmt: str, workers: int | None = None) -> Summary:
    """Check the table at ``path`` ('-': standard input) into ``out`` (None: standard output), all or nothing."""
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if _fork_available() else 1
    with open_table(path) as table:
        return check_table(lib, table, lambda: output_file(out, [path]), fmt, workers)


def check_table(lib: Library, table: Table, sink, fmt: str, workers: int = 1) -> Summary:
    """The batch check over an open table. ``sink()`` opens the output, once the header is known good."""
    summary = Summary()
    columns = _columns(table, summary)
    summary.read_as = table.describe_format()
    with sink() as out:
        _write(out, evaluate_rows(lib, table.records(), columns, fmt, workers), fmt, summary)
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cell(value: object) -> str:
    """A value as a CSV cell: yes/no, lists joined, control characters shown as \\xNN, formulas neutralised."""
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        value = "; ".join(value)
    return neutralise(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))

