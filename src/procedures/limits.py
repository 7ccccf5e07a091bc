"""Checking a number against a limit rule: pages, posts, Questions, years, absences."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from procedures.errors import InputError
from procedures.loader import Ruleset
from procedures.models import SEVERITY, LimitRule



@dataclass
class LimitResult:
    rule: LimitRule
    value: Fraction
    at_most: int | None
    at_least: int | None
    within: bool
    severity: str
    message: str
    cite: list[str]
    exception: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule.id, "quantity": self.rule.quantity, "unit": self.rule.unit,
            "value": str(self.value), "at_most": self.at_most, "at_least": self.at_least,
            "within": self.within, "severity": self.severity, "modality": self.rule.modality,
            "message": self.message, "cite": self.cite, "exception": self.exception, "warnings": self.warnings,
        }


def parse_value(text: str) -> Fraction:
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError, AttributeError):
        raise InputError(f"--value '{text}' is not a number; e.g. 7 or 1.5") from None
    if value < 0:
        raise InputError(f"--value {text} is negative; a count cannot be")
    return value


def check_limit(rs: Ruleset, rule_id: str, value: Fraction, flags: frozenset[str] = frozenset()) -> LimitResult:
    rule = rs.rules.get(rule_id)
    if not isinstance(rule, LimitRule):
        limits = [r.id for r in rs.of_kind(LimitRule)]
        raise InputError(f"'{rule_id}' is not a limit rule; limits: {', '.join(limits)}")
    at_most, at_least = rule.at_most, rule.at_least
    cites = [c.label() for c in rule.cites()]
    used = None
    for x in rule.exception:
        if x.when in flags:
            at_most, at_least, used = x.at_most, x.at_least, x
            cites.append(x.cite.label())
            break
    unknown = flags - {x.when for x in rule.exception}
    warnings = [f"--when {w} does not apply to {rule.id}" for w in sorted(unknown)]
    over = at_most is not None and value > at_most
    under = at_least is not None and value < at_least
    within = not (over or under)
    bound = " and ".join(b for b in (f"at least {at_least}" if at_least is not None else "", f"at most {at_most}" if at_most is not None else "") if b) or "no bound"
    shown = f"{value} {rule.unit}" if value.denominator != 1 else f"{value.numerator} {rule.unit}"
    if within:
        severity = "ok"
        message = f"{shown}: within {bound}" if bound != "no bound" else f"{shown}: allowed, the exception lifts the bound"
        if used:
            message += f" ({used.summary.lower()}: {used.modality})"
    else:
        severity = SEVERITY[rule.modality]
        message = f"{shown}: {'more' if over else 'fewer'} than allowed ({bound}) — {rule.summary.lower()}"
        if rule.otherwise:
            message += f"; {rule.otherwise}"
        if rule.exception and not used:
            message += "; exceptions: " + "; ".join(f"--when {x.when} ({x.cite.label()})" for x in rule.exception)
    return LimitResult(rule, value, at_most, at_least, within, severity, message, cites, used.id if used else None, warnings)
