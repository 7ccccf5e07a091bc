"""The table reader's fast lines: a line with no quote and no carriage return is split on the delimiter,
anything else goes to the csv module; the records, their line numbers and their problems are what the csv
module alone gives (issue 17: check-batch within 2x of the floor)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.tables import FIELD_LIMIT, _rows


def _newline(text: str) -> str:
    """As open_table reads: records end at a line feed, or at a carriage return in a file with no line feed."""
    return "\n" if "\n" in text else ""


def _csv_only(text: str, delimiter: str) -> list[tuple]:
    """The reader as it was: every line through the csv module."""
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=_newline(text)), delimiter=delimiter)
    out, last = [], 0
    while True:
        first = 1 + last + 1
        try:
            fields = next(reader)
        except StopIteration:
            return out
        except csv.Error as exc:
            last = 1 + reader.line_num
            where = f"line {first}" if last <= first else f"lines {first}–{last}"
            if "new-line character" in str(exc):
                out.append((first, None, f"{where}: a carriage return inside an unquoted field; remove it, or quote the field"))
            else:
                out.append((first, None, f"{where} cannot be read as CSV ({exc}; a quote that is never closed?)"))
        else:
            if fields:
                out.append((first, fields, None))
        last = reader.line_num


def _fast(text: str, delimiter: str) -> list[tuple]:
    rows = list(_rows(io.StringIO(text, newline=_newline(text)), "t.csv", delimiter))
    for line, fields, problem, raw in rows:
        if raw is not None:  # split on the delimiter: the raw line is the fields joined
            assert raw.split(delimiter) == fields
    return [r[:3] for r in rows]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab,;\t"\r\n \x00=', max_size=60), st.sampled_from([",", ";", "\t"]))
def test_the_fast_lines_read_as_the_csv_module_reads(text, delimiter):
    assert _fast(text, delimiter) == _csv_only(text, delimiter)


def test_quoted_line_breaks_bad_quotes_and_blank_lines_keep_their_line_numbers():
    text = 'a,b\n\n"x\ny",2\n5" floppy,3\nc,d\r\ne,f\n"never closed,4\ng,h\n'
    assert _fast(text, ",") == _csv_only(text, ",")
    assert [r[0] for r in _fast(text, ",")] == [2, 4, 6, 7, 8, 9]
