"""Plain lines answered together (``tables.Lines``: issue 17) give the bytes the same lines give one record at
a time: what a row's echo needs is looked for once in the block (a formula character, a control character,
a comma in a file of another delimiter), and a block that has any of them is answered record by record."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.batch import Columns, Evaluator
from procedures.tables import Lines

HEADER = ["id", "title", "kind", "opens", "received", "chair_admitted"]
KINDS = ["study-group", "tdag", "rapporteur-group", "plenary", ""]
OPENS = ["2026-09-14", "2026-09-15", "2027-03-22", "2026-02-30", "14/09/2026", ""]
RECEIVED = ["2026-07-30", "2026-08-01T10:00:00+02:00", "2026-08-02T23:59:59Z", "2026-09-01T09:30:00", "2026-03-29T02:30:00",
            "2026-09-02T12:00:00-04:00", "last Tuesday", "", "2026-08-01T10:00:00+02:00 "]
CHAIR = ["", "yes", "no", "Yes", "maybe"]
TITLES = ["T", "", "é ü", "ok then"]
#: Cells that change how a row is echoed (a formula character first, a control character, a comma in a file of
#: another delimiter): a block has at most one, in one row, or none.
HOSTILE = ["=1+1", "@home", "+1", "-", "\tx", "x\x01y", "tab\x7f", "a,b"]


@st.composite
def blocks(draw) -> tuple[str, list[str]]:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    size = draw(st.integers(1, 25))
    # in which row (often the first), in which cell (often the id or the title: a row that can be answered)
    hostile = draw(st.one_of(st.none(), st.tuples(st.sampled_from([0, size - 1, size // 2]), st.sampled_from([0, 1, 1, 5]),
                                                  st.sampled_from(HOSTILE))))
    lines = []
    for n in range(size):
        cells = [f"C{n}", draw(st.sampled_from(TITLES)), draw(st.sampled_from(KINDS)), draw(st.sampled_from(OPENS)),
                 draw(st.sampled_from(RECEIVED)), draw(st.sampled_from(CHAIR))]
        if hostile is not None and hostile[0] == n:  # a row that can be answered, but for its echo
            cells = [f"C{n}", "T", "study-group", "2026-09-14", draw(st.sampled_from(RECEIVED[:6])), ""]
            cells[hostile[1]] = hostile[2]
        cells = [c for c in cells if delimiter not in c]  # a cell holding the delimiter: a row of another width
        if draw(st.integers(0, 9)) == 0:
            cells = cells[: draw(st.integers(1, len(cells)))]  # a short row
        line = delimiter.join(cells)
        if line:  # a plain line is never blank
            lines.append(line)
    return delimiter, lines or ["C0"]


@settings(max_examples=300, deadline=None)
@given(blocks())
def test_plain_lines_answered_together_are_the_bytes_of_the_same_records_one_by_one(library, block):
    delimiter, lines = block
    columns = Columns({name: i for i, name in enumerate(HEADER)}, len(HEADER), HEADER, delimiter)
    together = Lines(2, lines, delimiter)
    texts, by_status, errors = Evaluator(library, columns).lines(together, "csv")
    assert len(texts) == len(lines)
    assert (texts, by_status, errors) == Evaluator(library, columns).lines(list(together.rows()), "csv")


@pytest.mark.parametrize(("delimiter", "hostile"), [(d, h) for d in (",", ";", "\t") for h in HOSTILE if d not in h])
@pytest.mark.parametrize("cell", [0, 1, 5])
@pytest.mark.parametrize("row", [0, 2])
def test_a_block_with_one_cell_to_neutralise_or_quote_is_the_bytes_of_its_records_one_by_one(library, delimiter, cell, hostile, row):
    """In the first row or another, in the id, the title or the flag."""
    usual = ["C{n}", "T", "study-group", "2026-09-14", "2026-08-01T10:00:00+02:00", ""]
    lines = []
    for n in range(3):
        cells = [c.format(n=n) for c in usual]
        if n == row:
            cells[cell] = hostile
        lines.append(delimiter.join(cells))
    columns = Columns({name: i for i, name in enumerate(HEADER)}, len(HEADER), HEADER, delimiter)
    together = Lines(2, lines, delimiter)
    assert Evaluator(library, columns).lines(together, "csv") == Evaluator(library, columns).lines(list(together.rows()), "csv")


def test_a_share_of_a_block_keeps_the_line_numbers_it_was_given(library):
    """A worker's share of a block (some of its lines) names each line by its number in the file."""
    columns = Columns({name: i for i, name in enumerate(HEADER)}, len(HEADER), HEADER, ",")
    share = Lines(0, ["C1,T,study-group,2026-09-14,2026-08-01,", "C2,T,study-group"], ",", [7, 40])
    texts, _, errors = Evaluator(library, columns).lines(share, "csv")
    assert errors == 1 and "line 40 has no value for opens, received" in texts[1]
    assert [r[0] for r in share.rows()] == [7, 40]
