"""Tallying a consultation's replies or a meeting's positions into an outcome (SEMANTICS § 3).

Every reply row is either counted or excluded with a reason (not a Member
State, outside the reply window, unknown answer, superseded by a later reply
of the same Member State). Thresholds are compared in exact integer
arithmetic: a share a/b ≥ p/q is tested as a·q ≥ p·b.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from procedures.deadlines import Deadline, Step, evaluate
from procedures.errors import InputError, ProceduresError
from procedures.loader import Ruleset
from procedures.members import Members, normalise
from procedures.models import Outcome, PassCondition, TallyRule
from procedures.tables import term
from procedures.timestamps import Received, parse_received


@dataclass(frozen=True)
class Reply:
    """One row of a replies file, as given."""

    row: int
    member_state: str
    answer: str
    received: str | None = None
    problem: str | None = None
    #: The person who answered, where the file names one (§ 4.2.2.2 counts participants).
    participant: str | None = None


@dataclass(frozen=True)
class Counted:
    row: int
    key: str
    member_state: str
    answer: str
    received: Received | None
    #: The member (entity) that answered: the key of the one-answer-per-member reading.
    member_key: str = ""
    participant: str | None = None
    #: Counted as one participant per row, because the file names no person (§ 4.2.2.2).
    unnamed: bool = False
    #: Given after the window event by someone the input does not say may still give it (§ 7.3.5.2).
    standing_unknown: bool = False


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
    #: Other readings of the text or of the input, each with the outcome it gives (SEMANTICS § 6).
    other_readings: list[dict] = field(default_factory=list)
    #: Those who may still answer after the window event, as given (None: the input does not say).
    requested_by: list[str] | None = None

    @property
    def other_reading(self) -> dict | None:
        return self.other_readings[0] if self.other_readings else None

    @property
    def provisional(self) -> bool:
        """Some rows could not be read: the outcome counts without them and may change once they are corrected."""
        return any(e.get("unreadable") for e in self.excluded)

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
            "requested_by": self.requested_by,
            "counted": [
                {"row": c.row, "member_state": c.member_state, "answer": c.answer,
                 "received": c.received.describe() if c.received else None,
                 "assumed_local_time": bool(c.received and c.received.assumed_local)}
                | ({"participant": c.participant} if c.participant else {})
                for c in self.counted
            ],
            "provisional": self.provisional,
            "unreadable_rows": [e["row"] for e in self.excluded if e.get("unreadable")],
            "excluded": self.excluded,
            "superseded": self.superseded,
            "rows_read": self.rows_read,
            "cite": self.cite,
            "modality": self.rule.modality,
            "other_reading": self.other_reading,
            "other_readings": self.other_readings,
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
        from procedures.vocabulary import not_one_of

        raise InputError(not_one_of("procedure", procedure, procedure_names(rs)))
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


class Unreadable(str):
    """A reason a row is excluded because it cannot be read (not because the rules exclude it).

    A tally with such rows is provisional: the vote was counted without them.
    """


@dataclass
class _Reader:
    """Reads one reply into a Counted, or the reason it is excluded."""

    rs: Ruleset
    rule: TallyRule
    procedure: str
    members: Members | None
    window: Deadline | None
    opened: dt.date | None
    #: Those who may still give the restricted answers after the window event (None: not given).
    entitled: dict[str, str] | None
    #: Lines whose received time had no offset and was read in the ruleset's zone.
    naive: list[int] = field(default_factory=list)
    participant_ignored: bool = False

    def __post_init__(self) -> None:
        # answers match as enumerated values do: 'No objection' is no-objection (procedures.tables.term)
        self.answers = {term(a): a for a in self.rule.answers} | {term(k): v for k, v in self.rule.synonyms.items()}

    def read(self, reply: Reply) -> Counted | str:
        rule = self.rule
        if reply.problem:
            return Unreadable(reply.problem)
        who = (reply.member_state or "").strip()
        if not who:
            return Unreadable("no member state named")
        if self.members is not None:
            member = self.members.find(who)
            if member is None:
                if self.members.ambiguous(who) or self.members.nearest(who):
                    return Unreadable(self.members.not_recognised(who))
                return f"{self.members.not_recognised(who)}: only Member States' replies count"
            member_key, display = member.code, f"{member.name} ({member.code})"
        else:
            member_key, display = normalise(who), who
        key, person, unnamed = member_key, (reply.participant or "").strip() or None, False
        if rule.one_answer_per == "participant":
            key, unnamed = (f"{member_key}\x1f{normalise(person)}", False) if person else (f"\x1frow {reply.row}", True)
        elif person:
            self.participant_ignored, person = True, None
        answer = self.answers.get(term(reply.answer or ""))
        if answer is None:
            from procedures.vocabulary import did_you_mean

            near = did_you_mean(term(reply.answer or ""), list(self.answers))
            return Unreadable(f"unknown answer '{reply.answer}'{near}; answers for {self.procedure}: {', '.join(rule.answers)}")
        received = None
        if reply.received and reply.received.strip():
            try:
                received = parse_received(reply.received, self.rs.head.time_zone, "received")
            except ProceduresError as exc:
                return Unreadable(str(exc))
            if received.assumed_local:
                self.naive.append(reply.row)
        standing_unknown = False
        if self.window is not None:
            if received is None:
                return Unreadable("no received date: it cannot be placed in the reply window")
            if rule.exclude_before_window and received.day < self.opened:
                return f"received {received.describe()}, before the circular of {self.opened}"
            late = received.day > self.window.date if received.moment is None else received.moment >= self.window.ends
            if late:
                return f"received {received.describe()}, after the reply window closed on {self.window.cutoff:%Y-%m-%d %H:%M:%S %Z} ({self.window.cite})"
            after = rule.after_event
            if after and answer in after.answers and received.day > self.opened:
                if self.entitled is None:
                    standing_unknown = True
                elif member_key not in self.entitled:
                    return (f"'{reply.answer.strip()}' received {received.describe()}, after {self.event_words()} ({self.opened}): only "
                            f"{after.only} may still give it ({after.cite.label()}), and {display} is not among them")
        return Counted(reply.row, key, display, answer, received, member_key, person, unnamed, standing_unknown)

    def event_words(self) -> str:
        return _event_words(self.rs, self.rule)


def _event_words(rs: Ruleset, rule: TallyRule) -> str:
    """The window event in words ("the last day of the meeting")."""
    event = rs.spec.events.get(rule.window_event or "")
    return event.summary if event else str(rule.window_event)


def _latest(valid: list[Counted], key) -> tuple[list[Counted], list[tuple[Counted, Counted]]]:
    """The last answer of each respondent (by received time, then line), and the (earlier, later) pairs it replaced."""
    latest: dict[str, Counted] = {}
    for c in sorted(valid, key=_order_key):
        latest[key(c)] = c
    final_rows = {c.row for c in latest.values()}
    return sorted(latest.values(), key=lambda c: c.row), [(c, latest[key(c)]) for c in valid if c.row not in final_rows]


def _count(rule: TallyRule, counted: list[Counted]) -> tuple[dict[str, int], int]:
    counts = {a: 0 for a in rule.answers}
    for c in counted:
        counts[c.answer] += 1
    return counts, sum(counts[a] for a in rule.counted)


def _decide(rule: TallyRule, counts: dict[str, int], replies_counted: int, base: int) -> tuple[bool, Fraction | None, str]:
    """The pass condition, and with no valid reply the rule's when_no_replies (SEMANTICS § 3)."""
    passed, share, comparison = check_condition(rule.passes_when, counts, base)
    if replies_counted == 0 and rule.when_no_replies == "fail":
        return False, share, "no valid replies were received: nothing passes"
    return passed, share, comparison


def _reading(rule: TallyRule, label: str, counts: dict[str, int], replies_counted: int, base: int) -> dict:
    passed, share, comparison = _decide(rule, counts, replies_counted, base)
    return {
        "reading": label,
        "replies_counted": replies_counted,
        "share": fraction_text(share) if share is not None else None,
        "outcome": (rule.on_pass if passed else rule.on_fail).outcome,
        "comparison": comparison,
    }


def _recount(rule: TallyRule, label: str, answers: list[Counted], key, electorate_size: int | None) -> dict:
    """The outcome of another reading of the input: these answers, one per ``key``."""
    counts, n = _count(rule, _latest(answers, key)[0])
    return _reading(rule, label, counts, n, electorate_size if rule.passes_when.of == "electorate" else n)


def _input_readings(rule: TallyRule, reader: _Reader, valid: list[Counted], outcome: Outcome,
                    electorate_size: int | None) -> tuple[list[dict], list[str]]:
    """Where the input cannot tell (SEMANTICS § 3, "Who counts"), the other reading and a warning that says so."""
    readings: list[dict] = []
    notes: list[str] = []

    def changes(other: dict) -> str:
        return f"it would be {other['outcome']} ({other['comparison']})" if other["outcome"] != outcome.outcome else "it would be the same"

    unknown = [c for c in valid if c.standing_unknown]
    if unknown:
        after, event = rule.after_event, reader.event_words()
        other = _recount(rule, f"none of the answers after {event} from {after.only}", [c for c in valid if not c.standing_unknown],
                         lambda c: c.key, electorate_size)
        readings.append(other)
        notes.append(
            f"the input cannot tell which answers come from {after.only} ({after.cite.label()}): {len(unknown)} "
            f"{' or '.join(repr(a) for a in after.answers)} after {event} ({_lines([c.row for c in unknown])}) counted as if "
            f"from them (the reading used; give --requested-by to say who asked, or 'none'); if none were, {changes(other)}"
        )
    unnamed = [c for c in valid if c.unnamed]
    if len({c.member_key for c in unnamed}) < len(unnamed):
        repeated = [c.row for c in unnamed if sum(d.member_key == c.member_key for d in unnamed) > 1]
        other = _recount(rule, "one answer per delegation", valid, lambda c: c.member_key, electorate_size)
        readings.append(other)
        notes.append(
            f"the file names delegations, not participants: {len(repeated)} answers come from delegations named more than once "
            f"({_lines(repeated)}) and count as separate participants (the reading used: {rule.cite.label()} counts people; add a "
            f"participant column to tell); counting one answer per delegation, {changes(other)}"
        )
    return readings, notes


def _resolve_entitled(rs: Ruleset, rule: TallyRule, procedure: str, members: Members | None, names: Sequence[str] | None,
                      window: Deadline | None) -> dict[str, str] | None:
    """The respondents named as still entitled after the window event (§ 7.3.5.2), by key."""
    if names is None:
        return None
    if rule.after_event is None:
        raise InputError(f"procedure '{procedure}' does not limit who may answer after the meeting; leave out --requested-by")
    if window is None:
        raise InputError(f"--requested-by needs --circulated ({_event_words(rs, rule)}), to tell answers at the meeting from those after it")
    out: dict[str, str] = {}
    for name in names:
        if members is None:
            out[normalise(name)] = name.strip()
            continue
        member = members.find(name)
        if member is None:
            raise InputError(f"--requested-by: {members.not_recognised(name)}")
        out[member.code] = f"{member.name} ({member.code})"
    return out


def _lines(rows: list[int], most: int = 20) -> str:
    shown = ", ".join(str(r) for r in rows[:most]) + (f" and {len(rows) - most} more" if len(rows) > most else "")
    return f"line{'s' if len(rows) > 1 else ''} {shown}"


def tally(
    rs: Ruleset,
    procedure: str,
    replies: Iterable[Reply],
    circulated: dt.date | None = None,
    electorate_size: int | None = None,
    flags: frozenset[str] = frozenset(),
    requested_by: Sequence[str] | None = None,
) -> TallyResult:
    """Count replies into the procedure's outcome.

    ``requested_by`` names those who may still give the rule's restricted
    answers after the window event (§ 7.3.5.2: the delegations that asked for
    more time at the meeting); an empty list says nobody did, None that the
    input does not say.
    """
    rule = find_rule(rs, procedure)
    cite = rule.cite.label()
    trace: list[Step] = []
    warnings: list[str] = []
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

    members = rs.members if rule.electorate != "participants" else None
    entitled = _resolve_entitled(rs, rule, procedure, members, requested_by, window)
    reader = _Reader(rs, rule, procedure, members, window, circulated, entitled)
    if entitled is not None:
        after = rule.after_event
        names = ", ".join(entitled.values()) or "none"
        trace.append(Step(rule.id, after.cite.label(), f"after {reader.event_words()} ({circulated}), only {after.only} may still give "
                                                         f"{' or '.join(repr(a) for a in after.answers)}: {names}"))

    excluded: list[dict] = []
    valid: list[Counted] = []
    rows_read = 0
    for reply in replies:
        rows_read += 1
        got = reader.read(reply)
        if isinstance(got, str):
            excluded.append({"row": reply.row, "member_state": reply.member_state, "answer": reply.answer, "reason": str(got),
                             "unreadable": isinstance(got, Unreadable)})
        else:
            valid.append(got)

    counted, replaced = _latest(valid, lambda c: c.key)
    superseded = []
    for c, by in replaced:
        superseded.append({"row": c.row, "member_state": c.member_state, "answer": c.answer, "superseded_by": by.row})
        excluded.append({"row": c.row, "member_state": c.member_state, "answer": c.answer, "reason": f"superseded by the later reply on row {by.row}"})
    excluded.sort(key=lambda e: e["row"])

    counts, replies_counted = _count(rule, counted)
    base = electorate_size if cond.of == "electorate" else replies_counted
    if cond.of == "electorate" and replies_counted > base:
        raise InputError(f"{replies_counted} participants replied but --electorate-size is {base}; check the number")
    trace.append(Step(rule.id, cite, f"{rows_read} row(s) read: {len(counted)} counted, {len(excluded)} excluded ({len(superseded)} superseded)"))
    trace.append(Step(rule.id, cite, "counts: " + ", ".join(f"{a} {n}" for a, n in counts.items()) + f"; replies counted: {replies_counted}"))

    passed, share, comparison = _decide(rule, counts, replies_counted, base)
    trace.append(Step(rule.id, cite, f"passes when {threshold_words(cond)}: {comparison}"))
    outcome = rule.on_pass if passed else rule.on_fail
    if replies_counted == 0:
        if rule.when_no_replies == "fail":
            warnings.append("no valid replies were received: nothing passes")
        else:
            holds = "holds" if passed else "does not hold"
            warnings.append(f"no valid replies were received: {threshold_words(cond)} {holds} with none, so the result of silence is {outcome.outcome} ({cite})")
    what_follows = outcome.what_follows
    cites = [cite] + [c.label() for c in rule.also_cites]
    if outcome.cite and outcome.cite.label() not in cites:
        cites.append(outcome.cite.label())
    exceptions = rule.exceptions_for(outcome)
    for x in exceptions:
        if x.when in flags:
            what_follows = x.what_follows
            cites.append(x.cite.label())
            trace.append(Step(rule.id, x.cite.label(), f"exception {x.id} ({x.when}): {x.what_follows}"))
            break
    else:
        for x in exceptions:
            what_follows += f"; if {x.when.replace('-', ' ')}: {x.what_follows.split(': ', 1)[-1]} ({x.cite.label()})"

    others: list[dict] = []
    if rule.abstention and rule.abstention_alternative == "excluded-from-replies" and cond.of == "replies":
        alt_base = replies_counted - counts[rule.abstention]
        other = _reading(rule, "abstentions excluded from the replies", counts, alt_base, alt_base)
        others.append(other)
        if other["outcome"] != outcome.outcome:
            warnings.append(
                f"abstentions matter here: counted among the replies (the reading used) the result is {outcome.outcome}; "
                f"excluded from them it would be {other['outcome']} ({other['comparison']})"
            )
    readings, notes = _input_readings(rule, reader, valid, outcome, electorate_size)
    others += readings
    warnings += notes
    if reader.naive:
        warnings.append(f"received times without an offset were read as {rs.head.time_zone} local time ({_lines(reader.naive)}); "
                        f"add the offset (e.g. +02:00) where a time was recorded elsewhere")
    if reader.participant_ignored:
        warnings.append(f"the participant column is not used: {procedure} counts one answer per member ({cite})")
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
        other_readings=others,
        requested_by=list(entitled.values()) if entitled is not None else None,
    )


def window_rule_cite(rs: Ruleset, rule: TallyRule) -> str:
    return rs.deadlines()[rule.reply_window].cite.label()
