"""The batch check: one output row per input row, row errors, safe CSV, file-level errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procedures.batch import neutralise
from procedures.cli import app

runner = CliRunner()
HEADER = "id,kind,opens,received,purpose,opening_time,chair_admitted\n"


def batch(tmp_path, text: str, *extra: str):
    path = tmp_path / "registry.csv"
    path.write_text(text)
    return runner.invoke(app, ["check-batch", str(path), *extra])


def rows(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


def test_each_row_gets_its_status(tmp_path):
    res = batch(tmp_path, HEADER + "\n".join([
        "C1,study-group,2026-09-14,2026-07-31T23:30:00+02:00,,,",
        "C2,study-group,2026-09-14,2026-07-31T23:30:00-04:00,,,",
        "C3,study-group,2026-09-14,2026-09-03,,,",
        "C4,study-group,2026-09-14,2026-09-03,,,yes",
        "C5,study-group,2026-09-14,2026-09-14,,,",
        "C6,study-group,2026-05-04,2026-04-02,action,,no",
        "C7,study-group,2026-09-14,2026-09-03,information,,",
    ]) + "\n")
    assert res.exit_code == 0, res.output
    got = {r["id"]: r for r in rows(res.stdout)}
    assert [got[i]["status"] for i in ("C1", "C2", "C3", "C4", "C5", "C6", "C7")] == [
        "on-time", "delayed", "late", "late-admitted", "refused", "delayed", "late"]
    assert got["C1"]["translated"] == "yes" and got["C1"]["publish_by"] == "2026-09-07"
    assert got["C6"]["publish_by"] == "2026-04-09"
    assert got["C3"]["cite"] == "Res. 1 § 4.2.1.4" and got["C3"]["on_agenda"] == "no"
    assert "7 rows read" in res.stderr and "1 on-time" in res.stderr and "0 errors" in res.stderr


def test_bad_rows_get_an_error_and_the_exit_code_says_so(tmp_path):
    res = batch(tmp_path, HEADER + "\n".join([
        "B1,study-group,2026-09-14,not-a-date,,,",
        "B2,plenary,2026-09-14,2026-09-01,,,",
        "B3,study-group,2026-13-01,2026-09-01,,,",
        "B4,study-group,2026-09-14",
        "B5,study-group,2026-09-14,2026-09-01,,,maybe",
        "B6,study-group,2026-09-14,2026-09-01,,,,extra",
        "OK,study-group,2026-09-14,2026-09-01,,,",
    ]) + "\n")
    assert res.exit_code == 1
    got = {r["id"]: r for r in rows(res.stdout)}
    assert len(got) == 7
    assert "not an ISO 8601" in got["B1"]["error"]
    assert "unknown meeting kind 'plenary'" in got["B2"]["error"]
    assert "is not a date" in got["B3"]["error"]
    assert "no value for received" in got["B4"]["error"]
    assert "is not yes or no" in got["B5"]["error"]
    assert "more fields than the header" in got["B6"]["error"]
    assert got["OK"]["status"] == "delayed" and got["OK"]["error"] == ""
    assert "6 errors" in res.stderr


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "is empty"),
        ("id,kind,opens\nC1,study-group,2026-09-14\n", "lacks column(s) received"),
    ],
)
def test_file_level_errors(tmp_path, text, message):
    res = batch(tmp_path, text)
    assert res.exit_code == 2 and message in res.stderr and "Traceback" not in res.output


def test_a_file_with_only_a_header_gives_no_rows(tmp_path):
    res = batch(tmp_path, HEADER)
    assert res.exit_code == 0 and rows(res.stdout) == [] and "0 rows read" in res.stderr


def test_a_missing_file_is_one_line(tmp_path):
    res = runner.invoke(app, ["check-batch", str(tmp_path / "nope.csv")])
    assert res.exit_code == 2 and "cannot read" in res.stderr


def test_unknown_columns_are_reported_not_silently_dropped(tmp_path):
    res = batch(tmp_path, "id,kind,opens,received,author\nC1,study-group,2026-09-14,2026-09-01,Someone\n")
    assert "columns ignored: author" in res.stderr


def test_csv_output_is_safe_in_a_spreadsheet(tmp_path):
    res = batch(tmp_path, HEADER + '=HYPERLINK("x"),study-group,2026-09-14,2026-09-01,,,\n-1,study-group,2026-09-14,2026-09-01,,,\n')
    ids = [r["id"] for r in rows(res.stdout)]
    assert ids == ["'=HYPERLINK(\"x\")", "'-1"]
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("+1") == "'+1" and neutralise("C1") == "C1"


def test_json_output_and_out_file(tmp_path):
    out = tmp_path / "out.json"
    res = batch(tmp_path, HEADER + "C1,study-group,2026-09-14,2026-07-31,,,\nC2,x,2026-09-14,2026-07-31,,,\n", "--format", "json", "--out", str(out))
    assert res.exit_code == 1
    data = json.loads(out.read_text())
    assert data[0]["status"] == "on-time" and data[0]["translated"] is True and data[0]["cite"] == ["Res. 1 § 4.2.1.1"]
    assert data[1]["status"] is None and "unknown meeting kind" in data[1]["error"]


LINES = st.lists(
    st.one_of(
        st.builds(lambda d: f"study-group,2026-09-14,{d.isoformat()}", st.dates(min_value=__import__("datetime").date(2026, 6, 1), max_value=__import__("datetime").date(2026, 9, 20))),
        st.text(alphabet="ab,:-=+@0123456789T\"", max_size=30),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(lines=LINES)
def test_batch_output_has_as_many_rows_as_input(lines, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("b")
    body = "".join(f"R{i},{line}\n" for i, line in enumerate(lines))
    res = batch(tmp, "id,kind,opens,received\n" + body)
    assert res.exit_code in (0, 1, 2)
    if res.exit_code != 2:
        n_in = len(list(csv.reader(io.StringIO(body))))
        assert len(rows(res.stdout)) == n_in
        assert f"{n_in} row{'' if n_in == 1 else 's'} read" in res.stderr


def test_parallel_chunks_give_the_same_rows_in_the_same_order(tmp_path, library, monkeypatch):
    """Across several chunks (and a quoted field spanning lines), rows stay in order, with worker processes as without."""
    import datetime as dt

    from procedures import batch as b
    from procedures import tables

    monkeypatch.setattr(b, "CHUNK", 1000)
    monkeypatch.setattr(tables, "BLOCK", 1000)

    lines = [HEADER.strip()]
    for i in range(3 * b.CHUNK + 17):
        day = dt.date(2026, 7, 1) + dt.timedelta(days=i % 80)
        ident = f'"multi\nline {i}"' if i % 997 == 0 else f"R{i}"
        kind = "study-group" if i % 50 else "plenary"
        lines.append(f"{ident},{kind},2026-09-14,{day.isoformat()}T{i % 24:02d}:00:00+02:00,,,")
    src = tmp_path / "big.csv"
    src.write_text("\n".join(lines) + "\n")
    seq, par = tmp_path / "seq.csv", tmp_path / "par.csv"
    s1 = b.run_batch(library, src, seq, "csv", workers=1)
    s2 = b.run_batch(library, src, par, "csv", workers=2)
    assert seq.read_text() == par.read_text()
    assert s1.rows == s2.rows == 3 * b.CHUNK + 17
    assert s1.by_status == s2.by_status and s1.errors == s2.errors > 0
    out = rows(par.read_text())
    assert len(out) == s1.rows and out[0]["id"] == "multi\nline 0"


def test_a_carriage_return_inside_a_cell_is_quoted_so_the_output_reads_back_row_for_row(tmp_path):
    """csv.writer leaves a bare CR unquoted when lines end in LF; a reader then splits the row (the review's case)."""
    src = tmp_path / "in.csv"
    src.write_bytes(b'id,kind,opens,received\n"\r=1+1",study-group,2026-09-14,2026-09-01\n"a\rb",study-group,2026-09-14,soon\n')
    out = tmp_path / "out.csv"
    res = runner.invoke(app, ["check-batch", str(src), "--out", str(out)])
    assert res.exit_code == 1, res.output  # the second row's receipt is no date
    back = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert [r[0] for r in back] == ["id", "'\r=1+1", "a\rb"]
    again = runner.invoke(app, ["check-batch", str(out), "--out", str(tmp_path / "again.csv")])
    assert "2 rows read" in again.stderr


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list('a,"\n =é\t\x00')), max_size=6), min_size=2, max_size=6))
def test_an_output_line_is_what_csv_writer_writes_when_no_cell_holds_a_carriage_return(cells):
    from procedures.batch import csv_line

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    assert csv_line(cells) == buffer.getvalue()


def test_a_local_time_whose_instant_falls_before_year_one_is_one_bad_row_not_a_crash(tmp_path):
    # 0001-01-01 00:00 in Geneva is 0000-12-31 in UTC, which no datetime holds: it used to stop the whole batch
    res = batch(tmp_path, HEADER + "C1,study-group,2026-05-13,0001-01-01T00:00:00,,,\nC2,study-group,2026-05-13,2026-04-01,,,\n")
    assert res.exit_code == 1
    got = rows(res.stdout)
    assert [r["id"] for r in got] == ["C1", "C2"]
    assert got[0]["error"] == "received '0001-01-01T00:00:00' cannot be placed in Europe/Zurich time (out of range)"
    assert got[1]["status"] == "delayed"


def test_records_are_evaluated_a_thousand_first_then_twice_as_many_each_time_up_to_a_chunk():
    from procedures import batch as b

    sizes = [len(c) for c in b._chunks(iter(range(3 * b.CHUNK)), b.CHUNK)]
    assert sizes[:2] == [b.FIRST_CHUNK, 2 * b.FIRST_CHUNK] and max(sizes) == b.CHUNK and sum(sizes) == 3 * b.CHUNK

