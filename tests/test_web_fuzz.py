"""Every endpoint, every field, generated bad values: a 4xx with {"error": ...}, never a 5xx.

Each case starts from a request the service answers (200) and replaces one
field with a value generated to be wrong for it: junk text, numbers in other
scripts ('²', '٣'), numbers of thousands of digits, impossible dates, names
with line breaks, files without the columns they need. The API must answer
4xx with a JSON body ``{"error": "<one line>"}``; the page's forms answer 4xx
with the message on the page. The batch endpoints are also given rows of
junk: every row in gets a row out, in order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import string
import urllib.parse

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from procedures.errors import InputError
from procedures.loader import load_library
from procedures.timestamps import parse_received, parse_time
from procedures.web.app import create_app

LIB = load_library(REPO / "rules")
RS = LIB.latest()
KNOWN_NAMES = set(RS.spec.meeting_kinds) | set(RS.spec.procedures) | {r for rs in LIB.rulesets for r in rs.rules}
EXAMPLES = REPO / "docs" / "examples"
REPLIES = (EXAMPLES / "replies.csv").read_bytes()
APPOINTMENTS = (EXAMPLES / "appointments-sg1.csv").read_bytes()
ATTENDANCE = (EXAMPLES / "attendance-sg1.csv").read_bytes()
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(REPO / "rules"), raise_server_exceptions=False)


# --- bad values, by what the field takes -------------------------------------------------------

TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30)
OTHER_DIGITS = st.sampled_from(["²", "٣", "１", "½", "Ⅻ", "৪", "𝟕", "⁹"])
MANY_DIGITS = st.integers(10, 6000).flatmap(lambda n: st.sampled_from(["9" * n, "1" * n, "1" + "0" * (n - 1)]))


def _is_date(s: str) -> bool:
    try:
        dt.date.fromisoformat(s.strip())
        return True
    except ValueError:
        return False


def _refused(parse, s: str) -> bool:
    try:
        parse(s)
        return False
    except InputError:
        return True


def _given(s: str) -> bool:
    return bool(s.strip())


BAD_NUMBER = st.one_of(
    OTHER_DIGITS, MANY_DIGITS, st.integers(max_value=-1).map(str),
    st.sampled_from(["1.5", "1e3", "0x10", "+5", "7 pages", "1_000", "٣٣", "12²"]),
    TEXT.filter(lambda s: _given(s) and not (s.strip().isascii() and s.strip().isdigit())),
)
# (Python's ISO parsers read some runs of digits as dates or times, e.g. 1111111111 as 1111-11-11: those are filtered out.)
BAD_DATE = st.one_of(
    st.sampled_from(["2026-02-30", "2026-13-01", "0000-01-01", "2026-9-14", "14/09/2026", "10000-01-01", "2026-09-14T25:00"]),
    MANY_DIGITS, OTHER_DIGITS, TEXT,
).filter(lambda s: _given(s) and not _is_date(s))
BAD_TIME = st.one_of(st.sampled_from(["9h", "24:00", "09:30+02:00", "９:３０", "25:61"]), MANY_DIGITS, TEXT).filter(
    lambda s: _given(s) and _refused(lambda t: parse_time(t), s))
BAD_MOMENT = st.one_of(st.sampled_from(["soon", "2026-09-01T10:00:00+25:00", "2026-02-30T10:00", "2026-09-01 noon"]), MANY_DIGITS, TEXT).filter(
    lambda s: _given(s) and _refused(lambda t: parse_received(t, RS.head.time_zone), s))
BAD_NAME = st.one_of(TEXT.filter(lambda s: s.strip() not in KNOWN_NAMES), MANY_DIGITS, OTHER_DIGITS)
BOOLEANS = {"0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes"}
BAD_FLAG = TEXT.filter(lambda s: _given(s) and s.strip().lower() not in BOOLEANS)
BAD_YEAR = st.one_of(st.integers(max_value=0).map(str), st.integers(min_value=10_000).map(str), MANY_DIGITS, OTHER_DIGITS,
                     st.text(alphabet=string.ascii_letters + "/#é ", min_size=1, max_size=10).filter(lambda s: any(c.isalpha() for c in s)))
BREAKS = st.sampled_from(["\n", "\r", "\r\n", "\t", "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"])
VISIBLE = st.text(alphabet=string.ascii_letters + "é -", min_size=1, max_size=20).filter(_given)
BAD_LABEL = st.one_of(st.builds(lambda a, b, c: a + b + c, VISIBLE, BREAKS, VISIBLE),
                      st.text(alphabet=string.ascii_letters + " ", min_size=81, max_size=200).filter(lambda s: len(s.strip()) > 80))
BAD_EVENT = st.one_of(TEXT.filter(lambda s: "=" not in s), st.builds(lambda d: f"consultation-request-sent={d}", BAD_DATE),
                      st.builds(lambda n: f"{n}=2026-02-10", BAD_NAME.filter(lambda s: "=" not in s)))


def _lacks(*columns: bytes):
    """Files (bytes) whose text cannot hold all of these column names: a header that lacks one."""
    return st.one_of(
        st.binary(max_size=300),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_,;\t\"\n ", max_size=200).map(str.encode),
        st.sampled_from([b"", b"\n\n", b"PK\x03\x04rest", b"a,b\x00,c\n", b"\xff\xfe\x00x", "é,ü\n".encode("cp1252")]),
    ).filter(lambda b: not all(c in b.lower() for c in columns))


BAD_REGISTRY = _lacks(b"id", b"kind", b"opens", b"received")
BAD_REPLIES = _lacks(b"member_state", b"answer")
BAD_APPOINTMENTS = _lacks(b"person", b"nominated_by", b"role", b"study_group")
BAD_ATTENDANCE = _lacks(b"person", b"meeting", b"attended")

# --- the cases: (method, path, a request answered 200, the field made bad, its bad values) -------------

TT = {"kind": "study-group", "opens": "2026-09-14"}
CK = {"kind": "study-group", "opens": "2026-09-14", "received": "2026-09-01"}
TL = {"procedure": "recommendation-approval", "start": "2026-01-31"}
RV = {"approved": "2026-05-10", "proposed": "2028-05-11"}
TALLY = {"procedure": "recommendation-approval", "circulated": "2026-02-28", "@replies": REPLIES}
TRANSLATION = {"procedure": "information-translation", "electorate_size": "12", "@replies": REPLIES}
APPTS = {"@appointments": APPOINTMENTS, "@attendance": ATTENDANCE}
LM = {"rule_id": "res1.4.1.3.6.contribution-pages", "value": "7"}
PLAN = {"@plan": (REPO / "docs" / "example-plan-2026-2029.toml").read_bytes()}
BAD_VALUE = st.one_of(OTHER_DIGITS, st.integers(16, 6000).map(lambda n: "9" * n), st.integers(max_value=-1).map(str),
                      st.sampled_from(["1e3", "0x10", "7 pages", "1/0", "٣٣", "12²"]),
                      TEXT.filter(lambda s: _given(s) and not s.strip().replace(".", "", 1).replace("/", "", 1).isdigit()))
BAD_PLAN = st.one_of(st.binary(max_size=300), st.sampled_from([b"", b"a = " + b"[" * 3000 + b"]" * 3000, b"[study_period]\nname = 1\n"]))

API_CASES = [
    ("GET", "/api/timetable", TT, "kind", BAD_NAME),
    ("GET", "/api/timetable", TT, "opens", BAD_DATE),
    ("GET", "/api/timetable", TT, "closes", BAD_DATE),
    ("GET", "/api/timetable", TT, "opening_time", BAD_TIME),
    ("GET", "/api/timetable.ics", {**TT, "name": "SG1"}, "name", BAD_LABEL),
    ("GET", "/api/timetable.ics", TT, "opens", BAD_DATE),
    ("GET", "/api/timetable.ics", TT, "kind", BAD_NAME),
    ("GET", "/api/check", CK, "kind", BAD_NAME),
    ("GET", "/api/check", CK, "opens", BAD_DATE),
    ("GET", "/api/check", CK, "received", BAD_MOMENT),
    ("GET", "/api/check", CK, "purpose", BAD_NAME.filter(_given)),
    ("GET", "/api/check", CK, "opening_time", BAD_TIME),
    ("GET", "/api/check", CK, "chair_admitted", BAD_FLAG),
    ("GET", "/api/timeline", TL, "procedure", BAD_NAME),
    ("GET", "/api/timeline", TL, "start", BAD_DATE),
    ("GET", "/api/timeline", TL, "event", BAD_EVENT),
    ("GET", "/api/document-check", {"type": "contribution", "pages": "3"}, "type", BAD_NAME),
    ("GET", "/api/document-check", {"type": "contribution", "pages": "3"}, "pages", BAD_NUMBER),
    ("GET", "/api/document-check", {"type": "revised-report", "pages": "3", "previous_pages": "3"}, "previous_pages", BAD_NUMBER),
    ("GET", "/api/document-check", {"type": "output-report", "pages": "3", "question_total": "9"}, "question_total", BAD_NUMBER),
    ("GET", "/api/revision-check", RV, "approved", BAD_DATE),
    ("GET", "/api/revision-check", RV, "proposed", BAD_DATE),
    ("GET", "/api/revision-check", RV, "complements", BAD_FLAG),
    ("GET", "/api/calendar", {"year": "2026"}, "year", BAD_YEAR),
    ("GET", "/api/rules/{rule_id}", {"rule_id": "res1.4.2.1.3.delayed-publication"}, "rule_id",
     BAD_NAME.filter(lambda s: s.strip() not in ("", ".", ".."))),
    ("POST", "/api/check-batch", {"@file": (EXAMPLES / "registry.csv").read_bytes()}, "@file", BAD_REGISTRY),
    ("POST", "/api/tally", TALLY, "procedure", BAD_NAME),
    ("POST", "/api/tally", TALLY, "circulated", BAD_DATE),
    ("POST", "/api/tally", TALLY, "@replies", BAD_REPLIES),
    ("POST", "/api/tally", TALLY, "no_meeting_before_wtdc", BAD_FLAG),
    ("POST", "/api/tally", TRANSLATION, "electorate_size", BAD_NUMBER),
    ("POST", "/api/tally", {**TALLY, "procedure": "consultation-decision"}, "requested_by",
     BAD_NAME.filter(lambda s: _given(s) and s.strip().lower() != "none" and ";" not in s)),
    ("POST", "/api/appointments-check", APPTS, "@appointments", BAD_APPOINTMENTS),
    ("POST", "/api/appointments-check", APPTS, "@attendance", BAD_ATTENDANCE),
    ("GET", "/api/limit", LM, "rule_id", BAD_NAME),
    ("GET", "/api/limit", LM, "value", BAD_VALUE),
    ("POST", "/api/plan-check", PLAN, "@plan", BAD_PLAN),
    ("POST", "/api/plan-agenda", {**PLAN, "from": "2026-03-01"}, "from", BAD_DATE),
    ("POST", "/api/plan-agenda", PLAN, "@plan", BAD_PLAN),
]

PAGE_CASES = [
    ("GET", "/timetable", TT, "kind", BAD_NAME),
    ("GET", "/timetable", TT, "opens", BAD_DATE),
    ("GET", "/timetable", TT, "closes", BAD_DATE),
    ("GET", "/check", CK, "received", BAD_MOMENT),
    ("GET", "/check", CK, "opens", BAD_DATE),
    ("GET", "/check", CK, "opening_time", BAD_TIME),
    ("GET", "/document", {"type": "contribution", "pages": "3"}, "pages", BAD_NUMBER),
    ("GET", "/document", {"type": "revised-report", "pages": "3", "previous_pages": "3"}, "previous_pages", BAD_NUMBER),
    ("POST", "/tally", TALLY, "circulated", BAD_DATE),
    ("POST", "/tally", TRANSLATION, "electorate_size", BAD_NUMBER),
    ("POST", "/tally", TALLY, "@replies", BAD_REPLIES),
]


def send(client, method: str, path: str, fields: dict):
    """A request with these fields: '@name' is a file, '{name}' a path segment, the rest query or form."""
    fields = dict(fields)
    for name in [n for n in fields if f"{{{n}}}" in path]:
        path = path.replace(f"{{{name}}}", urllib.parse.quote(fields.pop(name), safe=""))
    files = {n[1:]: (f"{n[1:]}.csv", v, "text/csv") for n, v in fields.items() if n.startswith("@")}
    plain = {n: v for n, v in fields.items() if not n.startswith("@")}
    if method == "GET":
        return client.get(path, params=plain, follow_redirects=False)
    return client.post(path, data=plain, files=files, follow_redirects=False)


def _id(case) -> str:
    return f"{case[0]} {case[1]} {case[3]}"


@pytest.mark.parametrize("method,path,good,field,bad", API_CASES, ids=[_id(c) for c in API_CASES])
def test_the_baseline_requests_are_answered(client, method, path, good, field, bad):
    r = send(client, method, path, good)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("method,path,good,field,bad", API_CASES, ids=[_id(c) for c in API_CASES])
def test_a_bad_value_in_any_field_of_the_api_is_a_4xx_with_an_error(client, method, path, good, field, bad):
    @FUZZ
    @given(value=bad)
    def check(value):
        r = send(client, method, path, {**good, field: value})
        assert 400 <= r.status_code < 500, (field, value, r.status_code, r.text[:300])
        body = r.json()
        assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"].strip(), body
        assert "\n" not in body["error"], body["error"]

    check()


@pytest.mark.parametrize("method,path,good,field,bad", PAGE_CASES, ids=[_id(c) for c in PAGE_CASES])
def test_a_bad_value_in_any_field_of_the_page_is_a_4xx_shown_on_the_page(client, method, path, good, field, bad):
    assert send(client, method, path, good).status_code == 200

    @FUZZ
    @given(value=bad)
    def check(value):
        r = send(client, method, path, {**good, field: value})
        assert 400 <= r.status_code < 500, (field, value, r.status_code, r.text[:300])
        assert r.headers["content-type"].startswith("text/html") and 'id="error-message"' in r.text

    check()


ENDPOINTS = sorted({(c[0], c[1]) for c in API_CASES + PAGE_CASES})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(ENDPOINTS + [("GET", "/"), ("GET", "/api/rules"), ("GET", "/docs"), ("GET", "/nowhere/{x}")]),
       fields=st.dictionaries(st.sampled_from(["kind", "opens", "closes", "received", "name", "pages", "year", "procedure", "x", "rule_id",
                                               "@file", "@replies", "@appointments"]),
                              TEXT | BAD_NUMBER | BAD_LABEL, max_size=6))
def test_junk_anywhere_is_never_a_5xx_and_errors_have_one_shape(client, endpoint, fields):
    method, path = endpoint
    fields = {k: (v.encode() if k.startswith("@") else v) for k, v in fields.items()}
    fields.setdefault("rule_id", "x")
    fields.setdefault("x", "y")
    r = send(client, method, path, fields)
    assert r.status_code < 500, r.text[:300]
    if r.status_code >= 400 and not r.headers["content-type"].startswith("text/html"):
        assert list(r.json()) == ["error"]


# --- rows in = rows out ---------------------------------------------------------------------------------

CELL = st.one_of(
    st.sampled_from(["study-group", "tdag", "2026-09-14", "2026-09-01T10:00:00+02:00", "2026-09-01", "action", "information",
                     "09:30", "yes", "no", "", " ", "=cmd()", "2026-02-30"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12),
)
ROWS = st.lists(st.lists(CELL, min_size=1, max_size=9), max_size=40)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    w = csv.writer(buffer)
    w.writerow(header)
    w.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_check_batch_gives_one_row_out_per_row_in_in_order(client, rows):
    body = _csv(["id", "kind", "opens", "received", "purpose", "opening_time", "chair_admitted"], rows)
    r = client.post("/api/check-batch", files={"file": ("r.csv", body, "text/csv")})
    assert r.status_code == 200, r.text[:300]
    data = r.json()
    assert len(data["rows"]) == len(rows) == data["summary"]["rows"]
    assert [o["id"] for o in data["rows"]] == [row[0] for row in rows]  # the input's own column, as written
    assert data["summary"]["errors"] == sum(1 for o in data["rows"] if o["error"] is not None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.one_of(st.sampled_from(["France", "FRA", "Brazil", "Narnia", "approve", "object", "no-objection",
                                                           "formal-opposition", "2026-03-10", "2026-02-01", ""]), CELL),
                              min_size=1, max_size=4), max_size=30),
       procedure=st.sampled_from(["recommendation-approval", "question-approval", "consultation-decision", "information-translation"]))
def test_tally_accounts_for_every_reply_row(client, rows, procedure):
    body = _csv(["member_state", "answer", "received"], rows)
    data = {"procedure": procedure, "circulated": "2026-02-28"} | ({"electorate_size": "200"} if procedure == "information-translation" else {})
    r = client.post("/api/tally", data=data, files={"replies": ("r.csv", body, "text/csv")})
    assert r.status_code < 500, r.text[:300]
    if r.status_code == 200:
        out = r.json()
        assert len(out["counted"]) + len(out["excluded"]) + len(out["superseded"]) == len(rows), out
    else:
        assert list(r.json()) == ["error"]
