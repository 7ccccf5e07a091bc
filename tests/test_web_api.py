"""The HTTP API and the page, through the framework's test client: contracts, 4xx, never 5xx."""

from __future__ import annotations

import string

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from procedures.web.app import MAX_ROWS, MAX_UPLOAD_BYTES, create_app


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(REPO / "rules"), raise_server_exceptions=False)


def test_timetable_mirrors_the_cli_contract(client):
    r = client.get("/api/timetable", params={"kind": "study-group", "opens": "2026-09-14"})
    assert r.status_code == 200
    data = r.json()
    assert data["ruleset"] == "res1-rev-baku-2025"
    dates = {(d["date"], d["cite"]) for d in data["deadlines"]}
    assert ("2026-07-31", "Res. 1 § 4.2.1.1") in dates and ("2026-09-07", "Res. 1 § 4.2.1.1") in dates


def test_timetable_ics(client):
    r = client.get("/api/timetable.ics", params={"kind": "study-group", "opens": "2026-09-14", "name": "SG1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert b"SUMMARY:SG1: " in r.content


def test_check(client):
    r = client.get("/api/check", params={"kind": "study-group", "opens": "2026-09-14", "received": "2026-07-31T23:30:00-04:00"})
    assert r.json()["status"] == "delayed" and r.json()["publish_by"] == "2026-08-05"


def test_check_batch_upload(client):
    r = client.post("/api/check-batch", files={"file": ("r.csv", (REPO / "docs/examples/registry.csv").read_bytes(), "text/csv")})
    assert r.status_code == 200
    data = r.json()
    assert len(data["rows"]) == 8 and data["summary"]["errors"] == 1
    assert data["rows"][0]["status"] == "on-time"


def test_timeline(client):
    r = client.get("/api/timeline", params={"procedure": "recommendation-approval", "start": "2026-01-31"})
    assert [d["date"] for d in r.json()["deadlines"]] == ["2026-02-28", "2026-05-28"]
    r = client.get("/api/timeline", params={"procedure": "recommendation-approval", "start": "2026-01-31", "event": "consultation-request-sent=2026-02-10"})
    assert r.json()["deadlines"][-1]["date"] == "2026-05-10"


def test_tally_upload(client):
    files = {"replies": ("replies.csv", (REPO / "docs/examples/replies.csv").read_bytes(), "text/csv")}
    r = client.post("/api/tally", data={"procedure": "recommendation-approval", "circulated": "2026-02-28"}, files=files)
    assert r.status_code == 200
    data = r.json()
    assert data["outcome"] == "approved" and data["share"] == "7/10" and len(data["excluded"]) == 2


def test_tally_upload_with_the_delegations_that_asked_for_more_time(client):
    """§ 7.3.5.2 through the API: requested_by, repeated or separated by ';'; 'none' when nobody asked."""
    body = b"member_state,answer,received\nFrance,no-objection,2026-09-18\nBrazil,formal-opposition,2026-10-05\n"
    files = {"replies": ("r.csv", body, "text/csv")}
    data = {"procedure": "consultation-decision", "circulated": "2026-09-18"}
    r = client.post("/api/tally", data={**data, "requested_by": "Japan"}, files=files)
    assert r.status_code == 200 and r.json()["outcome"] == "consultation-proceeds"
    r = client.post("/api/tally", data={**data, "requested_by": ["Japan", "Brazil"]}, files=files)
    assert r.json()["outcome"] == "to-next-wtdc" and r.json()["requested_by"] == ["Japan (JPN)", "Brazil (BRA)"]
    r = client.post("/api/tally", data=data, files=files)
    assert r.json()["other_reading"]["outcome"] == "consultation-proceeds"
    r = client.post("/api/tally", data={**data, "requested_by": "Narnia"}, files=files)
    assert r.status_code == 400 and "not recognised as a Member State" in r.json()["error"]
    r = client.post("/tally", data={**data, "requested_by": "Japan"}, files=files)
    assert 'id="tally-outcome">consultation-proceeds<' in r.text and "§ 7.3.5.2" in r.text and 'value="Japan"' in r.text


def test_document_revision_and_appointments_mirror_the_cli(client):
    r = client.get("/api/document-check", params={"type": "output-report", "pages": "48", "question_total": "75"})
    assert r.status_code == 200
    data = r.json()
    assert data["within"] is False and {x["comparison"] for x in data["results"]} == {"48 ≤ 50", "75 > 70"}
    r = client.get("/api/document-check", params=[("type", "contribution"), ("pages", "9"), ("when", "chair-consulted")])
    assert r.json()["within"] is True and "Res. 1 § 4.2.1.2" in r.json()["results"][0]["cite"]
    r = client.get("/api/revision-check", params={"approved": "2026-05-10", "proposed": "2028-05-09"})
    assert r.json()["within"] is False and r.json()["results"][0]["at_least"] == "2028-05-10"
    assert client.get("/api/revision-check", params={"approved": "2026-05-10", "proposed": "2028-05-09", "complements": "true"}).json()["within"] is True
    files = {"appointments": ("a.csv", (REPO / "docs/examples/appointments-sg1.csv").read_bytes(), "text/csv"),
             "attendance": ("b.csv", (REPO / "docs/examples/attendance-sg1.csv").read_bytes(), "text/csv")}
    data = client.post("/api/appointments-check", files=files).json()
    assert data["appointments"] == 21 and len(data["findings"]["per_person"]) == 4 and data["errors"] == []
    assert [f["rule"] for f in data["findings"]["per_question"]] == ["res1.3.3.5.one-rapporteur-per-question"]


def test_rules_and_calendar(client):
    rules = client.get("/api/rules").json()
    assert any(r["id"] == "res1.4.2.1.3.delayed-publication" for r in rules)
    one = client.get("/api/rules/res1.4.2.1.3.delayed-publication").json()
    assert "working day" in " ".join(one["parameters"])
    assert client.get("/api/rules/nope").status_code == 404
    cal = client.get("/api/calendar", params={"year": 2026}).json()
    assert any(d["name"] == "Good Friday" for d in cal["closed_days"])


def test_openapi_is_published(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/timetable", "/api/check", "/api/check-batch", "/api/timeline", "/api/tally", "/api/rules", "/api/calendar",
            "/api/document-check", "/api/revision-check", "/api/appointments-check"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    "path,params,field",
    [
        ("/api/timetable", {"kind": "study-group", "opens": "2026-02-30"}, "opens"),
        ("/api/timetable", {"kind": "plenary", "opens": "2026-09-14"}, "meeting kind"),
        ("/api/timetable", {"kind": "study-group"}, "opens"),
        ("/api/timetable", {"kind": "study-group", "opens": "2026-09-14", "closes": "2026-09-01"}, "closes"),
        ("/api/check", {"kind": "study-group", "opens": "2026-09-14", "received": "soon"}, "received"),
        ("/api/check", {"kind": "study-group", "opens": "2026-09-14", "received": "2026-09-01", "opening_time": "9h"}, "opening_time"),
        ("/api/timeline", {"procedure": "nope", "start": "2026-01-01"}, "procedure"),
        ("/api/calendar", {"year": 2040}, "2040"),
        ("/api/calendar", {"year": "x"}, "year"),
        ("/api/document-check", {"type": "memo", "pages": "3"}, "document type"),
        ("/api/document-check", {"type": "contribution", "pages": "three"}, "pages"),
        ("/api/document-check", {"type": "contribution", "pages": "3", "question_total": "9"}, "question_total"),
        ("/api/revision-check", {"approved": "2026-05-10", "proposed": "soon"}, "proposed"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(client, path, params, field):
    r = client.get(path, params=params)
    assert 400 <= r.status_code < 500
    assert field in r.json()["error"]


def test_uploads_are_bounded(client):
    big = b"member_state,answer\n" + b"FRA,approve\n" * (MAX_UPLOAD_BYTES // 12 + 10)
    r = client.post("/api/tally", data={"procedure": "question-approval"}, files={"replies": ("r.csv", big, "text/csv")})
    assert r.status_code == 413 and "larger than" in r.json()["error"]
    many = b"member_state,answer\n" + b"F,a\n" * (MAX_ROWS + 5)
    r = client.post("/api/tally", data={"procedure": "question-approval"}, files={"replies": ("r.csv", many, "text/csv")})
    assert r.status_code == 413 and "rows" in r.json()["error"]
    r = client.post("/api/check-batch", files={"file": ("r.csv", b"\xff\xfe\x00bad", "text/csv")})
    assert r.status_code == 400
    r = client.post("/api/check-batch")
    assert r.status_code == 400 and "file" in r.json()["error"]


def test_the_page_renders_results_without_javascript(client):
    page = client.get("/")
    assert page.status_code == 200 and "<script" not in page.text
    assert 'label for="tt-opens"' in page.text and 'name="viewport"' in page.text
    r = client.get("/timetable", params={"kind": "study-group", "opens": "2026-09-14"})
    assert "Fri 2026-07-31" in r.text and "Res. 1 § 4.2.1.1" in r.text and "/api/timetable.ics?" in r.text
    assert "only if the meeting was not planned or scheduled in advance" in r.text
    r = client.get("/check", params={"kind": "study-group", "opens": "2026-09-14", "received": "2026-09-03"})
    assert 'id="check-status">late<' in r.text and "Res. 1 § 4.2.1.4" in r.text
    files = {"replies": ("q.csv", (REPO / "docs/examples/question-replies.csv").read_bytes(), "text/csv")}
    r = client.post("/tally", data={"procedure": "question-approval"}, files=files)
    assert 'id="tally-outcome">approved<' in r.text and "not recognised as a Member State" in r.text
    r = client.get("/document", params={"type": "contribution", "pages": "7"})
    assert "Not within its page limits" in r.text and "What the author can do: refer to existing texts" in r.text


def test_the_page_shows_errors_as_4xx(client):
    r = client.get("/check", params={"kind": "study-group", "opens": "soon", "received": "2026-09-03"})
    assert r.status_code == 400 and "opens &#39;soon&#39; is not a date" in r.text
    r = client.get("/timetable", params={"kind": "<script>alert(1)</script>", "opens": "2026-09-14"})
    assert r.status_code == 400 and "<script>alert" not in r.text


JUNK = st.text(alphabet=string.printable + "éü€\u2028", max_size=40)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=JUNK, opens=JUNK, received=JUNK, purpose=JUNK, opening_time=JUNK, closes=JUNK)
def test_junk_query_parameters_never_give_a_5xx(client, kind, opens, received, purpose, opening_time, closes):
    for path, params in (
        ("/api/timetable", {"kind": kind, "opens": opens, "closes": closes, "opening_time": opening_time}),
        ("/api/check", {"kind": kind, "opens": opens, "received": received, "purpose": purpose, "opening_time": opening_time}),
        ("/api/timeline", {"procedure": kind, "start": opens, "event": received}),
        ("/check", {"kind": kind, "opens": opens, "received": received, "purpose": purpose}),
        ("/timetable", {"kind": kind, "opens": opens, "closes": closes}),
        ("/api/document-check", {"type": kind, "pages": opens, "previous_pages": closes, "question_total": received, "when": purpose}),
        ("/document", {"type": kind, "pages": opens, "question_total": received}),
        ("/api/revision-check", {"approved": opens, "proposed": closes}),
    ):
        assert client.get(path, params=params).status_code < 500, (path, params)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=400) | st.text(alphabet="member_state,answer,received\n\"FRA;approve 2026-13-01x", max_size=300).map(str.encode),
       procedure=st.sampled_from(["question-approval", "recommendation-approval", "information-translation", "nope", ""]),
       circulated=JUNK, size=JUNK)
def test_junk_uploads_never_give_a_5xx(client, body, procedure, circulated, size):
    r = client.post("/api/tally", data={"procedure": procedure, "circulated": circulated, "electorate_size": size}, files={"replies": ("r.csv", body, "text/csv")})
    assert r.status_code < 500, r.text
    r = client.post("/api/check-batch", files={"file": ("r.csv", body, "text/csv")})
    assert r.status_code < 500, r.text
    r = client.post("/api/appointments-check", files={"appointments": ("a.csv", b"person,nominated_by,role,study_group,question\n" + body, "text/csv"),
                                                      "attendance": ("b.csv", body, "text/csv")})
    assert r.status_code < 500, r.text


KINDS = st.sampled_from(["study-group", "rapporteur-group", "tdag", "wtdc", "event", "expert-group", "other-group", "regional-meeting"])
ANY_DATE = st.dates().map(lambda d: d.isoformat())
ANY_MOMENT = st.datetimes(timezones=st.sampled_from([None, __import__("datetime").timezone.utc, __import__("datetime").timezone(__import__("datetime").timedelta(hours=-12))])).map(lambda d: d.isoformat())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=KINDS, opens=ANY_DATE, closes=ANY_DATE, received=ANY_MOMENT | ANY_DATE,
       procedure=st.sampled_from(["recommendation-approval", "question-approval", "question-deletion", "consultation-decision"]))
def test_any_date_in_any_year_gives_an_answer_or_a_4xx(client, kind, opens, closes, received, procedure):
    for path, params in (
        ("/api/timetable", {"kind": kind, "opens": opens, "closes": closes}),
        ("/api/check", {"kind": kind, "opens": opens, "received": received}),
        ("/api/timeline", {"procedure": procedure, "start": opens}),
        ("/api/calendar", {"year": opens[:4]}),
        ("/api/revision-check", {"approved": opens, "proposed": closes}),
    ):
        r = client.get(path, params=params)
        assert r.status_code < 500, (path, params, r.text)
