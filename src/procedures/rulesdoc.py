"""Rules in plain words: listing rows and a readable description of one rule."""

from __future__ import annotations

from procedures.loader import Ruleset
from procedures.models import DeadlineRule, FrequencyRule, LimitRule, Offset, Rule, TallyRule, TiersRule, WindowRule


def kind_of(rule: Rule) -> str:
    return {DeadlineRule: "deadline", TiersRule: "tiers", TallyRule: "tally", WindowRule: "window", FrequencyRule: "frequency", LimitRule: "limit"}[type(rule)]


def rule_rows(rs: Ruleset) -> list[dict]:
    ordered = sorted(rs.rules.values(), key=lambda r: (r.cite.sort_key(), r.id))
    return [
        {
            "ruleset": rs.id,
            "id": r.id,
            "kind": kind_of(r),
            "cite": r.cite.label(),
            "modality": r.modality,
            "applies_to": r.applies_to,
            "summary": r.summary,
            "file": rs.files[r.id],
        }
        for r in ordered
    ]


def offset_words(rs: Ruleset, offset: Offset, anchor: str) -> str:
    """'45 calendar days before the meeting opens, end of day Geneva time'."""
    what = rs.spec.events[anchor].summary if anchor in rs.spec.events else f"the date of rule {anchor}"
    words = f"{offset.describe()} {what}"
    if offset.unit == "months":
        words += " (same day number; " + ("a missing day becomes the month's last day)" if offset.month_end == "clip" else "a missing day is an error)")
    if offset.unit == "working-days":
        words += " (counting from the next day; weekends and ITU closures skipped)"
    return words


def describe_rule(rs: Ruleset, rule: Rule) -> str:
    lines = [
        f"{rule.id}  [{kind_of(rule)}]",
        f"  paragraph:  {', '.join(c.label() for c in rule.cites())}",
        f"  modality:   {rule.modality}",
        f"  applies to: {', '.join(rule.applies_to)}",
        f"  summary:    {rule.summary}",
        f"  file:       {rs.files[rule.id]}",
    ]
    if isinstance(rule, DeadlineRule):
        lines.append(f"  when:       {offset_words(rs, rule.offset, rule.anchor)}; the day ends {rs.head.cutoff} {rs.head.time_zone}")
        lines.append(f"  non-working day: {rule.non_working_day.replace('-', ' ')}")
        if rule.only_if:
            lines.append(f"  only if:    {rs.spec.conditions[rule.only_if]}")
    elif isinstance(rule, TiersRule):
        lines.append(f"  purposes:   {', '.join(rule.purposes)}")
        for t in rule.tier:
            bound = f"until the date of {t.until}" if t.until else (f"before {t.before}" if t.before else "otherwise")
            lines.append(f"  tier {t.status}: {bound} — {t.what_follows} ({t.cite.label()})")
        for x in rule.exception:
            lines.append(f"  exception {x.id}: when {x.when}, {'/'.join(x.overrides)} becomes {x.status} ({x.cite.label()}, {x.modality})")
    elif isinstance(rule, TallyRule):
        pc = rule.passes_when
        lines.append(f"  electorate: {rule.electorate}; answers: {', '.join(rule.answers)}; counted: {', '.join(rule.counted)}")
        lines.append(f"  passes when: {pc.answer} {pc.comparison().replace('_', ' ')} {getattr(pc, pc.comparison())}")
        lines.append(f"  on pass: {rule.on_pass.outcome}; on fail: {rule.on_fail.outcome}")
        if rule.reply_window:
            lines.append(f"  reply window closes: {rule.reply_window}")
    if rule.note:
        lines.append(f"  note:       {rule.note}")
    return "\n".join(lines)
