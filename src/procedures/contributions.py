"""Is this contribution late? Evaluating tiers rules over a received moment (SEMANTICS § 2).

Two stages, so a batch computes each meeting's deadlines once:

- ``plan`` evaluates the bounds of the tiers that apply to a meeting (kind,
  opening date and time, purpose) into cut-off moments;
- ``classify`` places one received moment in the first tier whose bound holds,
  applies named exceptions, and works out the publication date and margin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, Step, end_of, evaluate, evaluate_cached, other_counting, zone
from procedures.errors import InputError
from procedures.loader import Ruleset
from procedures.models import DayCounting, Tier, TierException, TiersRule
from procedures.timestamps import Received
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

    def holds(self, received: Received) -> bool:
        if self.end is None:
            return True
        if received.moment is None:
            return received.day <= self.day if self.inclusive else received.day < self.day
        return received.moment < self.end


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
    bounds = []
    for tier in rule.tier:
        if tier.until:
            d = evaluate(rs, tier.until, events, counting)
            unit = d.rule.offset.unit.removesuffix("s").replace("calendar-day", "day")
            bounds.append(Bound(tier, d.cutoff, d.ends, d.date, True, d, f"{d.rule.offset.amount}-{unit} cut-off"))
        elif tier.before:
            if tier.before != OPENS:
                raise InputError(f"tier '{tier.status}' of {rule.id} is bounded by '{tier.before}', which a contribution check cannot date")
            # "after the opening" counts from the opening session when the event carries a time
            session = meeting.opening_time if rs.spec.events[tier.before].has_time else None
            moment = dt.datetime.combine(meeting.opens, session or dt.time(0, 0), tzinfo=zone(rs))
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
    return Plan(rs, meeting, rule, tuple(bounds), counting, windows)


def _duration(delta: dt.timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
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
    #: The bound that decided the status, the one the margin is measured to (met, or the last one missed).
    decided_by: Bound | None = None

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
            "trace": [s.as_dict() for s in self.trace],
            "warnings": self.warnings,
        }


def _margin(received: Received, bound: Bound, inside: bool) -> str:
    """How far the receipt is from the bound that decided, in words, to the whole second."""
    got = f"received {received.describe()}"
    if received.moment is None:  # compared as dates: the cut-off's day, or the opening day (issue 18 item 10)
        days = abs((bound.day - received.day).days)
        day = bound.label if bound.deadline is not None else "opening day"
        if days == 0:
            return f"{got}, on the {'day of the ' if bound.deadline is not None else ''}{day} ({bound.day})"
        rel = "before" if inside else "after"
        return f"{got}, {days} day{'s' if days != 1 else ''} {rel} the {day} ({bound.day})"
    at = f"{bound.moment:%Y-%m-%d %H:%M:%S %Z}"
    # a second counts whole: 23:59:59.600 is in the cut-off's own second
    delta = bound.moment - received.moment.replace(microsecond=0)
    if delta == dt.timedelta(0):
        return f"{got}, exactly at the {bound.label} of {at}"
    return f"{got}, {_duration(delta)} {'before' if inside else 'after'} the {bound.label} of {at}"


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
        hit = p.placed_cache[key] = Placed(
            tier=tier,
            exception=exception,
            outcome=exception or tier,
            status=exception.status if exception else tier.status,
            modality=exception.modality if exception else tier.modality,
            cites=tuple(cites),
            warnings=tuple(warnings),
        )
    return hit


def _within(p: Plan, x: TierException, received: Received) -> bool | None:
    """Whether a receipt falls in an exception's window; None when the input cannot tell."""
    w = p.windows[x.id]
    if w.day is None:
        # the event is the meeting's last day, never before its first: a receipt on the first day is within
        return True if received.day <= p.meeting.opens else None
    if received.moment is None:
        return received.day <= w.day
    return received.moment < w.end


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


def classify(p: Plan, received: Received, flags: frozenset[str] = frozenset(), alternative: Plan | None = None, explain: bool = True) -> Result:
    """Place a received moment in the plan's tiers. ``alternative`` is the other counting reading."""
    rs, rule, meeting = p.rs, p.rule, p.meeting
    i, placed, within = _outcome(p, received, flags)
    if within is None:
        raise _cannot_tell(p, placed.exception, received)
    tier, exception, outcome = placed.tier, placed.exception, placed.outcome
    bound = p.bounds[i]
    cites = list(placed.cites)
    publish = passed = None
    if outcome.publish_by:
        due = evaluate_cached(rs, outcome.publish_by, {OPENS: meeting.opens, RECEIVED: received.day}, p.counting)
        # a date already past on receipt is never one to meet (SEMANTICS § 2)
        if received.day > due.date:
            passed = due
        else:
            publish = due
        if due.cite not in cites:
            cites.append(due.cite)
    # The margin is measured to the bound that decided: inside the first tier's,
    # or past the previous tier's.
    decided_by = bound if i == 0 else p.bounds[i - 1]
    margin = _margin(received, decided_by, inside=i == 0)
    status = placed.status
    result = Result(
        status=status,
        translated=outcome.translated,
        on_agenda=outcome.on_agenda,
        publish_by=publish,
        what_follows=outcome.what_follows,
        modality=placed.modality,
        cite=cites,
        margin=margin,
        received=received,
        meeting=meeting,
        rule_id=rule.id,
        exception=exception.id if exception else None,
        publish_by_passed=passed,
        warnings=list(placed.warnings),
        decided_by=decided_by,
    )
    warnings = result.warnings
    if alternative is not None:
        _, other, other_within = _outcome(alternative, received, flags)
        if other_within is not None and other.status != status:
            warnings.append(f"under the {alternative.counting} reading of the day counts the status would be {other.status}, not {status}")
    if passed:
        instead = f"; the text asks instead: {passed.rule.once_passed}" if passed.rule.once_passed else ""
        warnings.append(f"the publication date {passed.date} ({passed.cite}, {passed.rule.modality}) had passed when the contribution was received: it can no longer be met{instead}")
    if publish and publish.non_working:
        warnings.append(f"the publication date {publish.date} is not a working day ({day_note(rs, publish)})")
    if opening := opening_warning(rs, meeting.opens):  # a weekend or closure day: a warning, never an error
        warnings.append(opening)
    if received.assumed_local:
        warnings.append(f"the received time has no offset: read as {rs.head.time_zone} local time ({received.describe()})")
    if not explain:
        return result
    if received.moment is None:
        warnings.append("received was given as a date without a time: compared as a date")
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
    trace = result.trace
    trace.append(Step(rule.id, rule.cite.label(), f"{meeting.kind} opening {meeting.opens.isoformat()}, contribution for {meeting.purpose}, {_received_words(received)}"))
    for j, b in enumerate(p.bounds[: i + 1]):
        if b.deadline:
            trace.extend(b.deadline.trace)
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
        trace.append(Step(rule.id, b.tier.cite.label(), text))
    if exception:
        text = f"exception '{exception.when}' applies: {tier.status} becomes {exception.status}"
        if exception.until_end_of:
            w = p.windows[exception.id]
            text += (f" (received by the end of {rs.spec.events[w.event].summary}, {w.day.isoformat()})" if w.day
                     else " (received on the first day, within the meeting whatever its last day)")
        trace.append(Step(exception.id, exception.cite.label(), text))
    elif within is False:
        x = _matching_exception(rule, meeting.kind, tier.status, flags)
        w = p.windows[x.id]
        trace.append(Step(x.id, x.cite.label(), f"exception '{x.when}' does not apply: received after the end of {rs.spec.events[w.event].summary}, {w.day.isoformat()}"))
    if publish or passed:
        trace.extend((publish or passed).trace)
    return result


def _received_words(received: Received) -> str:
    if received.moment is None:
        return f"received on {received.day.isoformat()} (a date)"
    return f"received {received.moment.isoformat()} in {received.moment.tzinfo}"


def check(rs: Ruleset, meeting: Meeting, received: Received, flags: frozenset[str] = frozenset()) -> Result:
    """The single check: the status of one contribution, explained, with the other reading."""
    p = plan(rs, meeting)
    alt = plan(rs, meeting, other_counting(rs))
    return classify(p, received, flags, alt)
