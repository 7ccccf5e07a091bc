"""One document per job: the command line's `--format json` and the API's JSON are the same for the same input.

Every job of procedures.results runs both ways (typer's runner; FastAPI's test
client) on the same input and rules folder, and the parsed JSON is compared
whole. /openapi.json carries each answer's schema. Bad input is one line both
ways, naming the value as each front end calls it.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import REPO
from procedures.cli import app
from procedures.results import BATCH_ROW, RESULTS
from procedures.web.app import create_app
from test_schemas import assert_valid

RULES = REPO / "rules"
EXAMPLES = REPO / "docs" / "examples"
PLAN = REPO / "docs" / "example-plan-2026-2029.toml"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(RULES), raise_server_exceptions=False)


def upload(path):
    return (path.name, path.read_bytes(), "text/plain")


#: (job, the command's words, the API's method, path, query or form, files): the same input both ways.
CASES = [
    ("schedule", ["schedule", "--kind", "tdag", "--opens", "2027-03-01", "--closes", "2027-03-05", "--opening-time", "09:30"],
     "get", "/api/timetable", {"kind": "tdag", "opens": "2027-03-01", "closes": "2027-03-05", "opening_time": "09:30"}, None),
    ("check", ["check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-07-31T23:30:00-04:00", "--chair-admitted"],
     "get", "/api/check", {"kind": "study-group", "opens": "2026-09-14", "received": "2026-07-31T23:30:00-04:00", "chair_admitted": "true"}, None),
    ("check-batch", ["check-batch", str(EXAMPLES / "registry.csv")], "post", "/api/check-batch", {}, {"file": EXAMPLES / "registry.csv"}),
    ("timeline", ["timeline", "--procedure", "recommendation-approval", "--start", "2026-01-31", "--event", "consultation-request-sent=2026-03-10"],
     "get", "/api/timeline", {"procedure": "recommendation-approval", "start": "2026-01-31", "event": "consultation-request-sent=2026-03-10"}, None),
    ("tally", ["tally", "--procedure", "recommendation-approval", "--replies", str(EXAMPLES / "replies.csv"), "--circulated", "2026-02-28"],
     "post", "/api/tally", {"procedure": "recommendation-approval", "circulated": "2026-02-28"}, {"replies": EXAMPLES / "replies.csv"}),
    ("plan-check", ["plan", "check", str(PLAN)], "post", "/api/plan-check", {}, {"plan": PLAN}),
    ("plan-agenda", ["plan", "agenda", str(PLAN), "--from", "2026-03-01", "--to", "2026-06-30"],
     "post", "/api/plan-agenda", {"from": "2026-03-01", "to": "2026-06-30"}, {"plan": PLAN}),
    ("limit", ["limit", "res1.4.1.3.6.contribution-pages", "--value", "7", "--when", "chair-consulted"],
     "get", "/api/limit", {"rule_id": "res1.4.1.3.6.contribution-pages", "value": "7", "when": "chair-consulted"}, None),
    ("document-check", ["document", "check", "--type", "output-report", "--pages", "48", "--question-total", "75"],
     "get", "/api/document-check", {"type": "output-report", "pages": "48", "question_total": "75"}, None),
    ("check-revision", ["recommendation", "check-revision", "--approved", "2026-05-10", "--proposed", "2027-09-15"],
     "get", "/api/revision-check", {"approved": "2026-05-10", "proposed": "2027-09-15"}, None),
    ("appointments-check", ["appointments", "check", str(EXAMPLES / "appointments-sg1.csv"), "--attendance", str(EXAMPLES / "attendance-sg1.csv")],
     "post", "/api/appointments-check", {}, {"appointments": EXAMPLES / "appointments-sg1.csv", "attendance": EXAMPLES / "attendance-sg1.csv"}),
    ("calendar", ["calendar", "--year", "2026"], "get", "/api/calendar", {"year": "2026"}, None),
    ("rules-list", ["rules", "list", "--applies-to", "tdag"], "get", "/api/rules", {"applies_to": "tdag"}, None),
    ("rules-show", ["rules", "show", "res1.4.2.1.3.delayed-publication"], "get", "/api/rules/res1.4.2.1.3.delayed-publication", {}, None),
]


def cli_document(words: list[str]) -> dict:
    res = CliRunner().invoke(app, [*words, "--format", "json", "--rules", str(RULES)])
    assert res.exit_code in (0, 1, 3), res.output
    return json.loads(res.stdout)


def api_document(client, method: str, path: str, params: dict, files: dict | None):
    if method == "get":
        r = client.get(path, params=params)
    else:
        r = client.post(path, data=params, files={k: upload(v) for k, v in (files or {}).items()})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("job,words,method,path,params,files", CASES, ids=[c[0] for c in CASES])
def test_the_command_line_and_the_api_give_the_same_document(client, job, words, method, path, params, files):
    ours, theirs = cli_document(words), api_document(client, method, path, params, files)
    if job == "check-batch":  # the command line streams the rows alone (its summary goes to stderr); the API adds the summary
        for row in ours:
            assert_valid(BATCH_ROW, row)  # docs/schemas/check-batch-row.json
        assert_valid(job, theirs)
        assert theirs["summary"] == {"rows": 8, "errors": 1, "by_status": {"on-time": 2, "delayed": 2, "late": 1, "late-admitted": 1,
                                     "refused": 1}, "ignored_columns": [], "read_as": ""}
        theirs = theirs["rows"]
    else:
        assert_valid(job, ours)  # docs/schemas/<job>.json
    assert ours == theirs
    assert theirs  # not two empty answers


#: Inputs beyond one per job that must also give one document both ways (an option the API once lacked).
MORE = [
    ("schedule", ["schedule", "--kind", "study-group", "--opens", "2026-09-14", "--event", "received=2026-08-01"],
     "get", "/api/timetable", {"kind": "study-group", "opens": "2026-09-14", "event": "received=2026-08-01"}, None),
]


@pytest.mark.parametrize("job,words,method,path,params,files", MORE, ids=[" ".join(c[1]) for c in MORE])
def test_more_inputs_give_the_same_document_both_ways(client, job, words, method, path, params, files):
    ours, theirs = cli_document(words), api_document(client, method, path, params, files)
    assert_valid(job, ours)
    assert ours == theirs
    assert ours["meeting"]["received"] == "2026-08-01"


def test_every_job_runs_both_ways():
    assert [c[0] for c in CASES] == list(RESULTS)


def test_the_calendar_is_one_document_whatever_the_year(client):
    """The API chose another ruleset than the command line and left out the weekday (issue 15)."""
    for year in ("2025", "2030"):
        assert cli_document(["calendar", "--year", year]) == api_document(client, "get", "/api/calendar", {"year": year}, None)
    assert api_document(client, "get", "/api/calendar", {"year": "2026"}, None)["closed_days"][0]["weekday"] == "Thursday"


def test_openapi_has_a_response_schema_for_every_job(client):
    spec = client.get("/openapi.json").json()
    paths = {c[3]: (c[0], c[2]) for c in CASES}
    for path, (job, method) in paths.items():
        path = path.replace("res1.4.2.1.3.delayed-publication", "{rule_id}")
        schema = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        name = schema["$ref"].rsplit("/", 1)[1]
        assert name in spec["components"]["schemas"], (job, name)
        assert spec["components"]["schemas"][name].get("properties"), (job, name)
    assert "weekday" in spec["components"]["schemas"]["ClosedDay"]["properties"]


@pytest.mark.parametrize("words,method,path,params,cli_says,web_says", [
    (["check", "--kind", "study-group", "--opens", "soon", "--received", "2026-09-01"], "get", "/api/check",
     {"kind": "study-group", "opens": "soon", "received": "2026-09-01"}, "--opens 'soon' is not a date", "opens 'soon' is not a date"),
    (["timeline", "--procedure", "recommendation-approval", "--start", "2026-01-31", "--event", "oops"], "get", "/api/timeline",
     {"procedure": "recommendation-approval", "start": "2026-01-31", "event": "oops"}, "--event 'oops' is not NAME=DATE", "event 'oops' is not NAME=DATE"),
    (["document", "check", "--type", "contribution", "--pages", "3", "--question-total", "9"], "get", "/api/document-check",
     {"type": "contribution", "pages": "3", "question_total": "9"}, "--question-total", "question_total"),
    (["limit", "res1.4.1.3.6.contribution-pages", "--value", "seven"], "get", "/api/limit",
     {"rule_id": "res1.4.1.3.6.contribution-pages", "value": "seven"}, "--value 'seven' is not a number", "value 'seven' is not a number"),
])
def test_bad_input_is_one_line_naming_the_value_as_each_front_end_calls_it(client, words, method, path, params, cli_says, web_says):
    res = CliRunner().invoke(app, words)
    assert res.exit_code == 2 and cli_says in res.stderr and res.stderr.count("\n") == 1, res.output
    r = client.get(path, params=params)
    assert r.status_code == 400 and web_says in r.json()["error"] and "\n" not in r.json()["error"], r.text


def test_a_request_model_turns_pydantic_errors_into_one_line():
    from procedures import jobs
    from procedures.errors import InputError

    with pytest.raises(InputError, match=r"^--kind is required; --opens is required; --received is required$"):
        jobs.CheckRequest.parse(jobs.CLI)
    with pytest.raises(InputError, match=r"^year 'x' is not a whole number"):
        jobs.CalendarRequest.parse(jobs.WEB, year="x")
    with pytest.raises(InputError, match=r"^chair_admitted: Input should be a valid boolean"):
        jobs.CheckRequest.parse(jobs.WEB, kind="tdag", opens="2026-01-01", received="2026-01-01", chair_admitted="maybe")


def test_a_plan_nested_too_deeply_is_one_line_both_ways(client, tmp_path):
    """tomllib reads nested arrays by recursion: thousands of '[' were an internal error on both front ends."""
    deep = b"a = " + b"[" * 3000 + b"]" * 3000 + b"\n"
    (tmp_path / "deep.toml").write_bytes(deep)
    res = CliRunner().invoke(app, ["plan", "check", str(tmp_path / "deep.toml")])
    assert res.exit_code == 2 and "nested too deeply" in res.stderr, res.output
    r = client.post("/api/plan-check", files={"plan": ("deep.toml", deep, "application/toml")})
    assert r.status_code == 400 and r.json()["error"].startswith("plan: its values are nested too deeply")


def test_the_command_line_imports_the_models_only_when_a_command_runs():
    """`procedures --help` stays quick (issue 17): the request and result models, pydantic and FastAPI wait for a command."""
    import subprocess
    import sys

    code = "import sys, procedures.cli; print(sorted(m for m in ('pydantic', 'fastapi', 'procedures.jobs', 'procedures.results') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_no_function_of_the_front_ends_or_the_jobs_is_over_60_lines():
    import ast

    long = []
    for path in [*(REPO / "src" / "procedures" / "web").glob("*.py"), REPO / "src" / "procedures" / "jobs.py", REPO / "src" / "procedures" / "results.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
                long.append(f"{path.name}:{node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long, long


def test_the_batch_request_is_parsed_the_same_way_by_both_front_ends(library):
    """check-batch has its request model too (issue 15 item 1): the command line's FILE and the web's upload."""
    import io
    from pathlib import Path

    from procedures import jobs
    from procedures.errors import InputError

    with pytest.raises(InputError, match=r"^--date-order 'sideways' is not iso, dmy or mdy$"):
        jobs.BatchRequest.parse(jobs.CLI, file=Path("r.csv"), date_order="sideways")
    with pytest.raises(InputError, match=r"^date_order 'sideways' is not iso, dmy or mdy$"):
        jobs.BatchRequest.parse(jobs.WEB, file=b"id\n", date_order="sideways")
    with pytest.raises(InputError, match=r"^--format: "):
        jobs.BatchRequest.parse(jobs.CLI, file=Path("r.csv"), fmt="pdf")
    with pytest.raises(InputError, match=r"^FILE is required$"):
        jobs.BatchRequest.parse(jobs.CLI)
    req = jobs.BatchRequest.parse(jobs.WEB, file=(EXAMPLES / "registry.csv").read_bytes(), fmt="csv")
    sink = io.StringIO()
    summary = jobs.check_batch(library, req, sink)
    res = CliRunner().invoke(app, ["check-batch", str(EXAMPLES / "registry.csv"), "--rules", str(RULES)])
    assert res.exit_code == 1 and sink.getvalue() == res.stdout  # the same rows, byte for byte
    assert (summary.rows, summary.errors) == (8, 1)


def test_the_rules_list_is_one_document_both_ways(client):
    """/api/rules answered the bare `list`; it now answers the command line's document, with the rules folder."""
    theirs = api_document(client, "get", "/api/rules", {}, None)
    assert list(theirs) == ["list", "rules"] and theirs == cli_document(["rules", "list"])
    assert any(r["id"] == "res1.4.2.1.3.delayed-publication" for r in theirs["list"])
