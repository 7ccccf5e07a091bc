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

from procedures.deadlines import Deadline, Step, evaluate, evaluate_cached, other_counting, zone
from procedures.errors import InputError
from procedures.loader import Ruleset
from procedures.models import DayCounting, Tier, TierException, TiersRule
from procedures.timestamps import Received
from procedures.timetable import OPENS, check_kind

from procedures.vocabulary import RECEIVED


@dataclass(frozen=True)
class Meeting:
    kind: str
    opens: dt.date
    purpose: str = "action"
    opening_time: dt.time | None = None


@dataclass(frozen=True)
class Bound:
    """A tier's upper bound as a moment: inclusive for a deadline, exclusive for an event."""

    tier: Tier
    moment: dt.datetime | None
    day: dt.date | None
    inclusive: bool
    deadline: Deadline | None
    label: str

    def holds(self, received: Received) -> bool:
        if self.moment is None:
            return True
        if received.moment is None:
            return received.day <= self.day if self.inclusive else received.day < self.day
        return received.moment <= self.moment if self.inclusive else received.moment < self.moment


@dataclass(frozen=True)
class Plan:
    rs: Ruleset
    meeting: Meeting
    rule: TiersRule
    bounds: tuple[Bound, ...]
    counting: DayCounting
    placed_cache: dict = field(default_factory=dict, compare=False, hash=False)


def _find_rule(rs: Ruleset, meeting: Meeting) -> TiersRule:
    check_kind(rs, meeting.kind)
    found = [r for r in rs.of_kind(TiersRule) if meeting.kind in r.applies_to and meeting.purpose in r.purposes]
    if not found:
        purposes = sorted({p for r in rs.of_kind(TiersRule) if meeting.kind in r.applies_to for p in r.purposes})
        if not purposes:
            raise InputError(f"ruleset {rs.id} has no contribution rules for a meeting of kind '{meeting.kind}'")
        raise InputError(f"unknown purpose '{meeting.purpose}' for a {meeting.kind}; use one of: {', '.join(purposes)}")
    if len(found) > 1:
        raise InputError(f"rules {', '.join(r.id for r in found)} all apply to a {meeting.kind} for {meeting.purpose}; keep one")
    return found[0]


def plan(rs: Ruleset, meeting: Meeting, counting: DayCounting | None = None) -> Plan:
    rule = _find_rule(rs, meeting)
    counting = counting or rs.head.day_counting
    events = {OPENS: meeting.opens}
    bounds = []
    for tier in rule.tier:
        if tier.until:
            d = evaluate(rs, tier.until, events, counting)
            unit = d.rule.offset.unit.removesuffix("s").replace("calendar-day", "day")
            bounds.append(Bound(tier, d.cutoff, d.date, True, d, f"{d.rule.offset.amount}-{unit} cut-off"))
        elif tier.before:
            if tier.before != OPENS:
                raise InputError(f"tier '{tier.status}' of {rule.id} is bounded by '{tier.before}', which a contribution check cannot date")
            # "after the opening" counts from the opening session when the event carries a time
            session = meeting.opening_time if rs.spec.events[tier.before].has_time else None
            moment = dt.datetime.combine(meeting.opens, session or dt.time(0, 0), tzinfo=zone(rs))
            what = "opening session" if session else "start of the opening day"
            bounds.append(Bound(tier, moment, meeting.opens, False, None, what))
        else:
            bounds.append(Bound(tier, None, None, True, None, "no bound"))
    return Plan(rs, meeting, rule, tuple(bounds), counting)


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
    deadlines: list[dict] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        follows = self.what_follows
        if self.publish_by:
            follows += f"; to be published by {self.publish_by.date.isoformat()} ({self.publish_by.date:%A})"
        return f"{self.status.upper()}: {follows} ({', '.join(self.cite)}). {self.margin[0].upper()}{self.margin[1:]}."

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "translated": self.translated,
            "on_agenda": self.on_agenda,
            "publish_by": self.publish_by.date.isoformat() if self.publish_by else None,
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
                "opening_time": self.meeting.opening_time.strftime("%H:%M") if self.meeting.opening_time else None,
                "purpose": self.meeting.purpose,
            },
            "deadlines": self.deadlines,
            "margin": self.margin,
            "trace": [s.as_dict() for s in self.trace],
            "warnings": self.warnings,
        }


def _margin(received: Received, bound: Bound, inside: bool) -> str:
    """How far the receipt is from the bound that decided, in words."""
    got = f"received {received.describe()}"
    if received.moment is None:
        days = abs((bound.day - received.day).days)
        if days == 0:
            return f"{got}, on the day of the {bound.label} ({bound.day})"
        rel = "before" if inside else "after"
        return f"{got}, {days} day{'s' if days != 1 else ''} {rel} the day of the {bound.label} ({bound.day})"
    at = f"{bound.moment:%Y-%m-%d %H:%M:%S %Z}"
    delta = bound.moment - received.moment
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


def _placed(p: Plan, i: int, flags: frozenset[str]) -> Placed:
    key = (i, flags)
    hit = p.placed_cache.get(key)
    if hit is None:
        tier = p.bounds[i].tier
        exception = _matching_exception(p.rule, p.meeting.kind, tier.status, flags)
        cites = [tier.cite.label()]
        if exception and exception.cite.label() not in cites:
            cites.append(exception.cite.label())
        warnings = []
        if tier.modality == "should" and i > 0:
            prev = p.bounds[i - 1]
            warnings.append(f"the advice of {tier.cite.label()} was not followed: the {prev.label} of {prev.day} was missed (a warning, not a refusal)")
        if flags and not exception:
            warnings.append(f"{', '.join(sorted(flags))} has no effect on a contribution that is {tier.status}")
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


def classify(p: Plan, received: Received, flags: frozenset[str] = frozenset(), alternative: Plan | None = None, explain: bool = True) -> Result:
    """Place a received moment in the plan's tiers. ``alternative`` is the other counting reading."""
    rs, rule, meeting = p.rs, p.rule, p.meeting
    i = _place(p, received)
    placed = _placed(p, i, flags)
    tier, exception, outcome = placed.tier, placed.exception, placed.outcome
    bound = p.bounds[i]
    cites = list(placed.cites)
    publish = None
    if outcome.publish_by:
        publish = evaluate_cached(rs, outcome.publish_by, {OPENS: meeting.opens, RECEIVED: received.day}, p.counting)
        if publish.cite not in cites:
            cites.append(publish.cite)
    # The margin is measured to the bound that decided: inside the first tier's,
    # or past the previous tier's.
    margin = ""
    if explain:
        margin = _margin(received, bound, inside=True) if i == 0 else _margin(received, p.bounds[i - 1], inside=False)
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
        warnings=list(placed.warnings),
    )
    warnings = result.warnings
    if alternative is not None:
        other = _placed(alternative, _place(alternative, received), flags).status
        if other != status:
            warnings.append(f"under the {alternative.counting} reading of the day counts the status would be {other}, not {status}")
    if publish and publish.non_working:
        warnings.append(f"the publication date {publish.date} is not a working day ({publish.non_working})")
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
        }
        for b in p.bounds
        if b.moment is not None
    ]
    trace = result.trace
    trace.append(Step(rule.id, rule.cite.label(), f"{meeting.kind} opening {meeting.opens.isoformat()}, contribution for {meeting.purpose}, {_received_words(received)}"))
    for j, b in enumerate(p.bounds[: i + 1]):
        if b.deadline:
            trace.extend(b.deadline.trace)
        if b.moment is None:
            text = f"tier '{b.tier.status}': no bound, it takes every later receipt"
        else:
            cmp = "≤" if b.inclusive else "<"
            verdict = "yes" if j == i else "no"
            lhs = received.day.isoformat() if received.moment is None else received.moment.isoformat()
            rhs = b.day.isoformat() if received.moment is None else b.moment.isoformat()
            text = f"tier '{b.tier.status}': received {lhs} {cmp} {rhs} (the {b.label})? {verdict}"
        trace.append(Step(rule.id, b.tier.cite.label(), text))
    if exception:
        trace.append(Step(exception.id, exception.cite.label(), f"exception '{exception.when}' applies: {tier.status} becomes {exception.status}"))
    if publish:
        trace.extend(publish.trace)
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
