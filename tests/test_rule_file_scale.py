"""Long chains of derived anchors load and evaluate in linear time, without recursion (issue 14, item 14)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

from procedures.deadlines import evaluate
from procedures.loader import validate_folder

BASE = Path(__file__).parent / "broken" / "_base"


def chain_ruleset(tmp_path: Path, links: int, cycle: bool = False) -> Path:
    folder = tmp_path / f"chain-{links}"
    shutil.copytree(BASE, folder)
    rules = ['[section]\nnumber = "4"\ntitle = "a long chain"\n']
    for i in range(links):
        anchor = f"chain.{i - 1}" if i else ("chain.%d" % (links - 1) if cycle else "meeting-opens")
        rules.append(
            f'[[deadline]]\nid = "chain.{i}"\ncite = {{ instrument = "Res. 1", paragraph = "4.2.1.1" }}\n'
            f'modality = "shall"\napplies_to = ["study-group"]\nsummary = "Link {i} of a long chain"\n'
            f'anchor = "{anchor}"\noffset = {{ amount = 0, unit = "calendar-days", direction = "before" }}\n'
        )
    (folder / "chain.toml").write_text("\n".join(rules))
    return folder


def test_a_3000_link_chain_validates_quickly(tmp_path):
    folder = chain_ruleset(tmp_path, 3000)
    began = time.perf_counter()
    rulesets, errors = validate_folder(folder)
    assert errors == [] and len(rulesets) == 1
    assert time.perf_counter() - began < 10


def test_a_long_chain_evaluates_without_recursion(tmp_path):
    rulesets, errors = validate_folder(chain_ruleset(tmp_path, 1100))
    assert errors == []
    result = evaluate(rulesets[0], "chain.1099", {"meeting-opens": dt.date(2026, 9, 14)})
    assert result.date == dt.date(2026, 9, 14) and len(result.trace) == 1101


@pytest.mark.parametrize("links", [2, 3000])
def test_a_cycle_through_a_long_chain_is_reported_once(tmp_path, links):
    _, errors = validate_folder(chain_ruleset(tmp_path, links, cycle=True))
    cycles = [e for e in errors if "cycle" in str(e)]
    assert len(cycles) == 1
