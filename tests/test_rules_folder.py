"""Where the rules come from: an installed copy, `rules init`, --rules and PROCEDURES_RULES.

The walk of docs/changing-a-rule.md runs here against an installed copy of the
package (a wheel built from this checkout and unpacked into a folder), from an
empty folder: the built-in rules are then the installed ones, never the
checkout's, as on a secretariat officer's machine.
"""

from __future__ import annotations

import compileall
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from test_docs import DOCS_COLUMNS, examples


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A `procedures` command that runs an installed copy (the wheel's files), not the checkout."""
    root = tmp_path_factory.mktemp("installed")
    wheels = root / "wheels"
    # the build backend is in the test extra: building without an isolated environment spares installing it each run (~6 s)
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True)
    site = root / "site"
    with zipfile.ZipFile(next(wheels.glob("procedures-*.whl"))) as whl:
        whl.extractall(site)
    compileall.compile_dir(site, quiet=1)  # as pip does on install: each command below reads bytecode, not source
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "procedures"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m procedures "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(site), "COLUMNS": DOCS_COLUMNS}
    env.pop("PROCEDURES_RULES", None)
    return site, env


def run(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_installed_copy_reads_its_own_rules(installed, tmp_path):
    site, env = installed
    proc = run("procedures rules validate", tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    assert f"rules: {site / 'procedures' / 'rules'} (built-in)" in proc.stdout


def test_the_walk_of_changing_a_rule_runs_on_an_installed_copy(installed, tmp_path):
    """Every example of docs/changing-a-rule.md, in order, in an empty folder."""
    _, env = installed
    walk = examples(REPO / "docs" / "changing-a-rule.md")
    assert any("rules init" in command for command, _, _ in walk)
    for command, code, expected in walk:
        proc = run(command, tmp_path, env)
        output = proc.stdout + proc.stderr
        assert proc.returncode == code, f"{command}\n{output}"
        for line in expected:  # as the docs show it: folders in words, a long output cut
            if "/…/" in line or line.startswith("… (") or line.strip().startswith("."):
                continue
            assert line.strip() in output, f"{command}: expected {line.strip()!r} in\n{output}"


def test_an_edit_of_the_copy_changes_the_answer_and_json_says_which_folder(installed, tmp_path):
    _, env = installed
    assert run("procedures rules init my-rules", tmp_path, env).returncode == 0
    rule_file = tmp_path / "my-rules" / "res1-rev-baku-2025" / "section-4-documents.toml"
    text = rule_file.read_text()
    head, sep, rule = text.partition('id = "res1.4.2.1.3.untranslated-deadline"')
    rule_file.write_text(head + sep + rule.replace("amount = 12,", "amount = 13,", 1))
    command = "procedures check --kind study-group --opens 2026-09-14 --received 2026-09-02 --format json"
    before = json.loads(run(command, tmp_path, env).stdout)
    after = json.loads(run(command, tmp_path, {**env, "PROCEDURES_RULES": "my-rules"}).stdout)
    assert before["rules"]["source"] == "built-in"
    assert after["rules"] == {"folder": str(tmp_path / "my-rules"), "source": "PROCEDURES_RULES"}
    assert (before["status"], after["status"]) == ("delayed", "late")


@pytest.mark.parametrize("setup,command,message", [
    ("", "PROCEDURES_RULES=nowhere procedures schedule", "rules folder nowhere (named by PROCEDURES_RULES) does not exist"),
    ("mkdir taken && touch taken/notes.txt", "procedures rules init taken", "taken already exists and is not an empty folder"),
    ("", "procedures rules validate nowhere", "rules folder nowhere does not exist"),
])
def test_a_wrong_rules_folder_is_one_line_and_exit_2(installed, tmp_path, setup, command, message):
    _, env = installed
    if setup:
        run(setup, tmp_path, env)
    proc = run(command, tmp_path, env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


def test_the_rule_reference_is_written_from_any_folder_on_an_installed_copy(installed, tmp_path):
    """The inventory travels with the ruleset: no docs/ or tests/ folder is needed (issue 15, item 5)."""
    _, env = installed
    proc = run("procedures rules docs --out reference.md", tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "reference.md").read_text(encoding="utf-8")
    assert "## Coverage" in text and "| Res. 1 § 4.2.1.1 |" in text
