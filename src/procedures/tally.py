"""Tallying a consultation's replies or a meeting's positions into an outcome (SEMANTICS § 3).

Every reply row is either counted or excluded with a reason (not a Member
State, outside the reply window, unknown answer, superseded by a later reply
of the same Member State). Thresholds are compared in exact integer
arithmetic: a share a/b ≥ p/q is tested as a·q ≥ p·b.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from procedures.deadlines import Deadline, Step, evaluate
from procedures.errors import InputError, ProceduresError
from procedures.loader import Ruleset
from procedures.members import normalise
from procedures.models import Outcome, PassCondition, TallyRule
from procedures.timestamps import Received, parse_received


@dataclass(frozen=True)
class Reply:
    """One row of a replies file, as given."""

    row: int
    member_state: str
    answer: str
    received: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Counted:
    row: int
    key: str
    member_state: str
    answer: str
    received: Received | None


@dataclass
class TallyResult:
    procedure: str
    rule: TallyRule
    outcome: Outcome
    what_follows: str
    counts: dict[str, int]
    replies_counted: int
    base: int
    share: Fraction | None
    passed: bool
    comparison: str
    window: dict | None
    counted: list[Counted]
    excluded: list[dict]
    superseded: list[dict]
    cite: list[str]
    rows_read: int
    trace: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    other_reading: dict | None = None

    def threshold_text(self) -> str:
        return threshold_words(self.rule.passes_when)

    def as_dict(self) -> dict:
        cond = self.rule.passes_when
        return {
            "procedure": self.procedure,
            "rule": self.rule.id,
            "outcome": self.outcome.outcome,
            "what_follows": self.what_follows,
            "passed": self.passed,
            "counts": self.counts,
            "replies_counted": self.replies_counted,
            "share": fraction_text(self.share) if self.share is not None else None,
            "threshold": {
                "answer": cond.answer,
                "comparison": cond.comparison(),
                "value": str(getattr(cond, cond.comparison())),
                "of": cond.of,
                "base": self.base,
                "words": self.threshold_text(),
            },
            "comparison": self.comparison,
            "window": self.window,
            "counted": [
                {"row": c.row, "member_state": c.member_state, "answer": c.answer,
                 "received": c.received.describe() if c.received else None}
                for c in self.counted
            ],
            "excluded": self.excluded,
            "superseded": self.superseded,
            "rows_read": self.rows_read,
            "cite": self.cite,
            "modality": self.rule.modality,
            "other_reading": self.other_reading,
            "trace": [s.as_dict() for s in self.trace],
            "warnings": self.warnings,
        }


def fraction_text(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def percent(f: Fraction) -> str:
    """An exact percentage where it terminates, else two decimals marked as rounded."""
    value = f * 100
    if value.denominator == 1:
        return f"{value.numerator} %"
    rounded = round(float(value), 2)
    exact = Fraction(rounded).limit_denominator(100) == value
    return f"{rounded} %" if exact else f"≈ {rounded:.2f} %"


def threshold_words(cond: PassCondition) -> str:
    base = "of the electorate" if cond.of == "electorate" else "of the replies counted"
    c = cond.comparison()
    v = cond.threshold()
    if c == "share_at_least":
        return f"'{cond.answer}' at least {percent(v)} {base}"
    if c == "share_more_than":
        return f"'{cond.answer}' more than {percent(v)} {base}"
    if c == "count_below":
        return f"fewer than {v} '{cond.answer}'"
    return f"at least {v} '{cond.answer}'"


def check_condition(cond: PassCondition, counts: dict[str, int], base: int) -> tuple[bool, Fraction | None, str]:
    """Apply a pass condition in exact arithmetic; returns (passes, share, the comparison in words)."""
    n = counts.get(cond.answer, 0)
    c = cond.comparison()
    if c in ("count_below", "count_at_least"):
        limit = int(cond.threshold())
        ok = n < limit if c == "count_below" else n >= limit
        op = "<" if c == "count_below" else "≥"
        return ok, None, f"{n} '{cond.answer}' {op} {limit}? {'yes' if ok else 'no'}"
    frac = cond.threshold()
    if base == 0:
        return False, None, f"no base to take a share of ({cond.of}): fails"
    share = Fraction(n, base)
    lhs, rhs = n * frac.denominator, frac.numerator * base
    ok = lhs >= rhs if c == "share_at_least" else lhs > rhs
    op = "≥" if c == "share_at_least" else ">"
    return ok, share, (
        f"{n}/{base} {op} {fraction_text(frac)}? {n} × {frac.denominator} = {lhs} {op} "
        f"{frac.numerator} × {base} = {rhs}: {'yes' if ok else 'no'}"
    )


def find_rule(rs: Ruleset, procedure: str) -> TallyRule:
    if procedure not in rs.spec.procedures:
        raise InputError(f"unknown procedure '{procedure}'; use one of: {', '.join(procedure_names(rs))}")
    rules = [r for r in rs.of_kind(TallyRule) if procedure in r.applies_to]
    if not rules:
        raise InputError(f"procedure '{procedure}' has no tally rule in ruleset {rs.id}")
    return rules[0]


def procedure_names(rs: Ruleset) -> list[str]:
    return [p for p in rs.spec.procedures if any(p in r.applies_to for r in rs.of_kind(TallyRule))]


def _order_key(c: Counted) -> tuple:
    if c.received is None:
        return (dt.datetime.min.replace(tzinfo=dt.timezone.utc), c.row)
    moment = c.received.moment or dt.datetime.combine(c.received.day, dt.time(0), tzinfo=dt.timezone.utc)
    return (moment, c.row)


def tally(
    rs: Ruleset,
    procedure: str,
    replies: Iterable[Reply],
    circulated: dt.date | None = None,
    electorate_size: int | None = None,
    flags: frozenset[str] = frozenset(),
) -> TallyResult:
    rule = find_rule(rs, procedure)
    cite = rule.cite.label()
    trace: list[Step] = []
    warnings: list[str] = []
    answers = {a: a for a in rule.answers} | {normalise(k): v for k, v in rule.synonyms.items()}
    cond = rule.passes_when
    if cond.of == "electorate" and electorate_size is None:
        raise InputError(f"procedure '{procedure}' compares with the whole electorate ({rule.electorate}); give --electorate-size N")
    if electorate_size is not None and electorate_size < 0:
        raise InputError("--electorate-size must be zero or more")

    window: Deadline | None = None
    if circulated is not None:
        if not rule.reply_window:
            raise InputError(f"procedure '{procedure}' has no reply window (a vote at the meeting); leave out --circulated")
        window = evaluate(rs, rule.reply_window, {rule.window_event: circulated})
        trace.extend(window.trace)
    elif rule.reply_window:
        warnings.append(f"no --circulated date: reply dates were not checked against the reply window of {window_rule_cite(rs, rule)}")

    excluded: list[dict] = []
    valid: list[Counted] = []
    members = rs.members if rule.electorate != "participants" else None
    rows_read = 0
    for reply in replies:
        rows_read += 1

        def exclude(reason: str, reply: Reply = reply) -> None:
            excluded.append({"row": reply.row, "member_state": reply.member_state, "answer": reply.answer, "reason": reason})

        if reply.problem:
            exclude(reply.problem)
            continue
        who = (reply.member_state or "").strip()
        if not who:
            exclude("no member state named")
            continue
        if members is not None:
            member = members.find(who)
            if member is None:
                exclude(f"'{who}' is not an ITU Member State: only Member States' replies count")
                continue
            key, display = member.code, f"{member.name} ({member.code})"
        else:
            key, display = normalise(who), who
        answer = answers.get(normalise(reply.answer or ""))
        if answer is None:
            exclude(f"unknown answer '{reply.answer}'; answers for {procedure}: {', '.join(rule.answers)}")
            continue
        received = None
        if reply.received and reply.received.strip():
            try:
                received = parse_received(reply.received, rs.head.time_zone, "received")
            except ProceduresError as exc:
                exclude(str(exc))
                continue
        if window is not None:
            if received is None:
                exclude("no received date: it cannot be placed in the reply window")
                continue
            if rule.exclude_before_window and received.day < circulated:
                exclude(f"received {received.describe()}, before the circular of {circulated}")
                continue
            late = received.day > window.date if received.moment is None else received.moment > window.cutoff
            if late:
                exclude(f"received {received.describe()}, after the reply window closed on {window.cutoff:%Y-%m-%d %H:%M:%S %Z} ({window.cite})")
                continue
        valid.append(Counted(reply.row, key, display, answer, received))

    latest: dict[str, Counted] = {}
    for c in sorted(valid, key=_order_key):
        latest[c.key] = c
    final_rows = {c.row for c in latest.values()}
    superseded = []
    for c in valid:
        if c.row not in final_rows:
            by = latest[c.key]
            superseded.append({"row": c.row, "member_state": c.member_state, "answer": c.answer, "superseded_by": by.row})
            excluded.append({"row": c.row, "member_state": c.member_state, "answer": c.answer, "reason": f"superseded by the later reply on row {by.row}"})
    excluded.sort(key=lambda e: e["row"])
    counted = sorted(latest.values(), key=lambda c: c.row)

    counts = {a: 0 for a in rule.answers}
    for c in counted:
        counts[c.answer] += 1
    replies_counted = sum(counts[a] for a in rule.counted)
    base = electorate_size if cond.of == "electorate" else replies_counted
    if cond.of == "electorate" and replies_counted > base:
        raise InputError(f"{replies_counted} participants replied but --electorate-size is {base}; check the number")
    trace.append(Step(rule.id, cite, f"{rows_read} row(s) read: {len(counted)} counted, {len(excluded)} excluded ({len(superseded)} superseded)"))
    trace.append(Step(rule.id, cite, "counts: " + ", ".join(f"{a} {n}" for a, n in counts.items()) + f"; replies counted: {replies_counted}"))

    passed, share, comparison = check_condition(cond, counts, base)
    if replies_counted == 0 and rule.when_no_replies == "fail":
        passed = False
        comparison = "no valid replies were received: nothing passes"
        warnings.append("no valid replies were received: nothing passes")
    trace.append(Step(rule.id, cite, f"passes when {threshold_words(cond)}: {comparison}"))
    outcome = rule.on_pass if passed else rule.on_fail
    what_follows = outcome.what_follows
    cites = [cite] + [c.label() for c in rule.also_cites]
    if outcome.cite and outcome.cite.label() not in cites:
        cites.append(outcome.cite.label())
    for u in outcome.unless:
        if u.when in flags:
            what_follows = u.what_follows
            cites.append(u.cite.label())
            trace.append(Step(rule.id, u.cite.label(), f"{u.when}: {u.what_follows}"))
            break
    else:
        for u in outcome.unless:
            what_follows += f"; if {u.when.replace('-', ' ')}: {u.what_follows.split(': ', 1)[-1]} ({u.cite.label()})"

    other = None
    if rule.abstention and rule.abstention_alternative == "excluded-from-replies" and cond.of == "replies":
        alt_base = replies_counted - counts[rule.abstention]
        alt_passed, alt_share, alt_cmp = check_condition(cond, counts, alt_base)
        if alt_base == 0 and rule.when_no_replies == "fail":
            alt_passed = False
        alt_outcome = (rule.on_pass if alt_passed else rule.on_fail).outcome
        other = {
            "reading": "abstentions excluded from the replies",
            "replies_counted": alt_base,
            "share": fraction_text(alt_share) if alt_share is not None else None,
            "outcome": alt_outcome,
            "comparison": alt_cmp,
        }
        if alt_outcome != outcome.outcome:
            warnings.append(
                f"abstentions matter here: counted among the replies (the reading used) the result is {outcome.outcome}; "
                f"excluded from them it would be {alt_outcome} ({alt_cmp})"
            )
    if rule.modality == "should" and not passed:
        warnings.append(f"{rule.cite.label()} is advice ('should'): {rule.on_fail.outcome} is a warning, not a bar")

    return TallyResult(
        procedure=procedure,
        rule=rule,
        outcome=outcome,
        what_follows=what_follows,
        counts=counts,
        replies_counted=replies_counted,
        base=base,
        share=share,
        passed=passed,
        comparison=comparison,
        window={
            "opens": circulated.isoformat(),
            "closes": window.date.isoformat(),
            "cutoff": window.cutoff.isoformat(),
            "cite": window.cite,
        } if window else None,
        counted=counted,
        excluded=excluded,
        superseded=superseded,
        cite=cites,
        rows_read=rows_read,
        trace=trace,
        warnings=warnings,
        other_reading=other,
    )


def window_rule_cite(rs: Ruleset, rule: TallyRule) -> str:
    return rs.deadlines()[rule.reply_window].cite.label()
