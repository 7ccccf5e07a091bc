"""The table reader's fast lines: a line with no quote and no carriage return is split on the delimiter,
anything else goes to the csv module; the records, their line numbers and their problems are what the csv
module alone gives (issue 17: check-batch within 2x of the floor)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.tables import FIELD_LIMIT, Lines, _one_by_one, _parts


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


def _fast(text: str, delimiter: str, block: int | None = None) -> list[tuple]:
    stream = io.StringIO(text, newline=_newline(text))
    rows = list(_one_by_one(_parts(stream, "t.csv", delimiter)) if block is None else _expanded(_parts(stream, "t.csv", delimiter, block=block)))
    for line, fields, problem, raw in rows:
        if raw is not None:  # split on the delimiter: the raw line is the fields joined
            assert raw.split(delimiter) == fields
    return [r[:3] for r in rows]


def _expanded(parts) -> list[tuple]:
    """Records read by the block, one by one; each block's lines checked to be plain."""
    rows = []
    for part in parts:
        if part.__class__ is Lines:
            assert part.lines and all(line and '"' not in line and "\r" not in line and "\n" not in line for line in part.lines)
            rows.extend(part.rows())
        else:
            rows.append(part)
    return rows


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab,;\t"\r\n \x00=', max_size=60), st.sampled_from([",", ";", "\t"]))
def test_the_fast_lines_read_as_the_csv_module_reads(text, delimiter):
    assert _fast(text, delimiter) == _csv_only(text, delimiter)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='ab,;\t"\r\n \x00=', max_size=80), st.sampled_from([",", ";", "\t"]), st.integers(1, 5))
def test_lines_read_by_the_block_are_the_records_read_one_by_one(text, delimiter, block):
    """Plain lines taken together (``Lines``), the others one by one, a quoted record reading on past its
    block: the records, their line numbers and problems are the csv module's."""
    assert _fast(text, delimiter, block) == _csv_only(text, delimiter)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a,b\n"] * 6 + ['"x\ny",2\n', '5" q,3\n', "\n", "c,d\r\n", "e\rf,g\n"]), max_size=60),
       st.integers(1, 3), st.integers(2, 12))
def test_blocks_that_grow_after_plain_lines_and_shrink_after_others_read_as_the_csv_module_reads(lines, first, block):
    """Blocks of FIRST_BLOCK lines, twice as many after plain ones up to the block, half as many after others:
    mostly plain lines, so that blocks grow and shrink."""
    from procedures import tables

    text = "".join(lines)
    kept = tables.FIRST_BLOCK
    tables.FIRST_BLOCK = first
    try:
        assert _fast(text, ",", block) == _csv_only(text, ",")
    finally:
        tables.FIRST_BLOCK = kept


def test_quoted_line_breaks_bad_quotes_and_blank_lines_keep_their_line_numbers():
    text = 'a,b\n\n"x\ny",2\n5" floppy,3\nc,d\r\ne,f\n"never closed,4\ng,h\n'
    assert _fast(text, ",") == _csv_only(text, ",")
    assert [r[0] for r in _fast(text, ",")] == [2, 4, 6, 7, 8, 9]


def test_plain_lines_are_read_a_thousand_first_then_twice_as_many_each_time_up_to_the_block():
    """A short registry is several blocks (the batch's workers share them); a long one soon reads BLOCK at a time."""
    from procedures import tables

    text = "".join(f"C{n},a\n" for n in range(2 * tables.BLOCK))
    parts = list(_parts(io.StringIO(text, newline="\n"), "t.csv", ","))
    sizes = [len(p.lines) for p in parts]
    assert sizes[:3] == [tables.FIRST_BLOCK, 2 * tables.FIRST_BLOCK, 4 * tables.FIRST_BLOCK] and max(sizes) == tables.BLOCK
    assert sum(sizes) == 2 * tables.BLOCK and [p.first for p in parts[:2]] == [2, 2 + tables.FIRST_BLOCK]


def test_after_lines_with_a_quote_half_as_many_are_read_next_time_not_fewer_than_the_first():
    """A registry with a quoted title here and there: smaller blocks after one that held a quote, so that most of
    its lines are still read together (with blocks that only grew, a quote every 12,000 lines sent more than half
    of them one by one)."""
    from procedures import tables

    f, b = tables.FIRST_BLOCK, tables.BLOCK
    plain = [f"C{n},a\n" for n in range(f + 2 * f + 4 * f)]
    quoted = ['"q,1",b\n'] + [f"D{n},a\n" for n in range(8 * f - 1)]  # the fourth block, 8 x FIRST_BLOCK, holds a quote
    after = [f"E{n},a\n" for n in range(4 * f + 8 * f)]
    parts = list(_parts(io.StringIO("".join(plain + quoted + after), newline="\n"), "t.csv", ",", block=b))
    sizes = [len(p.lines) for p in parts if p.__class__ is Lines]
    one_by_one = [p for p in parts if p.__class__ is not Lines]
    assert sizes == [f, 2 * f, 4 * f, 4 * f, 8 * f] and len(one_by_one) == 8 * f
    assert [r[0] for r in _expanded(parts)] == list(range(2, 2 + len(plain + quoted + after)))
