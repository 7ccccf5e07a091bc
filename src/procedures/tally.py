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
from procedures.output import count as count_words
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


class _Record:
    """A small result record that reads like the dict it is written as: ``r["reason"]``, ``r.get("unreadable")``."""

    def as_dict(self) -> dict:
        raise NotImplementedError

    def __getitem__(self, key: str):
        return self.as_dict()[key]

    def get(self, key: str, default=None):
        return self.as_dict().get(key, default)


@dataclass(frozen=True)
class Excluded(_Record):
    """A reply row not counted, and why."""

    row: int
    member_state: str
    answer: str
    reason: str
    #: True: the row cannot be read (the tally is provisional); False: the rules exclude it; None: superseded.
    unreadable: bool | None = None

    def as_dict(self) -> dict:
        out = {"row": self.row, "member_state": self.member_state, "answer": self.answer, "reason": self.reason}
        return out if self.unreadable is None else out | {"unreadable": self.unreadable}


@dataclass(frozen=True)
class Superseded(_Record):
    """An answer replaced by a later one of the same respondent."""

    row: int
    member_state: str
    answer: str
    superseded_by: int

    def as_dict(self) -> dict:
        return {"row": self.row, "member_state": self.member_state, "answer": self.answer, "superseded_by": self.superseded_by}


@dataclass(frozen=True)
class ReplyWindow(_Record):
    """The reply window replies were placed in: opened on the event's date, closing at the cut-off."""

    opens: dt.date
    closes: dt.date
    cutoff: dt.datetime
    cite: str

    def as_dict(self) -> dict:
        return {"opens": self.opens.isoformat(), "closes": self.closes.isoformat(), "cutoff": self.cutoff.isoformat(), "cite": self.cite}


@dataclass(frozen=True)
class OtherReading(_Record):
    """The outcome under another reading of the text or of the input (SEMANTICS § 6)."""

    reading: str
    replies_counted: int
    share: Fraction | None
    outcome: str
    comparison: str

    def as_dict(self) -> dict:
        return {"reading": self.reading, "replies_counted": self.replies_counted,
                "share": fraction_text(self.share) if self.share is not None else None,
                "outcome": self.outcome, "comparison": self.comparison}


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
    window: ReplyWindow | None
    counted: list[Counted]
    excluded: list[Excluded]
    superseded: list[Superseded]
    cite: list[str]
    rows_read: int
    trace: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Other readings of the text or of the input, each with the outcome it gives (SEMANTICS § 6).
    other_readings: list[OtherReading] = field(default_factory=list)
    #: Those who may still answer after the window event, as given (None: the input does not say).
    requested_by: list[str] | None = None

    @property
    def other_reading(self) -> OtherReading | None:
        return self.other_readings[0] if self.other_readings else None

    @property
    def provisional(self) -> bool:
        """Some rows could not be read: the outcome counts without them and may change once they are corrected."""
        return any(e.unreadable for e in self.excluded)

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
            "threshold": _threshold_dict(cond, self.base),
            "comparison": self.comparison,
            "window": self.window.as_dict() if self.window else None,
            "requested_by": self.requested_by,
            "counted": [_counted_dict(c) for c in self.counted],
            "provisional": self.provisional,
            "unreadable_rows": [e.row for e in self.excluded if e.unreadable],
            "excluded": [e.as_dict() for e in self.excluded],
            "superseded": [s.as_dict() for s in self.superseded],
            "rows_read": self.rows_read,
            "cite": self.cite,
            "modality": self.rule.modality,
            "other_reading": self.other_reading.as_dict() if self.other_reading else None,
            "other_readings": [o.as_dict() for o in self.other_readings],
            "trace": [s.as_dict() for s in self.trace],
            "warnings": self.warnings,
        }


def _threshold_dict(cond: PassCondition, base: int) -> dict:
    return {
        "answer": cond.answer,
        "comparison": cond.comparison(),
        "value": str(getattr(cond, cond.comparison())),
        "of": cond.of,
        "base": base,
        "words": threshold_words(cond),
    }


def _counted_dict(c: Counted) -> dict:
    return ({"row": c.row, "member_state": c.member_state, "answer": c.answer,
             "received": c.received.describe() if c.received else None,
             "assumed_local_time": bool(c.received and c.received.assumed_local)}
            | ({"participant": c.participant} if c.participant else {}))


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
        return f"at least {percent(v)} {base} are '{cond.answer}'"
    if c == "share_more_than":
        return f"more than {percent(v)} {base} are '{cond.answer}'"
    if c == "count_below":
        return f"no reply is '{cond.answer}'" if v == 1 else f"fewer than {v} replies are '{cond.answer}'"
    return f"at least {v} {'reply is' if v == 1 else 'replies are'} '{cond.answer}'"


def check_condition(cond: PassCondition, counts: dict[str, int], base: int) -> tuple[bool, Fraction | None, str]:
    """Apply a pass condition in exact arithmetic; returns (passes, share, the comparison as a sentence)."""
    n = counts.get(cond.answer, 0)
    c = cond.comparison()
    who = _respondents(n, base if cond.of == "electorate" else None, cond.answer, cond.of)
    if c in ("count_below", "count_at_least"):
        limit = int(cond.threshold())
        if c == "count_below":
            ok = n < limit
            return ok, None, f"{who}: fewer than {limit}, as required" if ok else f"{who}: not fewer than {limit}"
        ok = n >= limit
        return ok, None, f"{who}: at least the {limit} required" if ok else f"{who}: fewer than the {limit} required"
    frac = cond.threshold()
    if base == 0:
        nothing = "no replies counted" if cond.of == "replies" else "an electorate of none"
        return False, None, f"{nothing}, so there is no share to take: it fails"
    share = Fraction(n, base)
    ok = _share_passes(c, n, base, frac)
    if c == "share_at_least":
        verdict = "at least" if ok else "less than"
    else:
        verdict = "more than" if ok else "not more than"
    return ok, share, f"{_respondents(n, base, cond.answer, cond.of)}: {percent(share)}, {verdict} the {percent(frac)} required"


def _share_passes(comparison: str, n: int, base: int, frac: Fraction) -> bool:
    """n/base ≥ p/q (or >) in whole numbers: n·q ≥ p·base."""
    lhs, rhs = n * frac.denominator, frac.numerator * base
    return lhs >= rhs if comparison == "share_at_least" else lhs > rhs


def exact_comparison(cond: PassCondition, counts: dict[str, int], base: int) -> str | None:
    """A share's comparison in whole numbers, as checked ("7 × 10 ≥ 7 × 10 (70 ≥ 70)"); None for a count or no base."""
    c = cond.comparison()
    if c not in ("share_at_least", "share_more_than") or base == 0:
        return None
    n, frac = counts.get(cond.answer, 0), cond.threshold()
    lhs, rhs = n * frac.denominator, frac.numerator * base
    ok = _share_passes(c, n, base, frac)
    op = {("share_at_least", True): "≥", ("share_at_least", False): "<",
          ("share_more_than", True): ">", ("share_more_than", False): "≤"}[(c, ok)]
    return f"in whole numbers: {n} × {frac.denominator} {op} {frac.numerator} × {base} ({lhs} {op} {rhs})"


def _respondents(n: int, base: int | None, answer: str, of: str = "replies") -> str:
    """"7 of 10 replies approve", "1 reply objects", "6 of the 11 in the electorate request", "2 replies answer 'no-objection'"."""
    if "-" in answer:
        verb = f"{'answers' if n == 1 else 'answer'} '{answer}'"
    else:
        verb = f"{answer}s" if n == 1 else answer
    if base is None:
        return f"{count_words(n, 'reply', 'replies')} {verb}"
    if of == "electorate":
        return f"{n} of the {base} in the electorate {verb}"
    return f"{n} of {count_words(base, 'reply', 'replies')} {verb}"


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


class _Refused(Exception):
    """A reply row is excluded: ``reason`` says why (an ``Unreadable`` when it cannot be read)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


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
        try:
            if reply.problem:
                raise _Refused(Unreadable(reply.problem))
            member_key, display = self._member(reply)
            key, person, unnamed = self._respondent(reply, member_key)
            answer = self._answer(reply)
            received = self._received(reply)
            standing_unknown = self._in_window(reply, answer, received, member_key, display)
        except _Refused as refused:
            return refused.reason
        return Counted(reply.row, key, display, answer, received, member_key, person, unnamed, standing_unknown)

    def _member(self, reply: Reply) -> tuple[str, str]:
        """The member that answered: its key and its name as shown."""
        who = (reply.member_state or "").strip()
        if not who:
            raise _Refused(Unreadable("no member state named"))
        if self.members is None:
            return normalise(who), who
        member = self.members.find(who)
        if member is None:
            if self.members.ambiguous(who) or self.members.nearest(who):
                raise _Refused(Unreadable(self.members.not_recognised(who)))
            raise _Refused(f"{self.members.not_recognised(who)}: only Member States' replies count")
        return member.code, f"{member.name} ({member.code})"

    def _respondent(self, reply: Reply, member_key: str) -> tuple[str, str | None, bool]:
        """The key one answer is kept per (a member, or a participant of it), the person, and whether the file names none."""
        person = (reply.participant or "").strip() or None
        if self.rule.one_answer_per == "participant":
            return (f"{member_key}\x1f{normalise(person)}", person, False) if person else (f"\x1frow {reply.row}", None, True)
        if person:
            self.participant_ignored = True
        return member_key, None, False

    def _answer(self, reply: Reply) -> str:
        answer = self.answers.get(term(reply.answer or ""))
        if answer is None:
            from procedures.vocabulary import did_you_mean

            near = did_you_mean(term(reply.answer or ""), list(self.answers))
            raise _Refused(Unreadable(f"unknown answer '{reply.answer}'{near}; answers for {self.procedure}: {', '.join(self.rule.answers)}"))
        return answer

    def _received(self, reply: Reply) -> Received | None:
        if not (reply.received and reply.received.strip()):
            return None
        try:
            received = parse_received(reply.received, self.rs.head.time_zone, "received")
        except ProceduresError as exc:
            raise _Refused(Unreadable(str(exc))) from None
        if received.assumed_local:
            self.naive.append(reply.row)
        return received

    def _in_window(self, reply: Reply, answer: str, received: Received | None, member_key: str, display: str) -> bool:
        """Refuses a reply outside the window; True when it is after the window event from someone the input does not name."""
        if self.window is None:
            return False
        if received is None:
            raise _Refused(Unreadable("no received date: it cannot be placed in the reply window"))
        self._timely(received)
        after = self.rule.after_event
        if not (after and answer in after.answers and received.day > self.opened):
            return False
        return self._may_still_answer(reply, received, member_key, display)

    def _timely(self, received: Received) -> None:
        """Refuses a reply received before the circular (where the rule says so) or after the window closed."""
        rule, window = self.rule, self.window
        if rule.exclude_before_window and received.day < self.opened:
            raise _Refused(f"received {received.describe()}, before the circular of {self.opened}")
        late = received.day > window.date if received.moment is None else received.moment >= window.ends
        if late:
            raise _Refused(f"received {received.describe()}, after the reply window closed on {window.cutoff:%Y-%m-%d %H:%M:%S %Z} ({window.cite})")

    def _may_still_answer(self, reply: Reply, received: Received, member_key: str, display: str) -> bool:
        """After the window event: refused from one not entitled; True when the input does not say who is."""
        if self.entitled is None:
            return True
        if member_key not in self.entitled:
            after = self.rule.after_event
            raise _Refused(f"'{reply.answer.strip()}' received {received.describe()}, after {self.event_words()} ({self.opened}): only "
                           f"{after.only} may still give it ({after.cite.label()}), and {display} is not among them")
        return False

    def event_words(self) -> str:
        return _event_words(self.rs, self.rule)


def _event_words(rs: Ruleset, rule: TallyRule) -> str:
    """The window event in words ("the last day of the meeting")."""
    event = rs.spec.events.get(rule.window_event or "")
    return event.summary if event else str(rule.window_event)


# --- the stages: admit → keep each respondent's latest → count → decide → other readings ----------------------


@dataclass(frozen=True)
class Admitted:
    """Every row read: the answers that may count, and the rows excluded with their reasons."""

    valid: list[Counted]
    excluded: list[Excluded]
    rows_read: int


@dataclass(frozen=True)
class Kept:
    """Each respondent's latest answer, the answers it replaced, and every row excluded (by line)."""

    counted: list[Counted]
    superseded: list[Superseded]
    excluded: list[Excluded]


@dataclass(frozen=True)
class Count:
    counts: dict[str, int]
    replies_counted: int
    #: What a share is taken of: the replies counted, or the electorate.
    base: int


@dataclass(frozen=True)
class Decision:
    passed: bool
    share: Fraction | None
    comparison: str
    outcome: Outcome
    #: The share's comparison in whole numbers, as checked (None: a count, or no comparison made).
    exact: str | None = None


def admit(reader: _Reader, replies: Iterable[Reply]) -> Admitted:
    """Read every row: counted, or excluded with the reason (unreadable, or excluded by the rules)."""
    excluded: list[Excluded] = []
    valid: list[Counted] = []
    rows_read = 0
    for reply in replies:
        rows_read += 1
        got = reader.read(reply)
        if isinstance(got, str):
            excluded.append(Excluded(reply.row, reply.member_state, reply.answer, str(got), isinstance(got, Unreadable)))
        else:
            valid.append(got)
    return Admitted(valid, excluded, rows_read)


def keep_latest(admitted: Admitted) -> Kept:
    """One answer per respondent: the latest; those it replaced are excluded as superseded."""
    counted, replaced = _latest(admitted.valid, lambda c: c.key)
    superseded = [Superseded(c.row, c.member_state, c.answer, by.row) for c, by in replaced]
    excluded = admitted.excluded + [Excluded(c.row, c.member_state, c.answer, f"superseded by the later reply on row {by.row}")
                                    for c, by in replaced]
    return Kept(counted, superseded, sorted(excluded, key=lambda e: e.row))


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


def count(rule: TallyRule, counted: list[Counted], electorate_size: int | None) -> Count:
    """The answers counted, and the base a share is taken of."""
    counts, replies_counted = _count(rule, counted)
    if rule.passes_when.of != "electorate":
        return Count(counts, replies_counted, replies_counted)
    if replies_counted > electorate_size:
        raise InputError(f"{replies_counted} participants replied but --electorate-size is {electorate_size}; check the number")
    return Count(counts, replies_counted, electorate_size)


def _decide(rule: TallyRule, counts: dict[str, int], replies_counted: int, base: int) -> tuple[bool, Fraction | None, str]:
    """The pass condition, and with no valid reply the rule's when_no_replies (SEMANTICS § 3)."""
    passed, share, comparison = check_condition(rule.passes_when, counts, base)
    if replies_counted == 0 and rule.when_no_replies == "fail":
        return False, share, "no valid replies were received: nothing passes"
    return passed, share, comparison


def decide(rule: TallyRule, n: Count) -> Decision:
    """The outcome: the rule's pass condition on the counts."""
    passed, share, comparison = _decide(rule, n.counts, n.replies_counted, n.base)
    silent_fail = n.replies_counted == 0 and rule.when_no_replies == "fail"
    exact = None if silent_fail else exact_comparison(rule.passes_when, n.counts, n.base)
    return Decision(passed, share, comparison, rule.on_pass if passed else rule.on_fail, exact)


def _silence_warnings(rule: TallyRule, n: Count, d: Decision) -> list[str]:
    """With no valid reply, what silence gives and why."""
    if n.replies_counted:
        return []
    if rule.when_no_replies == "fail":
        return ["no valid replies were received: nothing passes"]
    holds = "holds" if d.passed else "does not hold"
    return [f"no valid replies were received: {threshold_words(rule.passes_when)} {holds} with none, "
            f"so the result of silence is {d.outcome.outcome} ({rule.cite.label()})"]


def _what_follows(rule: TallyRule, outcome: Outcome, flags: frozenset[str]) -> tuple[str, list[str], list[Step]]:
    """What follows from the outcome (as changed by an exception that holds), the paragraphs cited, and the trace."""
    cites = [rule.cite.label()] + [c.label() for c in rule.also_cites]
    if outcome.cite and outcome.cite.label() not in cites:
        cites.append(outcome.cite.label())
    exceptions = rule.exceptions_for(outcome)
    for x in exceptions:
        if x.when in flags:
            return x.what_follows, cites + [x.cite.label()], [Step(rule.id, x.cite.label(), f"exception {x.id} ({x.when}): {x.what_follows}")]
    what_follows = outcome.what_follows
    for x in exceptions:
        what_follows += f"; if {x.when.replace('-', ' ')}: {x.what_follows.split(': ', 1)[-1]} ({x.cite.label()})"
    return what_follows, cites, []


def _reading(rule: TallyRule, label: str, counts: dict[str, int], replies_counted: int, base: int) -> OtherReading:
    passed, share, comparison = _decide(rule, counts, replies_counted, base)
    return OtherReading(label, replies_counted, share, (rule.on_pass if passed else rule.on_fail).outcome, comparison)


def _recount(rule: TallyRule, label: str, answers: list[Counted], key, electorate_size: int | None) -> OtherReading:
    """The outcome of another reading of the input: these answers, one per ``key``."""
    counts, n = _count(rule, _latest(answers, key)[0])
    return _reading(rule, label, counts, n, electorate_size if rule.passes_when.of == "electorate" else n)


def _changes(other: OtherReading, outcome: Outcome) -> str:
    return f"it would be {other.outcome} ({other.comparison})" if other.outcome != outcome.outcome else "it would be the same"


def _abstention_reading(rule: TallyRule, n: Count, outcome: Outcome) -> tuple[list[OtherReading], list[str]]:
    """Abstentions taken out of the replies (SEMANTICS § 3), where the rule says the text admits it."""
    if not (rule.abstention and rule.abstention_alternative == "excluded-from-replies" and rule.passes_when.of == "replies"):
        return [], []
    alt_base = n.replies_counted - n.counts[rule.abstention]
    other = _reading(rule, "abstentions excluded from the replies", n.counts, alt_base, alt_base)
    if other.outcome == outcome.outcome:
        return [other], []
    return [other], [f"abstentions matter here: counted among the replies (the reading used) the result is {outcome.outcome}; "
                     f"excluded from them it would be {other.outcome} ({other.comparison})"]


def _standing_reading(rule: TallyRule, reader: _Reader, valid: list[Counted], outcome: Outcome,
                      electorate_size: int | None) -> tuple[list[OtherReading], list[str]]:
    """Answers after the window event from someone the input does not name (§ 7.3.5.2): counted, and the reading without them."""
    unknown = [c for c in valid if c.standing_unknown]
    if not unknown:
        return [], []
    after, event = rule.after_event, reader.event_words()
    other = _recount(rule, f"none of the answers after {event} from {after.only}", [c for c in valid if not c.standing_unknown],
                     lambda c: c.key, electorate_size)
    return [other], [
        f"the input cannot tell which answers come from {after.only} ({after.cite.label()}): {len(unknown)} "
        f"{' or '.join(repr(a) for a in after.answers)} after {event} ({_lines([c.row for c in unknown])}) counted as if "
        f"from them (the reading used; give --requested-by to say who asked, or 'none'); if none were, {_changes(other, outcome)}"
    ]


def _delegation_reading(rule: TallyRule, valid: list[Counted], outcome: Outcome,
                        electorate_size: int | None) -> tuple[list[OtherReading], list[str]]:
    """A file that names delegations, not participants, where a delegation answers more than once (§ 4.2.2.2)."""
    unnamed = [c for c in valid if c.unnamed]
    if len({c.member_key for c in unnamed}) == len(unnamed):
        return [], []
    repeated = [c.row for c in unnamed if sum(d.member_key == c.member_key for d in unnamed) > 1]
    other = _recount(rule, "one answer per delegation", valid, lambda c: c.member_key, electorate_size)
    return [other], [
        f"the file names delegations, not participants: {len(repeated)} answers come from delegations named more than once "
        f"({_lines(repeated)}) and count as separate participants (the reading used: {rule.cite.label()} counts people; add a "
        f"participant column to tell); counting one answer per delegation, {_changes(other, outcome)}"
    ]


def other_readings(rule: TallyRule, reader: _Reader, valid: list[Counted], n: Count, outcome: Outcome,
                   electorate_size: int | None) -> tuple[list[OtherReading], list[str]]:
    """The other readings of the text and of the input (SEMANTICS § 3, § 6), and a warning where one changes the outcome."""
    readings: list[OtherReading] = []
    notes: list[str] = []
    for found, said in (_abstention_reading(rule, n, outcome), _standing_reading(rule, reader, valid, outcome, electorate_size),
                        _delegation_reading(rule, valid, outcome, electorate_size)):
        readings += found
        notes += said
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


def _check_electorate(rule: TallyRule, procedure: str, electorate_size: int | None) -> None:
    if rule.passes_when.of == "electorate" and electorate_size is None:
        raise InputError(f"procedure '{procedure}' compares with the whole electorate ({rule.electorate}); give --electorate-size N")
    if electorate_size is not None and electorate_size < 0:
        raise InputError("--electorate-size must be zero or more")


def _open_window(rs: Ruleset, rule: TallyRule, procedure: str, circulated: dt.date | None) -> tuple[Deadline | None, list[str]]:
    """The reply window from the circular's date, or a warning that replies are not checked against it."""
    if circulated is not None:
        if not rule.reply_window:
            raise InputError(f"procedure '{procedure}' has no reply window (a vote at the meeting); leave out --circulated")
        return evaluate(rs, rule.reply_window, {rule.window_event: circulated}), []
    if rule.reply_window:
        return None, [f"no --circulated date: reply dates were not checked against the reply window of {window_rule_cite(rs, rule)}"]
    return None, []


def _entitled_step(rule: TallyRule, reader: _Reader) -> list[Step]:
    if reader.entitled is None:
        return []
    after = rule.after_event
    names = ", ".join(reader.entitled.values()) or "none"
    return [Step(rule.id, after.cite.label(), f"after {reader.event_words()} ({reader.opened}), only {after.only} may still give "
                                              f"{' or '.join(repr(a) for a in after.answers)}: {names}")]


def _count_steps(rule: TallyRule, admitted: Admitted, kept: Kept, n: Count, d: Decision) -> list[Step]:
    cite = rule.cite.label()
    return [
        Step(rule.id, cite, f"{count_words(admitted.rows_read, 'row', 'rows')} read: {len(kept.counted)} counted, {len(kept.excluded)} excluded "
                            f"({len(kept.superseded) or 'none'} superseded)"),
        Step(rule.id, cite, "counts: " + ", ".join(f"{a} {k}" for a, k in n.counts.items()) + f"; replies counted: {n.replies_counted}"),
        Step(rule.id, cite, f"passes when {threshold_words(rule.passes_when)}: {d.comparison}"),
    ] + ([Step(rule.id, cite, d.exact)] if d.exact else [])


def _reader_warnings(rs: Ruleset, rule: TallyRule, procedure: str, reader: _Reader, d: Decision) -> list[str]:
    """What the reading of the rows assumed, and advice that is not a bar."""
    warnings: list[str] = []
    if reader.naive:
        warnings.append(f"received times without an offset were read as {rs.head.time_zone} local time ({_lines(reader.naive)}); "
                        f"add the offset (e.g. +02:00) where a time was recorded elsewhere")
    if reader.participant_ignored:
        warnings.append(f"the participant column is not used: {procedure} counts one answer per member ({rule.cite.label()})")
    if rule.modality == "should" and not d.passed:
        warnings.append(f"{rule.cite.label()} is advice ('should'): {rule.on_fail.outcome} is a warning, not a bar")
    return warnings


def tally(
    rs: Ruleset,
    procedure: str,
    replies: Iterable[Reply],
    circulated: dt.date | None = None,
    electorate_size: int | None = None,
    flags: frozenset[str] = frozenset(),
    requested_by: Sequence[str] | None = None,
) -> TallyResult:
    """Count replies into the procedure's outcome: admit → keep each respondent's latest → count → decide → other readings.

    ``requested_by`` names those who may still give the rule's restricted
    answers after the window event (§ 7.3.5.2: the delegations that asked for
    more time at the meeting); an empty list says nobody did, None that the
    input does not say.
    """
    rule = find_rule(rs, procedure)
    _check_electorate(rule, procedure, electorate_size)
    window, warnings = _open_window(rs, rule, procedure, circulated)
    members = rs.members if rule.electorate != "participants" else None
    entitled = _resolve_entitled(rs, rule, procedure, members, requested_by, window)
    reader = _Reader(rs, rule, procedure, members, window, circulated, entitled)

    admitted = admit(reader, replies)
    kept = keep_latest(admitted)
    n = count(rule, kept.counted, electorate_size)
    d = decide(rule, n)
    what_follows, cites, exception_steps = _what_follows(rule, d.outcome, flags)
    readings, notes = other_readings(rule, reader, admitted.valid, n, d.outcome, electorate_size)

    trace = (window.trace if window else []) + _entitled_step(rule, reader) + _count_steps(rule, admitted, kept, n, d) + exception_steps
    warnings += _silence_warnings(rule, n, d) + notes + _reader_warnings(rs, rule, procedure, reader, d)
    return TallyResult(
        procedure=procedure, rule=rule, outcome=d.outcome, what_follows=what_follows, counts=n.counts,
        replies_counted=n.replies_counted, base=n.base, share=d.share, passed=d.passed, comparison=d.comparison,
        window=ReplyWindow(circulated, window.date, window.cutoff, window.cite) if window else None,
        counted=kept.counted, excluded=kept.excluded, superseded=kept.superseded, cite=cites, rows_read=admitted.rows_read,
        trace=trace, warnings=warnings, other_readings=readings,
        requested_by=list(entitled.values()) if entitled is not None else None,
    )


def window_rule_cite(rs: Ruleset, rule: TallyRule) -> str:
    return rs.deadlines()[rule.reply_window].cite.label()
