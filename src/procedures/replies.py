"""Reading a replies file: a table with a header ``member_state, answer[, received][, participant]``.

The columns may also be named by their aliases (``ALIASES``: ``Member State``
and ``country``, ``Answer``, ``reply`` and ``vote``, ``Received on`` and
``date received``, ``delegate``), case- and space-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from procedures.errors import InputError
from procedures.tables import Record, open_resolved
from procedures.tally import Reply
from procedures.timestamps import written_date

REQUIRED = ("member_state", "answer")
OPTIONAL = ("received", "participant")
#: Other names of the columns (normalised: lower case, '_' for spaces); the column's own name wins.
ALIASES = {
    "member_state": ("country", "member", "administration"),
    "answer": ("reply", "vote", "response", "position"),
    "received": ("received_on", "date_received", "received_at", "date"),
    "participant": ("delegate", "person"),
}
#: The word that says, in a list of names, that nobody is on it (e.g. nobody asked for more time).
NOBODY = "none"


def names_list(values: list[str] | None, what: str = "--requested-by") -> list[str] | None:
    """Names given as repeated values, each of which may hold several separated by ';' or new lines.

    Nothing given (or only blanks) is None: the input does not say. 'none' alone
    is the empty list: nobody.
    """
    names = [n.strip() for v in values or [] for n in v.replace("\n", ";").split(";") if n.strip()]
    if not names:
        return None
    if any(n.casefold() == NOBODY for n in names):
        if len(names) > 1:
            raise InputError(f"{what} '{NOBODY}' says nobody; give it alone, not with names")
        return []
    return names


def tally_replies(lib, procedure: str, source: tuple[list[str], Iterator[Reply]], circulated=None,
                  electorate_size: int | None = None, flags: frozenset[str] = frozenset(),
                  requested_by: list[str] | None = None):
    """Tally a replies file read by read_replies/replies_from, with the ruleset in force on the circular's date."""
    import datetime as dt

    from procedures.tally import tally

    ignored, rows, *read = source
    rs = lib.in_force(circulated or dt.date.today())
    result = tally(rs, procedure, rows, circulated, electorate_size, flags, requested_by)
    if ignored:
        result.warnings.append(f"columns ignored: {', '.join(ignored)}")
    result.warnings += [w for w in read if w]
    return result


def read_replies(path: Path, sheet: str | None = None, date_order: str | None = None) -> tuple[list[str], Iterator[Reply], str | None]:
    """Check the header now; return the ignored columns, a stream of replies, and a warning on the encoding (or None).

    The file is any table ``procedures.tables`` reads (CSV of any delimiter
    and encoding, or a workbook's sheet). A row that cannot be read as a reply
    still yields a Reply, with its problem, so that the tally reports it as
    unreadable rather than dropping it.
    """
    return replies_from(path, str(path), sheet, date_order)


def replies_from(source: Path | BinaryIO | IO[str], name: str, sheet: str | None = None,
                 date_order: str | None = None) -> tuple[list[str], Iterator[Reply], str | None]:
    """As read_replies, from a path or an open stream, binary or text (closed when the rows are exhausted)."""
    table, at, ignored = open_resolved(source, name, sheet, REQUIRED, OPTIONAL, ALIASES)
    width = len(table.columns)

    def rows() -> Iterator[Reply]:
        with table:
            for record in table.records():
                yield _reply(record, at, width, date_order)

    return ignored, rows(), table.encoding_warning()


def _reply(record: Record, at: dict[str, int], width: int, date_order: str | None) -> Reply:
    """One record as a Reply; a record that cannot be read carries its problem."""
    if record.problem is not None:
        return Reply(record.line, "", "", None, record.problem)
    fields = record.fields

    def cell(column: str) -> str | None:
        i = at.get(column)
        return fields[i] if i is not None and i < len(fields) else None

    problem = _shape_problem(fields, width, cell("answer"))
    received = cell("received")
    if problem is None:
        received, problem = _received(received, date_order)
    return Reply(record.line, (cell("member_state") or "").strip(), (cell("answer") or "").strip(), received, problem,
                 (cell("participant") or "").strip() or None)


def _shape_problem(fields: list[str], width: int, answer: str | None) -> str | None:
    if len(fields) > width:
        return "the row has more fields than the header"
    if answer is None:
        return "the row has no answer field"
    return None


def _received(received: str | None, date_order: str | None) -> tuple[str | None, str | None]:
    """The received cell, a date written in the given order read as ISO; or the cell and why it cannot be read."""
    if not (received and received.strip() and date_order):
        return received, None
    try:
        return written_date(received, date_order, "received") or received, None
    except InputError as exc:
        return received, str(exc)
