"""Nothing lost, nothing added: the batch check's rows, its output file and its header (issue 14, items 1–5).

Each test is a regression test for a way the batch once lost or added rows,
destroyed its input, or accepted a header it could not read.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.batch import run_batch
from procedures.errors import InputError
from procedures.outfiles import output_file

HEADER = "id,title,kind,opens,received\n"

#: Records in a chunk in the tests of chunk boundaries (small, so that a few thousand rows span several).
CHUNK = 1000


def registry(n: int, title=lambda i: f"T{i}") -> str:
    def q(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    return HEADER + "".join(f"C{i},{q(title(i))},study-group,2026-09-14,2026-08-{1 + i % 28:02d}\n" for i in range(n))


def out_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_output_cannot_be_the_input(library, tmp_path):
    reg = tmp_path / "reg.csv"
    reg.write_text(registry(500))
    before = reg.read_bytes()
    with pytest.raises(InputError, match="is the input file"):
        run_batch(library, reg, reg, "csv", workers=1)
    link = tmp_path / "link.csv"
    os.link(reg, link)  # the same file under another name
    with pytest.raises(InputError, match="is the input file"):
        run_batch(library, reg, link, "csv", workers=1)
    assert reg.read_bytes() == before


def test_a_failed_run_leaves_an_existing_file_untouched_and_no_partial_file(library, tmp_path):
    out = tmp_path / "results.csv"
    out.write_text("last week's results\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,kind\n1,study-group\n")
    with pytest.raises(InputError, match="lacks column"):
        run_batch(library, bad, out, "csv", workers=1)
    assert out.read_text() == "last week's results\n"
    with pytest.raises(KeyboardInterrupt):
        with output_file(out) as fh:
            fh.write("half a file")
            raise KeyboardInterrupt
    assert out.read_text() == "last week's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "results.csv"]


@pytest.mark.parametrize("workers", [1, 2])
def test_multi_line_titles_on_every_chunk_boundary_keep_rows_and_ids(library, tmp_path, workers, monkeypatch):
    from procedures import batch, tables

    monkeypatch.setattr(batch, "CHUNK", CHUNK)  # records, and plain lines, 1,000 at a time
    monkeypatch.setattr(tables, "BLOCK", CHUNK)
    n = 2 * CHUNK + 10
    boundary = {CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK - 1, 2 * CHUNK}
    reg = tmp_path / "reg.csv"
    reg.write_text(registry(n, lambda i: f"first line\nsecond, \"quoted\" line {i}" if i in boundary else f"T{i}"))
    out = tmp_path / "out.csv"
    summary = run_batch(library, reg, out, "csv", workers=workers)
    rows = out_rows(out)
    assert summary.rows == len(rows) == n
    assert [r["id"] for r in rows] == [f"C{i}" for i in range(n)]


def test_a_lone_quote_inside_an_unquoted_field_is_just_a_character(library, tmp_path):
    reg = tmp_path / "reg.csv"
    reg.write_text(HEADER + 'C1,5" floppy,study-group,2026-09-14,2026-08-01\nC2,T,study-group,2026-09-14,2026-08-01\n')
    out = tmp_path / "out.csv"
    run_batch(library, reg, out, "csv", workers=1)
    assert [(r["id"], r["status"]) for r in out_rows(out)] == [("C1", "delayed"), ("C2", "delayed")]


def test_a_record_the_parser_cannot_read_is_an_error_row_and_the_rest_is_checked(library, tmp_path):
    huge = "x" * (1 << 20)
    reg = tmp_path / "reg.csv"
    reg.write_text(HEADER + f'C1,"{huge},study-group,2026-09-14,2026-08-01\n' + "".join(
        f"C{i},T,study-group,2026-09-14,2026-08-01\n" for i in range(2, 6)))
    out = tmp_path / "out.json"
    summary = run_batch(library, reg, out, "json", workers=1)
    rows = json.loads(out.read_text())
    assert rows[0]["error"].startswith("line") and "cannot be read as CSV" in rows[0]["error"]
    assert summary.rows == len(rows) and summary.errors >= 1


def test_nul_bytes_and_stray_carriage_returns_are_row_errors_not_aborts(library, tmp_path):
    reg = tmp_path / "reg.csv"
    reg.write_bytes((HEADER + "C1,T\x00,study-group,2026-09-14,2026-08-01\x00\nC2,T\r,study-group,2026-09-14,2026-08-01\n"
                     "C3,T,study-group,2026-09-14,2026-08-01\n").encode())
    out = tmp_path / "out.json"
    summary = run_batch(library, reg, out, "json", workers=1)
    rows = json.loads(out.read_text())
    assert rows[-1] == {**rows[-1], "id": "C3", "status": "delayed"}
    assert summary.rows == len(rows) and rows[0]["error"] and "\\x00" not in rows[0]["error"]


@pytest.mark.parametrize("header,message", [
    ("id,kind,opens,received,kind\n", "names column(s) kind more than once"),
    ("id,Kind ,opens,received,KIND\n", "names column(s) kind more than once"),
    ("id,kind,opens,received,chair\x00_admitted\n", "control character"),
])
def test_a_header_it_cannot_read_unambiguously_is_one_error(library, tmp_path, header, message):
    reg = tmp_path / "reg.csv"
    reg.write_text(header + "C1,study-group,2026-09-14,2026-08-01,yes\n")
    with pytest.raises(InputError) as info:
        run_batch(library, reg, tmp_path / "out.csv", "csv", workers=1)
    assert message in str(info.value)
    assert not (tmp_path / "out.csv").exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.sampled_from(["2026-08-01", "2026-09-20", "bad", "2026-07-31T23:59:59.999+02:00", ""])),
                min_size=1, max_size=30))
def test_rows_in_equal_rows_out_for_any_titles(library, tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("rows")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Excel writes: a CR inside a field is quoted
    writer.writerow(["id", "title", "kind", "opens", "received"])
    writer.writerows([f"C{i}", title, "study-group", "2026-09-14", received] for i, (title, received) in enumerate(records))
    text = buffer.getvalue()
    reg = folder / "reg.csv"
    reg.write_bytes(text.encode())
    expected = sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 1
    summary = run_batch(library, reg, folder / "out.json", "json", workers=1)
    rows = json.loads((folder / "out.json").read_text())
    assert summary.rows == len(rows) == expected


def test_memory_stays_flat_with_many_unplannable_meetings(library, tmp_path, monkeypatch):
    """Item 4: results are cached, not exceptions, and every memo is bounded: 20,000 rows naming 20,000
    different impossible meetings use no more memory than a few thousand would (read 2,000 lines at a time,
    so that what is measured is the memos, not a block of lines)."""
    import tracemalloc

    from procedures import tables

    monkeypatch.setattr(tables, "BLOCK", 2000)
    from procedures.batch import _Plans
    from procedures.deadlines import MEMO_LIMIT

    def peak(n: int) -> int:
        reg = tmp_path / f"reg{n}.csv"
        # two ways a meeting is impossible: a kind no one has (its message looks for the nearest name, the slow
        # one) and an opening date that does not exist (cheap: half the rows, half the time; issue 15 item 7)
        reg.write_text(HEADER + "".join(f"C{i},T,study-group,2026-02-{30 + i},2026-08-01\n" if i % 2 else
                                        f"C{i},T,study-group-{i},2026-09-14,2026-08-01\n" for i in range(n)))
        tracemalloc.start()
        summary = run_batch(library, reg, tmp_path / f"out{n}.csv", "csv", workers=1)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert summary.rows == summary.errors == n
        return top

    assert peak(20_000) < 3 * peak(2_000) + (2 << 20)  # 20,000 rows pass every memo limit (the largest is 16,384)
    plans = _Plans(library)
    for i in range(_Plans.LIMIT + 10):
        plans.get("study-group", f"2026-02-{30 + i}", "", "", "")
    assert len(plans.cache) <= _Plans.LIMIT and all(isinstance(v, str) for v in plans.cache.values())
    assert len(library.latest().evaluated) <= MEMO_LIMIT


def test_a_carriage_return_inside_an_unquoted_field_is_one_bad_row_not_two(library, tmp_path):
    """Rows in = rows out: a stray CR in a CRLF export is a bad record, not a record break (files with
    no line feed at all, old Mac exports, still end records at CR)."""
    reg = tmp_path / "reg.csv"
    reg.write_bytes(b"id,kind,opens,received\r\nC1,study-group,2026-09-14,2026-07-31\r\n"
                    b"C2,study-gr\roup,2026-09-14,2026-07-31\r\nC3,study-group,2026-09-14,2026-07-31\r\n")
    out = tmp_path / "out.json"
    summary = run_batch(library, reg, out, "json", workers=1)
    rows = json.loads(out.read_text())
    assert summary.rows == len(rows) == 3
    assert "carriage return inside an unquoted field" in rows[1]["error"] and rows[2]["id"] == "C3"
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"id,kind,opens,received\rC1,study-group,2026-09-14,2026-07-31\rC2,study-group,2026-09-14,2026-08-01\r")
    assert run_batch(library, mac, tmp_path / "mac.json", "json", workers=1).rows == 2
