"""Rules in plain words: listing rows, one rule described, and the generated rule reference."""

from __future__ import annotations

from pathlib import Path

from procedures.findings import unit_words
from procedures.loader import Ruleset
from procedures.vocabulary import VALUE
from procedures.models import (
    DeadlineRule,
    FrequencyRule,
    LimitRule,
    RoleRule,
    Offset,
    Rule,
    TallyRule,
    TiersRule,
    WindowRule,
)



def kind_of(rule: Rule) -> str:
    return rule.KIND


def relative_file(rs: Ruleset, rule_id: str) -> str:
    """The rule's file, relative to the rules folder's parent (e.g. rules/res1-.../section-4-documents.toml)."""
    path = Path(rs.files[rule_id])
    root = rs.folder.parent
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


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
            "file": relative_file(rs, r.id),
        }
        for r in ordered
    ]


def offset_words(rs: Ruleset, offset: Offset, anchor: str) -> str:
    """'45 calendar days before the first day of the meeting'."""
    what = rs.spec.events[anchor].summary if anchor in rs.spec.events else f"the date of rule {anchor}"
    words = f"{offset.describe()} {what}" if offset.amount else f"on {what}"
    if offset.unit == "months":
        words += " (same day number; " + ("a day the month lacks becomes its last day)" if offset.month_end == "clip" else "a day the month lacks is an error)")
    if offset.unit == "working-days":
        words += " (counting from the next day; weekends and ITU closures skipped)"
    return words


def _nearness_words(near) -> str:
    if near.within_days == 0:
        return "overlapping"
    words = f"overlapping, or at most {near.within_days} days apart"
    if near.other_reading_working_days is not None:
        n = near.other_reading_working_days
        words += "; other reading, shown when it changes the answer: " + ("back to back, no working day between" if n == 0 else f"at most {n} working days between")
    return words


def _bound_words(at_least, at_most, unit: str) -> str:
    parts = []
    if at_least is not None:
        parts.append(f"at least {at_least}")
    if at_most is not None:
        parts.append(f"at most {at_most}")
    last = at_most if at_most is not None else at_least
    return f"{' and '.join(parts) or 'no bound'} {unit_words(last, unit)}"


def parameters(rs: Ruleset, rule: Rule) -> list[str]:
    """The rule's parameters in plain words, one line each (each kind describes its own)."""
    out: list[str] = []
    DESCRIBE[rule.KIND](rs, rule, out)
    return out


def _deadline_lines(rs: Ruleset, rule: DeadlineRule, out: list[str]) -> None:
    h = rs.head
    out.append(f"{offset_words(rs, rule.offset, rule.anchor)}; the day ends {h.cutoff} {h.time_zone} time (fractions of that second included)")
    out.append({"keep": "a weekend or closed day is kept, and flagged",
                "next-working-day": "a weekend or closed day moves to the next working day",
                "previous-working-day": "a weekend or closed day moves to the previous working day"}[rule.non_working_day])
    if rule.who:
        out.append({"secretariat": "an obligation of the secretariat: on a weekend or closed day, results show the last working day before it to act by",
                    "membership": "a cut-off for the membership (contributors, Member States, delegations): no act-by date"}[rule.who])
    if not rule.applies:
        out.append("the base rule does not apply; only an exception makes it apply")
    for x in rule.exception:
        effect = "applies" if x.applies else "does not apply"
        out.append(f"exception {x.id}: when {x.when} ({rs.spec.conditions.get(x.when, x.when)}), it {effect} — {x.summary} ({x.cite.label()}, {x.modality})")
    if rule.done_in_plan:
        out.append(f"a plan records when it was done as '{rule.done_in_plan}'")
    if rule.once_passed:
        out.append(f"once the date has passed: {rule.once_passed}")
    if rule.anchor_kinds:
        out.append(f"meetings that count for {rule.anchor}: {', '.join(rule.anchor_kinds)}")
    if rule.anchor_kinds_other_reading:
        o = rule.anchor_kinds_other_reading
        out.append(f"other reading, shown when it changes the answer: {o.summary[0].lower()}{o.summary[1:]} ({', '.join(o.kinds)})")
    decl = rs.spec.events.get(rule.anchor)
    if decl and decl.midpoint_of:
        first, last = decl.midpoint_of
        out.append(f"{rule.anchor} is halfway from {first} to {last} (the earlier day when the span is odd)")
    if rule.overlap:
        ov = rule.overlap
        assumed = "".join(f"; without {rs.spec.words(e)}, it is taken as {rs.spec.words(src)} (the earliest)" for e, src in ov.assume.items())
        out.append(f"a timeline notes when this date comes on or before that of {ov.rule}{assumed}: {ov.note}")


def _tiers_lines(rs: Ruleset, rule: TiersRule, out: list[str]) -> None:
    out.append(f"for contributions for {' or '.join(rule.purposes)}; the first tier whose bound holds applies")
    for t in rule.tier:
        if t.until:
            bound = f"received by the end of the date of {t.until}"
        elif t.before:
            bound = f"received before {rs.spec.events[t.before].summary} (its opening time when given)"
        else:
            bound = "received later"
        extra = f"; published by the date of {t.publish_by}" if t.publish_by else ""
        extra += "; arriving here, the advice was not followed (a warning)" if t.missed_advice else ""
        out.append(f"{t.status}: {bound} — {t.what_follows}{extra} ({_cited(t)}, {t.modality})")
    for x in rule.exception:
        extra = f", until the end of {rs.spec.events[x.until_end_of].summary}" if x.until_end_of else ""
        extra += f", provided {x.provided} (taken as given)" if x.provided else ""
        out.append(f"exception {x.id}: when {x.when}{extra}, {' or '.join(x.overrides)} becomes {x.status} — {x.what_follows} ({_cited(x)}, {x.modality})")


def _tally_lines(rs: Ruleset, rule: TallyRule, out: list[str]) -> None:
    from procedures.tally import check_condition, threshold_words

    electorate = {"member-states": "Member States", "member-states-present": "Member States present at the meeting", "participants": "participants"}[rule.electorate]
    out.append(f"who answers: {electorate}; answers: {', '.join(rule.answers)}" + (f" (also accepted: {', '.join(f'{k} for {v}' for k, v in rule.synonyms.items())})" if rule.synonyms else ""))
    out.append(f"passes when {threshold_words(rule.passes_when)}, compared in exact integer arithmetic")
    out.append(f"on pass: {rule.on_pass.outcome} — {rule.on_pass.what_follows}")
    out.append(f"on fail: {rule.on_fail.outcome} — {rule.on_fail.what_follows}")
    for x in rule.exception:
        out.append(f"exception {x.id}: when {x.when}, {x.outcome} — {x.what_follows} ({x.cite.label()}, {x.modality})")
    if rule.when_no_replies == "fail":
        out.append("with no valid reply at all, nothing passes")
    else:
        silence = "passes" if check_condition(rule.passes_when, {}, 0)[0] else "fails"
        out.append(f"with no valid reply at all, the condition is applied to none: silence {silence}")
    if rule.reply_window:
        out.append(f"replies are due by the date of {rule.reply_window}, counted from {rule.window_event}")
    if rule.after_event:
        a = rule.after_event
        event = rs.spec.events.get(rule.window_event or "")
        out.append(f"after {event.summary if event else rule.window_event}, only {a.only} may still give "
                   f"{' or '.join(a.answers)} ({a.cite.label()}); the input names them (tally --requested-by)")
    if rule.one_answer_per == "participant":
        out.append("each participant's answer counts (a person, not a delegation); a file naming only delegations counts each line as one "
                   "participant and shows the one-per-delegation reading")
    if rule.abstention:
        out.append(f"an '{rule.abstention}' counts among the replies; the other reading (abstentions excluded) is shown when it changes the outcome")


def _window_lines(rs: Ruleset, rule: WindowRule, out: list[str]) -> None:
    which = "the last" if rule.select == "last-before" else "each"
    group = " of each group" if rule.per_group else ""
    before = "" if rule.select == "each" else f" before {rule.anchor_words(rs.spec)}"
    am = rule.anchor_meeting
    base = f"the {'first' if am.date_of == 'opens' else 'last'} day of {rule.anchor_words(rs.spec)}" if am else rule.anchor
    bounds = []
    if rule.earliest:
        bounds.append(f"no earlier than {offset_words(rs, rule.earliest, rule.anchor) if rule.anchor else f'{rule.earliest.describe()} {base}'}")
    if rule.latest:
        bounds.append(f"no later than {offset_words(rs, rule.latest, rule.anchor) if rule.anchor else f'{rule.latest.describe()} {base}'}")
    if bounds:
        out.append(f"{which} {rs.spec.kinds_words(rule.applies_to)} meeting{group}{before} {rule.date_of} {' and '.join(bounds)}")
    if rule.other_reading_date_of:
        out.append(f"other reading, shown when it changes the answer: the meeting's {'first' if rule.other_reading_date_of == 'opens' else 'last'} day")
    if rule.in_conjunction:
        out.append(f"{which} {rs.spec.kinds_words(rule.applies_to)} meeting in conjunction with {rule.anchor_words(rs.spec)} ({_nearness_words(rule.in_conjunction)})")


def _frequency_lines(rs: Ruleset, rule: FrequencyRule, out: list[str]) -> None:
    group = " by each group" if rule.per_group else ""
    if rule.at_least or rule.at_most is not None:
        out.append(f"meetings{group} in each calendar year of the study period: {_bound_words(rule.at_least, rule.at_most, 'meetings')}")
    if rule.in_conjunction:
        c = rule.in_conjunction
        out.append(f"at least {rule.in_conjunction_at_least} of them a year in conjunction with {'the parent ' if c.relation == 'parent' else 'a '}{rs.spec.kinds_words(c.kinds)} meeting ({_nearness_words(c)})")
    if rule.not_in_conjunction:
        c = rule.not_in_conjunction
        out.append(f"none in conjunction with a {rs.spec.kinds_words(c.kinds)} meeting ({_nearness_words(c)})")
    if rule.before_each:
        out.append(f"one before each {rs.spec.kinds_words(rule.before_each)} meeting, opening after the previous one closed and before its first day")


def _role_lines(rs: Ruleset, rule: RoleRule, out: list[str]) -> None:
    who = {"person": f"each person holding {' or '.join(rule.holders)}",
           "study-group-and-organization": "each study group and each regional telecommunication organization",
           "question": "each study Question (study group and name)",
           "study-group": f"each of {', '.join(rule.study_groups)}",
           "whole-list": "the appointments list as a whole"}[rule.per]
    how = {"posts": f"the {'/'.join(rule.counts)} posts held",
           "questions": f"the distinct Questions of the {'/'.join(rule.counts)} posts held",
           "consecutive-absences": "the longest run of consecutive meetings missed (from an attendance list)"}[rule.measure]
    out.append(f"for {who}, counts {how}: {_bound_words(rule.at_least, rule.at_most, rule.unit)}")
    _limit_tail(rule, out)


def _limit_lines(rs: Ruleset, rule: LimitRule, out: list[str]) -> None:
    if rule.min_interval is not None:
        out.append(f"{rule.quantity}: {rule.interval_to} no earlier than {offset_words(rs, rule.min_interval, rule.interval_from)}")
        _limit_tail(rule, out)
        return
    read = f" (read from {rule.measure})" if rule.measure != VALUE else ""
    if rule.cover_pages:
        read += f" (less {rule.cover_pages} cover page{'s' if rule.cover_pages > 1 else ''})"
    if rule.threshold:
        out.append(f"{rule.quantity}{read}: a threshold at {rule.at_most} {rule.unit}; past it, a note (not a fault)")
    else:
        out.append(f"{rule.quantity}{read}: {_bound_words(rule.at_least, rule.at_most, rule.unit)}")
    _limit_tail(rule, out)


#: How each kind of rule is described, by its kind.
DESCRIBE = {"deadline": _deadline_lines, "tiers": _tiers_lines, "tally": _tally_lines, "window": _window_lines,
            "frequency": _frequency_lines, "limit": _limit_lines, "role": _role_lines}


def _cited(part) -> str:
    """A tier's or exception's paragraph, and the one that applies it to the meeting kind."""
    return part.cite.label() + (f" via {part.via.label()}" if part.via else "")


def _limit_tail(rule, out: list[str]) -> None:
    if rule.otherwise:
        out.append(f"otherwise: {rule.otherwise}")
    if rule.remedy:
        out.append(f"what can be done: {rule.remedy}")
    for x in getattr(rule, "exception", []):
        if x.adds_at_most is not None:
            bound = f"at most {x.adds_at_most} {rule.unit} more than the larger of {rule.at_most} and {x.added_to}"
        elif x.at_most is None and x.at_least is None:
            bound = "no bound"
        else:
            bound = _bound_words(x.at_least, x.at_most, rule.unit)
        out.append(f"exception {x.id}: when {x.when}, {bound} — {x.summary} ({x.cite.label()}, {x.modality})")
        if x.other_reading:
            out.append(f"  other reading, shown when it changes the answer: {x.other_reading} (at most {x.other_reading_at_most} {rule.unit})")
    o = rule.other_reading
    if o:
        least, most = o.bounds(rule)
        how = [_bound_words(least, most, rule.unit)]
        if o.not_counted:
            how.append(f"posts whose Question begins {' or '.join(o.not_counted)} left out")
        out.append(f"other reading, shown when it changes the answer: {o.summary} ({'; '.join(how)})")


def describe_rule(rs: Ruleset, rule: Rule) -> str:
    lines = [
        f"{rule.id}  [{kind_of(rule)}]",
        f"  paragraph:  {', '.join(c.label() for c in rule.cites())}",
        f"  modality:   {rule.modality}",
        f"  applies to: {', '.join(rule.applies_to)}",
        f"  summary:    {rule.summary}",
        f"  file:       {relative_file(rs, rule.id)}",
    ]
    lines += [f"  - {p}" for p in parameters(rs, rule)]
    if rule.note:
        lines.append(f"  note:       {rule.note}")
    return "\n".join(lines)


# --- the generated reference ------------------------------------------------------------------


def _section_key(rule: Rule) -> tuple:
    c = rule.cite
    if c.instrument != "Res. 1" or not c.paragraph[0].isdigit():
        return (1, c.instrument, c.paragraph)
    return (0, int(c.paragraph.split(".")[0]), "")


def _section_title(rs: Ruleset, key: tuple) -> str:
    if key[0] == 1:
        inst, para = key[1], key[2]
        if para.startswith("Annex"):
            return f"{inst}, {para.split(',')[0]}"
        return f"{inst} ({rs.spec.instruments[inst].title})"
    titles = {s.number: s.title for s in rs.sections.values()}
    return f"Res. 1, Section {key[1]} – {titles.get(str(key[1]), '')}".rstrip(" –")


def rules_markdown(rs: Ruleset, coverage_rows: list[dict], generated_by: str) -> str:
    out = [
        f"# Rule reference: {rs.head.instrument} ({rs.head.revision})",
        "",
        f"Generated from the rule files of ruleset `{rs.id}` by `{generated_by}`; do not edit by hand",
        "(a test fails when this file is stale). Paragraphs in order; each rule with its id, paragraph,",
        f"modality, summary and parameters in plain words. Deadlines end {rs.head.cutoff} {rs.head.time_zone} time; "
        f"days are counted `{rs.head.day_counting}` (see [reading.md](reading.md)).",
        "",
        "## Coverage",
        "",
        f"Every provision of the ruleset's inventory ([provisions.toml](../rules/{rs.folder.name}/{rs.head.provisions})), the rules that",
        "encode it and the number of scenario cases that assert the outcome of a rule citing it.",
        "",
        "| Provision | Kind | Modality | Rules | Scenario tests |",
        "|---|---|---|---|---|",
    ]
    for row in coverage_rows:
        rules = ", ".join(f"`{r}`" for r in row["rules"]) or "**none**"
        counted = "—" if row["scenarios"] is None else row["scenarios"]
        out.append(f"| {row['cite']} | {row['kind']} | {row['modality']} | {rules} | {counted} |")
    groups: dict[tuple, list[Rule]] = {}
    for rule in rs.rules.values():
        groups.setdefault(_section_key(rule), []).append(rule)
    for key in sorted(groups):
        out += ["", f"## {_section_title(rs, key)}"]
        for rule in sorted(groups[key], key=lambda r: (r.cite.sort_key(), r.id)):
            cites = ", ".join(c.label() for c in rule.cites())
            out += ["", f"### `{rule.id}`", "", f"**{cites}** · {kind_of(rule)} · *{rule.modality}* · applies to {', '.join(rule.applies_to)}", "", rule.summary + ".", ""]
            out += [f"- {p}" for p in parameters(rs, rule)]
            if rule.note:
                out.append(f"- note: {rule.note}")
            out.append(f"- file: `{relative_file(rs, rule.id)}`")
    return "\n".join(out) + "\n"
