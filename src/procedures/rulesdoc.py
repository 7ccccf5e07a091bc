"""Rules in plain words: listing rows, one rule described, and the generated rule reference."""

from __future__ import annotations

from pathlib import Path

from procedures.findings import unit_words
from procedures.loader import Ruleset
from procedures.models import Offset, Rule


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


def nearness_words(near) -> str:
    if near.within_days == 0:
        return "overlapping"
    words = f"overlapping, or at most {near.within_days} days apart"
    if near.other_reading_working_days is not None:
        n = near.other_reading_working_days
        words += "; other reading, shown when it changes the answer: " + ("back to back, no working day between" if n == 0 else f"at most {n} working days between")
    return words


def bound_words(at_least, at_most, unit: str) -> str:
    parts = []
    if at_least is not None:
        parts.append(f"at least {at_least}")
    if at_most is not None:
        parts.append(f"at most {at_most}")
    last = at_most if at_most is not None else at_least
    return f"{' and '.join(parts) or 'no bound'} {unit_words(last, unit)}"


def parameters(rs: Ruleset, rule: Rule) -> list[str]:
    """The rule's parameters in plain words, one line each (each kind describes its own)."""
    return rule.describe(rs)

















def cited(part) -> str:
    """A tier's or exception's paragraph, and the one that applies it to the meeting kind."""
    return part.cite.label() + (f" via {part.via.label()}" if part.via else "")




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
