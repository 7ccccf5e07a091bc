"""Bytes a file's encoding does not allow: the record holding them is an error naming its line, every other record
is read (rows in = rows out); a header or standard output that cannot be written is one line, never an internal
error.

A file with a UTF-8 byte-order mark, or UTF-16 (with its mark), is decoded as its mark says; before this, such a
byte stopped the reading with an internal error near the start of the file, and further on lost the rows decoded
with it and named a line after them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from procedures.cli import run
from procedures.tables import _MARKING, _csv_table, open_table

#: A byte (UTF-8) or a code unit (UTF-16 little-endian: a low surrogate alone) the encoding does not allow.
BAD = {"utf-8-sig": b"\xff", "utf-16": b"\x00\xdc"}
BOM = {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": b"\xff\xfe"}
CODEC = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le"}
WHAT = {"utf-8-sig": "UTF-8 (as the file's byte-order mark says)", "utf-16": "UTF-16 (as the file's byte-order mark says)"}

#: Records of one or more lines: plain, CRLF, quoted over two lines, quoted, accented, and one the csv module
#: refuses (a carriage return inside an unquoted field: the undecodable bytes are then what is reported).
RECORDS = st.lists(st.sampled_from(["a,b\n", "c,d\r\n", '"x\ny",2\n', '"q,1",r\n', "é,f\n", "g,h\n", "s\rt,u\n"]),
                   min_size=1, max_size=12)


def _encoded(encoding: str, records: list[str], bad: int | None = None) -> bytes:
    """The header and records in ``encoding``, with its BOM; with ``bad``, a bad byte just inside that record."""
    codec = CODEC[encoding]
    data = BOM[encoding] + "h1,h2\n".encode(codec)
    for k, text in enumerate(records):
        data += text[:1].encode(codec) + (BAD[encoding] if k == bad else b"") + text[1:].encode(codec)
    return data


def _read(data: bytes, encoding: str, small: bool) -> list[tuple]:
    """The records as the table reader gives them, decoded as ``open_table`` decodes (in small pieces, small
    blocks when ``small``, as a long file is read)."""
    text = io.TextIOWrapper(io.BytesIO(data[len(BOM[encoding]):] if encoding == "utf-16" else data),
                            encoding="utf-16-le" if encoding == "utf-16" else encoding, errors=_MARKING, newline="\n")
    if small:
        text._CHUNK_SIZE = 8
    table = _csv_table(text, "t.csv", encoding)
    if small:
        from procedures import tables

        table._records = tables._parts(text, "t.csv", ",", block=2, encoding=encoding)
    return [tuple(r[:3]) for r in table.rows()]


@settings(max_examples=300, deadline=None)
@given(RECORDS, st.data(), st.sampled_from(["utf-8-sig", "utf-16"]), st.booleans())
def test_a_record_with_bytes_its_encoding_does_not_allow_is_an_error_naming_its_lines_and_the_others_are_read(records, data, encoding, small):
    bad = data.draw(st.integers(0, len(records) - 1))
    clean = _read(_encoded(encoding, records), encoding, small)
    marked = _read(_encoded(encoding, records, bad), encoding, small)
    assert len(marked) == len(clean) == len(records)  # no blank line among them: one record each
    for k, (got, want) in enumerate(zip(marked, clean)):
        if k != bad:
            assert got == want
            continue
        first, spans = want[0], records[k].count("\n")
        where = f"line {first} cannot be decoded: it holds" if spans == 1 else f"lines {first}–{first + spans - 1} cannot be decoded: they hold"
        assert got == (first, None, f"{where} bytes that are not {WHAT[encoding]}; correct them, or export the file again")


def _registry(n: int) -> str:
    rows = ["id,title,kind,opens,received"] + [f"C{i},Title {i},study-group,2026-05-04,2026-03-{1 + i % 28:02d}" for i in range(n)]
    return "\r\n".join(rows) + "\r\n"


def test_check_batch_of_a_bom_file_with_a_bad_byte_far_in_writes_every_row_and_names_the_line(tmp_path):
    """Far in (past the first pieces decoded, read by the worker processes): the rows decoded with the byte are kept."""
    text = _registry(20_000)
    data = text.encode()
    at = data.index(b"\r\nC14999,") + len(b"\r\nC1")  # inside line 15001 (the header is line 1)
    (tmp_path / "clean.csv").write_bytes(b"\xef\xbb\xbf" + data)
    (tmp_path / "bad.csv").write_bytes(b"\xef\xbb\xbf" + data[:at] + b"\xff" + data[at:])
    assert run(["check-batch", str(tmp_path / "clean.csv"), "--out", str(tmp_path / "clean-out.csv")]) == 0
    assert run(["check-batch", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "bad-out.csv")]) == 1
    clean = list(csv.reader((tmp_path / "clean-out.csv").open(encoding="utf-8", newline="")))
    bad = list(csv.reader((tmp_path / "bad-out.csv").open(encoding="utf-8", newline="")))
    assert len(bad) == len(clean) == 20_001
    differ = [k for k, (a, b) in enumerate(zip(bad, clean)) if a != b]
    assert differ == [15_000]  # row 15,000 of the output is line 15,001 of the file
    assert bad[15_000][-2].startswith("line 15001 cannot be decoded: it holds bytes that are not UTF-8")


def test_a_utf16_file_with_a_bad_code_unit_in_its_first_lines_is_checked_row_by_row(tmp_path, capsys):
    data = _registry(10).encode("utf-16")
    at = data.index("C3,".encode("utf-16-le"))
    (tmp_path / "bad.txt").write_bytes(data[:at] + b"\x00\xdc" + data[at:])
    assert run(["check-batch", str(tmp_path / "bad.txt")]) == 1
    out, err = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) == 11 and rows[4][-2].startswith("line 5 cannot be decoded: it holds bytes that are not UTF-16")
    assert "10 rows read" in err and "1 error" in err


def test_a_bad_byte_between_cr_and_lf_and_a_utf16_file_cut_short_are_reported_as_undecodable(tmp_path, capsys):
    """Lines the csv module would refuse for their carriage return: what is wrong with them is the bytes."""
    (tmp_path / "cr.csv").write_bytes(b"\xef\xbb\xbfid,kind,opens,received\r\nC1,study-group,2026-05-04,2026-03-01\r\xff\n"
                                      b"C2,study-group,2026-05-04,2026-03-02\r\n")
    data = "id,kind,opens,received\r\nC1,study-group,2026-05-04,2026-03-01\r\n".encode("utf-16-le")
    (tmp_path / "cut.csv").write_bytes(b"\xff\xfe" + data[:-1])  # a download cut short: half of the last new line
    for name, rows in (("cr.csv", 2), ("cut.csv", 1)):
        assert run(["check-batch", str(tmp_path / name)]) == 1
        out = list(csv.reader(io.StringIO(capsys.readouterr().out)))
        assert len(out) == rows + 1 and out[1][-2].startswith("line 2 cannot be decoded: it holds bytes that are not UTF-")


def test_a_header_its_encoding_does_not_allow_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "bad.csv").write_bytes(b"\xef\xbb\xbfid,ki\xffnd,opens,received\r\nC1,study-group,2026-05-04,2026-03-01\r\n")
    assert run(["check-batch", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {tmp_path / 'bad.csv'}: the header line holds bytes that are not UTF-8 (as the file's byte-order "
                   "mark says); correct them, or export the file again"]


def test_the_other_readers_report_the_record_too(tmp_path):
    """Every command reads tables through the one reader: the record is an error, as a bad CSV record is."""
    data = "date,name\n2027-01-01,New Year\n2027-12-25,Christmas\n".encode("utf-16")
    at = data.index("Christmas".encode("utf-16-le"))
    (tmp_path / "list.csv").write_bytes(data[:at] + b"\x00\xdc" + data[at:])
    with open_table(tmp_path / "list.csv") as table:
        records = list(table.records())
    assert [r.line for r in records] == [2, 3] and records[0].problem is None
    assert records[1].problem.startswith("line 3 cannot be decoded")


def test_standard_output_that_cannot_write_a_character_is_one_line_and_exit_74(tmp_path):
    """A system whose standard output is not UTF-8: one line naming the character and the ways out, exit 74 (the
    output is incomplete; not 2, which says nothing was done); --out writes UTF-8."""
    (tmp_path / "reg.csv").write_text("id,title,kind,opens,received\nC1,Réunion ☃,study-group,2026-05-04,2026-03-01\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    done = subprocess.run([sys.executable, "-m", "procedures", "check-batch", str(tmp_path / "reg.csv")], capture_output=True, env=env, cwd=REPO)
    assert done.returncode == 74, done.stderr
    err = done.stderr.decode("cp1252").strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: standard output is cp1252, which cannot write ")
    assert "(U+2603)" in err[0] and "PYTHONIOENCODING=utf-8" in err[0] and "--out FILE" in err[0]
    done = subprocess.run([sys.executable, "-m", "procedures", "check-batch", str(tmp_path / "reg.csv"), "--out", str(tmp_path / "o.csv")],
                          capture_output=True, env=env, cwd=REPO)
    assert done.returncode == 0 and "☃" in (tmp_path / "o.csv").read_text(encoding="utf-8")


def test_a_json_document_to_a_standard_output_that_is_not_utf8_is_written_in_ascii_with_the_same_values():
    """A command redirected to a file on Windows writes the system's code page, which has no '−' or '≤': the JSON
    documents of the command line escape what is past ASCII there (the same JSON), and the command succeeds."""
    argv = [sys.executable, "-m", "procedures", "check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-14",
            "--format", "json"]
    narrow = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp1252"}, cwd=REPO)
    wide = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, cwd=REPO)
    assert narrow.returncode == wide.returncode == 0, narrow.stderr
    assert narrow.stdout.isascii() and not wide.stdout.isascii()  # the document holds characters past ASCII
    assert json.loads(narrow.stdout.decode("ascii")) == json.loads(wide.stdout.decode("utf-8"))


def test_check_batch_json_rows_to_a_standard_output_that_is_not_utf8_are_ascii_too(tmp_path):
    """check-batch's JSON rows as the other JSON documents: escaped past ASCII where standard output is not UTF-8, in
    one process and with workers (a registry of more than one chunk), with a character past U+FFFF too."""
    rows = ["id,title,kind,opens,received"] + [f"C{k},Réunion ☃ 𝄞 {k},study-group,2026-05-04,2026-03-{1 + k % 28:02d}" for k in range(1500)]
    for name, lines in (("short.csv", rows[:3]), ("long.csv", rows)):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        argv = [sys.executable, "-m", "procedures", "check-batch", str(path), "--format", "json"]
        narrow = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp1252"}, cwd=REPO)
        wide = subprocess.run(argv, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, cwd=REPO)
        assert narrow.returncode == wide.returncode == 0, narrow.stderr
        assert narrow.stdout.isascii() and "\\u2603 \\ud834\\udd1e" in narrow.stdout.decode("ascii")
        got = json.loads(narrow.stdout.decode("ascii"))
        assert got == json.loads(wide.stdout.decode("utf-8")) and len(got) == len(lines) - 1
