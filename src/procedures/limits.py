"""Checking a value against a limit or role rule's bounds: pages, posts, Questions, absences, dates.

One judgement (``judge``) serves every check: a number against the rule's
bounds, as changed by the exception that applies, with the comparison spelt
out and the paragraphs cited. ``check_limit`` checks one number against one
rule; ``check_interval`` checks that a date comes late enough after another
(§ 7.1.2). Page limits by document type are in ``documents``, counts from an
appointments list in ``appointments``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from procedures.errors import InputError
from procedures.findings import unit_words
from procedures.loader import Ruleset
from procedures.models import SEVERITY, BoundedRule, IntervalRule, LimitException, LimitRule, RoleRule


@dataclass
class LimitResult:
    rule: BoundedRule | IntervalRule
    value: Fraction | dt.date
    at_most: int | dt.date | None
    at_least: int | dt.date | None
    within: bool
    severity: str
    message: str
    cite: list[str]
    #: The comparison made, e.g. "7 > 5" or "2027-03-01 < 2028-05-10 (2026-05-10 + 24 month(s))".
    comparison: str
    exception: str | None = None
    #: What the author or member concerned can do; given when the bound is not kept.
    remedy: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: Who or what was counted (a person, a study group and organization), for role rules.
    subject: str | None = None

    def as_dict(self) -> dict:
        return {
            "rule": self.rule.id, "subject": self.subject, "quantity": self.rule.quantity, "unit": self.rule.unit,
            "value": str(self.value), "at_most": _plain(self.at_most), "at_least": _plain(self.at_least),
            "within": self.within, "severity": self.severity, "modality": self.rule.modality,
            "message": self.message, "comparison": self.comparison, "cite": self.cite,
            "exception": self.exception, "remedy": self.remedy, "warnings": self.warnings,
        }

    def line(self) -> str:
        """One line for a text report: severity, message, paragraphs and modality."""
        text = f"{self.severity.upper()}: {self.message} ({', '.join(self.cite)}, {self.rule.modality})."
        if self.remedy:
            text += f"\n  what can be done: {self.remedy}"
        return text


def _plain(v):
    return v.isoformat() if isinstance(v, dt.date) else v


#: The longest number accepted (digits, point or slash included): a count of pages is never longer.
MAX_NUMBER_CHARS = 15


def parse_value(text: str, option: str = "--value") -> Fraction:
    text = str(text)
    given = text.strip()
    if len(given) > MAX_NUMBER_CHARS or not text.isascii() or "e" in text.lower():
        raise InputError(f"{option} '{text[:20]}{'…' if len(text) > 20 else ''}' is not a number of at most {MAX_NUMBER_CHARS} characters; e.g. 7 or 1.5")
    try:
        value = Fraction(given)
    except (ValueError, ZeroDivisionError, AttributeError):
        raise InputError(f"{option} '{text}' is not a number; e.g. 7 or 1.5") from None
    if given.startswith("-"):  # every negative value, and -0: a count is written without a sign
        raise InputError(f"{option} {text} is negative; a count cannot be")
    if given.startswith("+"):
        raise InputError(f"{option} '{text}' has a sign; write the count without it, e.g. {given[1:] or 7}")
    return value


def parse_count(text: str, option: str, least: int = 0) -> int:
    """A whole number of pages, posts or Questions, from the command line or a form."""
    from procedures.inputs import parse_whole

    value = parse_whole(text, option)
    if value < least:
        raise InputError(f"{option} {value} is below {least}; give a count of {least} or more")
    return value


def _exception_for(rule: BoundedRule, flags: frozenset[str]) -> LimitException | None:
    for x in rule.exceptions():
        if x.when in flags:
            return x
    return None


def exception_words(rule: BoundedRule) -> str:
    return "; ".join(f"{_lc(x.summary)} ({x.cite.label()}, {x.modality})" for x in rule.exceptions())


def judge(rule: BoundedRule, value: Fraction, flags: frozenset[str] = frozenset(),
          inputs: dict[str, int] | None = None, subject: str | None = None, detail: str = "",
          other_value: Fraction | None = None, other_detail: str = "") -> LimitResult:
    """A number against the rule's bounds, or those of the exception that applies.

    An exception that grows the bound (``adds_at_most``) reads its previous value
    from ``inputs``; without it, the previous value is taken to be within the
    rule's own bound, and a warning says so. ``other_value`` is the count under
    the rule's other reading when that reading counts differently (role rules'
    ``not_counted``); the other reading is shown when it gives another answer.
    A threshold (``threshold = true``) crossed is a note, not a fault.
    """
    used = _exception_for(rule, flags)
    cites = [c.label() for c in rule.cites()] + ([used.cite.label()] if used else [])
    at_most, at_least, bound_note, warnings = _bounds(rule, used, inputs)
    over, under = _outside(value, at_least, at_most)
    kept = not (over or under)
    shown = f"{_num(value)} {unit_words(value, rule.unit)}"
    warnings += _exception_reading(rule, used, value, kept, shown)
    warnings += _other_reading(rule, value, kept, other_value, detail if other_value is None else other_detail) if not used else []
    lead = f"{subject}: {shown}{detail}" if subject else f"{shown}{detail}"
    severity, message = _verdict(rule, used, lead, over, under, at_most, _bound_words(at_least, at_most), bound_note)
    return LimitResult(rule, value, at_most, at_least, getattr(rule, "threshold", False) or kept, severity, message, _unique(cites),
                       _comparison(value, at_most, at_least, over, under),
                       used.id if used else None, None if kept else rule.remedy, warnings, subject)


def _outside(value, at_least, at_most) -> tuple[bool, bool]:
    """(over, under): the value above the upper bound, below the lower one."""
    return at_most is not None and value > at_most, at_least is not None and value < at_least


def _exception_reading(rule: BoundedRule, used: LimitException | None, value: Fraction, kept: bool, shown: str) -> list[str]:
    """The exception's other reading of its bound, in one warning, when it gives another answer."""
    if used is None or used.other_reading_at_most is None or (value <= used.other_reading_at_most) == kept:
        return []
    verdict = "within it" if value <= used.other_reading_at_most else "more than allowed"
    return [f"other reading ({used.other_reading}): at most {used.other_reading_at_most} {rule.unit}, so {shown} would be {verdict}"]


def _bounds(rule: BoundedRule, used: LimitException | None, inputs: dict[str, int] | None) -> tuple[int | None, int | None, str, list[str]]:
    """The bounds that apply (the rule's, or its exception's), a note on how a grown bound was reached, and warnings."""
    if used is None:
        return rule.at_most, rule.at_least, "", []
    if used.adds_at_most is None:
        return used.at_most, used.at_least, "", []
    previous = (inputs or {}).get(used.added_to)
    base = rule.at_most if previous is None or previous < rule.at_most else previous
    if previous is None:
        warning = f"{used.added_to} not given: taken to be at most {rule.at_most}, so the bound is {rule.at_most} + {used.adds_at_most}"
        return base + used.adds_at_most, None, f" ({rule.at_most} + {used.adds_at_most})", [warning]
    return base + used.adds_at_most, None, f" ({base} {'previous' if base == previous else 'base'} + {used.adds_at_most} added)", []


def _comparison(value: Fraction, at_most: int | None, at_least: int | None, over: bool, under: bool) -> str:
    """The comparison made, in figures: "51 > 50", "2 ≤ 3 and 3 ≤ 3"."""
    if over:
        return f"{_num(value)} > {at_most}"
    if under:
        return f"{_num(value)} < {at_least}"
    parts = [f"{at_least} ≤ {_num(value)}" if at_least is not None else "", f"{_num(value)} ≤ {at_most}" if at_most is not None else ""]
    return " and ".join(p for p in parts if p) or "no bound under the exception"


def _verdict(rule: BoundedRule, used: LimitException | None, lead: str, over: bool, under: bool,
             at_most: int | None, bound: str, bound_note: str) -> tuple[str, str]:
    """The severity and the message: a threshold crossed is a note; a bound missed is the rule's modality's severity."""
    if getattr(rule, "threshold", False):
        if over:
            return "note", f"{lead}: more than {at_most} — {rule.otherwise}"
        return "ok", f"{lead}: at most {at_most} — {_lc(rule.summary)}"
    if not (over or under):
        message = f"{lead}: within {bound}{bound_note}" if bound else f"{lead}: allowed, the exception lifts the bound"
        return "ok", message + (f" — {_lc(used.summary)} ({used.modality})" if used else "")
    why = used.summary if used else rule.summary
    message = f"{lead}: {'more' if over else 'fewer'} than allowed ({bound}{bound_note}) — {_lc(why)}"
    if rule.otherwise:
        message += f"; {rule.otherwise}"
    if rule.exceptions() and not used:
        message += f"; exception: {exception_words(rule)}"
    return SEVERITY[rule.modality], message


def _other_reading(rule: BoundedRule, value: Fraction, kept: bool, other_value: Fraction | None, other_detail: str) -> list[str]:
    """The rule's other reading, in one warning, when it gives another answer than the reading used."""
    reading = rule.other_reading
    if reading is None:
        return []
    if other_value is None and reading.not_counted:
        return []  # a bare number cannot be counted the other way
    least, most = reading.bounds(rule)
    v = value if other_value is None else other_value
    over, under = _outside(v, least, most)
    if (not (over or under)) == kept:
        return []
    bound = _bound_words(least, most)
    verdict = f"{'more' if over else 'fewer'} than allowed ({bound})" if over or under else f"within {bound}"
    return [f"other reading ({reading.summary}): {_num(v)} {unit_words(v, rule.unit)}{other_detail}, which would be {verdict}"]


def _lc(text: str) -> str:
    """A summary inside a sentence: first letter lowered; acronyms (WTDC) and later capitals kept."""
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _num(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(value)


def _bound_words(at_least, at_most) -> str:
    return " and ".join(b for b in (f"at least {at_least}" if at_least is not None else "",
                                    f"at most {at_most}" if at_most is not None else "") if b)


def unknown_flags(rules: list[BoundedRule], flags: frozenset[str]) -> list[str]:
    """--when flags must be circumstances an exception of these rules names: another is refused (one line, the nearest
    one named), never a warning after an answer computed without it. Returns no warning (kept for its callers)."""
    from procedures.vocabulary import did_you_mean

    known = sorted({x.when for r in rules for x in r.exceptions()})
    for w in sorted(flags - set(known)):
        to = ", ".join(r.id for r in rules)
        raise InputError(f"--when {w} does not apply to {to}{did_you_mean(w, known)}; "
                         + (f"use one of: {', '.join(known)}" if known else "these rules name no circumstance"))
    return []


def check_limit(rs: Ruleset, rule_id: str, value: Fraction, flags: frozenset[str] = frozenset()) -> LimitResult:
    """One number against one limit or role rule (e.g. 'procedures limit')."""
    rule = rs.rules.get(rule_id)
    if isinstance(rule, IntervalRule):
        raise InputError(f"{rule_id} compares two dates ({rule.interval_from}, {rule.interval_to}), not a number; "
                         f"check it with dates, e.g. procedures recommendation check-revision")
    if not isinstance(rule, BoundedRule):
        limits = [r.id for r in rs.of_kind(LimitRule) + rs.of_kind(RoleRule)]
        from procedures.vocabulary import did_you_mean

        raise InputError(f"'{rule_id}' is not a limit or role rule{did_you_mean(rule_id, limits)}; they are: {', '.join(limits)}")
    rule.whole(value)
    result = judge(rule, value, flags)
    result.warnings += unknown_flags([rule], flags)
    return result


@dataclass
class RevisionResult:
    approved: dt.date
    proposed: dt.date
    results: list[LimitResult]

    @property
    def within(self) -> bool:
        return all(r.within for r in self.results)

    def as_dict(self) -> dict:
        return {"approved": self.approved.isoformat(), "proposed": self.proposed.isoformat(), "within": self.within,
                "results": [r.as_dict() for r in self.results]}


def check_revision(lib, approved: dt.date, proposed: dt.date, flags: frozenset[str] = frozenset()) -> RevisionResult:
    """Every interval rule on revising a Recommendation (§ 7.1.2), in the ruleset in force on the proposed date."""
    rs = lib.in_force(proposed)
    results = [check_interval(rs, rule, {rule.interval_from: approved, rule.interval_to: proposed}, flags)
               for rule in interval_rules(rs, "recommendation")]
    return RevisionResult(approved, proposed, results)


def interval_rules(rs: Ruleset, subject: str) -> list[IntervalRule]:
    return [r for r in rs.of_kind(IntervalRule) if subject in r.applies_to]


def check_interval(rs: Ruleset, rule: IntervalRule, dates: dict[str, dt.date], flags: frozenset[str] = frozenset()) -> LimitResult:
    """Whether the later event comes at least ``min_interval`` after the earlier one.

    Both dates inclusive: a revision considered exactly two years after approval
    is not within the two years.
    """
    from procedures.offsets import shift

    first, then = dates[rule.interval_from], dates[rule.interval_to]
    if then < first:
        raise InputError(f"{rule.interval_to} {then} is before {rule.interval_from} {first}; check the dates")
    earliest, how = shift(first, rule.min_interval, rs.head.day_counting, rs.calendar)
    cites = [c.label() for c in rule.cites()]
    used = _exception_for(rule, flags)
    later, earlier = rs.spec.words(rule.interval_to), rs.spec.words(rule.interval_from)
    span = f"{rule.min_interval.describe()} {earlier} on {first}"
    if then >= earliest:
        severity, within = "ok", True
        comparison = f"{then} ≥ {earliest} ({how})"
        message = f"{later} on {then} is on or after {earliest} ({span})"
    elif used:
        cites.append(used.cite.label())
        severity, within = "ok", True
        comparison = f"{then} < {earliest} ({how}); exception {used.when}"
        message = f"{later} on {then} is before {earliest} ({span}), but {_lc(used.summary)} ({used.modality})"
    else:
        severity, within = SEVERITY[rule.modality], False
        comparison = f"{then} < {earliest} ({how})"
        message = f"{later} on {then} is before {earliest} ({span}) — {_lc(rule.summary)}"
        if rule.exception:
            message += f"; exception: {exception_words(rule)}"
    result = LimitResult(rule, then, None, earliest, within, severity, message, _unique(cites), comparison,
                         used.id if used and then < earliest else None, None if within else rule.remedy)
    result.warnings += unknown_flags([rule], flags)
    return result
