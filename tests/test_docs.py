"""The documentation: generated rule reference up to date, coverage complete, examples runnable."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest

import golden
from conftest import REPO, cli_commands
from procedures.cli import GENERATE_RULES_DOCS
from procedures.coverage import coverage_rows, rules_without_scenarios, scenario_cases
from procedures.rulesdoc import rules_markdown

DOCS = REPO / "docs"


@pytest.fixture(scope="module")
def cases(library):
    return scenario_cases(library, REPO / "tests" / "scenarios")


@pytest.fixture(scope="module")
def rows(library, cases):
    return coverage_rows(library.latest(), library.latest().provisions, cases)


def test_the_rule_reference_is_up_to_date(library, rows):
    expected = rules_markdown(library.latest(), rows, GENERATE_RULES_DOCS)
    actual = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, f"docs/rules.md is stale: run '{GENERATE_RULES_DOCS}' from the repository's top folder"


def test_every_provision_has_a_rule(rows):
    missing = [r["cite"] for r in rows if not r["rules"]]
    assert not missing, f"provisions without a rule: {missing}"


def test_every_provision_has_a_scenario(rows):
    missing = [r["cite"] for r in rows if r["scenarios"] == 0]
    assert not missing, f"provisions without a scenario test: {missing}"


def test_every_rule_has_a_scenario_that_exercises_it(library, cases):
    missing = rules_without_scenarios(library.latest(), cases)
    assert not missing, f"rules without a scenario: {missing}"


def test_the_provision_list_matches_the_shared_inventory():
    """Every paragraph of ../shared/PROVISIONS.md is in the ruleset's inventory (when shared/ is there)."""
    shared = REPO.parent / "shared" / "PROVISIONS.md"
    if not shared.is_file():
        pytest.skip("../shared is not beside this checkout")
    from procedures.loader import load_library

    ours = {p.paragraph for p in load_library(REPO / "rules").latest().provisions}
    theirs = set()
    for line in shared.read_text().splitlines():
        m = re.match(r"^\| ([^|]+?) \| (deadline|tiers|tally|window|frequency|limit|role)", line)
        if m:
            for part in m.group(1).split(", ") if re.match(r"^[\d.]+, [\d.]+$", m.group(1)) else [m.group(1)]:
                theirs.add(re.sub(r"^Res\. \d+, ", "", part))
    assert theirs <= ours, theirs - ours


# --- every command is documented and every example runs ---------------------------------------


def test_every_command_has_a_page_with_an_example():
    pages = {p.stem: p.read_text() for p in (DOCS / "commands").glob("*.md")}
    for command in (" ".join(path) for path in cli_commands()):
        page = pages.get(command.split()[0])
        assert page is not None, f"no docs/commands/{command.split()[0]}.md"
        assert f"$ procedures {command}" in page, f"docs/commands/{command.split()[0]}.md has no example of '{command}'"


def examples(page: Path) -> list[tuple[str, int, list[str]]]:
    """(command, expected exit code, the output lines shown) for each '$ ' line in console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            first, *rest = chunk.rstrip("\n").split("\n")
            m = re.search(r"\s+# exit (\d+)$", first)
            code = int(m.group(1)) if m else 0
            command = first[: m.start()] if m else first
            out.append((command, code, [line.rstrip() for line in rest]))
    return out


PAGES = sorted(DOCS.rglob("*.md"))
EXAMPLES = [(p, n, ex) for p in PAGES for n, ex in enumerate(examples(p))]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of the docs, rules and scenarios, where the examples run as a user would run them."""
    root = tmp_path_factory.mktemp("docs-run")
    for name in ("docs", "rules"):
        shutil.copytree(REPO / name, root / name)
    shutil.copytree(REPO / "tests" / "scenarios", root / "tests" / "scenarios")
    return root


#: The terminal width the examples are shown at (tables wrap their widest column to fit).
DOCS_COLUMNS = "160"
#: Shell syntax that needs a real shell (pipes, redirections, globbing, several commands).
SHELL = re.compile(r"[|<>;&*$`]|\\$")


def in_process(command: str) -> tuple[dict[str, str], list[str]] | None:
    """(environment assignments, argv) of a plain `procedures …` command, else None (it needs a shell)."""
    if SHELL.search(command):
        return None
    words = shlex.split(command)
    env = {}
    while words and re.match(r"^[A-Z_]+=", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if not words or words[0] != "procedures":
        return None
    return env, words[1:]


@pytest.mark.parametrize("page,n,example", EXAMPLES, ids=[f"{p.relative_to(DOCS)}[{n}]" for p, n, _ in EXAMPLES])
def test_docs_example_runs(page, n, example, workdir, monkeypatch, capsys):
    """Each example, in order, in a copy of the docs: in-process when it is a plain command, else in a shell."""
    command, code, expected = example
    plain = in_process(command)
    if plain is None:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": DOCS_COLUMNS}
        proc = subprocess.run(["bash", "-c", command], cwd=workdir, capture_output=True, text=True, env=env)
        returncode, output = proc.returncode, proc.stdout + proc.stderr
    else:
        from procedures import loader
        from procedures.cli import run

        variables, argv = plain
        monkeypatch.chdir(workdir)
        monkeypatch.setenv("COLUMNS", DOCS_COLUMNS)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        loader._CACHE.clear()  # an earlier example may have edited a rules folder, as a user would between commands
        returncode = run(argv)
        captured = capsys.readouterr()
        output = captured.out + captured.err
    assert returncode == code, f"{command}\n{output}"
    shown = golden.shown_lines(command, output, workdir)
    if golden.updating():
        golden.rewrite_example(page, n, shown)
    else:
        assert expected == shown, (f"docs/{page.relative_to(DOCS)}: the example '{command}' shows other lines than it prints; "
                                   f"run '{golden.REGENERATE}' and review the diff.\nshown:\n" + "\n".join(expected)
                                   + "\nprinted:\n" + "\n".join(shown))
    golden.compare(golden.name(str(page.relative_to(DOCS)), n, command), command, output, workdir)


def test_every_golden_file_belongs_to_an_example():
    """tests/golden/ holds the whole output of each example (tests/golden.py says how to regenerate them)."""
    names = {golden.name(str(p.relative_to(DOCS)), n, ex[0]) for p, n, ex in EXAMPLES}
    assert len(names) == len(EXAMPLES)
    stale = golden.orphans(names)
    assert not stale, f"golden files of no example: {[p.name for p in stale]}; run '{golden.REGENERATE}'"


def test_most_examples_run_in_process():
    """The suite stays quick: only examples that need a shell start one."""
    plain = sum(1 for _, _, (command, _, _) in EXAMPLES if in_process(command) is not None)
    assert plain >= 0.8 * len(EXAMPLES), plain


def test_docs_have_examples():
    assert len(EXAMPLES) >= 25


# --- the rule-file reference documents every key of every model ----------------------------------


def _models():
    from pydantic import BaseModel

    from procedures import calendar, models

    seen, todo = [], [models.RulesetFile, models.RuleFile, calendar.CalendarFile]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.append(m)
        for f in m.model_fields.values():
            for arg in _flatten(f.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    todo.append(arg)
    return seen


def _flatten(annotation):
    args = typing.get_args(annotation)
    if not args:
        return [annotation]
    return [a for arg in args for a in _flatten(arg)]


def test_the_rule_format_reference_covers_every_key():
    text = (DOCS / "rule-format.md").read_text(encoding="utf-8")
    missing = [f"{m.__name__}.{k}" for m in _models() for k in m.model_fields if f"`{k}`" not in text]
    assert not missing, f"docs/rule-format.md does not document: {missing}"
