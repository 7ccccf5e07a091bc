"""One deliberately broken rule file per failure mode; each error names file, rule and fix.

Each folder in tests/broken/ overlays its files on tests/broken/_base (a valid
ruleset) and lists, in EXPECT, the '|'-separated fragments the error must contain.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from procedures.errors import RuleSetErrors
from procedures.loader import load_library, validate_folder

BROKEN = Path(__file__).parent / "broken"
MODES = sorted(p for p in BROKEN.iterdir() if p.is_dir() and p.name != "_base")


def assemble(mode: Path, tmp_path: Path) -> Path:
    folder = tmp_path / mode.name
    shutil.copytree(BROKEN / "_base", folder)
    for f in mode.glob("*.toml"):
        shutil.copy(f, folder / f.name)
    return folder


def test_the_base_is_valid(tmp_path):
    rulesets, errors = validate_folder(BROKEN / "_base")
    assert errors == [] and len(rulesets) == 1


@pytest.mark.parametrize("mode", MODES, ids=[m.name for m in MODES])
def test_broken_file_is_reported(mode, tmp_path):
    folder = assemble(mode, tmp_path)
    _, errors = validate_folder(folder)
    assert errors, f"{mode.name} loaded without error"
    message = "\n".join(str(e) for e in errors)
    for fragment in (mode / "EXPECT").read_text().strip().split("|"):
        assert fragment in message, f"{fragment!r} not in {message!r}"
    # every error names the file it is in
    assert all(e.file.startswith(str(folder)) for e in errors)


def test_loading_a_broken_folder_raises_one_line(tmp_path):
    folder = assemble(BROKEN / "unknown-key", tmp_path)
    with pytest.raises(RuleSetErrors) as info:
        load_library(folder)
    assert "\n" not in str(info.value)


def test_every_failure_mode_has_a_folder():
    wanted = {"unknown-key", "duplicate-id", "missing-citation", "missing-modality", "unknown-anchor",
              "offset-without-unit", "month-without-month-end-policy", "cycle-between-derived-anchors",
              "misspelled-circumstance", "misspelled-measure", "relied-on-event-renamed", "calendar-year-not-a-number",
              "members-file-inconsistent", "calendar-year-not-generated"}
    assert wanted <= {m.name for m in MODES}
