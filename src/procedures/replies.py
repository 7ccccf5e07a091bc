"""Reading a replies file: CSV with a header ``member_state, answer[, received][, participant]``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from procedures.csvfiles import dict_rows, open_text
from procedures.errors import InputError
from procedures.tally import Reply

REQUIRED = ("member_state", "answer")
OPTIONAL = ("received", "participant")
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

    ignored, rows = source
    rs = lib.in_force(circulated or dt.date.today())
    result = tally(rs, procedure, rows, circulated, electorate_size, flags, requested_by)
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
                yield Reply(number, (row.get("member_state") or "").strip(), (row.get("answer") or "").strip(), row.get("received"), problem,
                            (row.get("participant") or "").strip() or None)

    return ignored, rows()
