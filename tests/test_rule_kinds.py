"""Rule kinds own their behaviour (issue 15 item 4): one meaning per key, one kind per idea.

A count limit or a role rule counts whole things (pages, posts, study Questions, meetings
missed): a fractional number is refused in one line, on the command line (exit 2) and on the
web (400), while the whole numbers on both sides of its bound still give their answers.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import REPO
from procedures.cli import app
from procedures.models import RULE_KINDS, RULE_MODELS
from procedures.web.app import create_app

runner = CliRunner()

POSTS = "res1.3.2.4.posts-held-by-a-vice-chair"      # § 3.2.4: no more than two posts
QUESTIONS = "res1.5.2.4.questions-per-study-group"   # § 5.2.4: preferably no more than five study Questions
PAGES = "res1.4.1.3.6.contribution-pages"            # § 4.1.3.6: five pages


@pytest.mark.parametrize("rule, value, words", [
    (POSTS, "2.5", "posts"), (POSTS, "5/2", "posts"), (QUESTIONS, "5.5", "study Questions"), (PAGES, "5.5", "pages"),
])
def test_a_count_refuses_a_fraction_in_one_line(rule, value, words):
    res = runner.invoke(app, ["limit", rule, "--value", value])
    assert res.exit_code == 2, res.output
    line = res.stderr.strip()
    assert "\n" not in line and "Traceback" not in res.output
    assert "not a whole number" in line and words in line and rule in line


@pytest.mark.parametrize("rule, value, code", [(POSTS, "2", 0), (POSTS, "3", 1), (QUESTIONS, "5", 0), (QUESTIONS, "6", 1)])
def test_whole_numbers_either_side_of_the_bound_still_answer(rule, value, code):
    assert runner.invoke(app, ["limit", rule, "--value", value]).exit_code == code


def test_the_web_refuses_a_fraction_with_its_error_line():
    client = TestClient(create_app(REPO / "rules"), raise_server_exceptions=False)
    r = client.get("/api/limit", params={"rule_id": POSTS, "value": "2.5"})
    assert r.status_code == 400 and "not a whole number" in r.json()["error"], r.text


def test_an_interval_is_its_own_kind_and_is_not_checked_as_a_number():
    res = runner.invoke(app, ["rules", "show", "res1.7.1.2.revision-interval"])
    assert res.exit_code == 0 and "[interval]" in res.stdout
    res = runner.invoke(app, ["limit", "res1.7.1.2.revision-interval", "--value", "1"])
    assert res.exit_code == 2 and "compares two dates" in res.stderr


def test_every_kind_describes_itself_and_the_reference_repeats_no_list_of_kinds():
    from procedures import rulesdoc

    assert "interval" in RULE_KINDS and len(set(RULE_KINDS)) == len(RULE_KINDS)
    for model in RULE_MODELS:
        assert callable(getattr(model, "describe", None)), model.__name__
    assert not hasattr(rulesdoc, "DESCRIBE") and not hasattr(rulesdoc, "KINDS")


def test_one_meaning_per_key_across_kinds():
    """``measure`` is the input a limit reads; a role rule says how it counts with ``counting``."""
    from procedures.models import LimitRule, RoleRule

    assert "measure" in LimitRule.model_fields and "measure" not in RoleRule.model_fields
    assert "counting" in RoleRule.model_fields
