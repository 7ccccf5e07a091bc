"""Page limits by document type: contributions (§§ 4.1.3.6, 4.2.1.2, Annex 2), output reports (§§ 2.1.2.2, 3.10.5).

A document type is any subject that a page limit (a limit rule with unit
"pages") applies to. Each such rule reads its number from the input its
``measure`` names, less the cover pages it leaves out (``cover_pages``: the
pages are counted with the cover page, Annex 2's body without it); the type
itself is a circumstance that exceptions may name (``when = "revised-report"``),
beside the ``--when`` flags the user gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from procedures.errors import InputError
from procedures.limits import LimitResult, judge, unknown_flags
from procedures.loader import Ruleset
from procedures.models import LimitRule
from procedures.vocabulary import PAGES, PREVIOUS_PAGES, QUESTION_PAGES

#: The inputs a document check takes, by measure name, with the option that gives each ...
INPUTS = {"pages": "--pages", "question-pages": "--question-total", "previous-pages": "--previous-pages"}
#: ... and the field of the web form and API.
FIELDS = {PAGES: "pages", QUESTION_PAGES: "question_total", PREVIOUS_PAGES: "previous_pages"}


@dataclass
class DocumentResult:
    type: str
    results: list[LimitResult]
    #: Rules of the type that could not be checked, and what would check them.
    not_checked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def within(self) -> bool:
        return all(r.within for r in self.results)

    def as_dict(self) -> dict:
        return {"type": self.type, "within": self.within, "results": [r.as_dict() for r in self.results],
                "not_checked": self.not_checked, "warnings": self.warnings}


def inputs_from(pages: str | int, previous_pages: str | int | None = None, question_total: str | int | None = None,
                names: dict[str, str] = INPUTS) -> dict[str, int]:
    """The inputs of a check from the command line's or a form's text, each a whole number of at least 1."""
    from procedures.limits import parse_count

    given = {PAGES: pages, PREVIOUS_PAGES: previous_pages, QUESTION_PAGES: question_total}
    return {name: parse_count(v, names[name], 1) for name, v in given.items() if v is not None and str(v).strip() != ""}


def page_rules(rs: Ruleset) -> list[LimitRule]:
    return [r for r in rs.of_kind(LimitRule) if r.unit == "pages"]


def document_types(rs: Ruleset) -> list[str]:
    return sorted({s for r in page_rules(rs) for s in r.applies_to})


def _type_of(rs: Ruleset, doc_type: str) -> str:
    """The document type, stripped, if a page limit applies to it."""
    types = document_types(rs)
    doc_type = doc_type.strip()
    if doc_type not in types:
        from procedures.vocabulary import not_one_of

        raise InputError(not_one_of("document type", doc_type, types))
    return doc_type


def _check_inputs(rs: Ruleset, doc_type: str, inputs: dict[str, int], flags: frozenset[str], names: dict[str, str]) -> None:
    """The inputs are known, include the pages, apply to the type, and add up (the Question's total counts this report)."""
    unknown = [k for k in inputs if k not in INPUTS]
    if unknown:
        raise InputError(f"unknown input(s) {', '.join(unknown)}; use {', '.join(INPUTS)}")
    if "pages" not in inputs:
        raise InputError(f"the number of pages is missing; give {names['pages']}")
    read = measures_read(rs, doc_type, flags)
    for name in inputs:
        if name not in read:
            types = document_types(rs)
            raise InputError(f"{names[name]} does not apply to a {doc_type}: none of its page limits reads {name} "
                             f"(it applies to {', '.join(t for t in types if name in measures_read(rs, t, flags)) or 'no document type'})")
    if QUESTION_PAGES in inputs and inputs[QUESTION_PAGES] < inputs[PAGES]:
        raise InputError(f"{names['question-pages']} {inputs['question-pages']} is less than {names['pages']} {inputs['pages']}; "
                         "the total counts this report too")


def _judged(rules: list[LimitRule], doc_type: str, inputs: dict[str, int], flags: frozenset[str], names: dict[str, str]) -> DocumentResult:
    """Each rule judged on the input its measure names; a rule without its input is named as not checked."""
    situation = flags | {doc_type}
    out = DocumentResult(doc_type, [])
    for r in rules:
        if r.measure not in inputs:
            how = names.get(r.measure, f"the input '{r.measure}' (no option gives it)")
            out.not_checked.append(f"{r.id} ({r.cite.label()}): give {how} — {r.quantity} — to check it")
            continue
        value, extra = _counted(r, inputs[r.measure])
        out.results.append(judge(r, value, situation, inputs, **extra))
    out.warnings += unknown_flags(rules, flags)
    for res in out.results:
        out.warnings += res.warnings
    return out


def check_document(rs: Ruleset, doc_type: str, inputs: dict[str, int], flags: frozenset[str] = frozenset(),
                   names: dict[str, str] = INPUTS) -> DocumentResult:
    """Every page limit of a document type, each against the input its measure names.

    ``names`` are what messages call the inputs: the command's options, or the form's fields.
    """
    doc_type = _type_of(rs, doc_type)
    _check_inputs(rs, doc_type, inputs, flags, names)
    # limits in paragraph order, thresholds (which note, never fault) after them
    rules = sorted((r for r in page_rules(rs) if doc_type in r.applies_to), key=lambda r: (r.threshold, r.cite.sort_key(), r.id))
    return _judged(rules, doc_type, inputs, flags, names)


def _counted(rule: LimitRule, pages: int) -> tuple[int, dict]:
    """The pages a limit counts: the input, less the cover page(s) it leaves out (Annex 2)."""
    if not rule.cover_pages:
        return pages, {}
    front = "the cover page" if rule.cover_pages == 1 else f"{rule.cover_pages} cover pages"
    return max(pages - rule.cover_pages, 0), {"detail": f" after {front} ({pages} in all)"}


def measures_read(rs: Ruleset, doc_type: str, flags: frozenset[str]) -> set[str]:
    """The inputs the page limits of a document type read: their measures, and what their exceptions grow from."""
    situation = flags | {doc_type}
    read: set[str] = set()
    for r in page_rules(rs):
        if doc_type in r.applies_to:
            read.add(r.measure)
            read.update(x.added_to for x in r.exception if x.added_to and x.when in situation)
    return read
