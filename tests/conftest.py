"""Shared fixtures: the built-in rules and the scenario files."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest

from procedures.loader import Library, load_library

#: Every test, the docs' examples and the processes they start count days left from this day (--today's default),
#: so that no answer depends on the day the suite runs; tests of the clock remove it.
os.environ["PROCEDURES_TODAY"] = "2026-06-01"
#: The validated-rules cache (procedures.rulecache) of the suite and of the processes it starts: a folder of its own,
#: removed at the end, never the user's.
os.environ["PROCEDURES_CACHE_DIR"] = tempfile.mkdtemp(prefix="procedures-test-cache-")
atexit.register(shutil.rmtree, os.environ["PROCEDURES_CACHE_DIR"], True)

HERE = Path(__file__).parent
SCENARIOS = HERE / "scenarios"
REPO = HERE.parent


def scenario_files(kind: str) -> list[Path]:
    return sorted((SCENARIOS / kind).glob("*.toml"))


def read_scenario(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(autouse=True)
def _no_terminal_width(monkeypatch):
    """Tables are not wrapped unless a test gives a width (COLUMNS): an answer never depends on the terminal
    the suite runs in."""
    monkeypatch.delenv("COLUMNS", raising=False)


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library(REPO / "rules")


@pytest.fixture(scope="session")
def ruleset(library):
    return library.latest()


def cli_commands() -> list[tuple[str, ...]]:
    """Every command of the command line, as its words (e.g. ("plan", "check"))."""
    import typer.main

    from procedures.cli import app

    out: list[tuple[str, ...]] = []

    def walk(cmd, path: tuple[str, ...]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, (*path, name))
        else:
            out.append(path)

    walk(typer.main.get_command(app), ())
    return out


#: The longest modules, run first: the parallel run (pytest-xdist, one module per worker at a time) then ends on
#: short ones, so both cores finish together.
#: Measured with --durations=0 (issue 15 item 7): the memory test and the wheel build lead.
LONGEST_FIRST = ("test_batch_safety.py", "test_rules_folder.py", "test_web_hardening.py", "test_batch_identity.py", "test_batch_pool.py", "test_web_api.py",
                 "test_web_browser.py", "test_cli_hostile_input.py", "test_web_fuzz.py", "test_batch.py", "test_serve.py",
                 "test_cli.py", "test_docs.py", "test_tally_properties.py", "test_calendar.py")


def pytest_collection_modifyitems(items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each module keeps its order
