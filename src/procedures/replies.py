"""Reading a replies file: CSV with a header ``member_state, answer[, received]``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from procedures.csvfiles import dict_rows, open_text
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
    return replies_from(open_text(path), str(path))


def replies_from(fh: IO[str], name: str) -> tuple[list[str], Iterator[Reply]]:
    """As read_replies, from an open text stream (closed when the stream is exhausted)."""
    try:
        ignored, records = dict_rows(fh, name, REQUIRED, OPTIONAL)
    except InputError:
        fh.close()
        raise

    def rows() -> Iterator[Reply]:
        with fh:
            for number, row, problem in records:
                if problem is None and row.get("answer") is None:
                    problem = "the row has no answer field"
                yield Reply(number, (row.get("member_state") or "").strip(), (row.get("answer") or "").strip(), row.get("received"), problem)

    return ignored, rows()
