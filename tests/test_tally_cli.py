"""The tally and timeline commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from procedures.cli import app

runner = CliRunner()


def write(tmp_path, text, name="replies.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_timeline_of_a_recommendation_adopted_on_31_january():
    res = run("timeline", "--procedure", "recommendation-approval", "--start", "2026-01-31", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    dates = {d["id"]: d["date"] for d in data["deadlines"]}
    assert dates["res1.7.3.5.3.request"] == "2026-02-28"
    assert dates["res1.7.3.5.3.replies"] == "2026-05-28"
    assert data["assumptions"] and "consultation-request-sent" in data["assumptions"][0]


def test_timeline_with_the_actual_request_date():
    res = run("timeline", "--procedure", "recommendation-approval", "--start", "2026-01-31", "--event", "consultation-request-sent=2026-02-10", "--format", "json")
    dates = {d["id"]: d["date"] for d in json.loads(res.stdout)["deadlines"]}
    assert dates["res1.7.3.5.3.replies"] == "2026-05-10"


def test_timeline_of_the_opposition_window():
    res = run("timeline", "--procedure", "consultation-decision", "--start", "2026-09-18")
    assert "2026-10-18" in res.stdout and "Res. 1 § 7.3.5.2" in res.stdout


def test_timeline_of_a_question_deletion_and_approval():
    res = run("timeline", "--procedure", "question-deletion", "--start", "2026-03-31", "--format", "json")
    assert json.loads(res.stdout)["deadlines"][0]["date"] == "2026-05-31"
    res = run("timeline", "--procedure", "question-approval", "--start", "2026-01-31", "--format", "json")
    dates = [d["date"] for d in json.loads(res.stdout)["deadlines"]]
    assert dates == ["2026-02-28", "2026-04-28"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["timeline", "--procedure", "nonsense", "--start", "2026-01-31"], "unknown procedure 'nonsense'"),
        (["timeline", "--procedure", "recommendation-adoption", "--start", "2026-01-31"], "has no dates to compute"),
        (["timeline", "--procedure", "question-approval", "--start", "31.01.2026"], "is not a date"),
    ],
)
def test_timeline_bad_input(args, message):
    res = run(*args)
    assert res.exit_code == 2 and message in res.stderr and res.stderr.count("\n") == 1


def test_tally_text_is_what_a_circular_needs(tmp_path):
    rows = "".join(f"{c},approve\n" for c in ["FRA", "DEU", "BRA", "IND", "KEN", "JPN", "CHL"])
    rows += "".join(f"{c},disapprove\n" for c in ["CHN", "USA", "RUS"])
    res = run("tally", "--procedure", "recommendation-approval", "--replies", write(tmp_path, "member_state,answer\n" + rows))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("APPROVED:")
    assert "7 approve, 3 disapprove" in res.stdout
    # the explanation is a sentence (issue 18 item 10); the exact arithmetic is in the trace
    assert "Passes when at least 70 % of the replies counted are 'approve'. 7 of 10 replies approve: 70 %, at least the 70 % required." in res.stdout
    assert "Res. 1 § 7.3.5.5" in res.stdout
    trace = [s["text"] for s in json.loads(run("tally", "--procedure", "recommendation-approval", "--replies",
                                                write(tmp_path, "member_state,answer\n" + rows), "--format", "json").stdout)["trace"]]
    assert "in whole numbers: 7 × 10 ≥ 7 × 10 (70 ≥ 70)" in trace
    assert "10 rows read: 10 counted, 0 excluded (none superseded)" in trace


def test_tally_json_contract(tmp_path):
    text = "member_state,answer,received\nFrance,approve,2026-03-01\nHuawei,approve,2026-03-01\nFRA,disapprove,2026-03-02\nKenya,abstain,2026-09-01\n"
    res = run("tally", "--procedure", "recommendation-approval", "--replies", write(tmp_path, text), "--circulated", "2026-02-28", "--format", "json")
    data = json.loads(res.stdout)
    for key in ("procedure", "outcome", "counts", "replies_counted", "share", "threshold", "window", "excluded", "superseded", "cite", "trace", "warnings"):
        assert key in data
    assert data["counts"] == {"approve": 0, "disapprove": 1, "abstain": 0}
    assert data["share"] == "0/1" and data["outcome"] == "referred-back"
    reasons = {e["row"]: e["reason"] for e in data["excluded"]}
    assert "not recognised as a Member State" in reasons[3]
    assert "superseded" in reasons[2]
    assert "after the reply window" in reasons[5]
    assert data["superseded"] == [{"row": 2, "member_state": "France (FRA)", "answer": "approve", "superseded_by": 4}]
    assert data["window"]["closes"] == "2026-05-28"


@pytest.mark.parametrize(
    "text,extra,message",
    [
        ("", [], "is empty"),
        ("nation,opinion\nFRA,approve\n", [], "lacks column(s) member_state, answer"),
        ("member_state,answer\nFRA,approve\n", ["--circulated", "2026-02-30"], "is not a date"),
        ("member_state,answer\nFRA,approve\n", ["--procedure-typo"], "No such option"),
    ],
)
def test_tally_file_errors(tmp_path, text, extra, message):
    res = run("tally", "--procedure", "recommendation-approval", "--replies", write(tmp_path, text), *extra)
    assert res.exit_code == 2 and message in res.output
    assert "Traceback" not in res.output


def test_tally_only_a_header_passes_nothing(tmp_path):
    """A share of no replies is no majority (§ 6.1.2.1); § 5.3.6 counts objections instead (silence approves)."""
    res = run("tally", "--procedure", "question-deletion", "--replies", write(tmp_path, "member_state,answer,received\n"))
    assert res.exit_code == 0 and "REFERRED-BACK" in res.stdout and "no valid replies were received" in res.stdout


def test_tally_rows_with_problems_are_excluded_not_dropped(tmp_path):
    text = "member_state,answer,received\nFRA,approve,2026-03-01,extra\nDEU,approve,not-a-date\n,approve\nBRA\nIND,approve\n"
    res = run("tally", "--procedure", "recommendation-approval", "--replies", write(tmp_path, text), "--format", "json")
    data = json.loads(res.stdout)
    assert data["rows_read"] == 5 and len(data["excluded"]) == 4 and data["replies_counted"] == 1


def test_tally_needs_the_electorate_size_for_a_share_of_participants(tmp_path):
    res = run("tally", "--procedure", "information-translation", "--replies", write(tmp_path, "member_state,answer\nA,request\n"))
    assert res.exit_code == 2 and "--electorate-size" in res.stderr


def test_tally_of_a_meeting_vote_refuses_a_window(tmp_path):
    res = run("tally", "--procedure", "recommendation-adoption", "--replies", write(tmp_path, "member_state,answer\nFRA,object\n"), "--circulated", "2026-01-01")
    assert res.exit_code == 2 and "has no reply window" in res.stderr


def test_tally_where_the_draft_goes_next(tmp_path):
    f = write(tmp_path, "member_state,answer\nFRA,object\nDEU,no-objection\n")
    res = run("tally", "--procedure", "recommendation-adoption", "--replies", f)
    assert "NOT-ADOPTED" in res.stdout and "next study group meeting" in res.stdout and "§ 7.2.6" in res.stdout
    res = run("tally", "--procedure", "recommendation-adoption", "--replies", f, "--no-meeting-before-wtdc")
    assert "forwards the text to WTDC" in res.stdout


CONSULTATION = "member_state,answer,received\nFrance,no-objection,2026-09-18\nBrazil,formal-opposition,2026-10-05\n"


def test_tally_requested_by_limits_who_may_oppose_after_the_meeting(tmp_path):
    """§ 7.3.5.2: only the delegations that asked for more time may oppose after the meeting."""
    f = write(tmp_path, CONSULTATION)
    base = ("tally", "--procedure", "consultation-decision", "--replies", f, "--circulated", "2026-09-18")
    res = run(*base, "--requested-by", "Japan")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("CONSULTATION-PROCEEDS") and "§ 7.3.5.2" in res.stdout and "line 3: Brazil" in res.stdout
    res = run(*base, "--requested-by", "Japan", "--requested-by", "Brazil")
    assert res.stdout.startswith("TO-NEXT-WTDC")
    res = run(*base, "--requested-by", "Japan; Brazil", "--format", "json")
    data = json.loads(res.stdout)
    assert data["outcome"] == "to-next-wtdc" and data["requested_by"] == ["Japan (JPN)", "Brazil (BRA)"]
    res = run(*base, "--requested-by", "none", "--format", "json")
    data = json.loads(res.stdout)
    assert data["outcome"] == "consultation-proceeds" and data["requested_by"] == []


def test_tally_without_requested_by_shows_the_other_reading(tmp_path):
    res = run("tally", "--procedure", "consultation-decision", "--replies", write(tmp_path, CONSULTATION), "--circulated", "2026-09-18", "--format", "json")
    data = json.loads(res.stdout)
    assert data["outcome"] == "to-next-wtdc" and data["requested_by"] is None
    assert data["other_reading"]["outcome"] == "consultation-proceeds"
    assert any("cannot tell which answers come from the delegations that asked for more time" in w for w in data["warnings"])


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--requested-by", "Palestine"], "not recognised as a Member State"),
        (["--requested-by", "Korea"], "ambiguous"),
        (["--requested-by", "none", "--requested-by", "Japan"], "none"),
    ],
)
def test_tally_requested_by_errors(tmp_path, extra, message):
    res = run("tally", "--procedure", "consultation-decision", "--replies", write(tmp_path, CONSULTATION), "--circulated", "2026-09-18", *extra)
    assert res.exit_code == 2 and message in res.stderr and "Traceback" not in res.output


def test_tally_requested_by_only_where_the_rule_restricts_who_may_answer(tmp_path):
    res = run("tally", "--procedure", "question-approval", "--replies", write(tmp_path, CONSULTATION), "--requested-by", "Japan")
    assert res.exit_code == 2 and "--requested-by" in res.stderr
    res = run("tally", "--procedure", "consultation-decision", "--replies", write(tmp_path, CONSULTATION), "--requested-by", "Japan")
    assert res.exit_code == 2 and "--circulated" in res.stderr


def test_tally_says_which_reply_times_were_read_as_geneva_time(tmp_path):
    text = "member_state,answer,received\nFrance,approve,2026-03-10T10:00:00\nJapan,approve,2026-03-11T09:00:00+01:00\nBrazil,approve,2026-03-12T18:00\n"
    f = write(tmp_path, text)
    res = run("tally", "--procedure", "recommendation-approval", "--replies", f, "--circulated", "2026-02-28")
    assert res.exit_code == 0, res.output
    line = next(x for x in res.stdout.splitlines() if "without an offset" in x)
    assert line.startswith("warning:") and "Europe/Zurich" in line and "lines 2, 4" in line
    data = json.loads(run("tally", "--procedure", "recommendation-approval", "--replies", f, "--circulated", "2026-02-28", "--format", "json").stdout)
    assert any("without an offset" in w and "lines 2, 4" in w for w in data["warnings"])
    assert [c["assumed_local_time"] for c in data["counted"]] == [True, False, True]


def test_tally_silence_approves_a_question_and_says_so(tmp_path):
    """§ 5.3.6: fewer than two objections approves; no reply is no objection."""
    res = run("tally", "--procedure", "question-approval", "--replies", write(tmp_path, "member_state,answer\nHuawei Technologies,object\n"))
    assert res.exit_code == 0 and res.stdout.startswith("APPROVED")
    assert "no valid replies were received" in res.stdout


def test_tally_of_participants_reads_a_participant_column(tmp_path):
    text = "member_state,participant,answer\nFrance,A,request\nFrance,B,request\nFrance,A,request\n"
    res = run("tally", "--procedure", "information-translation", "--replies", write(tmp_path, text), "--electorate-size", "3", "--format", "json")
    data = json.loads(res.stdout)
    assert data["outcome"] == "translated" and data["replies_counted"] == 2 and len(data["superseded"]) == 1
    assert data["other_reading"] is None
