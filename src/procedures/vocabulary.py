"""The names the engine itself relies on, declared once.

Rules are data, but some commands must know a name to feed it a value: the
contribution check puts the receipt on the event ``received``, ``check
--chair-admitted`` sets the circumstance ``chair-admitted``, the plan agenda
dates the next WTDC as ``wtdc-opens``. Each such name is listed here with what
relies on it, and the loader refuses a ruleset that does not declare it in
``ruleset.toml`` (so a rename in the rule files cannot silently break a
command). Every other name is the ruleset's own: it is declared in
``ruleset.toml`` and every use is checked at load.

No deadline, threshold, day count or citation lives here: only names.
"""

from __future__ import annotations

from collections.abc import Iterable

# events (ruleset.toml [events])
OPENS = "meeting-opens"
CLOSES = "meeting-closes"
RECEIVED = "received"
FIRST_OF_YEAR = "first-meeting-of-year"
WTDC_OPENS = "wtdc-opens"
WTDC_CLOSED = "wtdc-closed"

# meeting kinds and procedures (ruleset.toml [meeting_kinds], [procedures])
WTDC_KIND = "wtdc"
PERIOD_SUBJECT = "study-period"

# circumstances set by a command-line flag or a batch column (ruleset.toml [conditions])
CHAIR_ADMITTED = "chair-admitted"
NO_MEETING_BEFORE_WTDC = "no-meeting-before-wtdc"
COMPLEMENTS = "complements"
CHAIR_CONSULTED = "chair-consulted"

# measures a command reads from its options (ruleset.toml [measures])
VALUE = "value"
PAGES = "pages"
QUESTION_PAGES = "question-pages"
PREVIOUS_PAGES = "previous-pages"

#: Section of ruleset.toml -> name -> what relies on it (shown when the name is missing).
RELIED_ON: dict[str, dict[str, str]] = {
    "events": {
        OPENS: "every timetable and the contribution check",
        CLOSES: "schedule --closes and the plan audit",
        RECEIVED: "the contribution check (the publication date of a delayed contribution)",
        FIRST_OF_YEAR: "the plan agenda (the yearly timetable, § 3.7.4)",
        WTDC_OPENS: "the plan agenda and audit (deadlines counted back from the next WTDC)",
        WTDC_CLOSED: "the plan agenda (the study period counted from the WTDC that began it)",
    },
    "meeting_kinds": {WTDC_KIND: "the plan agenda (the next WTDC's own deadlines)"},
    "procedures": {PERIOD_SUBJECT: "the plan agenda (the study period's own deadlines)"},
    "conditions": {
        CHAIR_ADMITTED: "check --chair-admitted and the chair_admitted column of check-batch",
        NO_MEETING_BEFORE_WTDC: "tally --no-meeting-before-wtdc",
        COMPLEMENTS: "recommendation check-revision --complements",
        CHAIR_CONSULTED: "the web page's document-length form (chair consulted, § 4.2.1.2)",
    },
    "measures": {
        VALUE: "procedures limit --value",
        PAGES: "document check --pages",
        QUESTION_PAGES: "document check --question-total",
        PREVIOUS_PAGES: "document check --previous-pages",
    },
}


#: The circumstances a command can set for the rules of a kind (its flags): an exception of that kind
#: whose ``when`` is none of these would never hold. Deadlines take any declared condition (a plan
#: meeting's conditions); limits any (document check --when) and the document types.
SETTABLE: dict[str, dict[str, str]] = {
    "tiers": {CHAIR_ADMITTED: "check --chair-admitted, the chair_admitted column of check-batch"},
    "tally": {NO_MEETING_BEFORE_WTDC: "tally --no-meeting-before-wtdc"},
}


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss among ``choices`` (the same in other case, the one choice it begins, or one
    close in spelling), else ''."""
    import difflib

    choices = list(choices)
    folded = [c for c in choices if c.lower() == name.strip().lower()]
    starts = [c for c in choices if len(name.strip()) >= 3 and c.lower().startswith(name.strip().lower())]
    close = folded or (starts if len(starts) == 1 else []) or difflib.get_close_matches(name, choices, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def not_one_of(what: str, name: str, choices: Iterable[str], where: str = "") -> str:
    """The one-line refusal of a value outside a closed set: "unknown meeting kind 'x' (did you mean 'y'?); use one of: …"."""
    from procedures.inputs import shown

    choices = list(choices)
    return f"unknown {what} '{shown(name)}'{where}{did_you_mean(name, choices)}; use one of: {', '.join(choices)}"
