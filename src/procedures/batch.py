"""Checking a registry export: one output row per input row, streamed.

The input is a table (``procedures.tables``: CSV of any delimiter and
encoding, or a workbook's sheet) with a header (``id, kind, opens, received``
and optionally ``purpose, opening_time, chair_admitted, closes``, or their
aliases, ``ALIASES``). Each output row is the input row, every column in
order, followed by the check's own columns (``ADDED``). Records come from the
one table reader, are evaluated in chunks (by forked worker processes,
``batchpool``, when the file is long and the output text) and
written in input order, so memory stays flat; each distinct meeting's
deadlines are computed once, and a bounded number are kept; each verdict
(``contributions.verdict``: all of a row's answer but its margin) is rendered
once, and only the margin is written per row; the usual CSV row goes a
fast way (``batchfast``) that gives the same bytes. A record that
cannot be read or evaluated still yields its output row, with the reason in
the ``error`` column: rows in = rows out.

The output is CSV, JSON or an Excel workbook (``procedures.workbooks``).
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import operator
import os
import re
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from procedures import batchpool
from procedures.allocator import keeping_freed_memory
from procedures.batchfast import FastPlan, Zone, csv_cell
from procedures.contributions import Meeting, Plan, Verdict, margin, plan, publication, receipt_warning, verdict
from procedures.deadlines import other_counting
from procedures.errors import InputError, ProceduresError
from procedures.inputs import one_line
from procedures.outfiles import is_stdout, json_in_ascii, output_file, writes_utf8
from procedures.tables import Lines, Record, Row, Table, open_table, resolve, term, yes_no
from procedures.loader import Library
from procedures.timestamps import Received, parse_date, parse_time, read_received
from procedures.timetable import opening_warning
from procedures.vocabulary import CHAIR_ADMITTED

REQUIRED = ("id", "kind", "opens", "received")
OPTIONAL = ("purpose", "opening_time", "chair_admitted", "closes")
#: Other names of the columns (normalised: lower case, '_' for spaces); the column's own name wins.
ALIASES = {
    "kind": ("meeting_kind", "meeting_type"),
    "opens": ("meeting_opens", "opening_date", "first_day"),
    "received": ("received_on", "date_received", "received_at"),
    "purpose": ("for",),
    "opening_time": ("opening_session",),
    "chair_admitted": ("admitted_by_chair", "admitted_by_the_chair"),
    "closes": ("meeting_closes", "closing_date", "last_day"),
}
#: The check's own columns, after the input's: the status, the paragraphs that decided it, the
#: cut-off that decided it (met, or the last one missed) with its paragraph, what follows, the margin.
ADDED = ("status", "cite", "cutoff", "cutoff_cite", "publish_by", "on_agenda", "translated", "margin",
         "warnings", "error", "modality")
#: Output formats, and the --out file extensions that choose them.
FORMATS = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}
#: A cell a spreadsheet would read as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: An input column named like one of the check's own is echoed under its name and this suffix.
INPUT_SUFFIX = " (input)"


def _error_row(message: str) -> list:
    """The check's columns for a record that could not be checked: why, nothing else."""
    row: list = [None] * len(ADDED)
    row[ADDED.index("error")] = message
    return row


def neutralise(cell: str) -> str:
    """Make a cell safe to open in a spreadsheet: a leading formula character is quoted."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def output_format(fmt: str | None, out: Path | None) -> str:
    """The format asked for, else the one the --out file's extension names, else CSV."""
    if fmt:
        return fmt
    return FORMATS.get(out.suffix.lower(), "csv") if out is not None and str(out) != "-" else "csv"


def output_header(header: list[str]) -> list[str]:
    """The output's column names: the input's as written (one named like an added column gets a suffix), then ADDED."""
    from procedures.tables import normalise_column

    return [h + INPUT_SUFFIX if normalise_column(h) in ADDED else h for h in header] + list(ADDED)


@dataclass
class Summary:
    rows: int = 0
    errors: int = 0
    by_status: Counter = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)
    #: How the file was read when not plain comma-separated UTF-8 (e.g. "semicolon-separated").
    read_as: str = ""

    def describe(self) -> str:
        from procedures.output import count

        parts = [f"{count(self.rows, 'row')} read"]
        parts += [f"{n} {status}" for status, n in sorted(self.by_status.items())]
        parts.append(count(self.errors, "error"))
        text = ", ".join(parts)
        if self.ignored_columns:
            text += f"; columns ignored: {', '.join(self.ignored_columns)} (copied through)"
        if self.read_as:
            text += f"; {self.read_as}"
        return text


class _Plans:
    """Each distinct meeting's plans (and the other reading's), computed once; a bounded number kept.

    Keyed by the cells as written, so a row of a known meeting costs one look-up.
    A meeting that cannot be planned is remembered by its message, not by an
    exception (a re-raised exception would grow its traceback on every row).
    """

    #: Distinct meetings remembered at once; past it, the memo starts again.
    LIMIT = 4096

    def __init__(self, lib: Library, date_order: str | None = None):
        self.lib = lib
        self.date_order = date_order
        self.cache: dict[tuple, tuple[Plan, Plan] | str] = {}

    def get(self, kind: str, opens: str, purpose: str | None, opening_time: str | None, closes: str | None) -> tuple[Plan, Plan] | str:
        """The plans for a meeting's cells as written (None: no such cell), or the one-line reason it cannot be planned."""
        key = (kind, opens, purpose, opening_time, closes)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._plan(term(kind), opens.strip(), term(purpose or ""), (opening_time or "").strip(), (closes or "").strip())
            if len(self.cache) >= self.LIMIT:
                self.cache.clear()
            self.cache[key] = hit
        return hit

    def _plan(self, kind: str, opens: str, purpose: str, opening_time: str, closes: str) -> tuple[Plan, Plan] | str:
        try:
            meeting = Meeting(
                kind, parse_date(opens, "opens", self.date_order), purpose or "action",
                parse_time(opening_time, "opening_time") if opening_time else None,
                parse_date(closes, "closes", self.date_order) if closes else None,
            )
            rs = self.lib.in_force(meeting.opens)
            return plan(rs, meeting), plan(rs, meeting, other_counting(rs))
        except ProceduresError as exc:
            return str(exc)


class Columns:
    """Where each known column is in a row, from the header (by name or alias)."""

    def __init__(self, at: dict[str, int], width: int, header: list[str], delimiter: str = ","):
        self.width = width
        self.at = at
        self.output = output_header(header)
        #: The input's delimiter: a line split on it is echoed as written when it is a comma.
        self.delimiter = delimiter


#: Where the cells that depend on the exact receipt are among the ADDED ones.
MARGIN, WARNINGS, ERROR, STATUS, PUBLISH = (ADDED.index(c) for c in ("margin", "warnings", "error", "status", "publish_by"))


class Evaluator:
    """Turns input rows (lists of strings) into output rows: the input's cells, then the ADDED columns.

    Each verdict (``contributions.verdict``: all but the margin and a time read
    as local) is rendered once per format and reused for every row that has it.
    """

    #: Rendered verdicts remembered at once; past it, the memo starts again.
    LIMIT = 16384

    def __init__(self, lib: Library, columns: Columns, date_order: str | None = None):
        self.plans = _Plans(lib, date_order)
        self.columns = columns
        self.date_order = date_order
        self.rendered: dict[tuple, list] = {}
        names = columns.output
        #: JSON rows are written from rendered pieces when every key is distinct (else as a dict would keep them).
        self.pieces = len(set(names)) == len(names)
        self.input_names = names[: columns.width]
        #: Where the cells a check reads are in a full row (None: no such column).
        self.places = tuple(columns.at.get(c) for c in ("kind", "opens", "purpose", "opening_time", "closes", "received", "chair_admitted"))
        #: The fast path (``batchfast``): each meeting's plans made for it (None: not for it), by its cells.
        self.fast: dict[tuple, FastPlan | None] = {}
        self.zones: dict[str, Zone] = {}
        self.chair_words: dict[str, bool | None] = {}
        #: In a line split on the delimiter, a cell starting with a formula character after the first.
        self.formula_after = re.compile(re.escape(columns.delimiter or ",") + "[=+\\-@\t\r]")
        #: The cells of a full row that name its meeting, as a tuple (None: no such column).
        meeting = self.places[:5]
        if None not in meeting:
            self.pick_meeting = operator.itemgetter(*meeting)
        else:
            self.pick_meeting = lambda fields: tuple(fields[i] if i is not None else None for i in meeting)
        self.at_received, self.at_chair = self.places[5:]

    def checked(self, number: int, fields: list[str]) -> tuple[Verdict, Received, Plan] | str:
        """A record's verdict, its receipt and plan, or the one-line reason it cannot be checked."""
        if len(fields) == self.columns.width:  # the usual row: every column there
            kind, opens, purpose, opening_time, closes, received, chair = (fields[i] if i is not None else None for i in self.places)
            planned = self.plans.get(kind, opens, purpose, opening_time, closes)
            if planned.__class__ is str:
                return planned
            p, alt = planned
            try:
                got = read_received(received, p.rs.head.time_zone, "received", self.date_order)
                flags = CHAIR if chair and yes_no(chair, "chair_admitted") else NO_FLAGS
                return verdict(p, got, flags, alt), got, p
            except ProceduresError as exc:
                return str(exc)
        return self._checked(number, fields)

    def _checked(self, number: int, fields: list[str]) -> tuple[Verdict, Received, Plan] | str:
        at = self.columns.at
        width = len(fields)

        def cell(name: str) -> str | None:
            i = at.get(name)
            return fields[i] if i is not None and i < width else None

        try:
            if width > self.columns.width:
                raise InputError(f"line {number} has more fields than the header")
            missing = [c for c in REQUIRED if cell(c) is None]
            if missing:
                spans = sum(f.count("\n") for f in fields)
                hint = (f"; its quoted field runs over {spans + 1} lines: a quote opened here and not closed "
                        "may have taken in the rows after it") if spans else ""
                raise InputError(f"line {number} has no value for {', '.join(missing)}{hint}")
            planned = self.plans.get(cell("kind"), cell("opens"), cell("purpose"), cell("opening_time"), cell("closes"))
            if planned.__class__ is str:
                return planned
            p, alt = planned
            received = read_received(cell("received"), p.rs.head.time_zone, "received", self.date_order)
            flags = CHAIR if yes_no(cell("chair_admitted"), "chair_admitted") else NO_FLAGS
            return verdict(p, received, flags, alt), received, p
        except ProceduresError as exc:
            return str(exc)

    def row(self, number: int, fields: list[str]) -> list:
        """The ADDED columns for one record, as values."""
        got = self.checked(number, fields)
        if got.__class__ is str:
            return _error_row(got)
        v, received, p = got
        return _values(v, margin(received, v), _warnings(v, p, received))

    def chunk(self, records: list[Row | Record] | Lines, fmt: str) -> Rendered:
        """Evaluate and render a chunk of records: the output and its counts (one output row each)."""
        if fmt == "xlsx":
            return self._values_chunk(list(records.rows()) if records.__class__ is Lines else records)
        return Rendered.of_lines(fmt, *self.lines(records, fmt))

    def lines(self, records: list[Row | Record] | Lines, fmt: str) -> tuple[list[str], Counter, int]:
        """A chunk of records as CSV or JSON text, one piece per record (joined with SEPARATOR[fmt]); the count of
        each status, and of errors."""
        if records.__class__ is Lines:
            if fmt == "csv":
                return self._plain_lines(records.line_numbers(), records.lines)
            records = list(records.rows())
        return self._json_lines(records) if fmt == "json" else self._csv_lines(records)

    def _plain_lines(self, numbers, raws: list[str]) -> tuple[list[str], Counter, int]:
        """``lines`` of plain lines (``tables.Lines``) in CSV: ``numbers`` are their line numbers in the file.

        What the usual row's echo needs (nothing to neutralise, the input's cells
        as the output writes them) is looked for once in the lines together."""
        delimiter = self.columns.delimiter
        text = "\n".join(raws)
        if not raws or raws[0][0] in _FORMULA or _LINE_FORMULA.search(text) is not None \
                or self.formula_after.search(text) is not None or _CONTROL.search(text) is not None:
            return self._csv_lines([(n, raw.split(delimiter), None, raw) for n, raw in zip(numbers, raws)])
        if delimiter == ",":
            echoes = raws
        elif "," not in text:  # a cell with no comma (and no quote, no line break) is written as it is
            echoes = text.replace(delimiter, ",").split("\n")
        else:  # a line holding a comma has its cells quoted where they hold one
            echoes = [raw.replace(delimiter, ",") if "," not in raw else ",".join(map(csv_cell, raw.split(delimiter)))
                      for raw in raws]
        groups, slow = self._route_plain(raws, echoes)
        return self._answered(groups, slow, lambda k: (numbers[k], raws[k].split(delimiter), None), len(raws))

    def _route_plain(self, raws: list[str], echoes: list[str]) -> tuple[dict[tuple, list], list[int]]:
        """``_route`` of plain lines whose echoes are known safe. (Rows are answered meeting by meeting: a
        meeting's memos then stay in the processor's caches, which answering row by row was measured to lose.)"""
        groups: dict[tuple, list] = defaultdict(list)
        slow: list[int] = []
        pick, chair_at, received_at, width = self.pick_meeting, self.at_chair, self.at_received, self.columns.width
        delimiter, words = self.columns.delimiter, self.chair_words
        for k, raw in enumerate(raws):
            fields = raw.split(delimiter)
            if len(fields) != width:
                slow.append(k)
                continue
            chair = fields[chair_at] if chair_at is not None else ""
            flag = words[chair] if chair in words else self._chair(chair)
            if flag is None:
                slow.append(k)
                continue
            groups[pick(fields)].append((k, fields[received_at], flag, echoes[k]))
        return groups, slow

    def _csv_lines(self, records: list[Row | Record]) -> tuple[list[str], Counter, int]:
        """A chunk as CSV: the usual rows the fast way (``batchfast``), meeting by meeting; the others the full way."""
        groups, slow = self._route(records)
        return self._answered(groups, slow, lambda k: _parsed(records[k]), len(records))

    def _answered(self, groups: dict[tuple, list], slow: list[int], record, n: int) -> tuple[list[str], Counter, int]:
        """The lines of ``n`` records: those routed by meeting the fast way where they can be, the others (and
        ``slow``: their places) the full way, ``record(k)`` giving a record's (line, fields, problem)."""
        out: list[str | None] = [None] * n
        statuses: list[str | None] = [None] * n
        for meeting, items in groups.items():
            fp = self.fast.get(meeting, False)
            if fp is False:
                fp = self._fast_plan(meeting)
            left = items if fp is None else fp.answer_rows(items, out, statuses, self._render_fast)
            slow.extend(item[0] for item in left)
        return self._finished(out, statuses, slow, record)

    def _finished(self, out: list, statuses: list, slow: list[int], record) -> tuple[list[str], Counter, int]:
        """The lines of a chunk, the rows at ``slow`` answered the full way (``record(k)`` giving a record's
        line, fields and problem); the count of each status, and of errors."""
        errors = 0
        for k in slow:
            row, status = self._csv_row(*record(k))
            out[k], statuses[k] = csv_line(row), status
            errors += status is None
        by_status = Counter(statuses)
        by_status.pop(None, None)
        return out, by_status, errors

    def _route(self, records: list[Row | Record]) -> tuple[dict[tuple, list], list[int]]:
        """The rows the fast path may answer, by meeting, as (index, receipt, flag, the input as echoed); and the
        indexes of the others (a row to neutralise, a flag that is not yes or no, a short row, a problem)."""
        groups: dict[tuple, list] = defaultdict(list)
        slow: list[int] = []
        pick, chair_at, received_at, echo_of = self.pick_meeting, self.at_chair, self.at_received, self._echo
        for k, r in enumerate(records):
            fields, echo = echo_of(r)
            flag = (self._flag(fields[chair_at]) if chair_at is not None else False) if echo is not None else None
            if flag is None:
                slow.append(k)
                continue
            groups[pick(fields)].append((k, fields[received_at], flag, echo))
        return groups, slow

    def _echo(self, r: Row | Record) -> tuple[list[str] | None, str | None]:
        """A record's fields, and its cells as the output echoes them (CSV, comma-separated); None: not the fast
        way (a problem, a short or long row, a cell to neutralise)."""
        fields, problem, raw = (r[1], r[2], r[3]) if r.__class__ is tuple else (r.fields, r.problem, None)
        if problem is not None or fields is None or len(fields) != self.columns.width:
            return fields, None
        if raw is not None:  # a line split on the delimiter: echoed as written when that is a comma
            if raw[0] in _FORMULA or self.formula_after.search(raw) is not None or _CONTROL.search(raw) is not None:
                return fields, None
            if self.columns.delimiter == ",":
                return fields, raw
        elif _UNSAFE.search("\n".join(fields)) is not None:
            return fields, None
        return fields, ",".join(map(csv_cell, fields))

    def _csv_row(self, line: int, fields: list[str] | None, problem: str | None) -> tuple[list[str], str | None]:
        """A record's output row, the full way, as CSV text cells; and its status (None: an error)."""
        width = self.columns.width
        echoed = [""] * width if fields is None else (fields + [""] * (width - len(fields)))[:width]
        got = self.checked(line, fields) if problem is None else problem
        if got.__class__ is str:
            return [text_cell(v) for v in echoed + _error_row(got)], None
        v, received, p = got
        row = echoed if _UNSAFE.search("\n".join(echoed)) is None else [text_cell(c) for c in echoed]
        row += self._cells(v, "csv")
        row[width + MARGIN] = text_cell(margin(received, v))
        if received.assumed_local:
            row[width + WARNINGS] = text_cell(_warnings(v, p, received))
        return row, v.placed.status

    def _fast_plan(self, meeting: tuple) -> FastPlan | None:
        planned = self.plans.get(*meeting)
        fp = None if planned.__class__ is str else FastPlan.make(*planned, self.zones, text_cell)
        if fp is not None and not all(_PLAIN.match(t) and '"' not in t for t in fp.templates()):
            fp = None
        if len(self.fast) >= _Plans.LIMIT:
            self.fast.clear()
        self.fast[meeting] = fp
        return fp

    def _flag(self, text: str) -> bool | None:
        """The chair's flag in words (yes, no, ...; empty: no) as a flag; None: not one (the full way says why)."""
        if not text:
            return False
        words = self.chair_words
        return words.get(text) if text in words else self._chair(text)

    def _chair(self, text: str) -> bool | None:
        try:
            flag = yes_no(text, "chair_admitted")
        except ProceduresError:
            return None
        if len(self.chair_words) >= _Plans.LIMIT:
            self.chair_words.clear()
        self.chair_words[text] = flag
        return flag

    def _render_fast(self, fp: FastPlan, key: tuple, day: int, received: str) -> tuple | None:
        """A verdict the fast path has not met yet: found the full way, rendered, remembered under its key.

        Where only its publication date changes with the receipt's day, the
        first one found is kept as a frame, and the verdicts of other days
        are that frame with their publication date and its warnings.
        """
        frame = fp.frames.get(key)
        if frame is not None:
            rendered = _framed(fp, frame, day)
        else:
            try:
                got = read_received(received, fp.p.rs.head.time_zone, "received", self.date_order)
                v = verdict(fp.p, got, CHAIR if key[2] else NO_FLAGS, fp.alt)
            except ProceduresError:
                return None
            cells = self._cells(v, "csv")
            tail = "," + ",".join(map(csv_cell, cells[WARNINGS + 1:])) + "\n"
            rendered = ("," + ",".join(map(csv_cell, cells[:MARGIN])) + ",", "," + csv_cell(cells[WARNINGS]) + tail,
                        v.placed.status, tuple(v.warnings), tail)
            if fp.store(key, day, v, rendered) is True:
                fp.frames[key] = _frame(fp, v, cells, tail, got.day)
            return rendered
        fp.store(key, day, None, rendered)
        return rendered

    def _json_lines(self, records: list[Row | Record]) -> tuple[list[str], Counter, int]:
        width = self.columns.width
        lines, by_status, errors = [], Counter(), 0
        for r in records:
            line, fields, problem, _ = r if r.__class__ is tuple else (r.line, r.fields, r.problem, None)
            echoed = [""] * width if fields is None else (fields + [""] * (width - len(fields)))[:width]
            got = self.checked(line, fields) if problem is None else problem
            if got.__class__ is str:
                errors += 1
                lines.append(self._json_generic(echoed + _error_row(got)))
                continue
            v, received, p = got
            by_status[v.placed.status] += 1
            lines.append(self._json_line(echoed, self._cells(v, "json"), v, received, p))
        return lines, by_status, errors

    def _values_chunk(self, records: list[Row | Record]) -> Rendered:
        width = self.columns.width
        out = []
        for r in records:
            line, fields, problem, _ = r if r.__class__ is tuple else (r.line, r.fields, r.problem, None)
            echoed = [""] * width if fields is None else (fields + [""] * (width - len(fields)))[:width]
            added = self.row(line, fields) if problem is None else _error_row(problem)
            out.append(echoed + added)
        by_status = Counter(row[width + STATUS] for row in out if row[width + ERROR] is None)
        errors = sum(1 for row in out if row[width + ERROR] is not None)
        return Rendered("", len(out), by_status, errors, out)

    def _cells(self, v: Verdict, fmt: str) -> list:
        """A verdict's ADDED cells, rendered once: CSV text cells, or JSON's '"name": value' pieces."""
        key = (v, fmt)
        hit = self.rendered.get(key)
        if hit is None:
            if len(self.rendered) >= self.LIMIT:
                self.rendered.clear()
            values = _values(v, "", list(v.warnings))
            if fmt == "json":
                hit = [f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(_json(value), ensure_ascii=False)}"
                       for name, value in zip(ADDED, values)]
            else:
                hit = [text_cell(value) for value in values]
            self.rendered[key] = hit
        return hit

    def _json_line(self, echoed: list[str], cells: list[str], v: Verdict, received: Received, p: Plan) -> str:
        if not self.pieces:
            return self._json_generic(echoed + _values(v, margin(received, v), _warnings(v, p, received)))
        pieces = list(cells)
        pieces[MARGIN] = f'"margin": {json.dumps(margin(received, v), ensure_ascii=False)}'
        if received.assumed_local:
            pieces[WARNINGS] = f'"warnings": {json.dumps(_warnings(v, p, received), ensure_ascii=False)}'
        head = json.dumps(dict(zip(self.input_names, echoed)), ensure_ascii=False)
        return f"{head[:-1]}, {', '.join(pieces)}}}"

    def _json_generic(self, row: list) -> str:
        return json.dumps(dict(zip(self.columns.output, [_json(v) for v in row])), ensure_ascii=False)


def _parsed(r: Row | Record) -> tuple[int, list[str] | None, str | None]:
    """A record's first line, fields and problem."""
    return r[:3] if r.__class__ is tuple else (r.line, r.fields, r.problem)


def _frame(fp: FastPlan, v: Verdict, cells: list[str], tail: str, day: dt.date) -> tuple | None:
    """What a verdict whose publication date counts from the receipt's day keeps for other days: its cells
    before and after the publication date, and its warnings before and after the publication's (None: no frame)."""
    _, own = publication(fp.p, v.placed, day)
    opening = opening_warning(fp.p.rs, fp.p.meeting.opens)
    after = [opening] if opening else []
    before = list(v.warnings[: len(v.warnings) - len(own) - len(after)])
    if before + own + after != list(v.warnings):
        return None
    head = "," + ",".join(map(csv_cell, cells[:PUBLISH])) + ","
    return head, "," + ",".join(map(csv_cell, cells[PUBLISH + 1:MARGIN])) + ",", before, after, tail, v.placed


def _framed(fp: FastPlan, frame: tuple, day: int) -> tuple:
    """A frame's verdict on a receipt of ``day``, rendered as ``Evaluator._render_fast`` renders one."""
    head, middle, before, after, tail, placed = frame
    publish, own = publication(fp.p, placed, dt.date.fromordinal(day))
    warnings = before + own + after
    return (head + csv_cell(text_cell(publish.date if publish else None)) + middle,
            "," + csv_cell(text_cell(warnings)) + tail, placed.status, tuple(warnings), tail)


def _warnings(v: Verdict, p: Plan, received: Received) -> list[str]:
    extra = receipt_warning(p.rs, received)
    return [*v.warnings, extra] if extra else list(v.warnings)


def _values(v: Verdict, margin_text: str, warnings: list[str]) -> list:
    """The ADDED columns of a checked record, as values (dates as dates, lists as lists)."""
    decided = v.decided_by
    cutoff = cutoff_cite = None
    if decided is not None and decided.moment is not None:
        cutoff = decided.moment
        cutoff_cite = decided.deadline.cite if decided.deadline else decided.tier.cite.label()
    outcome = v.placed.outcome
    return [
        v.placed.status, list(v.cites), cutoff, cutoff_cite,
        v.publish.date if v.publish else None,
        outcome.on_agenda, outcome.translated, margin_text, warnings, None, v.placed.modality,
    ]


def _json(value: object) -> object:
    """A value as JSON holds it: dates and times in ISO 8601."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


@dataclass(frozen=True)
class Rendered:
    text: str
    rows: int
    by_status: Counter
    errors: int
    #: The rows as values, for a workbook (the text is then empty).
    values: list | None = None

    @classmethod
    def of_lines(cls, fmt: str, lines: list[str], by_status: Counter, errors: int) -> Rendered:
        """A chunk rendered as CSV or JSON from one text per record (``Evaluator.lines``)."""
        return cls(SEPARATOR[fmt].join(lines), len(lines), by_status, errors)

    @classmethod
    def of_encoded(cls, fmt: str, lines: list[bytes], by_status: Counter, errors: int) -> Rendered:
        """``of_lines`` of texts encoded in UTF-8 (a worker process's, ``batchpool``): the text is bytes."""
        return cls(SEPARATOR[fmt].encode().join(lines), len(lines), by_status, errors)


CHAIR, NO_FLAGS = frozenset({CHAIR_ADMITTED}), frozenset()
#: Records evaluated and written at a time (memory stays flat whatever the length of the file) when read by the
#: csv module (on 200,000 such records, 8,000 at a time took less time and memory than 16,000); plain lines come
#: as blocks of ``tables.BLOCK``, which says why so many.
CHUNK = 8000
#: The records of the first chunk (a short file is then several chunks, which workers share).
FIRST_CHUNK = 1000
#: What joins the pieces of a chunk (``Evaluator.lines``), by format: a CSV row ends with its new line.
SEPARATOR = {"csv": "", "json": ",\n"}
#: Worker processes at most, by default (``default_workers``), and the setting that chooses their number.
MOST_WORKERS, WORKERS_VARIABLE = 4, "PROCEDURES_BATCH_WORKERS"
#: Chunks between two runs of the cyclic garbage collector on young objects (``_young_collections``).
COLLECT_EVERY = 16


def _chunks(records, most: int):
    """Parsed records, in lists of FIRST_CHUNK, then twice as many each time up to ``most``; plain lines read together
    (``tables.Lines``) as they come."""
    chunk: list[Row | Record] = []
    size = min(FIRST_CHUNK, most)
    for record in records:
        if record.__class__ is Lines:
            if chunk:
                yield chunk
                chunk = []
            yield record
            continue
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
            size = min(2 * size, most)
    if chunk:
        yield chunk


def evaluate_rows(lib: Library, records, columns: Columns, fmt: str, workers: int = 1, date_order: str | None = None):
    """Yield the rendered output of each chunk of records, in input order.

    With ``workers`` above 1, a CSV or JSON output of more than one chunk is
    evaluated in that many forked processes (``batchpool``), where they can be.
    While a batch of more than one chunk runs, freed buffers stay in the heap
    (``allocator``: fewer page faults).
    """
    local = Evaluator(lib, columns, date_order)
    chunks = _chunks(records, CHUNK)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    long = second is not None  # more than one chunk: workers where they can be, the allocator keeping freed buffers
    ahead = itertools.chain([first] if second is None else [first, second], chunks)
    with _young_collections(), keeping_freed_memory() if long else nullcontext():
        pool = batchpool.start(local, fmt, workers) if long and workers > 1 and fmt in SEPARATOR and batchpool.available() else None
        if pool is None:  # one process: one chunk, one worker asked for, a workbook, or workers that cannot be started
            yield from _serial(local, ahead, fmt)
            return
        for answered in pool.evaluate(ahead):
            yield Rendered.of_encoded(fmt, *answered)


def _serial(local: Evaluator, chunks, fmt: str):
    for n, c in enumerate(chunks, 1):
        yield local.chunk(c, fmt)
        if n % COLLECT_EVERY == 0:
            del c
            gc.collect(1)


@contextmanager
def _young_collections():
    """The cyclic garbage collector run on young objects only, every COLLECT_EVERY chunks, while a batch is
    evaluated.

    A batch builds no cycles, but its memos hold many objects; left to itself the
    collector went through all of them again and again (about a fifth of the time on
    200,000 rows). Automatic collection is turned back on at the end if it was on.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _columns(table: Table, summary: Summary) -> Columns:
    at, summary.ignored_columns = resolve(table.columns, table.name, REQUIRED, OPTIONAL, ALIASES)
    return Columns(at, len(table.columns), table.header or table.columns, table.delimiter)


def run_batch(lib: Library, path: Path, out: Path | None, fmt: str | None, workers: int | None = None,
              sheet: str | None = None, date_order: str | None = None) -> Summary:
    """Check the table at ``path`` ('-': standard input) into ``out`` (None: standard output), all or nothing.

    ``fmt`` None: the format the --out file's extension names (.xlsx, .json), else CSV.
    """
    workers = default_workers() if workers is None else workers
    fmt = output_format(fmt, out)
    if fmt == "xlsx" and is_stdout(out) and sys.stdout.isatty():
        raise InputError("a workbook is not for the terminal: give --out FILE.xlsx (or redirect the output to a file)")
    with open_table(path, sheet=sheet) as table:
        return check_table(lib, table, lambda: output_file(out, [path], binary=fmt == "xlsx"), fmt, workers, date_order)


def default_workers() -> int:
    """Worker processes for a long registry: $PROCEDURES_BATCH_WORKERS (1: this process alone), else one per core
    this process may use, at most MOST_WORKERS."""
    text = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not text:  # the cores this process may use (its affinity), where the system says
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        return min(cores or 1, MOST_WORKERS)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 64:
        raise InputError(f"{WORKERS_VARIABLE}='{one_line(text[:20])}{'…' if len(text) > 20 else ''}' is not a whole number from 1 to 64 "
                         "(the worker processes of check-batch; 1: one process)")
    return int(text)


def check_table(lib: Library, table: Table, sink, fmt: str, workers: int = 1, date_order: str | None = None) -> Summary:
    """The batch check over an open table. ``sink()`` opens the output (binary for xlsx), once the header is known good."""
    summary = Summary()
    columns = _columns(table, summary)
    summary.read_as = table.describe_format()
    with sink() as out:
        chunks = evaluate_rows(lib, table.parts(), columns, fmt, workers, date_order)
        if fmt == "xlsx":
            _write_workbook(out, chunks, columns, summary)
        else:
            _write(out, chunks, fmt, columns, summary)
        out.flush()
    return summary


def _count(summary: Summary, chunk: Rendered) -> None:
    summary.rows += chunk.rows
    summary.errors += chunk.errors
    summary.by_status.update(chunk.by_status)


def _write(sink: IO[str], chunks, fmt: str, columns: Columns, summary: Summary) -> None:
    if fmt == "json":
        sink.write("[")
    else:
        sink.write(csv_line([text_cell(h) for h in columns.output]))
    ascii = fmt == "json" and json_in_ascii(sink)  # as every --format json document
    first = True
    for chunk in chunks:
        _count(summary, chunk)
        if fmt == "json":
            sink.write("\n" if first else ",\n")
        _put(sink, _ascii_json(chunk.text) if ascii else chunk.text)
        first = False
    if fmt == "json":
        sink.write("\n]\n")


def _ascii_json(text: str | bytes) -> str:
    """JSON text with every character past ASCII written as a \\u escape (a pair past U+FFFF), as ``json.dumps``
    writes it with ``ensure_ascii``: the same JSON, for a standard output that is not UTF-8."""
    if text.__class__ is bytes:
        text = text.decode()
    return text if text.isascii() else _NON_ASCII.sub(_escaped, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escaped(found: re.Match) -> str:
    code = ord(found.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _put(sink: IO[str], text: str | bytes) -> None:
    """Write a chunk's text; one encoded in UTF-8 (``Rendered.of_encoded``: workers, which run only where processes
    fork, where a new line is written as it is) goes to the bytes under a UTF-8 sink, else is decoded."""
    if text.__class__ is bytes:
        raw = getattr(sink, "buffer", None)
        if raw is None or not writes_utf8(getattr(sink, "encoding", None)):
            sink.write(text.decode())
            return
        sink.flush()
        raw.write(text)
        return
    sink.write(text)


def _write_workbook(sink: IO[bytes], chunks, columns: Columns, summary: Summary) -> None:
    from procedures.workbooks import ResultsWorkbook

    book = ResultsWorkbook(sink, columns.output, text_cell)
    try:
        for chunk in chunks:
            _count(summary, chunk)
            for row in chunk.values:
                book.append(row)
    except BaseException:
        book.abandon()
        raise
    book.close()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: In lines joined by new lines, one after the first starting with a formula character (a pattern starting with a
#: new line is looked for at each new line, not at each character).
_LINE_FORMULA = re.compile(r"\n[=+\-@\t\r]")
_FORMULA = "".join(FORMULA_START)
#: Somewhere in a row's cells joined by new lines, what text_cell would change (or a new line followed by a formula
#: character, which may be one inside a cell: then each cell is looked at on its own).
_UNSAFE = re.compile(r"(?:\A|\n)[=+\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A text that needs neither: no leading formula character, no control character (the common case, tested once).
_PLAIN = re.compile(r"(?![=+\-@\t\r])[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\Z")


def csv_line(cells: list[str]) -> str:
    """One output row: its cells quoted as ``csv_cell`` quotes them, a newline at the end."""
    return ",".join(map(csv_cell, cells)) + "\n"


def text_cell(value: object) -> str:
    """A value as a CSV or workbook text cell: yes/no, lists joined, dates in ISO 8601, control characters
    shown as \\xNN, formulas neutralised."""
    if value.__class__ is str:
        if _PLAIN.match(value):
            return value
    elif value is None:
        return ""
    elif value is True:
        return "yes"
    elif value is False:
        return "no"
    elif isinstance(value, list):
        value = "; ".join(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    return neutralise(_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value))
