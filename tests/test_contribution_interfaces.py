"""Issue 12's contribution answers through every interface: check, check-batch, the API and the page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import REPO
from procedures.cli import app
from procedures.web.app import create_app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(REPO / "rules"), raise_server_exceptions=False)


# --- § 4.2 b): information is never on the agenda ------------------------------------------------

def test_check_information_is_not_on_the_agenda():
    res = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-01", "--purpose", "information", "--format", "json")
    data = json.loads(res.stdout)
    assert data["status"] == "on-time" and data["on_agenda"] is False


def test_api_information_is_not_on_the_agenda(client):
    r = client.get("/api/check", params={"kind": "tdag", "opens": "2027-03-01", "received": "2027-02-01", "purpose": "information"})
    assert r.status_code == 200 and r.json()["on_agenda"] is False and r.json()["modality"] == "should"


# --- § 4.1.1: a publication date already past is not a date to meet -------------------------------

def test_check_wtdc_after_the_14_day_date_says_it_can_no_longer_be_met():
    res = run("check", "--kind", "wtdc", "--opens", "2029-11-05", "--received", "2029-10-25")
    assert res.exit_code == 0
    assert "to be published by" not in res.stdout
    assert "can no longer be met" in res.stdout and "as soon as possible" in res.stdout
    data = json.loads(run("check", "--kind", "wtdc", "--opens", "2029-11-05", "--received", "2029-10-25", "--format", "json").stdout)
    assert data["publish_by"] is None
    assert data["publish_by_passed"]["date"] == "2029-10-22" and data["publish_by_passed"]["cite"] == "Res. 1 § 4.1.1"
    assert "as soon as possible" in data["publish_by_passed"]["instead"]


def test_check_wtdc_on_the_14_day_date_still_shows_it():
    data = json.loads(run("check", "--kind", "wtdc", "--opens", "2029-11-05", "--received", "2029-10-22", "--format", "json").stdout)
    assert data["publish_by"] == "2029-10-22" and data["publish_by_passed"] is None


# --- § 11.8: written proposals only during TDAG ----------------------------------------------------

def test_check_tdag_proposal_after_the_meeting_is_refused_with_closes():
    res = run("check", "--kind", "tdag", "--opens", "2027-03-01", "--closes", "2027-03-05", "--received", "2027-03-29", "--chair-admitted")
    assert res.exit_code == 0 and res.stdout.startswith("REFUSED:")
    res = run("check", "--kind", "tdag", "--opens", "2027-03-01", "--closes", "2027-03-05", "--received", "2027-03-04", "--chair-admitted")
    assert res.stdout.startswith("LATE-ADMITTED:") and "Res. 1 § 11.8" in res.stdout


def test_check_tdag_proposal_without_closes_cannot_tell():
    res = run("check", "--kind", "tdag", "--opens", "2027-03-01", "--received", "2027-03-29", "--chair-admitted")
    assert res.exit_code == 2
    assert "cannot tell" in res.stderr and "--closes" in res.stderr and "Traceback" not in res.stderr


def test_check_closes_before_opens_is_an_error():
    res = run("check", "--kind", "tdag", "--opens", "2027-03-01", "--closes", "2027-02-27", "--received", "2027-03-02")
    assert res.exit_code == 2 and "closes" in res.stderr


def test_api_check_takes_closes(client):
    base = {"kind": "tdag", "opens": "2027-03-01", "received": "2027-03-29", "chair_admitted": "true"}
    r = client.get("/api/check", params=base | {"closes": "2027-03-05"})
    assert r.status_code == 200 and r.json()["status"] == "refused"
    assert r.json()["meeting"]["closes"] == "2027-03-05"
    r = client.get("/api/check", params=base)
    assert r.status_code == 400 and "cannot tell" in r.json()["error"]
    r = client.get("/api/check", params=base | {"closes": "soon"})
    assert r.status_code == 400 and "closes" in r.json()["error"]


def test_page_check_form_has_closes(client):
    page = client.get("/")
    assert 'name="closes"' in page.text and 'for="ck-closes"' in page.text
    r = client.get("/check", params={"kind": "tdag", "opens": "2027-03-01", "closes": "2027-03-05", "received": "2027-03-04", "chair_admitted": "yes"})
    assert 'id="check-status">late-admitted<' in r.text


# --- SEMANTICS § 1: fractions of the last second -----------------------------------------------------

def test_check_millisecond_receipts_on_both_sides_of_the_cut_off():
    res = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-07-31T23:59:59.600+02:00")
    assert res.stdout.startswith("ON-TIME:") and "after the" not in res.stdout
    res = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-08-01T00:00:00.000+02:00")
    assert res.stdout.startswith("DELAYED:")


# --- modality ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,opens,received,modality", [
    ("study-group", "2026-09-14", "2026-09-03", "shall"),
    ("tdag", "2027-03-01", "2027-02-18", "should"),
    ("other-group", "2026-10-05", "2026-09-24", "should"),
    ("regional-meeting", "2026-10-05", "2026-09-24", "should"),
])
def test_check_reports_the_modality_of_the_governing_paragraph(kind, opens, received, modality):
    data = json.loads(run("check", "--kind", kind, "--opens", opens, "--received", received, "--format", "json").stdout)
    assert data["status"] == "late" and data["modality"] == modality


def test_schedule_reports_the_modality_by_kind():
    def modalities(kind, opens):
        data = json.loads(run("schedule", "--kind", kind, "--opens", opens, "--format", "json").stdout)
        return {(d["cite"], d["date"]): d["modality"] for d in data["deadlines"]}

    assert modalities("tdag", "2027-03-01")[("Res. 1 § 4.1.3.2", "2027-01-15")] == "shall"
    assert modalities("tdag", "2027-03-01")[("Res. 1 § 4.2.2.4", "2027-02-17")] == "should"
    assert modalities("other-group", "2026-10-05")[("Res. 1 § 4.1.3.2", "2026-08-21")] == "should"
    assert modalities("study-group", "2026-09-14")[("Res. 1 § 4.2.2.4", "2026-09-02")] == "shall"


# --- check-batch --------------------------------------------------------------------------------------

HEADER = "id,kind,opens,received,purpose,opening_time,chair_admitted,closes\n"


def batch(tmp_path, text: str, *extra: str):
    path = tmp_path / "registry.csv"
    path.write_text(text)
    return runner.invoke(app, ["check-batch", str(path), *extra])


def test_batch_answers_issue_12(tmp_path):
    res = batch(tmp_path, HEADER + "\n".join([
        "I1,study-group,2026-09-14,2026-09-01,information,,,",
        "W1,wtdc,2029-11-05,2029-10-25,action,,,",
        "T1,tdag,2027-03-01,2027-03-29,action,,yes,2027-03-05",
        "T2,tdag,2027-03-01,2027-03-04,action,,yes,2027-03-05",
        "T3,tdag,2027-03-01,2027-03-29,action,,yes,",
        "M1,study-group,2026-09-14,2026-07-31T23:59:59.999+02:00,,,,",
        "M2,study-group,2026-09-14,2026-08-01T00:00:00.000+02:00,,,,",
        "G1,other-group,2026-10-05,2026-09-24,,,,",
        "S1,study-group,2026-09-14,2026-09-03,,,,",
    ]) + "\n")
    got = {r["id"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    assert got["I1"]["status"] == "on-time" and got["I1"]["on_agenda"] == "no"
    assert got["W1"]["publish_by"] == "" and "can no longer be met" in got["W1"]["warnings"]
    assert got["T1"]["status"] == "refused"
    assert got["T2"]["status"] == "late-admitted"
    assert "cannot tell" in got["T3"]["error"]
    assert got["M1"]["status"] == "on-time" and got["M2"]["status"] == "delayed"
    assert got["G1"]["modality"] == "should" and got["S1"]["modality"] == "shall"
    assert res.exit_code == 1  # T3


def test_batch_json_has_the_modality(tmp_path):
    res = batch(tmp_path, HEADER + "G1,other-group,2026-10-05,2026-09-24,,,,\n", "--format", "json")
    assert json.loads(res.stdout)[0]["modality"] == "should"


def test_batch_without_a_closes_column_still_reads(tmp_path):
    res = batch(tmp_path, "id,kind,opens,received,chair_admitted\nT1,tdag,2027-03-01,2027-03-01T11:00:00+01:00,yes\n")
    got = list(csv.DictReader(io.StringIO(res.stdout)))
    assert got[0]["status"] == "late-admitted" and res.exit_code == 0


def test_the_json_margin_names_the_cut_offs_it_is_measured_to():
    """Issue 18 item 4: `margin_to` gives the cut-offs the margin names, in its order (the one that decided last)."""
    near_the_12_day = json.loads(run("check", "--kind", "study-group", "--opens", "2026-09-14",
                                     "--received", "2026-09-02T23:44:59+02:00", "--format", "json").stdout)
    assert near_the_12_day["margin_to"] == [{"label": "12-day cut-off", "cutoff": "2026-09-02T23:59:59+02:00",
                                             "cite": "Res. 1 § 4.2.1.3", "received": "before", "by": "15 min"}]
    near_the_45_day = json.loads(run("check", "--kind", "study-group", "--opens", "2026-09-14",
                                     "--received", "2026-08-02", "--format", "json").stdout)
    assert [(m["label"], m["received"], m["by"]) for m in near_the_45_day["margin_to"]] == [
        ("45-day cut-off", "after", "2 days"), ("12-day cut-off", "before", "31 days")]
    exactly = json.loads(run("check", "--kind", "study-group", "--opens", "2026-09-14",
                             "--received", "2026-07-31T23:59:59.600+02:00", "--format", "json").stdout)
    assert [(m["received"], m["by"]) for m in exactly["margin_to"]] == [("at", "")]
