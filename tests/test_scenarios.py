"""Every scenario file, through one runner: typed (procedures.scenarios), so a misspelled key fails.

Scenario files live in tests/scenarios/<kind>/, one folder per kind, each file
named in a full sentence for what it shows (docs/writing-a-scenario.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import tomllib
from dataclasses import replace
from fractions import Fraction

import pytest

from conftest import REPO, SCENARIOS
from procedures import scenarios as S
from procedures.errors import InputError

FILES = S.scenario_files(SCENARIOS)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_scenario(path, library):
    sc = S.load_scenario(path)
    RUNNERS[path.parent.name](sc, library)


def test_a_misspelled_key_fails_instead_of_skipping_its_assertion(tmp_path):
    folder = tmp_path / "contributions"
    folder.mkdir()
    (folder / "a-typo.toml").write_text(
        '[meeting]\nkind = "study-group"\nopens = 2026-09-14\n\n'
        '[[case]]\nreceived = "2026-07-31"\nstatus = "on-time"\ncite = "Res. 1 § 4.2.1.1"\npublish_byy = 2026-09-07\n'
    )
    with pytest.raises(InputError, match="unknown key 'case\\[0\\].publish_byy'"):
        S.load_scenario(folder / "a-typo.toml")


def test_every_scenario_folder_has_a_model():
    assert {p.name for p in SCENARIOS.iterdir() if p.is_dir()} == set(S.KINDS)


# --- one check per kind ------------------------------------------------------------------------


def _contains_all(texts: list[str], got: list[str], negate: bool = False) -> None:
    for t in texts:
        found = any(t in g for g in got)
        assert found != negate, (t, got)


def run_timetable(sc: S.TimetableScenario, library) -> None:
    from procedures.timetable import Meeting, timetable

    m = sc.meeting
    if m.earliest_from is not None:
        from procedures.timetable import earliest_opening

        found = earliest_opening(library.in_force(m.earliest_from), m.kind, m.earliest_from, tuple(m.events.items()))
        assert (found.opens, sorted(d.id for d in found.binding)) == (sc.earliest.opens, sorted(sc.earliest.binding)), found.sentence()
        result = found.timetable
    else:
        result = timetable(library.in_force(m.opens), Meeting(m.kind, m.opens, m.closes, None, tuple(m.events.items())))
    by_id = {d.id: d for d in result.deadlines}
    assert sc.expect or sc.absent or sc.skipped, "a scenario must expect something"
    for exp in sc.expect:
        assert exp.rule in by_id, f"{exp.rule} missing from the timetable"
        got = by_id[exp.rule]
        assert (got.date, got.cite) == (exp.date, exp.cite), exp.rule
        if exp.cutoff is not None:
            assert got.cutoff.isoformat() == exp.cutoff
        if exp.modality is not None:
            assert got.rule.modality == exp.modality, exp.rule
        if exp.non_working_day is not None:
            assert (got.non_working is not None) == exp.non_working_day
        if exp.act_by is not None:
            from procedures.timetable import act_by

            assert act_by(result.ruleset, got) == (exp.act_by or None), exp.rule
            assert result.as_dict()["deadlines"][result.deadlines.index(got)]["act_by"] == (exp.act_by.isoformat() if exp.act_by else None)
    _contains_all(sc.warning, result.warnings)
    _contains_all(sc.no_warning, result.warnings, negate=True)
    for exp in sc.absent:
        assert exp.rule not in by_id
    skipped = {rule_id for rule_id, _, _ in result.skipped}
    for exp in sc.skipped:
        assert exp.rule in skipped


def run_contributions(sc: S.ContributionScenario, library) -> None:
    from procedures.contributions import Meeting, check
    from procedures.timestamps import parse_received
    from procedures.vocabulary import CHAIR_ADMITTED

    m = sc.meeting
    meeting = Meeting(m.kind, m.opens, m.purpose, m.opening_time, closes=m.closes)
    rs = library.in_force(meeting.opens)
    for case in sc.case:
        received = parse_received(case.received, rs.head.time_zone)
        flags = frozenset({CHAIR_ADMITTED}) if case.chair_admitted else frozenset()
        if case.error is not None:
            with pytest.raises(InputError) as info:
                check(rs, meeting, received, flags)
            assert case.error in str(info.value)
            continue
        result = check(rs, meeting, received, flags)
        assert result.status == case.status, (case.received, result.margin)
        assert case.cite in result.cite, result.cite
        for key in ("translated", "on_agenda", "modality"):
            if getattr(case, key) is not None:
                assert getattr(result, key) == getattr(case, key), (case.received, key)
        if case.publish_by is not None:
            assert result.publish_by is not None and result.publish_by.date == case.publish_by
        if case.publish_by_passed is not None:
            # a date already past on receipt is never shown as one to meet (SEMANTICS § 2)
            assert result.publish_by is None and result.as_dict()["publish_by"] is None
            assert result.as_dict()["publish_by_passed"]["date"] == case.publish_by_passed.isoformat()
        if case.assumed_local is not None:
            assert received.assumed_local == case.assumed_local
        if case.margin is not None:
            assert case.margin in result.margin, result.margin
        _contains_all(case.warning, result.warnings)
        _contains_all(case.no_warning, result.warnings, negate=True)


def _replies(sc: S.TallyScenario, members):
    from procedures.tally import Reply

    out = []
    codes = iter(m.code for m in members.spec.member)
    for answer, n in sc.generate.items():
        out += [Reply(0, next(codes), answer) for _ in range(n)]
    for r in sc.replies:
        if isinstance(r, S.NamedReply):  # a row with named columns, e.g. a participant (§ 4.2.2.2)
            extra = {"participant": r.participant} if r.participant else {}
            out.append(Reply(0, r.member_state, r.answer, r.received, **extra))
        else:
            out.append(Reply(0, r[0], r[1], r[2] if len(r) > 2 else None))
    return [replace(r, row=i + 2) for i, r in enumerate(out)]


def run_tallies(sc: S.TallyScenario, library) -> None:
    from procedures.tally import tally

    rs = library.latest()
    replies = _replies(sc, rs.members)
    extra = {"requested_by": sc.requested_by} if sc.requested_by is not None else {}
    result = tally(rs, sc.procedure, replies, sc.circulated, sc.electorate_size, frozenset(sc.flags), **extra)
    exp = sc.expect
    assert result.outcome.outcome == exp.outcome, result.comparison
    assert len(result.counted) + len(result.excluded) == len(replies)
    if exp.share is not None:
        assert result.as_dict()["share"] == exp.share
    if exp.cite is not None:
        assert exp.cite in result.cite
    if exp.replies_counted is not None:
        assert result.replies_counted == exp.replies_counted
    if exp.excluded is not None:
        assert len(result.excluded) == exp.excluded, result.excluded
    if exp.superseded is not None:
        assert len(result.superseded) == exp.superseded
    for answer, n in exp.counts.items():
        assert result.counts[answer] == n
    if exp.other_outcome is not None:
        assert result.other_reading["outcome"] == exp.other_outcome
    if exp.warning is not None:
        _contains_all([exp.warning], result.warnings)
    if exp.no_warning is not None:
        _contains_all([exp.no_warning], result.warnings, negate=True)
    if exp.excluded_reason is not None:
        _contains_all([exp.excluded_reason], [e["reason"] for e in result.excluded])
    if exp.what_follows is not None:
        assert exp.what_follows in result.what_follows
    if exp.window_closes is not None:
        assert result.window["closes"] == exp.window_closes.isoformat()
    if exp.provisional is not None:  # some rows could not be read: the outcome may change once they are corrected
        assert result.provisional == exp.provisional, result.excluded


def run_timelines(sc: S.TimelineScenario, library) -> None:
    from procedures.timeline import timeline

    result = timeline(library.in_force(sc.start), sc.procedure, sc.start, sc.events)
    by_id = {d.id: d for d in result.deadlines}
    for exp in sc.expect:
        assert by_id[exp.rule].date == exp.date
        if exp.cite is not None:
            assert by_id[exp.rule].cite == exp.cite
    # events given later than their last day: the paragraph, the days late, severity by modality
    late = [f for f in result.findings if f.severity != "note"]
    if sc.late is not None:
        assert [(f.rule, f.dates["event"], f.severity, f.dates["days_late"]) for f in late] == [
            (e.rule, e.event, e.severity, e.days) for e in sc.late
        ], [f.message for f in late]
        for e, f in zip(sc.late, late):
            if e.cite is not None:
                assert f.cite == e.cite
            assert f"{e.days} day" in f.message
    # overlaps between a procedure's dates (e.g. §§ 7.3.5.2 and 7.3.5.3)
    notes = [f for f in result.findings if f.severity == "note"]
    expected = sc.note if sc.note is not None else sc.notes
    if expected is not None:
        assert [f.rule for f in notes] == [n.rule for n in expected], [f.message for f in notes]
        for n, f in zip(expected, notes):
            if n.message is not None:
                assert n.message in f.message, f.message


def _plan_data(sc: S.PlanScenario) -> dict:
    with (REPO / sc.base).open("rb") as fh:
        data = copy.deepcopy(tomllib.load(fh))
    meetings = {m["name"]: m for m in data["meeting"]}
    for ch in sc.change:
        meetings[ch["meeting"]].update({k: v for k, v in ch.items() if k != "meeting"})
    for rm in sc.remove:
        data["meeting"].remove(meetings[rm["meeting"]])
    data["meeting"] += [dict(m) for m in sc.add]
    years = {y["year"]: y for y in data.get("year", [])}
    for ch in sc.year_change:
        years.setdefault(ch["year"], {"year": ch["year"]}).update(ch)
    data["year"] = list(years.values())
    data["study_period"].setdefault("done", {}).update(sc.study_period_done)
    data["study_period"].update(sc.study_period_change)
    return data


def run_plans(sc: S.PlanScenario, library) -> None:
    from procedures.audit import audit
    from procedures.plan import parse_plan

    plan, rs = parse_plan(_plan_data(sc), sc.base, library.in_force)
    result = audit(rs, plan)
    if sc.expect and sc.expect.clean:
        assert result.findings == [], [f.message for f in result.findings]
    for exp in sc.finding:
        matching = [f for f in result.findings if f.rule == exp.rule and f.severity == exp.severity]
        assert matching, f"no {exp.severity} of {exp.rule} in {[(f.rule, f.message) for f in result.findings]}"
        if exp.cite is not None:
            assert all(f.cite == exp.cite for f in matching)
        if exp.message is not None:
            _contains_all([exp.message], [f.message for f in matching])
        if exp.other_reading is False:
            # the answer is the same on both readings: no other reading shown
            assert all(f.other_reading is None for f in matching), [f.other_reading for f in matching]
        elif exp.other_reading is not None:
            _contains_all([exp.other_reading], [f.other_reading or "" for f in matching])
    if sc.finding:
        # nothing else than what the scenario names
        assert {f.rule for f in result.findings} == {e.rule for e in sc.finding}, [f.message for f in result.findings]
    _contains_all(sc.warning, result.calendar_warnings)
    _contains_all(sc.no_warning, result.calendar_warnings, negate=True)
    if sc.not_checked == []:
        assert result.not_checked == [], result.not_checked
    elif sc.not_checked is not None:
        _contains_all(sc.not_checked, result.not_checked)


def run_limits(sc: S.LimitScenario, library) -> None:
    from procedures.limits import check_limit

    for case in sc.case:
        result = check_limit(library.latest(), sc.rule, Fraction(str(case.value)), frozenset(case.when))
        assert result.severity == case.severity, result.message
        if case.cite is not None:
            assert case.cite in result.cite
        if case.message is not None:
            assert case.message in result.message
        if case.within is not None:
            assert result.within == case.within
        if case.warning is not None:
            _contains_all([case.warning], result.warnings)
        if case.no_warning:
            assert not result.warnings, result.warnings


def run_documents(sc: S.DocumentScenario, library) -> None:
    from procedures.documents import check_document
    from procedures.vocabulary import PAGES, PREVIOUS_PAGES, QUESTION_PAGES

    for case in sc.case:
        given = {PAGES: case.pages, QUESTION_PAGES: case.question_total, PREVIOUS_PAGES: case.previous_pages}
        result = check_document(library.latest(), sc.type, {k: v for k, v in given.items() if v is not None}, frozenset(case.when))
        got = {r.rule.id: r.severity for r in result.results}
        assert got == case.expect, [r.message for r in result.results]
        # a note (a threshold crossed, § 2.1.2.2) is not a limit missed
        assert result.within == all(s in ("ok", "note") for s in case.expect.values())
        if case.cite is not None:
            _contains_all([case.cite], [r.cite for r in result.results])
        if case.message is not None:
            _contains_all([case.message], [r.message + " " + (r.remedy or "") for r in result.results])
        if case.not_checked is not None:
            _contains_all([case.not_checked], result.not_checked)
        else:
            assert not result.not_checked
        if case.warning is not None:
            _contains_all([case.warning], result.warnings)
        if case.no_warning:
            assert not result.warnings, result.warnings


def run_revisions(sc: S.RevisionScenario, library) -> None:
    from procedures.limits import check_interval
    from procedures.vocabulary import COMPLEMENTS

    for case in sc.case:
        rs = library.in_force(case.proposed)
        rule = rs.rules[sc.rule]
        flags = frozenset({COMPLEMENTS} if case.complements else set())
        result = check_interval(rs, rule, {rule.interval_from: case.approved, rule.interval_to: case.proposed}, flags)
        assert result.severity == case.severity, result.message
        assert result.within == (case.severity == "ok")
        if case.earliest is not None:
            assert result.at_least == case.earliest
        if case.cite is not None:
            assert case.cite in result.cite
        if case.message is not None:
            assert case.message in result.message


def _appointments(rs, sc: S.AppointmentScenario):
    from procedures.appointments import check_appointments, read_appointments, read_attendance

    posts = read_appointments(rs, io.StringIO(sc.appointments), "appointments")
    present = None
    if sc.attendance is not None:
        present = read_attendance(io.StringIO(sc.attendance), "attendance", {a.key for a in posts.rows})
    return posts, check_appointments(rs, posts, present)


def run_appointments(sc: S.AppointmentScenario, library) -> None:
    rs = library.latest()
    posts, result = _appointments(rs, sc)
    # every row is counted or reported
    assert len(posts.rows) + len(posts.errors) == sc.appointments.strip("\n").count("\n")
    assert sc.clean == (not sc.finding and not sc.error), "say clean = true, or list findings"
    unmatched = list(result.findings)
    for exp in sc.finding:
        match = [f for f in unmatched if f.rule.id == exp.rule and exp.subject in f.subject]
        assert match, f"no {exp.rule} finding for {exp.subject} in {[f.message for f in result.findings]}"
        f = match[0]
        unmatched.remove(f)
        assert f.severity == exp.severity, f.message
        if exp.cite is not None:
            assert exp.cite in f.cite
        if exp.message is not None:
            assert exp.message in f.message, f.message
    assert not unmatched, f"unexpected findings: {[f.message for f in unmatched]}"
    assert [(e.file, e.line) for e in result.errors] == [(exp.file, exp.line) for exp in sc.error], [str(e) for e in result.errors]
    for e, exp in zip(result.errors, sc.error):
        assert exp.problem in e.problem, str(e)
    for exp in sc.not_checked:
        _contains_all([exp.text], result.not_checked)
    # every other reading shown (SEMANTICS § 6) is listed: no more, no fewer
    shown = [w for w in result.warnings if "other reading" in w]
    assert len(shown) == len(sc.warning), shown
    for exp in sc.warning:
        assert any(exp.text in w and exp.reading in w and (exp.also or "") in w for w in shown), shown


RUNNERS = {
    "timetable": run_timetable,
    "contributions": run_contributions,
    "tallies": run_tallies,
    "timelines": run_timelines,
    "plans": run_plans,
    "limits": run_limits,
    "documents": run_documents,
    "revisions": run_revisions,
    "appointments": run_appointments,
}


def test_every_kind_has_a_runner():
    assert set(RUNNERS) == set(S.KINDS)


def test_timetable_is_in_date_order(library):
    from procedures.timetable import Meeting, timetable

    result = timetable(library.latest(), Meeting("study-group", dt.date(2026, 9, 14)))
    dates = [d.date for d in result.deadlines]
    assert dates == sorted(dates) and len(dates) >= 10
