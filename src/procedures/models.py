"""Typed models of rule files. Pydantic validates shape; ``loader`` checks references.

Every rule kind shares the same head (``RuleBase``): a stable id, the paragraph
it encodes, its modality, what it applies to and a one-line summary. Kinds add
their own parameters beside it, so a new kind is a new model here plus an
evaluator module; the loader and the rule listing treat them all alike.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from procedures.vocabulary import VALUE, did_you_mean

Modality = Literal["shall", "should", "may"]
#: What missing a rule of each modality is (SEMANTICS § 4), in findings and limit checks.
SEVERITY: dict[str, str] = {"shall": "breach", "should": "warning", "may": "note"}
Unit = Literal["calendar-days", "weeks", "months", "working-days"]
Direction = Literal["before", "after"]
MonthEnd = Literal["clip", "reject"]
NonWorkingDayPolicy = Literal["keep", "next-working-day", "previous-working-day"]
DayCounting = Literal["date-minus-n", "clear-days"]
#: Who must act by a deadline: the secretariat (an obligation: a date on a non-working day is met by
#: acting on the last working day before it, its "act by" date) or the membership (a cut-off for
#: contributors, Member States, delegations and participants, never moved).
Who = Literal["secretariat", "membership"]
#: The ``who`` whose dates are obligations to act on a working day (an "act by" date where they are not).
SECRETARIAT: Who = "secretariat"

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$", max_length=80)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=60)]
#: A paragraph of an instrument: "4.2.1.1", "Annex 2", "Annex 5, item 5", "item 18", "instructs 3".
Paragraph = Annotated[
    str,
    StringConstraints(pattern=r"^(\d+(\.\d+)*|Annex \d+(, item \d+)?|item \d+|instructs \d+)$"),
]
Summary = Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=r"^[^\n]+$")]
#: Lower-case but for names that keep their capitals ("study Questions").
CountUnit = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z][A-Za-z \-]*[a-z]$")]
#: A name people give (a meeting, a study period) that goes into calendar files and tables: one line, no control characters.
Label = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]+$")]



class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Citation(Strict):
    """The instrument (as declared in the ruleset) and the paragraph a rule encodes."""

    instrument: str
    paragraph: Paragraph

    def label(self) -> str:
        sep = " § " if self.paragraph[0].isdigit() else " "
        return f"{self.instrument}{sep}{self.paragraph}"

    def sort_key(self) -> tuple:
        nums = [int(n) for n in re.findall(r"\d+", self.paragraph)]
        annex = self.paragraph.startswith("Annex")
        return (self.instrument, annex, nums)


class Offset(Strict):
    """A signed distance in an explicit unit. Months must say what happens at a month end."""

    amount: int = Field(ge=0, le=3660)
    unit: Unit
    direction: Direction
    month_end: MonthEnd | None = None

    @model_validator(mode="after")
    def _month_end_only_for_months(self) -> Offset:
        if self.unit == "months" and self.month_end is None:
            raise ValueError(
                "month offset without a month-end policy; add month_end = \"clip\" "
                "(last day of a shorter month) or month_end = \"reject\" (refuse such dates)"
            )
        if self.unit != "months" and self.month_end is not None:
            raise ValueError("month_end is only meaningful for unit = \"months\"; remove it")
        return self

    def describe(self) -> str:
        unit = self.unit.replace("-", " ")
        if self.amount == 1:
            unit = unit.rstrip("s").replace("days", "day")
        return f"{self.amount} {unit} {self.direction}"


class Ref(NamedTuple):
    """A name a rule uses: where it must be declared (``space``), under which key, and the name.

    Spaces: ``event``, ``deadline`` (a deadline rule's id), ``anchor`` (an event or a
    deadline rule), ``meeting-kind``, ``procedure``, ``subject`` (anything a rule may
    apply to), ``role``, ``measure``. The loader checks every reference of every
    kind in one loop, with "did you mean" for near misses.
    """

    space: str
    key: str
    name: str


class RuleBase(Strict):
    id: RuleId
    cite: Citation
    also_cites: list[Citation] = []
    modality: Modality
    applies_to: list[Name] = Field(min_length=1)
    summary: Summary
    note: str | None = None

    #: The rule's kind as rule files name it ([[deadline]], [[tiers]], …).
    KIND: ClassVar[str] = ""
    #: Keys this kind once had under another name: old key -> new key (refused, naming the rename).
    RENAMED: ClassVar[dict[str, str]] = {}
    #: Keys of another kind: key -> that kind (refused, naming the kind to write), and why they are not this kind's.
    MOVED: ClassVar[dict[str, str]] = {}
    MOVED_WHY: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _keys_of_this_kind(cls, data):
        """A key renamed, or one of another kind, is refused with the fix (before the generic 'unknown key')."""
        if not isinstance(data, dict):
            return data
        for old, new in cls.RENAMED.items():
            if old in data:
                raise ValueError(f"'{old}' was renamed to {new} on [[{cls.KIND}]] rules ({cls.model_fields[new].description}); "
                                 f"rename the key: {new} = {_toml(data[old])}")
        for key, other in cls.MOVED.items():
            if key in data:
                raise ValueError(f"'{key}' belongs to [[{other}]] rules, not [[{cls.KIND}]]: {cls.MOVED_WHY}; "
                                 f"write the rule as [[{other}]], or remove {key}")
        return data

    def cites(self) -> list[Citation]:
        return [self.cite, *self.also_cites]

    def exceptions(self) -> list:
        """The rule's named exceptions (none for the kinds that have no ``exception`` key)."""
        return getattr(self, "exception", [])

    def parts_cited(self) -> Iterator[Citation]:
        """The paragraphs the rule's parts encode beyond its own: its exceptions'; kinds add their tiers, outcomes, …"""
        for x in self.exceptions():
            yield x.cite
            if getattr(x, "via", None):
                yield x.via

    def references(self) -> Iterator[Ref]:
        """Every name this rule uses, for the loader to check; kinds add their own."""
        for s in self.applies_to:
            yield Ref("subject", "applies_to", s)

    def problems(self, spec) -> Iterator[tuple[str, str]]:
        """What is wrong with the rule beyond its names and shape, as (problem, fix); none by default."""
        return iter(())

    def describe(self, rs) -> list[str]:
        """The rule's parameters in plain words, one line each; every kind says its own."""
        raise NotImplementedError(f"rule kind {self.KIND!r} does not describe itself")


def _toml(value) -> str:
    """A value as a rule file writes it (strings quoted)."""
    return f'"{value}"' if isinstance(value, str) else str(value)


class KindsReading(Strict):
    """Another reading of which meetings count, shown when it changes the answer (SEMANTICS § 6)."""

    kinds: list[Name] = Field(min_length=1)
    summary: Summary


class Overlap(Strict):
    """Another rule's date this one can fall on or before, which a timeline explains (e.g. § 7.3.5.3 and § 7.3.5.2).

    ``assume`` names events of the other rule that may be missing, each taken as
    another event's date: the earliest it can be (the meeting closes no earlier
    than the day it adopted the draft).
    """

    rule: RuleId
    assume: dict[Name, Name] = {}
    note: Summary


class ExceptionHead(Strict):
    """What every exception shares, whatever its rule's kind: a base rule plus named exceptions.

    An exception has its own stable id (its label), the circumstance it holds
    in (``when``: a name declared under [conditions] in ruleset.toml, or a
    subject such as a document type), the paragraph it encodes, its modality
    and a one-line summary. What it changes is the kind's own business
    (documented in docs/rule-format.md, "Exceptions"): a tier's outcome, a
    limit's bounds, an outcome's consequence, whether a deadline applies.
    """

    id: RuleId
    when: Name
    cite: Citation
    modality: Modality
    summary: Summary


class DeadlineException(ExceptionHead):
    """In its circumstance, the deadline applies (or not) although the base rule says otherwise (§ 3.7.2)."""

    applies: bool


class DeadlineRule(RuleBase):
    """A date computed from an anchor: an event of the meeting or procedure, or another rule's date."""

    anchor: Name | RuleId
    offset: Offset
    non_working_day: NonWorkingDayPolicy = "keep"
    #: Who must act by the date (``Who``); a secretariat obligation on a non-working day gets an "act by" date.
    who: Who | None = None
    #: Whether the base rule applies; an exception may say otherwise in its circumstance (§ 3.7.2).
    applies: bool = True
    exception: list[DeadlineException] = []

    @property
    def only_if(self) -> str | None:
        """The circumstance under which alone a deadline applies (its base rule does not), e.g. § 3.7.2's "unscheduled"."""
        if self.applies:
            return None
        return next((x.when for x in self.exception if x.applies), None)
    #: The field of a plan that records when this was done (e.g. "circular_sent"), for the audit.
    done_in_plan: Name | None = None
    #: What the text asks once the date has passed (e.g. "as soon as possible"): a result never
    #: shows a date already past on receipt as one to meet (SEMANTICS § 2).
    once_passed: Summary | None = None
    #: For an anchor a plan takes from its meetings (the first meeting of a year, § 3.7.4): the kinds that count.
    anchor_kinds: list[Name] = []
    #: The other reading of which kinds count, shown when it changes the answer.
    anchor_kinds_other_reading: KindsReading | None = None
    #: Another rule's date this one may come on or before; a timeline notes it.
    overlap: Overlap | None = None

    KIND: ClassVar[str] = "deadline"

    def describe(self, rs) -> list[str]:
        """The rule's parameters in plain words, one line each (rules list, rules show, the rule reference)."""
        from procedures.rulesdoc import offset_words

        out: list[str] = []
        h = rs.head
        out.append(f"{offset_words(rs, self.offset, self.anchor)}; the day ends {h.cutoff} {h.time_zone} time (fractions of that second included)")
        out.append({"keep": "a weekend or closed day is kept, and flagged",
                    "next-working-day": "a weekend or closed day moves to the next working day",
                    "previous-working-day": "a weekend or closed day moves to the previous working day"}[self.non_working_day])
        if self.who:
            out.append({"secretariat": "an obligation of the secretariat: on a weekend or closed day, results show the last working day before it to act by",
                        "membership": "a cut-off for the membership (contributors, Member States, delegations): no act-by date"}[self.who])
        if not self.applies:
            out.append("the base rule does not apply; only an exception makes it apply")
        for x in self.exception:
            effect = "applies" if x.applies else "does not apply"
            out.append(f"exception {x.id}: when {x.when} ({rs.spec.conditions.get(x.when, x.when)}), it {effect} — {x.summary} ({x.cite.label()}, {x.modality})")
        if self.done_in_plan:
            out.append(f"a plan records when it was done as '{self.done_in_plan}'")
        if self.once_passed:
            out.append(f"once the date has passed: {self.once_passed}")
        return out + self._anchor_lines(rs)

    def _anchor_lines(self, rs) -> list[str]:
        """Which meetings make the anchor, how it is derived, and the date it may overlap, in words."""
        out: list[str] = []
        if self.anchor_kinds:
            out.append(f"meetings that count for {self.anchor}: {', '.join(self.anchor_kinds)}")
        if self.anchor_kinds_other_reading:
            o = self.anchor_kinds_other_reading
            out.append(f"other reading, shown when it changes the answer: {o.summary[0].lower()}{o.summary[1:]} ({', '.join(o.kinds)})")
        decl = rs.spec.events.get(self.anchor)
        if decl and decl.midpoint_of:
            first, last = decl.midpoint_of
            out.append(f"{self.anchor} is halfway from {first} to {last} (the earlier day when the span is odd)")
        if self.overlap:
            ov = self.overlap
            assumed = "".join(f"; without {rs.spec.words(e)}, it is taken as {rs.spec.words(src)} (the earliest)" for e, src in ov.assume.items())
            out.append(f"a timeline notes when this date comes on or before that of {ov.rule}{assumed}: {ov.note}")
        return out

    def references(self) -> Iterator[Ref]:
        yield from super().references()
        yield Ref("anchor", "anchor", self.anchor)
        yield from (Ref("meeting-kind", "anchor_kinds", k) for k in self.anchor_kinds)
        if self.anchor_kinds_other_reading:
            yield from (Ref("meeting-kind", "anchor_kinds_other_reading", k) for k in self.anchor_kinds_other_reading.kinds)
        if self.overlap:
            yield Ref("deadline", "overlap", self.overlap.rule)
            for missing, source in self.overlap.assume.items():
                yield Ref("event", "overlap.assume", missing)
                yield Ref("event", "overlap.assume", source)

    def problems(self, spec) -> Iterator[tuple[str, str]]:
        if self.exception and all(x.applies == self.applies for x in self.exception):
            yield (f"every exception says the rule {'applies' if self.applies else 'does not apply'}, as the base rule does",
                   "give an exception applies = " + ("false" if self.applies else "true") + ", or remove the exceptions")

    @model_validator(mode="after")
    def _kinds_reading(self) -> DeadlineRule:
        if self.anchor_kinds_other_reading and not self.anchor_kinds:
            raise ValueError("anchor_kinds_other_reading needs anchor_kinds: the kinds the rule itself counts; add anchor_kinds")
        return self


def deadline_applies(rule: DeadlineRule, conditions: frozenset[str]) -> bool:
    """Whether a deadline applies in these circumstances: the first exception that holds decides, else the base rule."""
    for x in rule.exception:
        if x.when in conditions:
            return x.applies
    return rule.applies


class Consequences(Strict):
    translated: bool
    on_agenda: bool
    #: A deadline rule giving the publication date for this tier.
    publish_by: RuleId | None = None
    what_follows: Summary


class Tier(Consequences):
    status: Name
    #: Received at or before the cut-off of this deadline rule's date.
    until: RuleId | None = None
    #: Received strictly before this event's moment (e.g. the opening session).
    before: Name | None = None
    cite: Citation
    modality: Modality = "shall"
    #: The paragraph that applies this tier's text to the meeting kind (e.g. § 11.8 for TDAG);
    #: results cite it, and the tier's modality is the one it gives.
    via: Citation | None = None
    #: Arriving in this tier means the advice of the previous tier's bound was not followed (a warning).
    missed_advice: bool = False

    @model_validator(mode="after")
    def _one_bound(self) -> Tier:
        if self.until and self.before:
            raise ValueError("a tier has one bound: give either 'until' (a deadline rule) or 'before' (an event)")
        return self


class TierException(ExceptionHead, Consequences):
    """In its circumstance, the exception replaces the outcome of the tiers it overrides."""

    overrides: list[Name] = Field(min_length=1)
    status: Name
    applies_to: list[Name] | None = None
    #: As for a tier: the paragraph that applies the exception to the meeting kind.
    via: Citation | None = None
    #: The exception holds only for receipts up to the end of this event's day (§ 11.8: during the meeting).
    until_end_of: Name | None = None
    #: A condition the text attaches to the exception, which the flag is read as including;
    #: results say so and give the status without the exception (SEMANTICS § 6).
    provided: Summary | None = None


class TiersRule(RuleBase):
    """An ordered set of tiers over a received moment; the first tier whose bound holds wins."""

    purposes: list[Name] = Field(min_length=1)
    tier: list[Tier] = Field(min_length=1)
    exception: list[TierException] = []

    KIND: ClassVar[str] = "tiers"

    def parts_cited(self) -> Iterator[Citation]:
        for t in self.tier:
            yield t.cite
            if t.via:
                yield t.via
        yield from super().parts_cited()

    def describe(self, rs) -> list[str]:
        """The rule's parameters in plain words, one line each (rules list, rules show, the rule reference)."""
        from procedures.rulesdoc import cited

        out: list[str] = []
        out.append(f"for contributions for {' or '.join(self.purposes)}; the first tier whose bound holds applies")
        for t in self.tier:
            if t.until:
                bound = f"received by the end of the date of {t.until}"
            elif t.before:
                bound = f"received before {rs.spec.events[t.before].summary} (its opening time when given)"
            else:
                bound = "received later"
            extra = f"; published by the date of {t.publish_by}" if t.publish_by else ""
            extra += "; arriving here, the advice was not followed (a warning)" if t.missed_advice else ""
            out.append(f"{t.status}: {bound} — {t.what_follows}{extra} ({cited(t)}, {t.modality})")
        for x in self.exception:
            extra = f", until the end of {rs.spec.events[x.until_end_of].summary}" if x.until_end_of else ""
            extra += f", provided {x.provided} (taken as given)" if x.provided else ""
            out.append(f"exception {x.id}: when {x.when}{extra}, {' or '.join(x.overrides)} becomes {x.status} — {x.what_follows} ({cited(x)}, {x.modality})")
        return out

    def references(self) -> Iterator[Ref]:
        yield from super().references()
        for t in self.tier:
            yield from (Ref("deadline", f"tier '{t.status}' {key}", ref) for key, ref in (("until", t.until), ("publish_by", t.publish_by)) if ref)
            if t.before:
                yield Ref("event", f"tier '{t.status}' before", t.before)
        for x in self.exception:
            if x.publish_by:
                yield Ref("deadline", f"exception '{x.id}' publish_by", x.publish_by)
            if x.until_end_of:
                yield Ref("event", f"exception '{x.id}' until_end_of", x.until_end_of)

    def problems(self, spec) -> Iterator[tuple[str, str]]:
        statuses = {t.status for t in self.tier}
        for x in self.exception:
            for o in x.overrides:
                if o not in statuses:
                    yield f"exception '{x.id}' overrides unknown tier '{o}'", f"use one of the tiers' statuses: {sorted(statuses)}"
            for s in x.applies_to or []:
                if s not in self.applies_to:
                    yield f"exception '{x.id}' applies to '{s}', which the rule itself does not", f"use some of {self.applies_to}"

    @model_validator(mode="after")
    def _last_tier_open(self) -> TiersRule:
        for t in self.tier[:-1]:
            if not (t.until or t.before):
                raise ValueError(f"tier '{t.status}' has no bound but is not the last tier; give it 'until' or 'before'")
        return self


# --- tallies -------------------------------------------------------------------------------

Ratio = Annotated[str, StringConstraints(pattern=r"^\d+/\d+$")]
COMPARISONS = ("share_at_least", "share_more_than", "count_below", "count_at_least")


class PassCondition(Strict):
    """When a tally passes, as data. Exactly one comparison is given.

    - ``share_at_least``: count(answer) / base >= fraction
    - ``share_more_than``: count(answer) / base > fraction
    - ``count_below``: count(answer) < number
    - ``count_at_least``: count(answer) >= number

    The base of a share is the counted replies, or the size of the electorate
    (``of = "electorate"``, e.g. the participants at a meeting, § 4.2.2.2).
    """

    answer: Name
    share_at_least: Ratio | None = None
    share_more_than: Ratio | None = None
    count_below: int | None = Field(default=None, ge=0)
    count_at_least: int | None = Field(default=None, ge=0)
    of: Literal["replies", "electorate"] = "replies"

    @model_validator(mode="after")
    def _exactly_one(self) -> PassCondition:
        given = [k for k in COMPARISONS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a pass condition gives exactly one comparison, not {len(given)}; use one of {', '.join(COMPARISONS)}")
        for k in ("share_at_least", "share_more_than"):
            v = getattr(self, k)
            if v is not None:
                num, den = (int(x) for x in v.split("/"))
                if den == 0 or num > den:
                    raise ValueError(f"{k} = \"{v}\" is not a fraction between 0 and 1; write it as \"7/10\"")
        return self

    def comparison(self) -> str:
        return next(k for k in COMPARISONS if getattr(self, k) is not None)

    def threshold(self) -> Fraction | int:
        v = getattr(self, self.comparison())
        return Fraction(v) if isinstance(v, str) else v



class TallyException(ExceptionHead):
    """In its circumstance, what follows one of the tally's outcomes is this instead (e.g. § 7.2.6)."""

    #: The outcome whose consequence changes (on_pass's or on_fail's outcome).
    outcome: Name
    what_follows: Summary


class Outcome(Strict):
    outcome: Name
    what_follows: Summary
    cite: Citation | None = None


class AfterEvent(Strict):
    """Who may still give some answers once the day of the window event is over.

    § 7.3.5.2: after the meeting's last day, only the delegations that asked
    for more time at the meeting may oppose. The input names them (the tally's
    ``requested_by``); an answer from anyone else is excluded with a reason.
    """

    #: Who may, in words: "the delegations that asked for more time at the meeting".
    only: Summary
    #: The answers so restricted (e.g. "object").
    answers: list[Name] = Field(min_length=1)
    cite: Citation


class TallyRule(RuleBase):
    """An outcome from counted replies or positions."""

    exception: list[TallyException] = []

    KIND: ClassVar[str] = "tally"

    def parts_cited(self) -> Iterator[Citation]:
        yield from super().parts_cited()
        yield from (o.cite for o in (self.on_pass, self.on_fail) if o.cite)
        if self.after_event is not None:
            yield self.after_event.cite

    def describe(self, rs) -> list[str]:
        """The rule's parameters in plain words, one line each (rules list, rules show, the rule reference)."""
        from procedures.tally import check_condition, threshold_words

        out: list[str] = []
        electorate = {"member-states": "Member States", "member-states-present": "Member States present at the meeting", "participants": "participants"}[self.electorate]
        out.append(f"who answers: {electorate}; answers: {', '.join(self.answers)}" + (f" (also accepted: {', '.join(f'{k} for {v}' for k, v in self.synonyms.items())})" if self.synonyms else ""))
        out.append(f"passes when {threshold_words(self.passes_when)}, compared in exact integer arithmetic")
        out.append(f"on pass: {self.on_pass.outcome} — {self.on_pass.what_follows}")
        out.append(f"on fail: {self.on_fail.outcome} — {self.on_fail.what_follows}")
        for x in self.exception:
            out.append(f"exception {x.id}: when {x.when}, {x.outcome} — {x.what_follows} ({x.cite.label()}, {x.modality})")
        if self.when_no_replies == "fail":
            out.append("with no valid reply at all, nothing passes")
        else:
            silence = "passes" if check_condition(self.passes_when, {}, 0)[0] else "fails"
            out.append(f"with no valid reply at all, the condition is applied to none: silence {silence}")
        if self.reply_window:
            out.append(f"replies are due by the date of {self.reply_window}, counted from {self.window_event}")
        if self.after_event:
            a = self.after_event
            event = rs.spec.events.get(self.window_event or "")
            out.append(f"after {event.summary if event else self.window_event}, only {a.only} may still give "
                       f"{' or '.join(a.answers)} ({a.cite.label()}); the input names them (tally --requested-by)")
        if self.one_answer_per == "participant":
            out.append("each participant's answer counts (a person, not a delegation); a file naming only delegations counts each line as one "
                       "participant and shows the one-per-delegation reading")
        if self.abstention:
            out.append(f"an '{self.abstention}' counts among the replies; the other reading (abstentions excluded) is shown when it changes the outcome")
        return out

    def references(self) -> Iterator[Ref]:
        yield from (Ref("procedure", "applies_to", p) for p in self.applies_to)
        if self.reply_window:
            yield Ref("deadline", "reply_window", self.reply_window)
        yield from (Ref("event", key, e) for key, e in (("window_event", self.window_event), ("starts_with", self.starts_with)) if e)

    def exceptions_for(self, outcome: Outcome) -> list[TallyException]:
        """The exceptions that change what follows this outcome."""
        return [x for x in self.exception if x.outcome == outcome.outcome]

    #: Who may answer: Member States (by consultation), Member States present, or any participant.
    electorate: Literal["member-states", "member-states-present", "participants"]
    answers: list[Name] = Field(min_length=1)
    #: Other spellings accepted for an answer: synonym -> answer.
    synonyms: dict[Name, Name] = {}
    #: Answers counted among the replies (the base of a share of replies).
    counted: list[Name] = Field(min_length=1)
    passes_when: PassCondition
    on_pass: Outcome
    on_fail: Outcome
    #: With no valid reply at all: "fail" (nothing passes) or "evaluate" (apply the condition to zero counts).
    when_no_replies: Literal["fail", "evaluate"] = "fail"
    #: Deadline rule whose date closes the reply window.
    reply_window: RuleId | None = None
    #: The event that starts the window (the date given with --circulated).
    window_event: Name | None = None
    #: Whether replies dated before the window event are excluded.
    exclude_before_window: bool = True
    #: The answer that is an abstention, and the other reading of it (SEMANTICS § 6).
    abstention: Name | None = None
    abstention_alternative: Literal["excluded-from-replies"] | None = None
    #: The event a timeline of this procedure starts from.
    starts_with: Name | None = None
    #: Whose answers count one each: each member (entity), or each participant (person, § 4.2.2.2).
    one_answer_per: Literal["member", "participant"] = "member"
    #: Who may still answer after the day of the window event (§ 7.3.5.2).
    after_event: AfterEvent | None = None

    @model_validator(mode="after")
    def _answers_known(self) -> TallyRule:
        self._names_answers()
        if self.reply_window and not self.window_event:
            raise ValueError("a reply window needs the event that opens it; add window_event")
        if self.after_event and not self.reply_window:
            raise ValueError("after_event restricts answers after the window event, but the rule has no reply window; add reply_window and window_event")
        if self.one_answer_per == "participant" and self.electorate != "participants":
            raise ValueError(f"one_answer_per = \"participant\" needs electorate = \"participants\", not \"{self.electorate}\"")
        outcomes = {self.on_pass.outcome, self.on_fail.outcome}
        for x in self.exception:
            if x.outcome not in outcomes:
                raise ValueError(f"exception '{x.id}' changes outcome '{x.outcome}', which the rule does not have; use {' or '.join(sorted(outcomes))}")
        return self

    def _names_answers(self) -> None:
        """Every answer the rule names (counted, synonyms, after_event, passes_when, abstention) is among its answers."""
        known = set(self.answers)
        named = [("counted", n) for n in self.counted] + [("synonyms", n) for n in self.synonyms.values()]
        named += [("after_event.answers", n) for n in (self.after_event.answers if self.after_event else [])]
        for label, n in named:
            if n not in known:
                raise ValueError(f"{label} names answer '{n}', which is not among the answers; use one of {sorted(known)}")
        if self.passes_when.answer not in known:
            raise ValueError(f"passes_when names answer '{self.passes_when.answer}', which is not among the answers; use one of {sorted(known)}")
        if self.abstention and self.abstention not in known:
            raise ValueError(f"abstention '{self.abstention}' is not among the answers; add it to answers")


# --- windows and frequencies (plans of meetings) -------------------------------------------


class Nearness(Strict):
    """Two meetings are held in conjunction when they overlap or are at most this far apart."""

    #: The largest gap, in calendar days, between one's closing and the other's opening.
    within_days: int = Field(ge=0, le=60)
    #: The other reading (SEMANTICS § 6), shown when it changes the answer: at most this many
    #: working days between them (0: back to back, only weekends or closed days between).
    other_reading_working_days: int | None = Field(default=None, ge=0, le=30)


class Conjunction(Nearness):
    """Meetings of these kinds held in conjunction (overlapping, or at most ``within_days`` apart)."""

    kinds: list[Name] = Field(min_length=1)
    #: "parent": only meetings of the group's parent count (rapporteur groups and their study group).
    relation: Literal["any", "parent"] = "any"


class MeetingAnchor(Strict):
    """A meeting of the plan a window is measured from: the last of these kinds before an event."""

    kinds: list[Name] = Field(min_length=1)
    #: The event the meeting comes last before (e.g. "wtdc-opens": the last TDAG before WTDC).
    last_before: Name
    #: Which of its dates the offsets count from.
    date_of: Literal["opens", "closes"] = "opens"


class WindowRule(RuleBase):
    """A meeting's date must fall between two offsets of an anchor (bounds inclusive), or be held with it.

    ``select`` picks the meetings of the kinds in ``applies_to``: the last one
    before the anchor (e.g. the last TDAG before WTDC, Res. 31 item 6), each one
    before it, or each one whatever its date. The anchor is an event a plan
    dates (``anchor``) or one of its meetings (``anchor_meeting``); with an
    anchor meeting, ``in_conjunction`` asks that each selected meeting be held
    in conjunction with it (Res. 31 item 2).
    """

    select: Literal["last-before", "each-before", "each"]
    anchor: Name | None = None
    anchor_meeting: MeetingAnchor | None = None
    #: Which date of the meeting is checked.
    date_of: Literal["opens", "closes"] = "opens"
    #: The other reading (SEMANTICS § 6): the meeting's other date, shown when it changes the answer.
    other_reading_date_of: Literal["opens", "closes"] | None = None
    earliest: Offset | None = None
    latest: Offset | None = None
    in_conjunction: Nearness | None = None
    #: Meetings grouped by their group name (e.g. one check per study group).
    per_group: bool = False

    KIND: ClassVar[str] = "window"

    def describe(self, rs) -> list[str]:
        """The rule's parameters in plain words, one line each (rules list, rules show, the rule reference)."""
        from procedures.rulesdoc import nearness_words

        out: list[str] = []
        which = "the last" if self.select == "last-before" else "each"
        group = " of each group" if self.per_group else ""
        before = "" if self.select == "each" else f" before {self.anchor_words(rs.spec)}"
        bounds = self._bounds_words(rs)
        if bounds:
            out.append(f"{which} {rs.spec.kinds_words(self.applies_to)} meeting{group}{before} {self.date_of} {' and '.join(bounds)}")
        if self.other_reading_date_of:
            out.append(f"other reading, shown when it changes the answer: the meeting's {'first' if self.other_reading_date_of == 'opens' else 'last'} day")
        if self.in_conjunction:
            out.append(f"{which} {rs.spec.kinds_words(self.applies_to)} meeting in conjunction with {self.anchor_words(rs.spec)} ({nearness_words(self.in_conjunction)})")
        return out

    def _bounds_words(self, rs) -> list[str]:
        """"no earlier than …", "no later than …": the window's bounds from its anchor, in words."""
        from procedures.rulesdoc import offset_words

        am = self.anchor_meeting
        base = f"the {'first' if am.date_of == 'opens' else 'last'} day of {self.anchor_words(rs.spec)}" if am else self.anchor
        words = (("no earlier than", self.earliest), ("no later than", self.latest))
        return [f"{lead} {offset_words(rs, o, self.anchor) if self.anchor else f'{o.describe()} {base}'}" for lead, o in words if o]

    def references(self) -> Iterator[Ref]:
        yield from (Ref("meeting-kind", "applies_to", k) for k in self.applies_to)
        if self.anchor is not None:
            yield Ref("event", "anchor", self.anchor)
        if self.anchor_meeting:
            yield from (Ref("meeting-kind", "anchor_meeting", k) for k in self.anchor_meeting.kinds)
            yield Ref("event", "anchor_meeting.last_before", self.anchor_meeting.last_before)

    @model_validator(mode="after")
    def _a_bound(self) -> WindowRule:
        if (self.anchor is None) == (self.anchor_meeting is None):
            raise ValueError("a window has one anchor: give either anchor (an event) or anchor_meeting (a meeting of the plan)")
        if self.earliest is None and self.latest is None and self.in_conjunction is None:
            raise ValueError("a window needs earliest, latest or both (or in_conjunction); add at least one")
        if self.in_conjunction is not None and self.anchor_meeting is None:
            raise ValueError("in_conjunction is measured from a meeting; give anchor_meeting instead of anchor")
        if self.other_reading_date_of == self.date_of:
            raise ValueError(f"other_reading_date_of is the date already checked ('{self.date_of}'); use the other one or remove it")
        return self

    @property
    def anchor_name(self) -> str:
        """What the window is measured from, in words a finding can use."""
        if self.anchor_meeting:
            return f"the last {'/'.join(self.anchor_meeting.kinds)} meeting before {self.anchor_meeting.last_before}"
        return self.anchor or ""

    def anchor_words(self, spec: RulesetFile) -> str:
        """What the window is measured from, as a sentence writes it ("the last TDAG meeting before the opening of WTDC")."""
        if self.anchor_meeting:
            return f"the last {spec.kinds_words(self.anchor_meeting.kinds)} meeting before {spec.words(self.anchor_meeting.last_before)}"
        return spec.words(self.anchor) if self.anchor else ""


class FrequencyRule(RuleBase):
    """How often meetings of a kind happen in each calendar year of the study period."""

    per_group: bool = False
    at_least: int = Field(default=0, ge=0)
    at_most: int | None = Field(default=None, ge=0)
    #: Each meeting of these kinds has one of the rule's meetings before it, since the previous one closed (§ 11.9).
    before_each: list[Name] = []
    #: At least this many of the year's meetings must be in conjunction with ...
    in_conjunction: Conjunction | None = None
    in_conjunction_at_least: int = 1
    #: ... and none may be in conjunction with these.
    not_in_conjunction: Conjunction | None = None

    KIND: ClassVar[str] = "frequency"

    def describe(self, rs) -> list[str]:
        """The rule's parameters in plain words, one line each (rules list, rules show, the rule reference)."""
        from procedures.rulesdoc import bound_words, nearness_words

        out: list[str] = []
        group = " by each group" if self.per_group else ""
        if self.at_least or self.at_most is not None:
            out.append(f"meetings{group} in each calendar year of the study period: {bound_words(self.at_least, self.at_most, 'meetings')}")
        if self.in_conjunction:
            c = self.in_conjunction
            out.append(f"at least {self.in_conjunction_at_least} of them a year in conjunction with {'the parent ' if c.relation == 'parent' else 'a '}{rs.spec.kinds_words(c.kinds)} meeting ({nearness_words(c)})")
        if self.not_in_conjunction:
            c = self.not_in_conjunction
            out.append(f"none in conjunction with a {rs.spec.kinds_words(c.kinds)} meeting ({nearness_words(c)})")
        if self.before_each:
            out.append(f"one before each {rs.spec.kinds_words(self.before_each)} meeting, opening after the previous one closed and before its first day")
        return out

    def references(self) -> Iterator[Ref]:
        yield from super().references()
        for key, conj in (("in_conjunction", self.in_conjunction), ("not_in_conjunction", self.not_in_conjunction)):
            yield from (Ref("meeting-kind", key, k) for k in (conj.kinds if conj else []))
        yield from (Ref("meeting-kind", "before_each", k) for k in self.before_each)


# --- limits and roles -----------------------------------------------------------------------

class LimitException(ExceptionHead):
    """A named circumstance that changes the bounds (e.g. § 4.2.1.2: the chair was consulted).

    The new bound is either given (``at_most``/``at_least``; omit both to lift
    the bound) or grows from a previous value: ``adds_at_most`` more than the
    larger of the rule's ``at_most`` and the value named by ``added_to``
    (e.g. § 3.10.5.3: at most 20 pages more than the previous version, or than 50).
    """

    at_most: int | None = None
    at_least: int | None = None
    adds_at_most: int | None = Field(default=None, ge=0)
    #: The measure holding the previous value the allowance is added to (e.g. "previous-pages").
    added_to: Name | None = None
    #: Another reading of the exception's bound, shown when it gives a different answer (SEMANTICS § 6).
    other_reading: Summary | None = None
    other_reading_at_most: int | None = None

    @model_validator(mode="after")
    def _growth_is_whole(self) -> LimitException:
        if (self.adds_at_most is None) != (self.added_to is None):
            raise ValueError("adds_at_most and added_to go together: the allowance and the measure it is added to; give both or neither")
        if self.adds_at_most is not None and (self.at_most is not None or self.at_least is not None):
            raise ValueError("an exception either sets at_most/at_least or grows the bound with adds_at_most, not both; remove one")
        if (self.other_reading is None) != (self.other_reading_at_most is None):
            raise ValueError("other_reading and other_reading_at_most go together: the reading in words and its bound; give both or neither")
        return self

    def lines(self, rule: BoundedRule) -> list[str]:
        """The exception's bound (and its other reading), in the rule reference."""
        from procedures.rulesdoc import bound_words

        if self.adds_at_most is not None:
            bound = f"at most {self.adds_at_most} {rule.unit} more than the larger of {rule.at_most} and {self.added_to}"
        elif self.at_most is None and self.at_least is None:
            bound = "no bound"
        else:
            bound = bound_words(self.at_least, self.at_most, rule.unit)
        out = [f"exception {self.id}: when {self.when}, {bound} — {self.summary} ({self.cite.label()}, {self.modality})"]
        if self.other_reading:
            out.append(f"  other reading, shown when it changes the answer: {self.other_reading} (at most {self.other_reading_at_most} {rule.unit})")
        return out


class OtherReading(Strict):
    """Another reading of a rule, shown when it changes the answer for the case at hand (SEMANTICS § 6).

    It reads the bounds differently, or counts differently, or both. Its
    ``at_most``/``at_least`` replace the rule's bounds when either is given (a
    bound left out is then no bound: ``at_most = 3`` alone reads "two or three"
    as a cap only); give neither to keep the rule's bounds. ``not_counted``
    (role rules): posts whose Question (the appointments file's question column)
    begins with one of these, e.g. "JRG", are left out under this reading.
    """

    summary: Summary
    at_most: int | None = Field(default=None, ge=0)
    at_least: int | None = Field(default=None, ge=0)
    not_counted: list[Annotated[str, StringConstraints(min_length=1)]] = []

    def bounds(self, rule: BoundedRule) -> tuple[int | None, int | None]:
        """(at_least, at_most) under this reading."""
        if self.at_most is None and self.at_least is None:
            return rule.at_least, rule.at_most
        return self.at_least, self.at_most


class MeasuredRule(RuleBase):
    """What limit, role and interval rules share: what is measured, in what unit, and what follows a miss."""

    #: What is counted, in words ("pages of a contribution, annexes excluded").
    quantity: Summary
    #: What one counts, in the plural, as a result shows it ("pages", "consecutive meetings missed").
    unit: CountUnit
    #: What follows when the bound is not kept (e.g. "the Director reminds the nominating member").
    otherwise: Summary | None = None
    #: What the author or member concerned can do about it (e.g. "consult the chair; provide a summary").
    remedy: Summary | None = None

    def tail_lines(self) -> list[str]:
        """What follows a miss and what can be done, in the rule reference."""
        return ([f"otherwise: {self.otherwise}"] if self.otherwise else []) + ([f"what can be done: {self.remedy}"] if self.remedy else [])


class BoundedRule(MeasuredRule):
    """What limit and role rules share: a count of whole things (pages, posts, Questions, meetings) and its bounds."""

    at_most: int | None = Field(default=None, ge=0)
    at_least: int | None = Field(default=None, ge=0)
    #: Another reading, shown when it changes the answer (e.g. § 3.2.1's "two or three" as a cap only).
    other_reading: OtherReading | None = None

    def whole(self, value: Fraction) -> int:
        """The value as a count: pages, posts, Questions and meetings are whole things, so a fraction is refused (one line)."""
        from procedures.errors import InputError

        if value.denominator != 1:
            shown = format(float(value), "g") if Fraction(format(float(value), "g")) == value else str(value)
            raise InputError(f"{shown} is not a whole number: {self.id} counts {self.unit}; give a whole number, e.g. {int(value)}")
        return int(value)

    def _check_bounds(self, missing: str) -> None:
        """A bound at least, and bounds in order; ``missing`` is the error when there is none."""
        if self.at_most is None and self.at_least is None:
            raise ValueError(missing)
        _in_order(self.at_least, self.at_most, "")
        o = self.other_reading
        if o is not None:
            least, most = o.bounds(self)
            _in_order(least, most, "other_reading: ")
            if (least, most) == (self.at_least, self.at_most) and not o.not_counted:
                raise ValueError("other_reading reads nothing differently: give it bounds other than the rule's "
                                 "(at_most/at_least) or, for a role rule, posts it leaves out (not_counted)")

    def bound_lines(self) -> list[str]:
        """The exceptions' bounds and the other reading, in the rule reference."""
        from procedures.rulesdoc import bound_words

        out = self.tail_lines()
        for x in self.exceptions():
            out += x.lines(self)
        o = self.other_reading
        if o:
            how = [bound_words(*o.bounds(self), self.unit)]
            if o.not_counted:
                how.append(f"posts whose Question begins {' or '.join(o.not_counted)} left out")
            out.append(f"other reading, shown when it changes the answer: {o.summary} ({'; '.join(how)})")
        return out


def _in_order(least: int | None, most: int | None, where: str) -> None:
    if least is not None and most is not None and least > most:
        raise ValueError(f"{where}at_least {least} is above at_most {most}; correct one")


class LimitRule(BoundedRule):
    """A count that must stay within bounds (pages, study Questions), or a threshold that changes what applies.

    ``measure`` names the input the count is read from when a check takes
    several (e.g. "pages", "question-pages"). A date that must not come too
    soon after another is an ``interval`` rule, not a limit.
    """

    #: The input the number is read from when a check takes several (e.g. "pages", "question-pages").
    measure: Name = VALUE
    exception: list[LimitException] = []
    #: Pages at the front of a document that this limit does not count (Annex 2: the cover page);
    #: a document check reads the measure less these.
    cover_pages: int = Field(default=0, ge=0)
    #: The bound is a threshold, not a limit: going past it is no fault but changes what applies
    #: (§ 2.1.2.2: past 50 pages the cross-referenced rule applies). A value past it is a note, and
    #: ``otherwise`` says what then applies.
    threshold: bool = False

    KIND: ClassVar[str] = "limit"
    MOVED: ClassVar[dict[str, str]] = dict.fromkeys(("interval_from", "interval_to", "min_interval"), "interval")
    MOVED_WHY: ClassVar[str] = "a date that must come late enough after another is its own kind"

    def references(self) -> Iterator[Ref]:
        yield from super().references()
        yield Ref("measure", "measure", self.measure)
        yield from (Ref("measure", f"exception '{x.id}' added_to", x.added_to) for x in self.exception if x.added_to)

    def describe(self, rs) -> list[str]:
        from procedures.rulesdoc import bound_words

        read = f" (read from {self.measure})" if self.measure != VALUE else ""
        if self.cover_pages:
            read += f" (less {self.cover_pages} cover page{'s' if self.cover_pages > 1 else ''})"
        if self.threshold:
            line = f"{self.quantity}{read}: a threshold at {self.at_most} {self.unit}; past it, a note (not a fault)"
        else:
            line = f"{self.quantity}{read}: {bound_words(self.at_least, self.at_most, self.unit)}"
        return [line, *self.bound_lines()]

    @model_validator(mode="after")
    def _a_bound(self) -> LimitRule:
        if self.other_reading is not None and self.other_reading.not_counted:
            raise ValueError("other_reading's not_counted leaves posts out of a role rule's count; a limit counts no posts, so remove it")
        if self.cover_pages and self.unit != "pages":
            raise ValueError('cover_pages applies to page limits; use unit = "pages" or remove cover_pages')
        if self.threshold:
            self._a_threshold()
        self._check_bounds("a limit needs at_most, at_least or both; add one")
        for x in self.exception:
            if x.adds_at_most is not None and self.at_most is None:
                raise ValueError(f"exception '{x.id}' adds to at_most, which the rule does not set; add at_most")
        return self

    def _a_threshold(self) -> None:
        if self.at_most is None or self.at_least is not None:
            raise ValueError("a threshold is crossed upwards: give at_most alone (no at_least)")
        if self.otherwise is None:
            raise ValueError("a threshold needs otherwise: what applies past it (e.g. \"the cross-referenced rule applies\")")


class IntervalException(ExceptionHead):
    """In its circumstance, a date sooner than the interval is allowed (§ 7.1.2: a revision that complements)."""


class IntervalRule(MeasuredRule):
    """A date that must not come too soon after another: ``interval_to`` on or after ``interval_from`` shifted by ``min_interval``.

    Both are events; both dates count (§ 7.1.2: a revision considered exactly
    two years after approval is not within the two years).
    """

    interval_from: Name
    interval_to: Name
    min_interval: Offset
    exception: list[IntervalException] = []

    KIND: ClassVar[str] = "interval"
    MOVED: ClassVar[dict[str, str]] = dict.fromkeys(("at_most", "at_least", "threshold", "measure", "cover_pages", "other_reading"), "limit")
    MOVED_WHY: ClassVar[str] = "an interval has no count bound: it is kept when interval_to comes min_interval or more after interval_from"

    def references(self) -> Iterator[Ref]:
        yield from super().references()
        yield from (Ref("event", key, e) for key, e in (("interval_from", self.interval_from), ("interval_to", self.interval_to)))

    def describe(self, rs) -> list[str]:
        from procedures.rulesdoc import offset_words

        out = [f"{self.quantity}: {self.interval_to} no earlier than {offset_words(rs, self.min_interval, self.interval_from)}", *self.tail_lines()]
        out += [f"exception {x.id}: when {x.when}, no bound — {x.summary} ({x.cite.label()}, {x.modality})" for x in self.exception]
        return out

    @model_validator(mode="after")
    def _forward(self) -> IntervalRule:
        if self.min_interval.direction != "after":
            raise ValueError('min_interval counts forward from interval_from; use direction = "after"')
        return self


#: How a role rule counts, in the rule reference (the role rule's ``counting``).
_COUNTING_WORDS = {"posts": "the {counts} posts held", "questions": "the distinct Questions of the {counts} posts held",
                   "consecutive-absences": "the longest run of consecutive meetings missed (from an attendance list)"}


class RoleRule(BoundedRule):
    """A bound on the posts people hold, counted from a list of appointments (and attendance).

    ``counting`` names how the count is made: ``posts`` (posts of the roles in
    ``counts``), ``questions`` (distinct Questions of those posts) or
    ``consecutive-absences`` (the longest run of meetings missed, from an
    attendance list). ``per`` is ``person`` (each person holding one of
    ``holders``); or, counting the ``counts`` posts, ``study-group-and-organization``
    (each study group and each regional telecommunication organization),
    ``question`` (each study Question, § 3.3.5), ``study-group`` (each of the
    ``study_groups``, § 12.3) or ``whole-list`` (the list as a whole, § 11.11).
    """

    counting: Literal["posts", "questions", "consecutive-absences"] = Field(
        description="how the count is made: posts, questions or consecutive-absences")
    per: Literal["person", "study-group-and-organization", "question", "study-group", "whole-list"]
    holders: list[Name] = []
    counts: list[Name] = []
    #: per = "study-group": the study groups, each counted (e.g. § 12.3: one expert from SG1, one from SG2).
    study_groups: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] = []

    KIND: ClassVar[str] = "role"
    #: ``measure`` is the input a limit reads; a role rule's counting method has its own key.
    RENAMED: ClassVar[dict[str, str]] = {"measure": "counting"}

    def references(self) -> Iterator[Ref]:
        yield from super().references()
        for key in ("holders", "counts"):
            yield from (Ref("role", key, r) for r in getattr(self, key))

    def problems(self, spec) -> Iterator[tuple[str, str]]:
        if self.per == "study-group-and-organization" and not spec.ruleset.regional_organizations:
            yield ("counts per regional organization, but the ruleset declares no regional organizations file",
                   'add regional_organizations = "regional-organizations.toml" to [ruleset] in ruleset.toml')

    def describe(self, rs) -> list[str]:
        from procedures.rulesdoc import bound_words

        who = {"person": f"each person holding {' or '.join(self.holders)}",
               "study-group-and-organization": "each study group and each regional telecommunication organization",
               "question": "each study Question (study group and name)",
               "study-group": f"each of {', '.join(self.study_groups)}",
               "whole-list": "the appointments list as a whole"}[self.per]
        how = _COUNTING_WORDS[self.counting].format(counts="/".join(self.counts))
        return [f"for {who}, counts {how}: {bound_words(self.at_least, self.at_most, self.unit)}", *self.bound_lines()]

    @model_validator(mode="after")
    def _coherent(self) -> RoleRule:
        self._check_bounds("a role rule needs at_most, at_least or both; add one")
        self._whose()
        if self.counting == "consecutive-absences":
            self._absences()
        elif not self.counts:
            raise ValueError(f'counting "{self.counting}" counts posts; add counts = ["rapporteur", ...] (roles of ruleset.toml)')
        if self.per != "person" and self.counting != "posts":
            raise ValueError(f'per = "{self.per}" counts the posts held; use counting = "posts"')
        return self

    def _whose(self) -> None:
        """``holders`` goes with per = "person", ``study_groups`` with per = "study-group"."""
        if (self.per == "person") != bool(self.holders):
            raise ValueError('a per-person role rule needs holders: the roles whose holders are checked, e.g. holders = ["vice-chair"]'
                             if self.holders == [] else 'holders only applies per person; remove it or use per = "person"')
        if (self.per == "study-group") != bool(self.study_groups):
            raise ValueError('per = "study-group" needs study_groups: the study groups each counted, e.g. study_groups = ["SG1", "SG2"]'
                             if self.study_groups == [] else 'study_groups only applies with per = "study-group"; remove it or change per')

    def _absences(self) -> None:
        if self.other_reading is not None and self.other_reading.not_counted:
            raise ValueError("other_reading's not_counted leaves posts out; absences count meetings, so remove it")
        if self.counts:
            raise ValueError("absences count meetings, not posts; remove counts")
        if self.per != "person":
            raise ValueError('absences are counted per person; use per = "person"')


# --- the ruleset head ----------------------------------------------------------------------


class EventDecl(Strict):
    summary: Summary
    #: When the event's date is not given, take this rule's date (a derived anchor).
    #: It is also the event's last day: a later date given for the event is late.
    default: RuleId | None = None
    #: When not given, the day halfway between these two events (the earlier day when the span is odd).
    midpoint_of: list[Name] | None = Field(default=None, min_length=2, max_length=2)
    #: Meeting events may carry a time of day (the opening session).
    has_time: bool = False

    @model_validator(mode="after")
    def _one_derivation(self) -> EventDecl:
        if self.default and self.midpoint_of:
            raise ValueError("an event is derived one way: give default (a rule) or midpoint_of (two events), not both")
        return self


class Instrument(Strict):
    title: str
    #: A file listing the instrument's paragraphs; when given, every citation of the instrument is checked against it.
    paragraphs: str | None = None


class ParagraphList(Strict):
    """The paragraphs of an instrument a rule may cite (sections, numbered paragraphs, annexes and their items)."""

    instrument: str
    sections: list[str] = []
    numbered: list[str] = []
    annexes: list[int] = []
    #: Annex number -> how many numbered items it has.
    annex_items: dict[str, int] = {}

    def labels(self) -> frozenset[str]:
        items = {f"Annex {a}, item {i}" for a, n in self.annex_items.items() for i in range(1, n + 1)}
        return frozenset({*self.sections, *self.numbered, *(f"Annex {a}" for a in self.annexes), *items})


class ParagraphsFile(Strict):
    paragraphs: ParagraphList


class Provision(Strict):
    """One provision the ruleset must cover (the inventory travels with the ruleset)."""

    instrument: str
    paragraph: Paragraph
    kind: str
    modality: str
    applies_to: str
    what: str = Field(min_length=3)

    def label(self) -> str:
        sep = " § " if self.paragraph[0].isdigit() else " "
        return f"{self.instrument}{sep}{self.paragraph}"


class ProvisionsFile(Strict):
    provision: list[Provision] = Field(min_length=1)


class ExampleMeeting(Strict):
    kind: Name
    opens: dt.date
    closes: dt.date | None = None


class RulesetHead(Strict):
    id: RuleId
    instrument: str
    revision: str
    applies_from: dt.date
    applies_until: dt.date | None = None
    time_zone: str
    #: The last whole second of a deadline day, as shown; the day ends when that second ends.
    cutoff: dt.time
    day_counting: DayCounting
    calendar: str
    members: str | None = None
    #: The regional telecommunication organizations (§ 3.2.1), in the members-file format.
    regional_organizations: str | None = None
    #: The inventory of provisions the ruleset must cover, for the coverage table of 'rules docs'.
    provisions: str | None = None

    @field_validator("time_zone")
    @classmethod
    def _zone_exists(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{v}'; use an IANA name such as \"Europe/Zurich\"") from None
        return v

    @field_validator("cutoff")
    @classmethod
    def _whole_second(cls, v: dt.time) -> dt.time:
        if v.microsecond or v.tzinfo is not None:
            raise ValueError("the cut-off is the last whole second of a deadline day, without fraction or offset; write it as HH:MM:SS, e.g. 23:59:59")
        return v


class RulesetFile(Strict):
    ruleset: RulesetHead
    instruments: dict[str, Instrument] = Field(min_length=1)
    meeting_kinds: dict[Name, Summary] = Field(min_length=1)
    procedures: dict[Name, Summary] = {}
    #: Other things rules apply to: documents, posts, the study period's Questions.
    subjects: dict[Name, Summary] = {}
    #: The posts an appointments list may name (chair, vice-chair, rapporteur, ...).
    roles: dict[Name, Summary] = {}
    events: dict[Name, EventDecl] = Field(min_length=1)
    #: Named circumstances rules may depend on (an exception's ``when``), with their meaning.
    conditions: dict[Name, Summary] = {}
    #: Named inputs a limit reads (measure, added_to), with their meaning.
    measures: dict[Name, Summary] = {}
    example: ExampleMeeting | None = None
    #: How a meeting kind, event or procedure is written inside a sentence where its id is not ("TDAG", not "tdag").
    names: dict[Name, Label] = {}

    @model_validator(mode="after")
    def _names_known(self) -> RulesetFile:
        known = [*self.meeting_kinds, *self.events, *self.procedures]
        for name in self.names:
            if name not in known:
                raise ValueError(f"names gives '{name}', which is not a meeting kind, event or procedure{did_you_mean(name, known)}; "
                                 "correct its spelling or remove it")
        return self

    def words(self, name: str) -> str:
        """A meeting kind, event or procedure as written in a sentence: its entry in [names], else its id."""
        return self.names.get(name, name)

    def kinds_words(self, kinds: list[str]) -> str:
        """Several meeting kinds in a sentence: "study group, rapporteur group or TDAG"."""
        words = [self.words(k) for k in kinds]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class SectionHead(Strict):
    number: str
    title: str


class RuleFile(Strict):
    """One rule file: a section of the instrument and its rules, grouped by kind."""

    section: SectionHead
    deadline: list[DeadlineRule] = []
    tiers: list[TiersRule] = []
    tally: list[TallyRule] = []
    window: list[WindowRule] = []
    frequency: list[FrequencyRule] = []
    limit: list[LimitRule] = []
    interval: list[IntervalRule] = []
    role: list[RoleRule] = []


RULE_MODELS = (DeadlineRule, TiersRule, TallyRule, WindowRule, FrequencyRule, LimitRule, IntervalRule, RoleRule)
#: The rule kinds, as rule files name them (each model says its own).
RULE_KINDS = tuple(m.KIND for m in RULE_MODELS)
Rule = DeadlineRule | TiersRule | TallyRule | WindowRule | FrequencyRule | LimitRule | IntervalRule | RoleRule


def all_cites(rule: Rule) -> list[Citation]:
    """Every paragraph a rule encodes: its own, and those of its parts (each kind says which), each once."""
    unique: dict[str, Citation] = {}
    for c in (*rule.cites(), *rule.parts_cited()):
        unique.setdefault(c.label(), c)
    return list(unique.values())
