"""The validated-rules cache (procedures.rulecache, issue 17: start-up): a hit gives the very rules a full check
gives; an edit, a file added, another code or a broken entry makes the next load check in full and rewrite it;
a folder that cannot be written is silent; a folder with an error is never cached; `rules validate` never uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SCENARIOS
from procedures import rulecache
from procedures.cli import run
from procedures.loader import forget_loaded, init_rules, load_library, validate_folder


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(rulecache.CACHE_ENV, str(where))
    forget_loaded()
    yield where
    forget_loaded()


@pytest.fixture
def rules(tmp_path) -> Path:
    folder = tmp_path / "rules"
    init_rules(folder)
    return folder.resolve()


class Counting:
    """validate_folder, counting the full checks."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, root):
        self.calls += 1
        return validate_folder(root)


def _load(root: Path) -> tuple[list, Counting]:
    check = Counting()
    rulesets, errors = rulecache.through_cache(root, check)
    assert errors == []
    return rulesets, check


def _written(rulesets) -> str:
    return json.dumps(rulecache.Encoder().encode(rulesets), sort_keys=True)


def test_a_second_load_is_a_hit_and_gives_the_rules_a_full_check_gives(cache, rules):
    first, check = _load(rules)
    assert check.calls == 1 and len(list(cache.glob("rules-*.json"))) == 1
    again, check = _load(rules)
    assert check.calls == 0
    assert _written(again) == _written(first)
    fresh, hit = first[0], again[0]
    assert hit.rules == fresh.rules and hit.spec == fresh.spec and hit.files == fresh.files
    assert hit.provisions == fresh.provisions and hit.paragraphs == fresh.paragraphs
    assert hit.members.find("Switzerland") == fresh.members.find("Switzerland")
    assert [d.date for d in hit.calendar.closed_days(2026)] == [d.date for d in fresh.calendar.closed_days(2026)]
    assert hit.deadlines().keys() == fresh.deadlines().keys()
    assert all(hit.deadlines()[k] is hit.rules[k] for k in hit.deadlines())  # shared as it was: one object, not two equal ones


def test_the_cache_is_never_written_in_the_rules_folder(cache, rules):
    before = sorted(p.relative_to(rules) for p in rules.rglob("*"))
    _load(rules)
    assert sorted(p.relative_to(rules) for p in rules.rglob("*")) == before
    assert list(cache.glob("rules-*.json"))


def test_an_edited_rule_file_makes_the_entry_stale_and_the_edit_is_read(cache, rules):
    _load(rules)
    section = next(rules.rglob("section-4-*.toml"))
    section.write_text(section.read_text(encoding="utf-8").replace('summary = "', 'summary = "Edited: ', 1), encoding="utf-8")
    rulesets, check = _load(rules)
    assert check.calls == 1
    assert any(r.summary.startswith("Edited: ") for r in rulesets[0].rules.values())
    _, check = _load(rules)
    assert check.calls == 0  # rewritten for the edited files


def test_a_rule_file_added_or_removed_makes_the_entry_stale(cache, rules):
    _load(rules)
    section = next(rules.rglob("section-4-*.toml"))
    copy = section.with_name("section-99-copy.toml")
    copy.write_bytes(section.read_bytes())
    check = Counting()
    _, errors = rulecache.through_cache(rules, check)
    assert check.calls == 1 and any("duplicate id" in str(e) for e in errors)  # the new file was read, and refused
    copy.unlink()
    _, check = _load(rules)
    assert check.calls == 0  # the entry written before the copy still holds: nothing was cached for the broken folder


def test_a_folder_with_an_error_is_never_cached(cache, rules):
    head = rules / "res1-rev-baku-2025" / "ruleset.toml"
    head.write_text(head.read_text(encoding="utf-8") + "\nunknown_key = 1\n", encoding="utf-8")
    check = Counting()
    _, errors = rulecache.through_cache(rules, check)
    assert errors and check.calls == 1
    assert not cache.exists() or not list(cache.glob("rules-*.json"))


def test_another_version_of_the_code_makes_the_entry_stale(cache, rules, monkeypatch):
    _load(rules)
    code = rulecache._code
    monkeypatch.setattr(rulecache, "_code", lambda: [*code(), "another version"])
    _, check = _load(rules)
    assert check.calls == 1


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],  # cut short
    lambda b: b"",  # empty
    lambda b: b"not json at all\n{}",  # not an entry
    lambda b: b.replace(b'"summary":"', b'"summary":"Tampered: ', 1),  # the rules edited, the digest left
    lambda b: b.replace(b'"format": 1', b'"format": 0', 1),  # another format
])
def test_a_broken_entry_is_ignored_and_rewritten(cache, rules, damage):
    first, _ = _load(rules)
    (entry,) = cache.glob("rules-*.json")
    entry.write_bytes(damage(entry.read_bytes()))
    rulesets, check = _load(rules)
    assert check.calls == 1
    assert _written(rulesets) == _written(first)
    _, check = _load(rules)
    assert check.calls == 0  # rewritten


def test_an_entry_naming_a_class_outside_the_package_is_refused(cache, rules):
    _load(rules)
    (entry,) = cache.glob("rules-*.json")
    head, payload = entry.read_bytes().split(b"\n", 1)
    payload = payload.replace(b'"procedures.loader:Ruleset"', b'"os:PathLike"', 1)
    header = json.loads(head)
    header["payload"] = rulecache._digest([payload])
    entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    rulesets, check = _load(rules)
    assert check.calls == 1 and type(rulesets[0]).__name__ == "Ruleset"


def test_a_cache_folder_that_cannot_be_written_is_silent(tmp_path, monkeypatch, rules, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(rulecache.CACHE_ENV, str(blocker / "cache"))
    for _ in range(2):
        rulesets, check = _load(rules)
        assert check.calls == 1 and rulesets
    forget_loaded()
    assert run(["rules", "list", "--rules", str(rules), "--applies-to", "tdag"]) == 0
    assert capsys.readouterr().err == ""


def test_the_cache_is_off_when_its_variable_is_set_empty(monkeypatch, rules, tmp_path):
    monkeypatch.setenv(rulecache.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rulecache.cache_dir() is None
    _, check = _load(rules)
    _, again = _load(rules)
    assert check.calls == again.calls == 1 and not (tmp_path / "xdg").exists()


def test_where_the_cache_is(monkeypatch, tmp_path):
    monkeypatch.delenv(rulecache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rulecache.cache_dir() == tmp_path / "xdg" / "procedures"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert rulecache.cache_dir() == tmp_path / "home" / ".cache" / "procedures"
    monkeypatch.setenv(rulecache.CACHE_ENV, str(tmp_path / "mine"))
    assert rulecache.cache_dir() == tmp_path / "mine"


def test_rules_validate_always_checks_in_full(cache, rules, monkeypatch, capsys):
    _load(rules)

    def no_cache(root, validate):
        raise AssertionError("rules validate must not use the cache")

    monkeypatch.setattr(rulecache, "through_cache", no_cache)
    assert run(["rules", "validate", str(rules)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("ok: 1 ruleset")


def test_every_scenario_holds_with_the_rules_read_from_the_cache(cache):
    from procedures import scenarios as S
    from test_scenarios import RUNNERS

    root = (REPO / "rules").resolve()
    _load(root)
    rulesets, check = _load(root)
    assert check.calls == 0
    from procedures.loader import Library

    library = Library(root, rulesets)
    for path in S.scenario_files(SCENARIOS):
        RUNNERS[path.parent.name](S.load_scenario(path), library)


def test_a_command_run_twice_answers_the_same_from_the_cache(tmp_path):
    env = {**os.environ, rulecache.CACHE_ENV: str(tmp_path / "cache")}
    command = [sys.executable, "-m", "procedures", "schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "json"]
    first = subprocess.run(command, capture_output=True, text=True, env=env)
    assert list((tmp_path / "cache").glob("rules-*.json"))
    second = subprocess.run(command, capture_output=True, text=True, env=env)
    assert first.returncode == second.returncode == 0
    assert (first.stdout, first.stderr) == (second.stdout, second.stderr)


def test_a_data_file_the_head_names_whatever_its_name_is_part_of_the_key(cache, rules):
    """The review's case: calendar = "calendar.dat"; a closure added to it is read (and a broken one refused), not served old."""
    folder = rules / "res1-rev-baku-2025"
    (folder / "calendar.toml").rename(folder / "calendar.dat")
    head = folder / "ruleset.toml"
    head.write_text(head.read_text(encoding="utf-8").replace('calendar = "calendar.toml"', 'calendar = "calendar.dat"', 1), encoding="utf-8")
    first, _ = _load(rules)
    data = folder / "calendar.dat"
    data.write_text(data.read_text(encoding="utf-8") + '\n[[correction]]\ndate = 2026-04-07\naction = "add"\nname = "A closure added by hand"\nnote = "a test"\n',
                    encoding="utf-8")
    rulesets, check = _load(rules)
    assert check.calls == 1 and _written(rulesets) != _written(first)
    data.write_text("not = [valid", encoding="utf-8")
    check = Counting()
    _, errors = rulecache.through_cache(rules, check)
    assert check.calls == 1 and errors


def test_a_folder_edited_while_it_is_validated_is_not_cached(cache, rules):
    """What was validated is not known to be what the files hold now: no entry is written for it."""
    section = next(rules.rglob("section-4-*.toml"))

    def validate_then_edit(root):
        got = validate_folder(root)
        section.write_text(section.read_text(encoding="utf-8").replace('summary = "', 'summary = "Edited: ', 1), encoding="utf-8")
        return got

    rulecache.through_cache(rules, validate_then_edit)
    assert not cache.exists() or not list(cache.glob("rules-*.json"))
    rulesets, check = _load(rules)
    assert check.calls == 1 and any(r.summary.startswith("Edited: ") for r in rulesets[0].rules.values())


@pytest.mark.parametrize("name", [b'"procedures.batch:json.JSONDecoder"', b'"procedures.__main__:x"'])
def test_an_entry_naming_a_class_not_defined_in_the_package_is_refused(cache, rules, name):
    """A class imported into one of the package's modules, or a name in __main__ (importing it would run a command)."""
    _load(rules)
    (entry,) = cache.glob("rules-*.json")
    head, payload = entry.read_bytes().split(b"\n", 1)
    payload = payload.replace(b'"procedures.loader:Ruleset"', name, 1)
    header = json.loads(head)
    header["payload"] = rulecache._digest([payload])
    entry.write_bytes(json.dumps(header).encode() + b"\n" + payload)
    rulesets, check = _load(rules)
    assert check.calls == 1 and type(rulesets[0]).__name__ == "Ruleset"
    assert "procedures.__main__" not in sys.modules


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_where_the_entry_should_be_is_not_read(cache, rules):
    """Opening a named pipe for reading would wait for a writer for ever."""
    import signal

    cache.mkdir(parents=True)
    os.mkfifo(cache / f"rules-{rulecache._digest([str(rules)])[:24]}.json")
    signal.alarm(20)  # a hang fails the test instead of the suite
    try:
        rulesets, check = _load(rules)
    finally:
        signal.alarm(0)
    assert check.calls == 1 and rulesets
