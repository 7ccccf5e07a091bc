"""Hostile input on the command line: one line on stderr and exit 2, never an internal error (issue 14, items 10–12).

The commands run in-process through ``procedures.cli.run``, the same entry point
the console script uses, so typer's own usage errors are covered too.
"""

from __future__ import annotations

import shlex

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from procedures.cli import run

REGISTRY = "id,kind,opens,received\nC1,study-group,2026-09-14,2026-09-01\n"


def call(capsys, argv: list[str]) -> tuple[int, str, str]:
    code = run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_exit_2(capsys, argv: list[str]) -> str:
    code, _, err = call(capsys, argv)
    assert code == 2, f"{argv}: exit {code}\n{err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), f"{argv}: {err!r}"
    return lines[0]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)))
    (tmp_path / "utf16.toml").write_bytes("[study_period]\nname = 'x'\n".encode("utf-16"))
    (tmp_path / "reg.csv").write_text(REGISTRY)
    (tmp_path / "folder").mkdir()
    rules = tmp_path / "rules-with-binary"
    run(["rules", "init", str(rules)])
    (rules / "res1-rev-baku-2025" / "junk.toml").write_bytes(b"\xff\xfe\x00junk")
    return tmp_path


CASES = [
    ("calendar --year 0", "--year: 0 is below 1"),
    ("calendar --year -1", "--year: '-1' is not a whole number"),
    ("calendar --year 10000", "--year: '10000' is too large; at most 9999"),
    ("calendar --year 12345678901234567890", "is too large"),
    ("calendar --year abc", "--year: 'abc' is not a whole number; write digits 0-9 only, e.g. 2026"),
    ("calendar --year 2040", "does not cover"),
    ("limit res1.5.2.4.questions-per-study-group --value 1e5000", "is not a number of at most 15 characters"),
    ("document check --type revised-report --pages 60 --previous-pages " + "9" * 4300, "is too large; at most 999999999"),
    ("plan check {d}/binary.toml", "is not UTF-8 text"),
    ("plan agenda {d}/utf16.toml", "is not UTF-8 text"),
    ("plan check /dev/zero", "is not a regular file"),
    ("check-batch /dev/zero", "is not a regular file"),
    ("tally --procedure question-approval --replies /dev/zero", "is not a regular file"),
    ("appointments check /dev/zero", "is not a regular file"),
    ("check-batch {d}/reg.csv --out {d}/folder", "is a folder"),
    ("check-batch {d}/reg.csv --out {d}/missing/out.csv", "does not exist"),
    ("check-batch {d}/reg.csv --out {d}/reg.csv", "is the input file"),
    ("rules docs --out {d}/folder", "is a folder"),
    ("rules validate {d}/rules-with-binary", "1 problem in"),
    ("schedule --rules {d}/rules-with-binary", "is not UTF-8 text"),
    ("check --kind", "requires an argument"),
    ("calendar --year 2026 --bogus", "No such option: --bogus"),
    ("tally --procedure question-approval --replies x.csv --electorate-size ²", "--electorate-size: '²' is not a whole number"),
    ("schedule --opens 2026-09-14 --format ics --name SG1\x1b[31m", "has a control character or line break"),
]


@pytest.mark.parametrize("command,fragment", CASES, ids=[c for c, _ in CASES])
def test_bad_input_is_one_line_and_exit_2(capsys, files, command, fragment):
    argv = [a.replace("{d}", str(files)) for a in shlex.split(command)]
    line = one_line_exit_2(capsys, argv)
    assert fragment in line


def test_a_plan_name_with_a_line_feed_is_refused_before_any_calendar_file(capsys, tmp_path):
    plan = (REPO / "docs" / "example-plan-2026-2029.toml").read_text(encoding="utf-8")
    start = plan.index("name = ", plan.index("[study_period]"))
    end = plan.index("\n", start)
    (tmp_path / "plan.toml").write_text(plan[:start] + 'name = "2026\\u000aBEGIN:VEVENT"' + plan[end:], encoding="utf-8")
    line = one_line_exit_2(capsys, ["plan", "agenda", str(tmp_path / "plan.toml"), "--format", "ics"])
    assert "without control characters" in line


def test_markdown_output_escapes_html(capsys, tmp_path):
    plan = (REPO / "docs" / "example-plan-2026-2029.toml").read_text(encoding="utf-8")
    first_name = plan.index('name = "', plan.index("[[meeting]]"))
    end = plan.index("\n", first_name)
    (tmp_path / "plan.toml").write_text(plan[:first_name] + 'name = "<img src=x onerror=alert(1)>"' + plan[end:], encoding="utf-8")
    code, out, _ = call(capsys, ["plan", "agenda", str(tmp_path / "plan.toml"), "--format", "markdown"])
    assert code in (0, 1, 3)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out


COMMANDS = [
    ["calendar", "--year", "{}"],
    ["schedule", "--kind", "study-group", "--opens", "{}"],
    ["schedule", "--kind", "{}", "--opens", "2026-09-14"],
    ["check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "{}"],
    ["check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-01", "--opening-time", "{}"],
    ["timeline", "--procedure", "question-approval", "--start", "{}"],
    ["timeline", "--procedure", "question-approval", "--start", "2026-03-01", "--event", "{}"],
    ["limit", "res1.5.2.4.questions-per-study-group", "--value", "{}"],
    ["document", "check", "--type", "contribution", "--pages", "{}"],
    ["document", "check", "--type", "{}", "--pages", "3"],
    ["recommendation", "check-revision", "--approved", "{}", "--proposed", "2027-09-15"],
    ["rules", "show", "{}"],
    ["tally", "--procedure", "{}", "--replies", str(REPO / "docs" / "examples" / "replies.csv")],
    ["tally", "--procedure", "information-translation", "--replies", str(REPO / "docs" / "examples" / "replies.csv"), "--electorate-size", "{}"],
]
NASTY = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=12),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str),
    st.sampled_from(["9" * 5000, "1e5000", "²", "0", "-0", "2026-02-30", "2026-13-01", "24:00", "\x00", "NaN", "inf", " "]),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # about 7 values per command
@given(command=st.sampled_from(COMMANDS), value=NASTY)
def test_any_value_in_any_option_never_gives_an_internal_error(capsys, command, value):
    if "\x00" in value:
        value = value.replace("\x00", "")  # a NUL cannot be passed in argv by a shell
    argv = [value if a == "{}" else a for a in command]
    code, _, err = call(capsys, argv)
    assert code in (0, 1, 2, 3), f"{argv}: exit {code}\n{err}"
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), f"{argv}: {err!r}"
