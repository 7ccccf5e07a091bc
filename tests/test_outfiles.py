"""outfiles.check_target: each refusal of an output file, and what it lets through."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from procedures.errors import InputError
from procedures.outfiles import check_target


def test_a_device_is_not_an_output_file():
    with pytest.raises(InputError, match=r"^--out /dev/null is not a regular file \(a device or a pipe\)"):
        check_target(Path("/dev/null"))


def test_the_file_read_on_standard_input_is_refused(tmp_path, monkeypatch):
    given = tmp_path / "reg.csv"
    given.write_text("a\n")
    with given.open() as stdin:
        monkeypatch.setattr("sys.stdin", stdin)
        with pytest.raises(InputError, match="is the file given on standard input; write the results to another file"):
            check_target(given, [Path("-")])
        check_target(tmp_path / "other.csv", [Path("-")])  # a new file is not standard input's
        other = tmp_path / "old.csv"
        other.write_text("b\n")
        check_target(other, [Path("-")])  # nor another existing one


def test_standard_input_without_a_file_lets_any_output_through(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n"))  # no file number
    existing = tmp_path / "out.csv"
    existing.write_text("x\n")
    check_target(existing, [Path("-")])


def test_an_input_that_is_not_there_or_another_file_is_no_clash(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("x\n")
    check_target(out, [tmp_path / "missing.csv"])
    other = tmp_path / "in.csv"
    other.write_text("y\n")
    check_target(out, [other])
    with pytest.raises(InputError, match="is the input file"):
        check_target(out, [tmp_path / "." / "out.csv"])
