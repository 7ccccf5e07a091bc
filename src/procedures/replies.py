"""Reading a replies file: CSV with a header ``member_state, answer[, received]``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from procedures.csvfiles import check_header
from procedures.errors import InputError
from procedures.tally import Reply

REQUIRED = ("member_state", "answer")
OPTIONAL = ("received",)


def tally_replies(lib, procedure: str, source: tuple[list[str], Iterator[Reply]], circulated=None,
                  electorate_size: int | None = None, flags: frozenset[str] = frozenset()):
    """Tally a replies file read by read_replies/replies_from, with the ruleset in force on the circular's date."""
    import datetime as dt

    from procedures.tally import tally

    ignored, rows = source
    rs = lib.in_force(circulated or dt.date.today())
    result = tally(rs, procedure, rows, circulated, electorate_size, flags)
    if ignored:
        result.warnings.append(f"columns ignored: {', '.join(ignored)}")
    return result


def read_replies(path: Path) -> tuple[list[str], Iterator[Reply]]:
    """Check the header now; return the ignored columns and a stream of replies.

    A row that cannot be read as a reply still yields a Reply, with its problem,
    so that the tally reports it as excluded rather than dropping it.
    """
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return replies_from(fh, str(path))


def replies_from(fh: IO[str], name: str) -> tuple[list[str], Iterator[Reply]]:
    """As read_replies, from an open text stream (closed when the stream is exhausted)."""
    reader = csv.DictReader(fh)
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        fh.close()
        raise InputError(f"{name}: not a readable CSV file ({exc})") from None
    try:
        reader.fieldnames, ignored = check_header(header, name, REQUIRED, OPTIONAL)
    except InputError:
        fh.close()
        raise

    def rows() -> Iterator[Reply]:
        with fh:
            try:
                for number, row in enumerate(reader, start=2):
                    problem = None
                    if None in row:
                        problem = "the row has more fields than the header"
                    elif row.get("answer") is None:
                        problem = "the row has no answer field"
                    yield Reply(number, (row.get("member_state") or "").strip(), (row.get("answer") or "").strip(), row.get("received"), problem)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise InputError(f"{name}: line {reader.line_num} cannot be read as CSV ({exc})") from None

    return ignored, rows()
