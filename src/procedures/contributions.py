"""Is this contribution late? Evaluating tiers rules over a received moment (SEMANTICS § 2).

Stages, so a batch computes each meeting's deadlines once and each outcome once:

- ``plan`` evaluates the bounds of the tiers that apply to a meeting (kind,
  opening date and time, purpose) into cut-off moments;
- ``verdict`` places one received moment in the first tier whose bound holds
  (``_place``), gives the tier its meaning under the flags and named exceptions
  (``_placed``), and works out the publication date, the paragraphs and the
  warnings (``_verdict``): all that depends only on the place in the tiers (and
  in the other reading's), the flags and, where a date counts from it, the
  receipt's day, so it is memoised on the plan;
- ``margin`` and ``receipt_warning`` add what depends on the exact receipt;
- ``classify`` puts them together into a ``Result`` and, for a single check,
  explains it (``_explain``: every cut-off and the trace).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from procedures.deadlines import Deadline, Step, end_of, evaluate_cached, other_counting, zone
from procedures.errors import InputError
from procedures.loader import Ruleset
from procedures.models import DayCounting, Tier, TierException, TiersRule
from procedures.timestamps import Received, clock_change
from procedures.timetable import CLOSES, OPENS, check_closes, check_kind
from procedures.timetable import day_note, opening_warning

from procedures.vocabulary import RECEIVED
#: Where each meeting event a check may need comes from, for the message when it is missing.
EVENT_INPUTS = {CLOSES: "--closes (a closes column in check-batch, a closes field in the API)"}


@dataclass(frozen=True)
class Meeting:
    kind: str
    opens: dt.date
    purpose: str = "action"
    opening_time: dt.time | None = None
    #: The last day: exceptions that hold only during the meeting need it (§ 11.8).
    closes: dt.date | None = None

    def events(self) -> dict[str, dt.date]:
        return {OPENS: self.opens} | ({CLOSES: self.closes} if self.closes else {})


@dataclass(frozen=True)
class Bound:
    """A tier's upper bound: a receipt before ``end`` (exclusive) is inside it.

    For a deadline, ``moment`` is its cut-off as shown (23:59:59) and ``end`` the
    end of that second, so fractions of it count (SEMANTICS § 1); for an event
    (the opening), both are the event's moment. A bare date is compared with
    ``day``: inclusive for a deadline, exclusive for an event.
    """

    tier: Tier
    moment: dt.datetime | None
    end: dt.datetime | None
    day: dt.date | None
    inclusive: bool
    deadline: Deadline | None
    label: str

    @cached_property
    def shown(self) -> str:
        """The bound's moment as margins show it."""
        return f"{self.moment:%Y-%m-%d %H:%M:%S %Z}"

    @cached_property
    def end_instant(self) -> dt.datetime:
        """``end`` in UTC: compared as an instant (two datetimes of one zone compare by wall clock)."""
        return instant(self.end)

    def holds(self, received: Received) -> bool:
        if self.end is None:
            return True
        if received.moment is None:
            return received.day <= self.day if self.inclusive else received.day < self.day
        return instant(received.moment) < self.end_instant


def instant(moment: dt.datetime) -> dt.datetime:
    """A moment in UTC, so that comparing and subtracting count real time across a change of the clocks
    (Python compares and subtracts two datetimes of one zone by their wall clocks, ignoring the offset)."""
    return moment.astimezone(dt.timezone.utc)


@dataclass(frozen=True)
class Window:
    """Until when an exception holds (``until_end_of``): the end of an event's day, when known."""

    event: str
    day: dt.date | None
    end: dt.datetime | None


@dataclass(frozen=True)
class Plan:
    rs: Ruleset
    meeting: Meeting
    rule: TiersRule
    bounds: tuple[Bound, ...]
    counting: DayCounting
    #: The windows of exceptions that hold only until an event's day, by exception id.
    windows: dict[str, Window] = field(default_factory=dict, compare=False, hash=False)
    placed_cache: dict = field(default_factory=dict, compare=False, hash=False)
    #: Each verdict once (``verdict``), by what it depends on.
    verdicts: dict = field(default_factory=dict, compare=False, hash=False)
    #: The warning of an opening session at a time the clocks repeat (``opening_note``).
    opening_note: str | None = None


def _find_rule(rs: Ruleset, meeting: Meeting) -> TiersRule:
    check_kind(rs, meeting.kind)
    found = [r for r in rs.of_kind(TiersRule) if meeting.kind in r.applies_to and meeting.purpose in r.purposes]
    if not found:
        purposes = sorted({p for r in rs.of_kind(TiersRule) if meeting.kind in r.applies_to for p in r.purposes})
        if not purposes:
            raise InputError(f"ruleset {rs.id} has no contribution rules for a meeting of kind '{meeting.kind}'")
        from procedures.vocabulary import not_one_of

        raise InputError(not_one_of("purpose", meeting.purpose, purposes, f" for a {meeting.kind}"))
    if len(found) > 1:
        raise InputError(f"rules {', '.join(r.id for r in found)} all apply to a {meeting.kind} for {meeting.purpose}; keep one")
    return found[0]


def plan(rs: Ruleset, meeting: Meeting, counting: DayCounting | None = None) -> Plan:
    rule = _find_rule(rs, meeting)
    check_closes(meeting.opens, meeting.closes)
    counting = counting or rs.head.day_counting
    events = meeting.events()
    bounds, note = [], None
    for tier in rule.tier:
        if tier.until:
            d = evaluate_cached(rs, tier.until, events, counting)
            unit = d.rule.offset.unit.removesuffix("s").replace("calendar-day", "day")
            bounds.append(Bound(tier, d.cutoff, d.ends, d.date, True, d, f"{d.rule.offset.amount}-{unit} cut-off"))
        elif tier.before:
            if tier.before != OPENS:
                raise InputError(f"tier '{tier.status}' of {rule.id} is bounded by '{tier.before}', which a contribution check cannot date")
            # "after the opening" counts from the opening session when the event carries a time
            session = meeting.opening_time if rs.spec.events[tier.before].has_time else None
            moment = dt.datetime.combine(meeting.opens, session or dt.time(0, 0), tzinfo=zone(rs))
            note = opening_note(rs, moment) if session else None
            what = "opening session" if session else "start of the opening day"
            bounds.append(Bound(tier, moment, moment, meeting.opens, False, None, what))
        else:
            bounds.append(Bound(tier, None, None, None, True, None, "no bound"))
    windows = {}
    for x in rule.exception:
        if x.until_end_of:
            if x.until_end_of not in (OPENS, CLOSES):
                raise InputError(f"exception {x.id} holds until '{x.until_end_of}', which a contribution check cannot date")
            day = events.get(x.until_end_of)
            windows[x.id] = Window(x.until_end_of, day, end_of(rs, day) if day else None)
    return Plan(rs, meeting, rule, tuple(bounds), counting, windows, opening_note=note)


def opening_note(rs: Ruleset, moment: dt.datetime) -> str | None:
    """An opening session at a time the clocks skip is an error; at a time they repeat, it is read as the
    first (the earlier instant), and the warning returned says so and names the other."""
    change = clock_change(moment)
    if change is None:
        return None
    tz = rs.head.time_zone
    if change == "skipped":
        real = moment.astimezone(dt.timezone.utc).astimezone(moment.tzinfo)
        raise InputError(f"the opening time {moment:%H:%M} does not exist on {moment.date()} in {tz} (the clocks went forward "
                         f"that night): give the time the clock showed, e.g. {real:%H:%M}")
    second = moment.replace(fold=1)
    return (f"the opening time {moment:%H:%M} occurs twice on {moment.date()} in {tz} (the clocks went back that night): "
            f"read as the first, {moment:%H:%M %Z}; the second, {second:%H:%M %Z}, is {_duration(instant(second) - instant(moment))} later")


def _duration(delta: dt.timedelta) -> str:
    return duration_words(int(abs(delta.total_seconds())))


def duration_words(seconds: int) -> str:
    """A gap of whole seconds in words: days and hours, else hours and minutes, else seconds."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    if not parts:
        parts.append(f"{secs} s")
    return " ".join(parts)


@dataclass
class Result:
    status: str
    translated: bool
    on_agenda: bool
    publish_by: Deadline | None
    what_follows: str
    modality: str
    cite: list[str]
    margin: str
    received: Received
    meeting: Meeting
    rule_id: str
    exception: str | None = None
    #: A publication date that had already passed on receipt: never shown as one to meet.
    publish_by_passed: Deadline | None = None
    deadlines: list[dict] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The bound that decided the status for the batch's "cutoff" column (met in the first tier, else the last one missed).
    decided_by: Bound | None = None
    #: The cut-offs the margin names (``_measured``): the one that decided, after the one missed when that is nearer.
    margin_to: list[Measured] = field(default_factory=list)

    def sentence(self) -> str:
        follows = self.what_follows
        if self.publish_by:
            follows += f"; to be published by {self.publish_by.date.isoformat()} ({self.publish_by.date:%A})"
        elif self.publish_by_passed:
            d = self.publish_by_passed
            follows += f"; its publication date, {d.date.isoformat()}, had passed on receipt: {d.rule.once_passed or 'it can no longer be met'}"
        return f"{self.status.upper()}: {follows} ({', '.join(self.cite)}, {self.modality}). {self.margin[0].upper()}{self.margin[1:]}."

    def as_dict(self) -> dict:
        passed = self.publish_by_passed
        return {
            "status": self.status,
            "translated": self.translated,
            "on_agenda": self.on_agenda,
            "publish_by": self.publish_by.date.isoformat() if self.publish_by else None,
            "publish_by_passed": {
                "id": passed.id, "date": passed.date.isoformat(), "cite": passed.cite,
                "modality": passed.rule.modality, "instead": passed.rule.once_passed,
            } if passed else None,
            "what_follows": self.what_follows,
            "modality": self.modality,
            "cite": self.cite,
            "rule": self.rule_id,
            "exception": self.exception,
            "received": {
                "given": self.received.text,
                "read_as": self.received.moment.isoformat() if self.received.moment else self.received.day.isoformat(),
                "assumed_local_time": self.received.assumed_local,
            },
            "meeting": {
                "kind": self.meeting.kind,
                "opens": self.meeting.opens.isoformat(),
                "closes": self.meeting.closes.isoformat() if self.meeting.closes else None,
                "opening_time": self.meeting.opening_time.strftime("%H:%M") if self.meeting.opening_time else None,
                "purpose": self.meeting.purpose,
            },
            "deadlines": self.deadlines,
            "margin": self.margin,
            "margin_to": [m.as_dict() for m in self.margin_to],
            "trace": [s.as_dict() for s in self.trace],
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class Measured:
    """One cut-off a margin names: on which side of it the receipt was ("before", "after", "at"), and by how much."""

    bound: Bound
    side: str
    by: str

    def as_dict(self) -> dict:
        b = self.bound
        return {"label": b.label, "cutoff": b.moment.isoformat(), "cite": b.deadline.cite if b.deadline else b.tier.cite.label(),
                "received": self.side, "by": self.by}


def _measure(received: Received, bound: Bound, inside: bool) -> tuple[Measured, object]:
    """How far the receipt is from a bound, to the whole second (a bare date: in days), and that gap to compare."""
    if received.moment is None:
        gap = abs((bound.day - received.day).days)
        by = days_words(gap)
    else:
        # a second counts whole: 23:59:59.600 is in the cut-off's own second
        gap = abs(instant(bound.moment) - instant(received.moment.replace(microsecond=0)))
        by = _duration(gap)
    return Measured(bound, "at" if not gap else "before" if inside else "after", by if gap else ""), gap


def days_words(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def _measured(received: Received, v: Verdict) -> list[Measured]:
    """The cut-offs the margin names (``named``)."""
    met = _measure(received, v.met, True) if v.met is not None else None
    missed = _measure(received, v.missed, False) if v.missed is not None else None
    return named(met, missed)


def named(met: tuple | None, missed: tuple | None) -> list:
    """Of (the cut-off met, its gap) and (the one missed, its gap), the ones a margin names: the one that
    decided the status (met, else the last one missed), and first the one missed when it is nearer."""
    if met is None:
        return [missed[0]]
    if missed is not None and missed[1] < met[1]:
        return [missed[0], met[0]]
    return [met[0]]


def short_second(first: Bound, second: Bound) -> bool:
    """Whether the second cut-off a margin names is called 'the N-day one' (both are cut-offs)."""
    return first.label.endswith("cut-off") and second.label.endswith("cut-off")


def words(m: Measured, dated: bool, short: bool = False) -> str:
    """How far a receipt is from one cut-off, in words; ``dated``: the receipt is a date, compared as one."""
    b = m.bound
    label = b.label.removesuffix("cut-off") + "one" if short else b.label
    if dated:  # compared as dates: the cut-off's day, or the opening day (issue 18 item 10)
        day = label if b.deadline is not None else "opening day"
        if m.side == "at":
            return f"on the {'day of the ' if b.deadline is not None else ''}{day} ({b.day})"
        return f"{m.by} {m.side} the {day} ({b.day})"
    if m.side == "at":
        return f"exactly at the {label} of {b.shown}" if b.deadline is not None else f"exactly at the {label} ({b.shown})"
    if short:
        return f"{m.by} {m.side} the {label}"
    return f"{m.by} {m.side} the {label}" + (f" of {b.shown}" if b.deadline is not None else f" ({b.shown})")


def _margin(received: Received, cutoffs: list[Measured]) -> str:
    """How far the receipt is from the cut-offs named, in words, to the whole second."""
    dated = received.moment is None
    parts = [words(cutoffs[0], dated)]
    if len(cutoffs) > 1:
        parts.append(words(cutoffs[1], dated, short=short_second(cutoffs[0].bound, cutoffs[1].bound)))
    return margin_words(received.describe(), parts)


def margin_words(described: str, parts: list[str]) -> str:
    """The margin: the receipt as read, then how far it is from each cut-off named."""
    return f"received {described}, " + ", ".join(parts)


def _matching_exception(rule: TiersRule, kind: str, status: str, flags: frozenset[str]) -> TierException | None:
    for x in rule.exception:
        if x.when in flags and status in x.overrides and (x.applies_to is None or kind in x.applies_to):
            return x
    return None


def _place(p: Plan, received: Received) -> int:
    for i, b in enumerate(p.bounds):
        if b.holds(received):
            return i
    raise AssertionError("the last tier is unbounded")  # guaranteed by the model


@dataclass(frozen=True)
class Placed:
    """What a tier (after any exception the flags trigger) means; the same for every receipt in it."""

    tier: Tier
    exception: TierException | None
    outcome: Tier | TierException
    status: str
    modality: str
    cites: tuple[str, ...]
    warnings: tuple[str, ...]
    #: The exception the flags call for when its window had closed on receipt (it then has no effect).
    lapsed: TierException | None = None


def _labels(*cites) -> list[str]:
    return [c.label() for c in cites if c is not None]


def _placed(p: Plan, i: int, flags: frozenset[str], lapsed: bool = False) -> Placed:
    """The meaning of tier ``i`` under ``flags``; ``lapsed``: the exception's window had closed on receipt."""
    key = (i, flags, lapsed)
    hit = p.placed_cache.get(key)
    if hit is None:
        tier = p.bounds[i].tier
        matched = _matching_exception(p.rule, p.meeting.kind, tier.status, flags)
        exception = None if lapsed else matched
        cites = _labels(tier.cite, tier.via)
        if exception:
            cites += [c for c in _labels(exception.cite, exception.via) if c not in cites]
        hit = p.placed_cache[key] = Placed(
            tier=tier,
            exception=exception,
            outcome=exception or tier,
            status=exception.status if exception else tier.status,
            modality=exception.modality if exception else tier.modality,
            cites=tuple(cites),
            warnings=tuple(_tier_warnings(p, i, flags, matched, exception, lapsed)),
            lapsed=matched if lapsed else None,
        )
    return hit


def _tier_warnings(p: Plan, i: int, flags: frozenset[str], matched: TierException | None,
                   exception: TierException | None, lapsed: bool) -> list[str]:
    """What a tier's meaning warns of: advice not followed, a flag without effect, a proviso read."""
    tier = p.bounds[i].tier
    warnings = []
    if tier.missed_advice and i > 0:
        prev = p.bounds[i - 1]
        warnings.append(f"the advice of {tier.cite.label()} was not followed: the {prev.label} of {prev.day} was missed (a warning, not a refusal)")
    if lapsed:
        w = p.windows[matched.id]
        what = p.rs.spec.events[w.event].summary
        warnings.append(f"{matched.when} has no effect: {matched.cite.label()} admits it only up to the end of {what} ({w.day}), and it was received after")
    elif flags and not exception:
        warnings.append(f"{', '.join(sorted(flags))} has no effect on a contribution that is {tier.status}")
    if exception and exception.provided:
        warnings.append(
            f"{exception.cite.label()} allows this only provided {exception.provided}: '{exception.when}' is read as saying so; "
            f"if it is not, the status would be {tier.status}, not {exception.status}"
        )
    return warnings


def _within(p: Plan, x: TierException, received: Received) -> bool | None:
    """Whether a receipt falls in an exception's window; None when the input cannot tell."""
    w = p.windows[x.id]
    if w.day is None:
        # the event is the meeting's last day, never before its first: a receipt on the first day is within
        return True if received.day <= p.meeting.opens else None
    if received.moment is None:
        return received.day <= w.day
    return instant(received.moment) < instant(w.end)


def _outcome(p: Plan, received: Received, flags: frozenset[str]) -> tuple[int, Placed, bool | None]:
    """The tier a receipt falls in and what it means: (index, meaning, within the exception's window)."""
    i = _place(p, received)
    placed = _placed(p, i, flags)
    x = placed.exception
    within = _within(p, x, received) if x is not None and x.until_end_of else True
    if within is False:
        placed = _placed(p, i, flags, lapsed=True)
    return i, placed, within


def _cannot_tell(p: Plan, x: TierException, received: Received) -> InputError:
    w = p.windows[x.id]
    what = p.rs.spec.events[w.event].summary
    return InputError(
        f"{x.cite.label()} admits a {x.when} contribution only up to the end of {what}, which was not given: "
        f"the input cannot tell whether {received.describe()} was within it; give it with {EVENT_INPUTS.get(w.event, w.event)}"
    )


@dataclass(frozen=True, eq=False)
class Verdict:
    """What a receipt's place means: everything but the exact moment (margin, a time read as local).

    The same for every receipt with the same place in the tiers (and in the
    other reading's), the same flags and, where the publication date counts
    from the receipt or is compared with it, the same day: a batch computes
    and renders each once (``verdict`` memoises them on the plan). Compared
    by identity, so a renderer may key its own memo on one.
    """

    index: int
    placed: Placed
    #: Within the exception's window (False: it had closed on receipt, and the exception lapsed).
    within: bool
    publish: Deadline | None
    passed: Deadline | None
    cites: tuple[str, ...]
    warnings: tuple[str, ...]
    #: The bound of the batch's "cutoff": the tier's own when it is the first, else the previous tier's (missed).
    decided_by: Bound
    #: The tier's own bound, which the receipt met (None for the last tier), and the previous one, which it missed.
    met: Bound | None
    missed: Bound | None


#: Verdicts kept per plan at most (a memo, not a store).
VERDICT_LIMIT = 4096


def verdict(p: Plan, received: Received, flags: frozenset[str] = frozenset(), alternative: Plan | None = None) -> Verdict:
    """The verdict for a receipt, memoised on the plan by the only things it depends on."""
    i, placed, within = _outcome(p, received, flags)
    if within is None:
        raise _cannot_tell(p, placed.exception, received)
    other = None
    if alternative is not None:
        _, other, other_within = _outcome(alternative, received, flags)
        if other_within is None:
            other = None
    key = (i, within, flags, placed.status if other is None else other.status,
           None if alternative is None else alternative.counting, _publication_key(p, placed, received.day))
    hit = p.verdicts.get(key)
    if hit is None:
        if len(p.verdicts) >= VERDICT_LIMIT:
            p.verdicts.clear()
        hit = p.verdicts[key] = _verdict(p, received.day, i, placed, within, other, alternative)
    return hit


def _publication_key(p: Plan, placed: Placed, day: dt.date) -> object:
    """What of the receipt's day the publication part depends on: the day, whether it is past the date, or nothing."""
    depends = publication_dependence(p, placed, day)
    if depends is None:
        return None
    return day if depends is True else day > depends


def publication_dependence(p: Plan, placed: Placed, day: dt.date) -> dt.date | bool | None:
    """What of a receipt's day the publication part of its verdict depends on: nothing (None), the day itself
    (True: the date counts from the receipt), or whether it is after the date returned."""
    rule_id = placed.outcome.publish_by
    if not rule_id:
        return None
    if RECEIVED in p.rs.events_behind(rule_id):
        return True
    due = p.placed_cache.get(rule_id)
    if due is None:
        due = p.placed_cache[rule_id] = evaluate_cached(p.rs, rule_id, {OPENS: p.meeting.opens, RECEIVED: day}, p.counting)
    return due.date


def _publication(p: Plan, placed: Placed, day: dt.date) -> tuple[Deadline | None, Deadline | None]:
    """The publication date to meet, or the one that had passed on receipt (SEMANTICS § 2)."""
    if not placed.outcome.publish_by:
        return None, None
    due = evaluate_cached(p.rs, placed.outcome.publish_by, {OPENS: p.meeting.opens, RECEIVED: day}, p.counting)
    # a date already past on receipt is never one to meet
    return (None, due) if day > due.date else (due, None)


def _verdict(p: Plan, day: dt.date, i: int, placed: Placed, within: bool, other: Placed | None, alternative: Plan | None) -> Verdict:
    publish, passed = _publication(p, placed, day)
    cites = list(placed.cites)
    if (publish or passed) and (publish or passed).cite not in cites:
        cites.append((publish or passed).cite)
    warnings = _verdict_warnings(p, placed, other, alternative, publish, passed)
    own, missed = p.bounds[i], p.bounds[i - 1] if i > 0 else None
    met = own if own.end is not None else None
    return Verdict(i, placed, within, publish, passed, tuple(cites), tuple(warnings), missed or own, met, missed)


def _verdict_warnings(p: Plan, placed: Placed, other: Placed | None, alternative: Plan | None,
                      publish: Deadline | None, passed: Deadline | None) -> list[str]:
    """A verdict's warnings: its tier's, the other reading's status, the publication date, the opening day."""
    warnings = list(placed.warnings)
    if other is not None and other.status != placed.status:
        warnings.append(f"under the {alternative.counting} reading of the day counts the status would be {other.status}, not {placed.status}")
    warnings += publication_warnings(p, publish, passed)
    if opening := opening_warning(p.rs, p.meeting.opens):  # a weekend or closure day: a warning, never an error
        warnings.append(opening)
    if p.opening_note:
        warnings.append(p.opening_note)
    return warnings


def publication_warnings(p: Plan, publish: Deadline | None, passed: Deadline | None) -> list[str]:
    """What a verdict warns of its publication date: passed on receipt, or not a working day."""
    warnings = []
    if passed:
        instead = f"; the text asks instead: {passed.rule.once_passed}" if passed.rule.once_passed else ""
        warnings.append(f"the publication date {passed.date} ({passed.cite}, {passed.rule.modality}) had passed when the contribution was received: it can no longer be met{instead}")
    if publish and publish.non_working:
        warnings.append(f"the publication date {publish.date} is not a working day ({day_note(p.rs, publish)})")
    return warnings


def publication(p: Plan, placed: Placed, day: dt.date) -> tuple[Deadline | None, list[str]]:
    """The publication date to meet on a receipt of ``day`` (None: none, or it had passed) and its warnings."""
    publish, passed = _publication(p, placed, day)
    return publish, publication_warnings(p, publish, passed)


def margin(received: Received, v: Verdict) -> str:
    """How far the receipt is from the cut-off that decided its verdict, in words."""
    return _margin(received, _measured(received, v))


def receipt_warning(rs: Ruleset, received: Received) -> str | None:
    """The warning the exact receipt adds to its verdict's: a time without an offset, read as local time."""
    if received.assumed_local:
        return local_time_warning(rs.head.time_zone, received.describe())
    return None


def local_time_warning(zone: str, described: str) -> str:
    """The warning of a received time without an offset, read as local time in ``zone``."""
    return f"the received time has no offset: read as {zone} local time ({described})"


def classify(p: Plan, received: Received, flags: frozenset[str] = frozenset(), alternative: Plan | None = None, explain: bool = True) -> Result:
    """Place a received moment in the plan's tiers. ``alternative`` is the other counting reading."""
    v = verdict(p, received, flags, alternative)
    result = _result(p, v, received)
    if explain:
        _explain(p, v, received, result)
    return result


def _result(p: Plan, v: Verdict, received: Received) -> Result:
    placed = v.placed
    named = _measured(received, v)
    warnings = list(v.warnings)
    extra = receipt_warning(p.rs, received)
    if extra:
        warnings.append(extra)
    return Result(
        status=placed.status,
        translated=placed.outcome.translated,
        on_agenda=placed.outcome.on_agenda,
        publish_by=v.publish,
        what_follows=placed.outcome.what_follows,
        modality=placed.modality,
        cite=list(v.cites),
        margin=_margin(received, named),
        margin_to=named,
        received=received,
        meeting=p.meeting,
        rule_id=p.rule.id,
        exception=placed.exception.id if placed.exception else None,
        publish_by_passed=v.passed,
        warnings=warnings,
        decided_by=v.decided_by,
    )


def _explain(p: Plan, v: Verdict, received: Received, result: Result) -> None:
    """What only a single check shows: every cut-off, and the trace."""
    if received.moment is None:
        result.warnings.append("received was given as a date without a time: compared as a date")
    result.deadlines = [
        {
            "tier": b.tier.status,
            "bound": "until" if b.inclusive else "before",
            "id": b.deadline.id if b.deadline else b.tier.before,
            "cite": b.deadline.cite if b.deadline else b.tier.cite.label(),
            "date": b.day.isoformat(),
            "cutoff": b.moment.isoformat(),
            "ends": b.end.isoformat(),
        }
        for b in p.bounds
        if b.moment is not None
    ]
    rule, meeting = p.rule, p.meeting
    trace = result.trace
    trace.append(Step(rule.id, rule.cite.label(), f"{meeting.kind} opening {meeting.opens.isoformat()}, contribution for {meeting.purpose}, {_received_words(received)}"))
    trace.extend(_tier_steps(p, v.index, received))
    trace.extend(_exception_steps(p, v))
    if v.publish or v.passed:
        trace.extend((v.publish or v.passed).trace)


def _tier_steps(p: Plan, i: int, received: Received) -> list[Step]:
    """The tiers tried, in order, up to the one the receipt falls in, each with its comparison."""
    steps = []
    for j, b in enumerate(p.bounds[: i + 1]):
        if b.deadline:
            steps.extend(b.deadline.trace)
        if b.end is None:
            text = f"tier '{b.tier.status}': no bound, it takes every later receipt"
        else:
            verdict = "yes" if j == i else "no"
            if received.moment is None:
                cmp, lhs, rhs, what = "≤" if b.inclusive else "<", received.day.isoformat(), b.day.isoformat(), f"the {b.label}"
            else:
                cmp, lhs, rhs = "<", received.moment.isoformat(), b.end.isoformat()
                what = f"the end of the {b.label} day, {b.moment:%H:%M:%S} included" if b.deadline else f"the {b.label}"
            text = f"tier '{b.tier.status}': received {lhs} {cmp} {rhs} ({what})? {verdict}"
        steps.append(Step(p.rule.id, b.tier.cite.label(), text))
    return steps


def _exception_steps(p: Plan, v: Verdict) -> list[Step]:
    """Whether an exception turned the tier's status into its own, and why (not)."""
    rs, exception, tier = p.rs, v.placed.exception, v.placed.tier
    if exception:
        text = f"exception '{exception.when}' applies: {tier.status} becomes {exception.status}"
        if exception.until_end_of:
            w = p.windows[exception.id]
            text += (f" (received by the end of {rs.spec.events[w.event].summary}, {w.day.isoformat()})" if w.day
                     else " (received on the first day, within the meeting whatever its last day)")
        return [Step(exception.id, exception.cite.label(), text)]
    x = v.placed.lapsed
    if x is not None:
        w = p.windows[x.id]
        return [Step(x.id, x.cite.label(), f"exception '{x.when}' does not apply: received after the end of {rs.spec.events[w.event].summary}, {w.day.isoformat()}")]
    return []


def _received_words(received: Received) -> str:
    if received.moment is None:
        return f"received on {received.day.isoformat()} (a date)"
    return f"received {received.moment.isoformat()} in {received.moment.tzinfo}"


def check(rs: Ruleset, meeting: Meeting, received: Received, flags: frozenset[str] = frozenset()) -> Result:
    """The single check: the status of one contribution, explained, with the other reading."""
    p = plan(rs, meeting)
    alt = plan(rs, meeting, other_counting(rs))
    return classify(p, received, flags, alt)
