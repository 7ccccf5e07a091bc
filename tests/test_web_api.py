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
    rules = client.get("/api/rules").json()["list"]  # an object since issue 15: the command line's document
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
    assert '<time datetime="2026-07-31">Fri 31 Jul 2026</time>' in r.text and "Res. 1 § 4.2.1.1" in r.text and "/api/timetable.ics?" in r.text
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


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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


# --- every job on the page (issue 19 item 2), inputs people can type (item 4), phones (item 5) -------------

EXAMPLES = REPO / "docs" / "examples"
PLAN_FILE = REPO / "docs" / "example-plan-2026-2029.toml"


def _text(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_revision_form_answers_as_the_cli(client):
    r = client.get("/revision", params={"approved": "2026-05-10", "proposed": "2027-09-15"})
    text = _text(r.text)
    assert r.status_code == 200 and "Too soon after its approval" in text
    assert "WARNING : the revision&#39;s consideration on 2027-09-15 is before 2028-05-10" in text and "(Res. 1 § 7.1.2, should)" in text
    assert "What can be done: wait until two years have passed" in text
    assert '<time datetime="2026-05-10">Sun 10 May 2026</time>' in r.text
    assert "<summary>How this was worked out</summary>" in r.text and "2027-09-15 &lt; 2028-05-10" in r.text
    r = client.get("/revision", params={"approved": "2026-05-10", "proposed": "2027-09-15", "complements": "yes"})
    assert "Not too soon" in r.text
    r = client.get("/revision", params={"approved": "2026-05-10"})
    assert r.status_code == 400 and "proposed is required" in r.text and 'role="alert"' in r.text


def test_the_appointments_form_answers_as_the_cli(client):
    files = {"appointments": ("a.csv", (EXAMPLES / "appointments-sg1.csv").read_bytes(), "text/csv"),
             "attendance": ("b.csv", (EXAMPLES / "attendance-sg1.csv").read_bytes(), "text/csv")}
    r = client.post("/appointments", files=files)
    text = _text(r.text)
    assert r.status_code == 200
    assert "21 posts of 16 people: 3 breaches, 2 warnings in 32 checks; 0 rows in error." in text
    assert "Per person" in text and "Per Question" in text
    assert "BREACH : Kofi Mensah (vice-chair SG1; nominated by Ghana): 3 posts" in text and "(Res. 1 § 3.2.4, shall)" in text
    assert "What can be done: the study group appoints someone else to the extra post" in text
    assert "<summary>How this was worked out</summary>" in r.text and "OK — Li Wei" in text
    # without the attendance (a form sends an empty file field): the absences are not checked
    r = client.post("/appointments", files={**files, "attendance": ("", b"", "application/octet-stream")})
    assert r.status_code == 200 and "Not checked: res1.3.2.1.consecutive-absences" in r.text
    r = client.post("/appointments", data={"date_order": "ymd"}, files=files)
    assert r.status_code == 400 and "date_order" in r.text


def test_the_plan_form_gives_the_audit_the_agenda_and_its_calendar_file(client):
    from icalendar import Calendar

    plan = PLAN_FILE.read_bytes()
    r = client.post("/plan", data={"from": "2026-03-01", "to": "2026-03-31"}, files={"plan": ("p.toml", plan, "application/toml")})
    text = _text(r.text)
    assert r.status_code == 200 and "clean: 2026–2029 passes all 66 checks of ruleset res1-rev-baku-2025" in text
    assert '<time datetime="2026-03-06">Fri 6 Mar 2026</time>' in r.text and "SG1 RGs spring 2026" in text
    assert "2026-04" not in r.text.split('id="plan-agenda"')[1].split("</table>")[0]  # only the dates asked for
    assert "28 deadlines hang on a date a plan does not give" in text
    assert "<summary>How this was worked out</summary>" in r.text
    # the result's download form sends the plan back: a calendar file, as `plan agenda --format ics`
    import html
    import re

    sent = html.unescape(re.search(r'name="plan_text" value="([^"]*)"', r.text, re.S).group(1))
    ics = client.post("/plan.ics", data={"plan_text": sent, "from": "2026-03-01", "to": "2026-03-31"})
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert 'attachment; filename="deadlines-2026-2029.ics"' == ics.headers["content-disposition"]
    events = [e for e in Calendar.from_ical(ics.content).walk("VEVENT")]
    assert len(events) == 4 and all(str(e["SUMMARY"]).startswith("SG") for e in events)
    api = client.post("/api/plan-agenda.ics", data={"from": "2026-03-01", "to": "2026-03-31"}, files={"plan": ("p.toml", plan, "application/toml")})
    assert api.status_code == 200 and api.content.count(b"BEGIN:VEVENT") == 4
    # the form's own download button posts the upload
    direct = client.post("/plan.ics", files={"plan": ("p.toml", plan, "application/toml")})
    assert direct.status_code == 200 and direct.content.count(b"BEGIN:VEVENT") > 100


def test_the_plan_form_shows_a_breach_and_a_broken_plan_is_one_line(client):
    text = PLAN_FILE.read_text(encoding="utf-8").replace("opens = 2029-06-11\ncloses = 2029-06-14", "opens = 2029-09-03\ncloses = 2029-09-06")
    r = client.post("/plan", files={"plan": ("p.toml", text.encode(), "application/toml")})
    assert r.status_code == 200 and "BREACH</strong>: TDAG-29 opens 2029-09-03" in r.text and "(Res. 31 item 6, shall)" in r.text
    r = client.post("/plan", files={"plan": ("p.toml", b"[study_period\n", "application/toml")})
    assert r.status_code == 400 and "not valid TOML" in r.text and 'id="error-message"' in r.text
    r = client.post("/plan.ics", data={"plan_text": "x = "})
    assert r.status_code == 400 and 'id="error-message"' in r.text
    r = client.post("/api/plan-agenda.ics")
    assert r.status_code == 400 and "plan" in r.json()["error"]


@pytest.mark.parametrize("fields,status,expected", [
    ({"received_date": "2026-07-31", "received_time": "23:59:59"}, "on-time", "2026-07-31T23:59:59+02:00"),
    ({"received_date": "2026-08-01", "received_time": "00:00"}, "delayed", "2026-08-01T00:00:00+02:00"),
    ({"received_date": "2026-07-31", "received_time": "18:00", "received_zone": "America/New_York"}, "delayed", "2026-07-31T18:00:00-04:00"),
    ({"received_date": "2026-07-31", "received_time": "17:59", "received_zone": "America/New_York"}, "on-time", "2026-07-31T17:59:00-04:00"),
    ({"received_date": "2026-07-31", "received_time": "21:59:59", "received_zone": "UTC"}, "on-time", "2026-07-31T21:59:59+00:00"),
    ({"received_date": "2026-07-31", "received_time": "22:00", "received_zone": "UTC"}, "delayed", "2026-07-31T22:00:00+00:00"),
    ({"received_date": "2026-07-31"}, "on-time", "2026-07-31"),
    ({"received_date": "2026-08-01"}, "delayed", "2026-08-01"),
    ({"received": "2026-07-31T23:30:00-04:00"}, "delayed", "2026-07-31T23:30:00-04:00"),
])
def test_received_as_a_date_a_time_and_a_zone(client, fields, status, expected):
    r = client.get("/check", params={"kind": "study-group", "opens": "2026-09-14", **fields})
    assert r.status_code == 200, r.text
    assert f'id="check-status">{status}<' in r.text and f'id="check-received">{expected}<' in r.text


@pytest.mark.parametrize("fields,message", [
    ({"received": "2026-07-31", "received_date": "2026-07-31"}, "not both"),
    ({}, "received is required"),
    ({"received_time": "10:00"}, "received_date is required"),
    ({"received_date": "2026-07-31", "received_zone": "UTC"}, "received_time is required"),
    ({"received_date": "2026-07-31", "received_time": "10:00", "received_zone": "Mars/Olympus"}, "is not a time zone"),
    ({"received_date": "2026-07-31", "received_time": "10:00", "received_zone": "../../etc/passwd"}, "is not a time zone"),
    ({"received_date": "31/07/2026"}, "received_date"),
    ({"received_date": "2026-07-31", "received_time": "25:00"}, "received_time"),
    ({"received_date": "2026-03-29", "received_time": "02:30"}, "does not exist in Europe/Zurich"),
    ({"received_date": "2026-03-08", "received_time": "02:30", "received_zone": "America/New_York"}, "does not exist in America/New_York"),
])
def test_received_fields_that_cannot_be_used_are_one_line(client, fields, message):
    r = client.get("/check", params={"kind": "study-group", "opens": "2026-09-14", **fields})
    assert r.status_code == 400 and message in r.text
    error = r.text.split('id="error-message">')[1].split("</p>")[0]
    assert "\n" not in error


def test_the_timetable_name_goes_into_the_calendar_file(client):
    r = client.get("/timetable", params={"kind": "study-group", "opens": "2026-09-14", "name": "SG1 September"})
    assert "Deadlines of SG1 September, a study-group opening <time datetime=\"2026-09-14\">Mon 14 Sep 2026</time>" in r.text
    assert 'href="/api/timetable.ics?kind=study-group&amp;opens=2026-09-14&amp;name=SG1+September"' in r.text
    ics = client.get("/api/timetable.ics", params={"kind": "study-group", "opens": "2026-09-14", "name": "SG1 September"})
    assert b"SUMMARY:SG1 September: " in ics.content
    r = client.get("/timetable", params={"kind": "study-group", "opens": "2026-09-14", "name": "x" * 81})
    assert r.status_code == 400 and "at most 80" in r.text


def test_the_page_puts_the_result_first_and_every_form_points_to_it(client):
    import re

    page = client.get("/").text
    actions = re.findall(r'<form action="([^"]+)"', page)
    assert actions == ["/timetable#result", "/check#result", "/document#result", "/revision#result", "/tally#result",
                       "/appointments#result", "/plan#result", "/timeline#result", "/check-batch#result", "/limit#result",
                       "/calendar#result", "/rules#result"]
    r = client.get("/revision", params={"approved": "2026-05-10", "proposed": "2029-09-15"}).text
    assert r.index('id="result"') < r.index('id="revision-result"') < r.index('id="timetable-title"')
    assert "YYYY-MM-DD" not in re.sub(r"<section.*?</section>", "", page, flags=re.S)  # the browser shows dates in its own format


def test_every_input_of_the_page_has_a_label(client):
    import re

    page = client.get("/").text
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', page)
    assert len(ids) >= 30
    assert [i for i in ids if f'for="{i}"' not in page] == []


def test_every_result_folds_its_trace_under_how_this_was_worked_out(client):
    answers = [
        client.get("/timetable", params={"kind": "study-group", "opens": "2026-09-14"}),
        client.get("/check", params={"kind": "study-group", "opens": "2026-09-14", "received_date": "2026-09-03"}),
        client.get("/document", params={"type": "contribution", "pages": "7"}),
        client.get("/revision", params={"approved": "2026-05-10", "proposed": "2027-09-15"}),
        client.post("/tally", data={"procedure": "question-approval"},
                    files={"replies": ("q.csv", (EXAMPLES / "question-replies.csv").read_bytes(), "text/csv")}),
        client.post("/appointments", files={"appointments": ("a.csv", (EXAMPLES / "appointments-sg1.csv").read_bytes(), "text/csv")}),
        client.post("/plan", files={"plan": ("p.toml", PLAN_FILE.read_bytes(), "application/toml")}),
        client.get("/timeline", params={"procedure": "recommendation-approval", "start": "2026-01-31"}),
        client.get("/limit", params={"rule_id": "res1.5.2.4.questions-per-study-group", "value": "6"}),
    ]
    for r in answers:
        assert r.status_code == 200 and r.text.count("<details><summary>How this was worked out</summary>") == 1, r.url


def test_the_index_and_plan_pages_share_one_style_sheet():
    import re

    templates = REPO / "src" / "procedures" / "web" / "templates"
    for name in ("index.html", "plan.html"):
        text = (templates / name).read_text(encoding="utf-8")
        assert '{% include "_style.html" %}' in text and "<style>" not in text
    style = (templates / "_style.html").read_text(encoding="utf-8")
    assert "table.reflow" in style and "@media (max-width: 40rem)" in style


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=JUNK, b=JUNK, c=JUNK, d=JUNK, body=st.binary(max_size=300) | JUNK.map(str.encode))
def test_junk_in_the_new_forms_is_never_a_5xx_and_is_one_line_on_the_page(client, a, b, c, d, body):
    answers = [
        client.get("/check", params={"kind": "study-group", "opens": "2026-09-14", "received_date": a, "received_time": b, "received_zone": c, "received": d}),
        client.get("/check", params={"kind": "study-group", "opens": "2026-09-14", "received_date": "2026-07-31", "received_time": b, "received_zone": c}),
        client.get("/revision", params={"approved": a, "proposed": b, "complements": c}),
        client.get("/timetable", params={"kind": "study-group", "opens": "2026-09-14", "name": a}),
        client.post("/appointments", data={"date_order": a}, files={"appointments": ("a.csv", b"person,nominated_by,role,study_group\n" + body, "text/csv")}),
        client.post("/plan", data={"from": a, "to": b}, files={"plan": ("p.toml", body, "application/toml")}),
        client.post("/plan.ics", data={"plan_text": d, "from": a}),
        client.get("/timeline", params={"procedure": a, "start": b, "event_name": c, "event_date": d}),
        client.get("/timeline", params={"procedure": "question-approval", "start": "2026-03-02", "event_name": c, "event_date": d}),
        client.get("/limit", params={"rule_id": a, "value": b, "when": c}),
        client.get("/limit", params={"rule_id": "res1.5.2.4.questions-per-study-group", "value": b, "when": c}),
        client.get("/calendar", params={"year": a}),
        client.get("/rules", params={"applies_to": a}),
        client.post("/check-batch", data={"date_order": a}, files={"file": ("r.csv", b"id,kind,opens,received\n" + body, "text/csv")}),
        client.post("/check-batch.csv", files={"file": ("r.csv", body, "text/csv")}),
    ]
    api = client.post("/api/plan-agenda.ics", data={"from": a, "to": b}, files={"plan": ("p.toml", body, "application/toml")})
    assert 400 <= api.status_code < 500 and list(api.json()) == ["error"] and "\n" not in api.json()["error"]
    for r in answers:
        assert r.status_code < 500, (r.url, r.text[:300])
        if r.status_code >= 400:
            assert r.headers["content-type"].startswith("text/html")
            error = r.text.split('id="error-message">')[1].split("</p>")[0]
            assert error.strip() and "\n" not in error, error


def test_the_timeline_form_answers_as_the_cli(client):
    params = {"procedure": "recommendation-approval", "start": "2026-01-31"}
    text = _text(client.get("/timeline", params=params).text)
    assert "Approval of a draft new or revised Recommendation by consultation: the study group&#39;s adoption on Sat 31 Jan 2026" in text.replace("'", "&#39;")
    assert "Thu 28 May 2026 Member States' replies to the consultation due Res. 1 § 7.3.5.3 shall" in text.replace("&#39;", "'")
    assert "Note: the request for approval by consultation not given: assumed on 2026-02-28" in text
    late = {**params, "event_name": "consultation-request-sent", "event_date": "2026-03-10"}
    text = _text(client.get("/timeline", params=late).text)
    assert "BREACH : consultation-request-sent: request to Member States" in text and "10 days after 2026-02-28 (Res. 1 § 7.3.5.3, shall)" in text
    in_time = {**params, "event_name": "consultation-request-sent", "event_date": "2026-02-28"}
    assert "BREACH" not in client.get("/timeline", params=in_time).text
    r = client.get("/timeline", params={**params, "event_name": "consultation-request-sent"})
    assert r.status_code == 400 and "give both the later event and its date" in r.text


def test_the_registry_form_shows_every_row_and_downloads_them_as_csv(client):
    files = {"file": ("r.csv", (EXAMPLES / "registry.csv").read_bytes(), "text/csv")}
    r = client.post("/check-batch", files=files)
    text = _text(r.text)
    assert r.status_code == 200 and "8 rows read, 2 delayed, 1 late, 1 late-admitted, 2 on-time, 1 refused, 1 error." in text
    assert "C-102 delayed Res. 1 § 4.2.1.3 received 2026-08-01 05:30 CEST" in text and "unknown meeting kind 'plenary'" in text.replace("&#39;", "'")
    csv = client.post("/check-batch.csv", files=files)
    assert csv.status_code == 200 and csv.headers["content-disposition"] == 'attachment; filename="results.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,kind,opens,received") and len(lines) == 9 and lines[2].startswith("C-102,") and ",delayed," in lines[2]
    r = client.post("/check-batch", data={"date_order": "dmy"}, files={"file": ("r.csv", b"id,kind\n1,x\n", "text/csv")})
    assert r.status_code == 400 and 'id="error-message"' in r.text


def test_the_limit_calendar_and_rules_forms(client):
    text = _text(client.get("/limit", params={"rule_id": "res1.5.2.4.questions-per-study-group", "value": "6"}).text)
    assert "Not within the limit" in text and "WARNING : 6 study Questions: more than allowed (at most 5)" in text and "(Res. 1 § 5.2.4, should)" in text
    assert "Within the limit" in client.get("/limit", params={"rule_id": "res1.5.2.4.questions-per-study-group", "value": "5"}).text
    r = client.get("/limit", params={"rule_id": "res1.4.1.3.6.contribution-pages", "value": "7", "when": "chair-consulted"})
    assert "Within the limit" in r.text and "the exception lifts the bound" in r.text
    page = client.get("/").text
    assert 'value="res1.7.1.2.revision-interval"' not in page  # dates: the revision form's
    r = client.get("/calendar", params={"year": "2026"})
    assert "ITU headquarters, Geneva, 2026" in r.text and '<time datetime="2026-04-03">Fri 3 Apr 2026</time>' in r.text and "Good Friday" in r.text
    assert client.get("/calendar", params={"year": "0"}).status_code == 400
    r = client.get("/rules", params={"applies_to": "tdag"})
    assert " rules that apply to tdag" in r.text and 'href="/api/rules/res1.11.8.contributions-to-tdag"' in r.text
    assert client.get("/rules").text.count('href="/api/rules/') > 50


def test_the_timetable_form_finds_the_earliest_opening_as_the_cli_does(client):
    """Issue 18 item 3: `schedule --earliest-from` on the page (the circular's three months bind a study group)."""
    r = client.get("/timetable", params={"kind": "study-group", "earliest_from": "2026-06-15"})
    assert r.status_code == 200, r.text
    text = _text(r.text)
    assert "Earliest opening counted from Mon 2026-06-15" in text and "Tue 2026-09-15" in text and "Res. 1 § 3.8.4" in text
    assert "opens=2026-09-15" in r.text  # the calendar file is the found meeting's
    both = client.get("/timetable", params={"kind": "study-group", "earliest_from": "2026-06-15", "opens": "2026-09-14"})
    assert both.status_code == 400 and "not both" in both.text


def _shown(html: str) -> str:
    return _text(html).replace("&#39;", "'").replace("&quot;", '"')


def test_the_page_names_its_own_fields_where_the_engine_names_an_option(client):
    """The engine's messages name the command line's options (--event, --when, --circulated); the page shows the
    fields of its forms instead, by their labels (issue 15, web leftovers); the API names its parameters."""
    params = {"procedure": "recommendation-approval", "start": "2026-01-31"}
    text = _shown(client.get("/timeline", params=params).text)
    assert "give “A later event” consultation-request-sent on “Its date” DATE for the real date" in text and "--event" not in text
    early = {**params, "event_name": "consultation-request-sent", "event_date": "2026-01-10"}
    r = client.get("/timeline", params=early)
    assert r.status_code == 400 and "--" not in _shown(r.text).split("The request could not be answered")[1][:300]
    assert "“A later event” consultation-request-sent on “Its date” 2026-01-10 is before the procedure's starting event" in _shown(r.text)
    r = client.get("/limit", params={"rule_id": "res1.4.1.3.6.contribution-pages", "value": "7", "when": "chair-consultd"})
    assert r.status_code == 400 and "“Circumstances” chair-consultd does not apply to res1.4.1.3.6.contribution-pages" in _shown(r.text)
    files = {"replies": ("q.csv", (REPO / "docs/examples/replies.csv").read_bytes(), "text/csv")}
    text = _shown(client.post("/tally", data={"procedure": "recommendation-approval"}, files=files).text)
    assert "no “Circular sent on” date: reply dates were not checked" in text and "--circulated" not in text
    api = client.get("/api/timeline", params={**params, "event": "consultation-request-sent=2026-01-10"})
    assert api.status_code == 400 and api.json()["error"].startswith("event consultation-request-sent=2026-01-10 is before")


def test_an_unknown_plan_has_a_404_page_naming_the_published_plans(tmp_path):
    import shutil

    from procedures.web.plans import publish

    plan = tmp_path / "study-period.toml"
    shutil.copy(REPO / "docs" / "example-plan-2026-2029.toml", plan)
    app = create_app(REPO / "rules")
    publish(app, [plan])
    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/plans/study-perod")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    text = _shown(r.text)
    assert "No plan is published as 'study-perod'" in text and 'href="/plans/study-period"' in r.text and "<style" in r.text
    assert client.get("/plans/study-perod.ics").json()["error"].startswith("no plan is published as 'study-perod'")  # a feed reader gets JSON
    none = TestClient(_bare_app_with_no_plans(), raise_server_exceptions=False).get("/plans/any")
    assert none.status_code == 404 and "No plan is published." in _shown(none.text)


def _bare_app_with_no_plans():
    from procedures.web.plans import publish

    app = create_app(REPO / "rules")
    publish(app, [])
    return app


def test_the_api_names_its_parameters_where_the_engine_names_a_command_line_option(client):
    """An API client reads `electorate_size`, not `--electorate-size` (procedures.web.wording.api_words)."""
    r = client.post("/api/tally", data={"procedure": "information-translation"},
                    files={"replies": ("r.csv", b"member_state,answer\nFRA,approve\n", "text/csv")})
    assert r.status_code == 400
    assert "electorate_size" in r.json()["error"] and "--" not in r.json()["error"]
    r = client.get("/api/limit", params={"rule_id": "res1.4.1.3.6.contribution-pages", "value": "7", "when": "bogus"})
    assert r.status_code == 400 and "when bogus" in r.json()["error"] and "--when" not in r.json()["error"]


def test_the_api_reads_a_count_of_participants_and_a_year_as_the_command_line_does(client):
    r = client.post("/api/tally", data={"procedure": "information-translation", "electorate_size": "0"},
                    files={"replies": ("r.csv", b"member_state,answer\nFRA,approve\n", "text/csv")})
    assert r.status_code == 400 and r.json() == {"error": "electorate_size 0 is below 1; give 1 or more"}
    r = client.get("/api/calendar", params={"year": "0"})
    assert r.status_code == 400 and r.json() == {"error": "year 0 is below 1; give 1 or more"}


def test_openapi_describes_the_error_answers_as_they_are():
    from procedures.web.app import create_app

    spec = create_app(REPO / "rules").openapi()
    for path in ("/api/timetable", "/api/check", "/api/tally", "/api/calendar"):
        op = next(iter(spec["paths"][path].values()))
        for status in ("400", "422"):
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorAnswer"), (path, status, ref)
    assert spec["components"]["schemas"]["ErrorAnswer"]["required"] == ["error"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def _book(sheets: dict[str, str]) -> bytes:
    """A workbook whose sheets hold the given CSV files' rows (a 'Read me' sheet first, as desks make them)."""
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Read me"
    book.active.append(["The data are on the other sheets"])
    for name, path in sheets.items():
        sheet = book.create_sheet(name)
        for row in csv.reader(io.StringIO((REPO / "docs/examples" / path).read_text(encoding="utf-8"))):
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_workbook_sheet_is_chosen_by_name_on_the_api_as_on_the_command_line(client):
    book = _book({"Registry": "registry.csv"})
    plain = client.post("/api/check-batch", files={"file": ("r.csv", (REPO / "docs/examples/registry.csv").read_bytes(), "text/csv")}).json()
    r = client.post("/api/check-batch", data={"sheet": "Registry"}, files={"file": ("r.xlsx", book, XLSX)})
    assert r.status_code == 200 and [row["status"] for row in r.json()["rows"]] == [row["status"] for row in plain["rows"]]
    r = client.post("/api/check-batch", files={"file": ("r.xlsx", book, XLSX)})  # its first sheet: no registry there
    assert r.status_code == 400 and "lacks column(s) id, kind, opens, received" in r.text
    r = client.post("/api/check-batch", data={"sheet": "Registy\n"}, files={"file": ("r.xlsx", book, XLSX)})
    assert r.status_code == 400 and r.json()["error"] == "sheet 'Registy\\x0a': file has no sheet of that name; its sheets: Read me, Registry"
    r = client.post("/api/check-batch", data={"sheet": "Registry"}, files={"file": ("r.csv", b"id,kind,opens,received\n", "text/csv")})
    assert r.status_code == 400 and "is not a workbook (.xlsx) but a text file; give no sheet" in r.text


def test_tally_and_appointments_read_the_sheet_named(client):
    book = _book({"Replies": "replies.csv"})
    data = {"procedure": "recommendation-approval", "circulated": "2026-02-28"}
    plain = client.post("/api/tally", data=data, files={"replies": ("r.csv", (REPO / "docs/examples/replies.csv").read_bytes(), "text/csv")}).json()
    r = client.post("/api/tally", data={**data, "sheet": "Replies"}, files={"replies": ("r.xlsx", book, XLSX)})
    assert r.status_code == 200 and r.json()["outcome"] == plain["outcome"] and r.json()["counts"] == plain["counts"]
    book = _book({"Posts": "appointments-sg1.csv", "Present": "attendance-sg1.csv"})
    files = {"appointments": ("a.xlsx", book, XLSX), "attendance": ("b.xlsx", book, XLSX)}
    r = client.post("/api/appointments-check", data={"sheet": "Posts", "attendance_sheet": "Present"}, files=files)
    assert r.status_code == 200 and r.json()["appointments"] == 21 and len(r.json()["findings"]["per_person"]) == 4
    r = client.post("/api/appointments-check", data={"sheet": "Posts", "attendance_sheet": "Absent"}, files=files)
    assert r.status_code == 400 and "sheet 'Absent': " in r.text and "its sheets: Read me, Posts, Present" in r.text


def test_the_page_forms_take_a_sheet_and_keep_it(client):
    book = _book({"Registry": "registry.csv"})
    r = client.post("/check-batch", data={"sheet": "Registry"}, files={"file": ("r.xlsx", book, XLSX)})
    assert r.status_code == 200 and 'id="cb-sheet" name="sheet" type="text" value="Registry"' in r.text and "on-time" in r.text
    assert 'id="tl-sheet" name="sheet" type="text" value=""' in r.text and 'id="ap-sheet" name="sheet" type="text" value=""' in r.text
    r = client.post("/check-batch", data={"sheet": "Registry", "date_order": "dmy"}, files={"file": ("r.xlsx", book, XLSX)})
    assert r.text.count("selected>day/month/year") == 1  # the check-batch form's, not the appointments form's too
    r = client.post("/check-batch.csv", data={"sheet": "Registry"}, files={"file": ("r.xlsx", book, XLSX)})
    assert r.status_code == 200 and r.text.lstrip("\ufeff").startswith("id,")
    book = _book({"Replies": "replies.csv"})
    r = client.post("/tally", data={"procedure": "recommendation-approval", "sheet": "Replies"}, files={"replies": ("r.xlsx", book, XLSX)})
    assert r.status_code == 200 and 'id="tl-sheet" name="sheet" type="text" value="Replies"' in r.text
    book = _book({"Posts": "appointments-sg1.csv", "Present": "attendance-sg1.csv"})
    r = client.post("/appointments", data={"sheet": "Posts", "attendance_sheet": "Present"},
                    files={"appointments": ("a.xlsx", book, XLSX), "attendance": ("b.xlsx", book, XLSX)})
    assert r.status_code == 200 and 'name="attendance_sheet" type="text" value="Present"' in r.text


def test_an_attendance_sheet_without_attendance_is_a_400(client):
    files = {"appointments": ("a.csv", (REPO / "docs/examples/appointments-sg1.csv").read_bytes(), "text/csv")}
    r = client.post("/api/appointments-check", data={"attendance_sheet": "Present"}, files=files)
    assert r.status_code == 400 and r.json()["error"].startswith("attendance_sheet names a sheet of the attendance, but no attendance is given")
