"""Every option with a closed set of values refuses another in one line, naming the nearest valid one (issue 18 item 7)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from procedures.cli import app, run

runner = CliRunner()


@pytest.mark.parametrize("args,nearest", [
    (("schedule", "--kind", "study-grup", "--opens", "2026-09-14"), "study-group"),
    (("check", "--kind", "rapporteur-grop", "--opens", "2026-09-14", "--received", "2026-09-01"), "rapporteur-group"),
    (("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-01", "--purpose", "informaton"), "information"),
    (("timeline", "--procedure", "question-aproval", "--start", "2026-01-01"), "question-approval"),
    (("tally", "--procedure", "recommendation-aproval", "--replies", "docs/examples/question-replies.csv"), "recommendation-approval"),
    (("document", "check", "--type", "contributon", "--pages", "3"), "contribution"),
    (("document", "check", "--type", "contribution", "--pages", "7", "--when", "chair-consultd"), "chair-consulted"),
    (("limit", "res1.4.1.3.6.contribution-page", "--value", "3"), "res1.4.1.3.6.contribution-pages"),
    (("limit", "res1.4.1.3.6.contribution-pages", "--value", "7", "--when", "chair-consultd"), "chair-consulted"),
    (("schedule", "--format", "jsn"), "json"),
    (("plan", "check", "docs/example-plan-2026-2029.toml", "--format", "jsno"), "json"),
    (("rules", "list", "--applies-to", "study-grup"), "study-group"),
])
def test_a_near_miss_is_refused_in_one_line_with_the_nearest_value(args, nearest, capsys):
    code = run(list(args))  # as the installed command runs: usage errors too are one line
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert err.count("\n") == 1 and out == ""
    assert f"did you mean '{nearest}'?" in err


def test_a_value_far_from_every_choice_lists_them_without_a_guess():
    res = runner.invoke(app, ["schedule", "--kind", "plenary", "--opens", "2026-09-14"])
    assert res.exit_code == 2 and "did you mean" not in res.stderr and "use one of: study-group" in res.stderr


def test_an_unknown_answer_in_a_reply_names_the_nearest(tmp_path):
    replies = tmp_path / "replies.csv"
    replies.write_text("member_state,answer,received\nFrance,aprove,2026-03-01\nGermany,approve,2026-03-01\n", encoding="utf-8")
    res = runner.invoke(app, ["tally", "--procedure", "recommendation-approval", "--replies", str(replies), "--circulated", "2026-02-28"])
    assert "unknown answer 'aprove' (did you mean 'approve'?)" in res.stdout


def test_calendar_without_a_year_lists_this_year():
    assert runner.invoke(app, ["calendar", "--today", "2027-05-01"]).stdout.startswith("ITU headquarters, Geneva, 2027")
    assert runner.invoke(app, ["calendar"]).stdout.startswith("ITU headquarters, Geneva, 2026")  # PROCEDURES_TODAY


def test_an_option_given_empty_is_refused_not_taken_as_the_default(capsys):
    code = run(["schedule", "--kind", "", "--opens", "2026-09-14"])
    err = capsys.readouterr().err
    assert code == 2 and err == "error: --kind is empty; give a value or leave the option out\n"


def test_a_misspelt_event_names_the_nearest(capsys):
    code = run(["timeline", "--procedure", "question-approval", "--start", "2026-05-10", "--event", "question-circular-snt=2026-05-29"])
    assert code == 2 and "did you mean 'question-circular-sent'?" in capsys.readouterr().err


def test_the_threshold_reads_as_a_sentence():
    res = runner.invoke(app, ["tally", "--procedure", "recommendation-approval", "--replies", "docs/examples/replies.csv",
                              "--circulated", "2026-02-28"])
    assert "Passes when at least 70 % of the replies counted are 'approve'." in res.stdout
