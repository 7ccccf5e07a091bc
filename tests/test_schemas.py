"""The JSON contracts: docs/schemas/ is generated from procedures.results, and every answer keeps to it.

Every scenario of tests/scenarios runs again through its runner (test_scenarios.RUNNERS),
with the evaluator's functions wrapped so that each result it produces is kept; each
result's JSON document (with a provenance, as the front ends add it) is then
validated against its job's schema file. A renamed or dropped key, or a value of
another type, fails here.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO
from procedures.results import GENERATE_SCHEMAS, PARTS, RESULTS, schema_texts
from test_scenarios import FILES, RUNNERS
from procedures import scenarios as S

SCHEMAS = REPO / "docs" / "schemas"


def test_the_schema_files_are_up_to_date():
    expected = schema_texts()
    actual = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    stale = sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))
    assert not stale, (f"docs/schemas is stale ({', '.join(stale)}): after changing a result model in src/procedures/results.py, "
                       f"run '{GENERATE_SCHEMAS}' from the repository's top folder and commit the files")


@pytest.mark.parametrize("job", [*RESULTS, *PARTS])
def test_each_schema_file_is_a_valid_json_schema(job):
    Draft202012Validator.check_schema(json.loads((SCHEMAS / f"{job}.json").read_text(encoding="utf-8")))


@cache
def validator(job: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{job}.json").read_text(encoding="utf-8")))


def problems(job: str, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator(job).iter_errors(document)]


def assert_valid(job: str, document: dict) -> None:
    found = problems(job, document)
    assert not found, f"{job}: the document breaks docs/schemas/{job}.json: {found[:5]}"


# --- every scenario's results, validated ---------------------------------------------------------------


def _revision(result, rs, rule, dates, flags):
    approved, proposed = dates[rule.interval_from], dates[rule.interval_to]
    return {"approved": approved.isoformat(), "proposed": proposed.isoformat(), "within": result.within, "results": [result.as_dict()]}


def _plan(result, rs, plan):
    """The audit's document; and the plan's agenda too, as `plan agenda` gives it."""
    from procedures.jobs import AgendaSpan
    from procedures.agenda import agenda

    found = agenda(rs, plan)
    span = AgendaSpan(rs, plan.study_period.name, None, None, found.items, found.undated)
    return [("plan-check", result.as_dict()), ("plan-agenda", span.as_dict())]


#: (module, function, job, how a result and the call's arguments give the document(s)); default: result.as_dict().
WRAPPED = [
    ("procedures.timetable", "timetable", "schedule", None),
    ("procedures.contributions", "check", "check", None),
    ("procedures.tally", "tally", "tally", None),
    ("procedures.timeline", "timeline", "timeline", None),
    ("procedures.audit", "audit", None, _plan),
    ("procedures.limits", "check_limit", "limit", None),
    ("procedures.limits", "check_interval", "check-revision", _revision),
    ("procedures.documents", "check_document", "document-check", None),
    ("procedures.appointments", "check_appointments", "appointments-check", None),
]


@pytest.fixture
def documents(monkeypatch):
    """Wrap the evaluator's functions; the list of (job, document) of every result they return."""
    import importlib

    kept: list[tuple[str, dict]] = []

    from procedures.jobs import DATED, seen_from

    def keep(job, document):  # a dated job's document is seen from a day, as the front ends give it
        kept.append((job, seen_from(document, dt.date(2026, 6, 1)) if job in DATED else document))

    def wrap(original, job, make):
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            if make is None:
                keep(job, result.as_dict())
            else:
                made = make(result, *args, **kwargs)
                for one in made if isinstance(made, list) else [(job, made)]:
                    keep(*one)
            return result

        return wrapper

    for module, name, job, make in WRAPPED:
        mod = importlib.import_module(module)
        monkeypatch.setattr(mod, name, wrap(getattr(mod, name), job, make))
    return kept


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_every_scenario_answer_keeps_to_its_schema(path, library, documents):
    RUNNERS[path.parent.name](S.load_scenario(path), library)
    assert documents, "the scenario produced no result to validate"
    for job, document in documents:
        assert_valid(job, {**document, "rules": library.provenance()})


def test_a_renamed_key_breaks_the_schema(library):
    """The mutant issue 15 found alive: `tier` renamed `TIER` in check's deadlines."""
    from procedures.contributions import Meeting, check
    from procedures.timestamps import parse_received
    import datetime as dt

    rs = library.latest()
    document = {**check(rs, Meeting("study-group", dt.date(2026, 9, 14)), parse_received("2026-07-31", "Europe/Zurich")).as_dict(),
                "rules": library.provenance()}
    assert_valid("check", document)
    document["deadlines"] = [{("TIER" if k == "tier" else k): v for k, v in d.items()} for d in document["deadlines"]]
    assert any("'tier' is a required property" in p for p in problems("check", document))


# --- check-batch's rows (the command line's JSON array, the API's `rows`) ---------------------------------


def _workbook_registry(tmp_path):
    """docs/examples/registry.csv as a workbook, with date cells as Excel keeps them."""
    import csv
    from openpyxl import Workbook

    rows = list(csv.reader((REPO / "docs" / "examples" / "registry.csv").open(encoding="utf-8")))
    book = Workbook()
    for row in rows[:1] + [[dt.date.fromisoformat(r[2]) if i == 2 else c for i, c in enumerate(r)] for r in rows[1:]]:
        book.active.append(row)
    book.save(tmp_path / "registry.xlsx")
    return tmp_path / "registry.xlsx"


#: A registry whose rows take the other paths of a JSON row: an input column named like an added one, a short and a
#: long row, an unknown kind, a cell a spreadsheet would read as a formula.
ODD_REGISTRY = (b"id,Kind,opens,received,Status,note\n"
                b"A,study-group,2026-09-14,2026-07-01,ours,x\n"
                b"B,study-group,2026-09-14\n"
                b"C,study-group,2026-09-14,2026-07-01,ours,x,extra\n"
                b"D,plenary,2026-09-14,2026-07-01,,\n"
                b"E,study-group,2026-09-14,2026-09-13T10:00:00,,=1+1\n")


def batch_rows(library, source, date_order=None) -> list:
    import io
    from contextlib import nullcontext

    from procedures.batch import check_table
    from procedures.tables import open_table

    sink = io.StringIO()
    with open_table(source, "file") as table:
        check_table(library, table, lambda: nullcontext(sink), "json", workers=1, date_order=date_order)
    return json.loads(sink.getvalue())


def test_every_row_of_the_batch_examples_keeps_to_its_schema(library, tmp_path):
    import io

    from procedures.results import BATCH_ROW

    examples = REPO / "docs" / "examples"
    sources = [(examples / "registry.csv", None), (examples / "registry-excel.csv", "dmy"), (_workbook_registry(tmp_path), None),
               (io.BytesIO(ODD_REGISTRY), None)]
    seen = set()
    for source, order in sources:
        rows = batch_rows(library, source, order)
        assert rows
        for row in rows:
            assert_valid(BATCH_ROW, row)
            seen.add("error" if row["error"] else row["status"])
    assert seen == {"on-time", "delayed", "late", "late-admitted", "refused", "error"}


def test_a_batch_row_with_a_renamed_or_retyped_column_breaks_the_schema(library):
    from procedures.results import BATCH_ROW

    row = batch_rows(library, REPO / "docs" / "examples" / "registry.csv")[0]
    assert not problems(BATCH_ROW, row)
    assert any("'status' is a required property" in p for p in problems(BATCH_ROW, {("STATUS" if k == "status" else k): v for k, v in row.items()}))
    assert problems(BATCH_ROW, {**row, "on_agenda": "yes"})  # a JSON row holds booleans, not the CSV's yes/no
    assert problems(BATCH_ROW, {**row, "kind": 3})  # the input's cells are echoed as text
