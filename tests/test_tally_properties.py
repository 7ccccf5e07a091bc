"""Invariants of tallies: order independence, monotonicity, nothing dropped."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.tally import Reply, tally

NAMES = ["France", "FRA", "Kenya", "Brazil", "BRA", "Japan", "India", "Chile", "Palestine", "Huawei", "Iran (Islamic Republic of)", "IRN", ""]
ANSWERS = ["approve", "disapprove", "abstain", "object", "no-objection", "maybe", ""]
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(2026, 2, 20), max_value=dt.date(2026, 6, 10)).map(dt.date.isoformat), st.just("garbage"))
ROWS = st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(ANSWERS), DATES), max_size=25)
PROCEDURES = st.sampled_from(["recommendation-approval", "question-approval", "question-deletion", "recommendation-deletion"])


def as_replies(rows):
    return [Reply(i + 2, n, a, d) for i, (n, a, d) in enumerate(rows)]


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, procedure=PROCEDURES, window=st.booleans(), data=st.data())
def test_the_outcome_does_not_depend_on_row_order(rows, procedure, window, data, ruleset):
    # distinct received dates per member keep "the later reply" independent of file order
    circulated = dt.date(2026, 2, 28) if window else None
    replies = as_replies(rows)
    shuffled = data.draw(st.permutations(replies))
    a = tally(ruleset, procedure, replies, circulated)
    b = tally(ruleset, procedure, list(shuffled), circulated)
    if _ties_on_order(replies, ruleset):
        return
    assert a.outcome.outcome == b.outcome.outcome
    assert a.counts == b.counts


def _ties_on_order(replies, ruleset):
    """Two replies of the same Member State with the same date: the file order decides, by design."""
    seen = {}
    for r in replies:
        m = ruleset.members.find(r.member_state)
        if m is None:
            continue
        key = (m.code, r.received)
        if key in seen:
            return True
        seen[key] = True
    return False


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, procedure=PROCEDURES, window=st.booleans())
def test_counted_plus_excluded_is_rows_read(rows, procedure, window, ruleset):
    result = tally(ruleset, procedure, as_replies(rows), dt.date(2026, 2, 28) if window else None)
    assert len(result.counted) + len(result.excluded) == result.rows_read == len(rows)
    assert sum(result.counts.values()) == len(result.counted)


FAVOURABLE = {"recommendation-approval": "approve", "recommendation-deletion": "approve", "question-approval": "no-objection", "question-deletion": "no-objection"}


@settings(max_examples=150, deadline=None)
@given(approve=st.integers(0, 40), against=st.integers(0, 40), abstain=st.integers(0, 10), procedure=PROCEDURES)
def test_one_more_favourable_reply_never_turns_a_pass_into_a_fail(approve, against, abstain, procedure, ruleset):
    codes = [m.code for m in ruleset.members.spec.member]
    fav = FAVOURABLE[procedure]
    unfav = {"approve": "disapprove", "no-objection": "object"}[fav]
    rows = [(codes[i], fav, None) for i in range(approve)]
    rows += [(codes[approve + i], unfav, None) for i in range(against)]
    if fav == "approve":
        rows += [(codes[approve + against + i], "abstain", None) for i in range(abstain)]
    before = tally(ruleset, procedure, as_replies(rows))
    after = tally(ruleset, procedure, as_replies(rows + [(codes[len(rows)], fav, None)]))
    assert not (before.passed and not after.passed)


@settings(max_examples=100, deadline=None)
@given(approve=st.integers(0, 150), disapprove=st.integers(0, 44))
def test_the_70_percent_rule_is_exact(approve, disapprove, ruleset):
    codes = [m.code for m in ruleset.members.spec.member]
    rows = [(codes[i], "approve", None) for i in range(approve)] + [(codes[150 + i], "disapprove", None) for i in range(disapprove)]
    result = tally(ruleset, "recommendation-approval", as_replies(rows))
    total = approve + disapprove
    assert result.passed == (total > 0 and 10 * approve >= 7 * total)


MEETING_END = dt.date(2026, 9, 18)
OPPOSITION_DATES = st.dates(min_value=dt.date(2026, 9, 14), max_value=dt.date(2026, 10, 25)).map(dt.date.isoformat)
POSITIONS = st.lists(st.tuples(st.sampled_from(NAMES[:8]), st.sampled_from(["object", "no-objection", "formal-opposition"]), OPPOSITION_DATES), max_size=12)
STATES = ["France", "Kenya", "Brazil", "Japan", "India", "Chile"]


@settings(max_examples=150, deadline=None)
@given(rows=POSITIONS, fewer=st.lists(st.sampled_from(STATES), unique=True), more=st.lists(st.sampled_from(STATES), unique=True))
def test_naming_more_delegations_that_asked_for_more_time_never_lets_a_draft_proceed(rows, fewer, more, ruleset):
    """§ 7.3.5.2: more delegations entitled to oppose can only add oppositions."""
    replies = as_replies(rows)
    few = tally(ruleset, "consultation-decision", replies, MEETING_END, requested_by=fewer)
    many = tally(ruleset, "consultation-decision", replies, MEETING_END, requested_by=sorted(set(fewer) | set(more)))
    assert not (many.passed and not few.passed)
    unknown = tally(ruleset, "consultation-decision", replies, MEETING_END)
    everyone = tally(ruleset, "consultation-decision", replies, MEETING_END, requested_by=STATES)
    nobody = tally(ruleset, "consultation-decision", replies, MEETING_END, requested_by=[])
    assert unknown.outcome.outcome == everyone.outcome.outcome
    if unknown.other_reading is not None:
        assert unknown.other_reading["outcome"] == nobody.outcome.outcome


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["France", "Japan", "Kenya", "ITU-D SG1 chair"]), st.sampled_from(["request", "no-request"])), max_size=12),
       extra=st.integers(0, 5))
def test_counting_participants_never_gives_fewer_requests_than_counting_delegations(rows, extra, ruleset):
    """§ 4.2.2.2: each participant counts; the per-delegation reading is shown beside it."""
    replies = [Reply(i + 2, n, a) for i, (n, a) in enumerate(rows)]
    result = tally(ruleset, "information-translation", replies, electorate_size=len(rows) + extra)
    assert result.replies_counted == len(rows)
    if result.other_reading is not None:
        assert result.other_reading["replies_counted"] <= result.replies_counted
        assert not (result.other_reading["outcome"] == "translated" and result.outcome.outcome != "translated")
