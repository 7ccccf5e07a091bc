"""check-batch's fast path for the usual CSV row (issue 17: within 2x of the floor).

Per meeting (a ``FastPlan``), the cut-offs of both readings are kept as
sorted instants (seconds since 1970-01-01 00:00 UTC) and days, and the margin's words for each tier as
templates (made by ``contributions.words`` itself). Per row: the receipt is
read to its instant and its wall-clock seconds in the ruleset's zone (``Zone``), placed by
bisection in both readings, and its verdict's cells, rendered once, are
looked up by what the verdict depends on (the two places, the flag, the
exceptions' windows, and the receipt's day where the publication date
depends on it); only the margin is written per row.

Anything unusual (a receipt the fast reading does not take, a row a
spreadsheet would run, a verdict that is an error) returns None, and the row
goes the full way (``batch.Evaluator``), so every answer and message is as
it is there. The times compare as instants, as ``contributions`` compares them
(``contributions.instant``): across a change of the clocks a wall clock is not
a measure of time; the wall clock only gives the receipt's day and its words.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from zoneinfo import ZoneInfo

from procedures.contributions import Measured, Plan, days_words, duration_words, local_time_warning, margin_words
from procedures.contributions import named, publication_dependence, short_second, words

EPOCH = dt.datetime(1970, 1, 1)
EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
EPOCH_DAY = EPOCH.toordinal()
DAY = 86400
#: The wall-clock seconds the fast path describes (years 1000 to 9998: strftime writes them in four digits).
FIRST, LAST = (dt.datetime(1000, 1, 1) - EPOCH) // dt.timedelta(seconds=1), (dt.datetime(9999, 1, 1) - EPOCH) // dt.timedelta(seconds=1)
#: Entries kept per memo at most (memos, not stores).
LIMIT = 8192
_MARK = "\x00"
#: Where a receipt's description goes in a warnings cell made once (``FastPlan._local_cell``): a character that
#: is not a control character (a cell keeps it as it is) and that no rule's words hold.
_SLOT = "\ue000"


def _instant(moment: dt.datetime) -> int:
    """An aware moment as whole seconds since 1970-01-01 00:00 UTC."""
    d = moment - EPOCH_UTC
    return d.days * DAY + d.seconds


class Zone:
    """A time zone's offset and abbreviation, by UTC day (by hour on a day the clocks change), learnt as needed."""

    def __init__(self, name: str):
        self.name = name
        self.tz = ZoneInfo(name)
        self.days: dict[int, tuple[int, str] | None] = {}
        self.hours: dict[int, tuple[int, str] | None] = {}
        self.walls: dict[int, tuple[int, str] | None] = {}

    def at(self, seconds: int) -> tuple[int, str] | None:
        """(offset in seconds, abbreviation) at a UTC moment; None: not on the fast path."""
        day = seconds // DAY
        hit = self.days.get(day, False)
        if hit is False:
            hit = self.days[day] = self._learn(day * DAY, DAY)
        if hit is None:  # the clocks change that day
            hour = seconds // 3600
            hit = self.hours.get(hour, False)
            if hit is False:
                hit = self.hours[hour] = self._learn(hour * 3600, 3600)
        return hit

    def local(self, day: int) -> tuple[int, str] | None:
        """The offset and abbreviation of a wall-clock time on ``day`` (days since 1970-01-01) read as local time,
        where they are the same through the UTC day before, that day and the day after; else None."""
        hit = self.walls.get(day, False)
        if hit is False:
            for d in (day - 1, day, day + 1):
                self.at(d * DAY)  # learns the day
            seen = {self.days[d] for d in (day - 1, day, day + 1)}
            hit = self.walls[day] = seen.pop() if len(seen) == 1 and None not in seen else None
        return hit

    def _learn(self, start: int, length: int) -> tuple[int, str] | None:
        """The offset and abbreviation through [start, start + length), if the same at both ends and between."""
        try:
            seen = {(m.utcoffset(), m.tzname()) for m in
                    (dt.datetime.fromtimestamp(start + s, self.tz) for s in range(0, length, 3600))}
            seen.add((lambda m: (m.utcoffset(), m.tzname()))(dt.datetime.fromtimestamp(start + length - 1, self.tz)))
        except (OverflowError, OSError, ValueError):
            return None
        if len(seen) != 1:
            return None
        offset, name = seen.pop()
        if offset.microseconds or not _ABBREVIATION.fullmatch(name or ""):
            return None
        return offset.days * DAY + offset.seconds, name


#: A zone's abbreviation the fast path writes as it is (in a quoted cell, next to a comma): letters, digits, signs.
_ABBREVIATION = re.compile(r"[A-Za-z0-9+-]+")


def read_receipt(text: str, zone: Zone) -> tuple[int, str | None, bool, int] | int | None:
    """A receipt as ``timestamps.parse_received`` reads it: a date as its ordinal; a time as (wall-clock
    seconds in the zone, the zone's abbreviation then, read as local time, the instant in seconds since
    1970-01-01 00:00 UTC); None: not on the fast path."""
    if len(text) == 10:
        try:
            return dt.date.fromisoformat(text).toordinal()
        except ValueError:
            return None
    value = _time(text)
    if value is None:
        return None
    if value.tzinfo is not None:
        got = _aware(value, zone)
        return None if got is None else (got[1], got[2], False, got[0])
    try:
        offset = value.replace(tzinfo=zone.tz).utcoffset()
        d = value - EPOCH
        wall = d.days * DAY + d.seconds
        moment = wall - offset.days * DAY - offset.seconds
        seen = zone.at(moment)
        # a wall-clock time skipped or repeated by a change of the clocks goes the full way (an error there)
        if seen is None or seen[0] != offset.days * DAY + offset.seconds:
            return None
        if value.replace(tzinfo=zone.tz, fold=1).utcoffset() != offset:
            return None
    except OverflowError:
        return None
    return (wall, seen[1], True, moment) if FIRST <= wall < LAST else None


def read_time(text: str, zone: Zone) -> tuple[int, int, str, bool] | None:
    """A receipt written 'YYYY-MM-DDTHH:MM:SS', with an offset ('+01:00', 'Z') or none (then read as the zone's
    local time, where the clocks do not change within a day of it): (its instant in seconds since 1970-01-01
    00:00 UTC, its wall-clock seconds in the zone, the zone's abbreviation then, read as local time); None: any
    other writing, which ``read_receipt`` reads. Each piece is read once (memos), as ``fromisoformat`` reads it."""
    n = len(text)
    if n not in _TIME_LENGTHS or text[10:11] != "T":
        return None
    day = _DAY_SECONDS.get(text[:10])
    if day is None:
        day = _piece(_DAY_SECONDS, text[:10], _day_seconds)
    clock = _CLOCK_SECONDS.get(text[11:19])
    if clock is None:
        clock = _piece(_CLOCK_SECONDS, text[11:19], _clock_seconds)
    if day is False or clock is False:
        return None
    if n == 19:
        return _local_time(day + clock, zone)
    offset = _OFFSETS.get(text[19:])
    if offset is None:
        offset = _piece(_OFFSETS, text[19:], _offset_seconds)
    if offset is False:
        return None
    moment = day + clock - offset
    seen = zone.days.get(moment // DAY) or zone.at(moment)  # None in the dict: the clocks change that day
    if seen is None:
        return None
    wall = moment + seen[0]
    return (moment, wall, seen[1], False) if FIRST <= wall < LAST else None


def _local_time(wall: int, zone: Zone) -> tuple[int, int, str, bool] | None:
    """``read_time`` of a wall-clock time without an offset, read as the zone's local time."""
    seen = zone.local(wall // DAY)
    if seen is None:
        return None
    return (wall - seen[0], wall, seen[1], True) if FIRST <= wall < LAST else None


#: The lengths of 'YYYY-MM-DDTHH:MM:SS', with 'Z', with '+01:00'.
_TIME_LENGTHS = frozenset({19, 20, 25})
#: Memos of the pieces of a receipt written as a time: seconds since 1970-01-01 at the day's start, since the
#: day's start at the clock time, and of the offset (False: not such a piece).
_DAY_SECONDS: dict[str, int | bool] = {}
_CLOCK_SECONDS: dict[str, int | bool] = {}
_OFFSETS: dict[str, int | bool] = {}
_DIGITS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2}:[0-9]{2}|[+-][0-9]{2}:[0-9]{2}|Z")


def _piece(memo: dict, text: str, read) -> int | bool:
    hit = memo.get(text)
    if hit is None:
        if len(memo) >= LIMIT:
            memo.clear()
        try:
            hit = memo[text] = read(text) if _DIGITS.fullmatch(text) else False
        except ValueError:
            hit = memo[text] = False
    return hit


def _day_seconds(text: str) -> int:
    return (dt.date.fromisoformat(text).toordinal() - EPOCH_DAY) * DAY


def _clock_seconds(text: str) -> int:
    t = dt.time.fromisoformat(text)
    return t.hour * 3600 + t.minute * 60 + t.second


def _offset_seconds(text: str) -> int:
    offset = dt.datetime.fromisoformat("2000-01-01T00:00:00" + text).utcoffset()
    return offset.days * DAY + offset.seconds


def _time(text: str) -> dt.datetime | None:
    """A receipt written as an ISO 8601 time ('Z' for UTC); None: anything else, or a date written day first,
    spaces around it, nothing."""
    if not text[:4].isdigit() or text[-1:].isspace():
        return None
    try:
        return dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
    except (ValueError, OverflowError):
        return None


def _aware(value: dt.datetime, zone: Zone) -> tuple[int, int, str] | None:
    d = value - EPOCH_UTC
    moment = d.days * DAY + d.seconds
    seen = zone.at(moment)
    if seen is None:
        return None
    wall = moment + seen[0]
    return (moment, wall, seen[1]) if FIRST <= wall < LAST else None


_DAYS: dict[int, str] = {}
_CLOCK = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]


def _day(days: int) -> str:
    """A day (days since 1970-01-01) in ISO 8601, memoised."""
    if len(_DAYS) >= LIMIT * 16:
        _DAYS.clear()
    text = _DAYS[days] = dt.date.fromordinal(EPOCH_DAY + days).isoformat()
    return text


def described(wall: int, abbreviation: str) -> str:
    """``Received.describe`` of a moment from its wall-clock seconds: '2026-09-01 10:12 CEST', seconds if any."""
    days, rest = divmod(wall, DAY)
    day = _DAYS.get(days) or _day(days)
    minutes, seconds = divmod(rest, 60)
    if seconds:
        return f"{day} {_CLOCK[minutes]}:{seconds:02d} {abbreviation}"
    return f"{day} {_CLOCK[minutes]} {abbreviation}"


class _Cutoff:
    """One cut-off a margin may name, and its words as templates: (before the gap, after it), or the words at it."""

    def __init__(self, bound, inside: bool, short: bool):
        self.bound = bound
        self.instant = _instant(bound.moment)
        self.day = bound.day.toordinal()
        side = "before" if inside else "after"
        self.timed = _split(words(Measured(bound, side, _MARK), False, short))
        self.dated = _split(words(Measured(bound, side, _MARK), True, short))
        self.timed_at = words(Measured(bound, "at", ""), False, short)
        self.dated_at = words(Measured(bound, "at", ""), True, short)


def _split(text: str) -> tuple[str, str]:
    before, mark, after = text.partition(_MARK)
    if not mark:
        raise ValueError("a margin template without its gap")
    return before, after


class FastPlan:
    """A meeting's plans (both readings) made for the fast path; ``None`` from ``make`` when it cannot be."""

    def __init__(self, p: Plan, alt: Plan, zone: Zone, cell):
        self.p, self.alt, self.zone = p, alt, zone
        self.ends, self.alt_ends = _ends(p), _ends(alt)
        self.days, self.alt_days = _days(p), _days(alt)
        self.opens = p.meeting.opens.toordinal()
        self.windows = [(w.day.toordinal() if w.day else None, _instant(w.end) if w.end else None) for w in p.windows.values()]
        # per tier: the cut-off met (None in the last tier) and the one missed (None in the first), each named
        # alone or first, and the met one named second after a nearer missed one
        self.cutoffs = []
        for i, own in enumerate(p.bounds):
            missed = p.bounds[i - 1] if i > 0 else None
            met = own if own.end is not None else None
            second = met is not None and missed is not None and short_second(missed, met)
            self.cutoffs.append((_Cutoff(met, True, False) if met else None,
                                 _Cutoff(missed, False, False) if missed else None,
                                 _Cutoff(met, True, second) if met and missed else None))
        #: What of the receipt's day the publication part of a verdict depends on, by key (``key``).
        self.depends: dict[tuple, object] = {}
        #: Rendered verdicts, by what they depend on.
        self.rendered: dict[tuple, tuple | object] = {}
        #: The margins of receipts given as a date, by tier and day.
        self.dated: dict[tuple[int, int], str] = {}
        #: For a key whose verdicts differ by the receipt's day only in their publication: what they share.
        self.frames: dict[tuple, tuple | None] = {}
        #: Rendered verdicts by key and the receipt's day (in days since 0001-01-01), of a receipt given as a time.
        self.by_day: dict[tuple[tuple, int], tuple] = {}
        #: Rendered verdicts that depend on nothing of the receipt's day, by key alone.
        self.fixed: dict[tuple, tuple] = {}
        #: The whole answer (cells after the echoed input, status) of a receipt given as a date, by its text and flag.
        self.whole: dict[tuple[str, bool], tuple[str, str]] = {}
        #: A verdict's cells from its warnings on, for a time read as local time, by its warnings and tail.
        self.local_cells: dict[tuple[tuple, str], tuple[str, str] | bool] = {}
        self.cuts, self.keys = _segments(self)
        self.cell = cell

    @classmethod
    def make(cls, p: Plan, alt: Plan, zones: dict[str, Zone], cell) -> FastPlan | None:
        """The fast path's plan of a meeting; ``cell`` writes a list of warnings as one text cell."""
        if p.windows.keys() != alt.windows.keys() or any(p.windows[k] != alt.windows[k] for k in p.windows):
            return None
        name = p.rs.head.time_zone
        zone = zones.get(name) or zones.setdefault(name, Zone(name))
        try:
            fast = cls(p, alt, zone, cell)
        except ValueError:
            return None
        return fast

    def key(self, got, chair: bool) -> tuple[tuple, int]:
        """What a receipt's verdict depends on but its publication part (the places in both readings, the
        flag, whether it is within each exception's window); and the receipt's day."""
        if got.__class__ is int:
            day = got
            i, j = bisect_right(self.days, day), bisect_right(self.alt_days, day)
            windows = tuple(day <= (self.opens if w is None else w) for w, _ in self.windows) if self.windows else ()
        else:
            moment = got[3]
            day = got[0] // DAY + EPOCH_DAY
            i, j = bisect_right(self.ends, moment), bisect_right(self.alt_ends, moment)
            windows = tuple(day <= self.opens if end is None else moment < end for _, end in self.windows) if self.windows else ()
        return (i, j, chair, windows), day

    def lookup(self, key: tuple, day: int) -> tuple | None:
        """The rendered verdict for a key and a receipt day; None: not yet rendered."""
        depends = self.depends.get(key)
        if depends is None:
            return None
        return self.rendered.get((key, None if depends is _NOTHING else day if depends is True else day > depends))

    def store(self, key: tuple, day: int, verdict, rendered: tuple) -> object:
        """Remember a verdict's rendering under its key and what of the day its publication part depends on
        (``verdict`` is needed the first time a key is seen); return that (True: the day itself)."""
        depends = self.depends.get(key)
        if depends is None:
            found = publication_dependence(self.p, verdict.placed, dt.date.fromordinal(day))
            depends = self.depends[key] = _NOTHING if found is None else found if found is True else found.toordinal()
        if len(self.rendered) >= LIMIT:
            self.rendered.clear()
            self.fixed.clear()
        self.rendered[(key, None if depends is _NOTHING else day if depends is True else day > depends)] = rendered
        if depends is _NOTHING:
            self.fixed[key] = rendered
        return depends

    def answer_rows(self, items: list, out: list, statuses: list, render) -> list:
        """Answer rows of this meeting: ``items`` are (index, receipt, flag, the input as echoed); each row
        answered has its line in out[index] and its status in statuses[index]; the items not for the fast path
        are returned. ``render(self, key, day, receipt)`` renders a verdict not met yet."""
        left = []
        whole = self.whole
        for item in items:
            k, received, flag, echo = item
            if len(received) == 10:
                done = whole.get((received, flag)) or self.answer(received, flag, render)
            else:
                done = self.timed(received, flag, render)
            if done is None:
                left.append(item)
            else:
                out[k] = echo + done[0]
                statuses[k] = done[1]
        return left

    def answer(self, received: str, flag: bool, render) -> tuple[str, str] | None:
        """For a receipt given as a date (ten characters): a row's cells after its echoed input (from the comma
        before its status to the end of the line) and its status; None: not for the fast path."""
        hit = self.whole.get((received, flag))  # a date: the answer depends on nothing else
        if hit is None:
            hit = self._answer(received, flag, render)
            if hit is not None:
                if len(self.whole) >= LIMIT:
                    self.whole.clear()
                self.whole[(received, flag)] = hit
        return hit

    def timed(self, received: str, flag: bool, render) -> tuple[str, str] | None:
        """``answer`` of a receipt written as a time, placed by the stretches between cut-offs (``_segments``).

        The hot path of a batch: the margin and, for a time read as local time,
        the warnings cell are made from templates around the receipt's
        description (``described``), as ``timed_margin`` and ``_local`` make them."""
        got = read_time(received, self.zone) if self.keys is not None else None
        if got is None:  # anything unusual, or no stretches
            return self._answer(received, flag, render)
        moment, wall, abbreviation, local = got
        key = self.keys[bisect_right(self.cuts, moment)][flag]
        rendered = self.fixed.get(key) or self._by_day(key, wall // DAY + EPOCH_DAY, received, render)
        if rendered is None:
            return None
        when, gaps = described(wall, abbreviation), self._gaps(key[0], moment)
        if not local:
            return f'{rendered[0]}"{_RECEIVED}{when}{_FIRST}{gaps}"{rendered[1]}', rendered[2]
        cell = self.local_cells.get((rendered[3], rendered[4])) or self._local_cell(rendered[3], rendered[4])
        if cell is False:
            return _line(self._local(rendered, (wall, abbreviation, local, moment)), _RECEIVED + when + _FIRST + gaps)
        return f'{rendered[0]}"{_RECEIVED}{when}{_FIRST}{gaps}"{cell[0]}{when}{cell[1]}', rendered[2]

    def _local_cell(self, warnings: tuple, tail: str) -> tuple[str, str] | bool:
        """A verdict's cells from its warnings on, for a time read as local time: the text before the receipt's
        description in the warning and after it (False: not made this way)."""
        text = "," + csv_cell(self.cell([*warnings, local_time_warning(self.zone.name, _SLOT)])) + tail
        before, mark, after = text.partition(_SLOT)
        hit = (before, after) if mark and _SLOT not in after else False
        if len(self.local_cells) >= LIMIT:
            self.local_cells.clear()
        self.local_cells[(warnings, tail)] = hit
        return hit

    def _by_day(self, key: tuple, day: int, received: str, render) -> tuple | None:
        """The rendered verdict of a key whose publication part depends on the receipt's day, by key and day."""
        rendered = self.by_day.get((key, day))
        if rendered is None:
            rendered = self.lookup(key, day) or render(self, key, day, received)
            if rendered is not None:
                if len(self.by_day) >= LIMIT:
                    self.by_day.clear()
                self.by_day[(key, day)] = rendered
        return rendered

    def timed_margin(self, i: int, wall: int, abbreviation: str, moment: int) -> str:
        """``margin`` of a receipt given as a time."""
        return _RECEIVED + described(wall, abbreviation) + _FIRST + self._gaps(i, moment)

    def _gaps(self, i: int, moment: int) -> str:
        """The words of a time's gaps to the cut-offs its margin names in tier ``i`` (as ``contributions.named``
        names them)."""
        met, missed, second = self.cutoffs[i]
        if met is None:
            return _phrase(missed, moment)
        if missed is not None and abs(moment - missed.instant) < abs(met.instant - moment):
            return _phrase(missed, moment) + _SECOND + _phrase(second, moment)
        return _phrase(met, moment)

    def _answer(self, received: str, flag: bool, render) -> tuple[str, str] | None:
        got = read_receipt(received, self.zone)
        if got is None:
            return None
        key, day = self.key(got, flag)
        rendered = self.lookup(key, day) or render(self, key, day, received)
        if rendered is None:
            return None
        if got.__class__ is tuple and got[2]:
            rendered = self._local(rendered, got)
        return _line(rendered, self.margin(key[0], got))

    def _local(self, rendered: tuple, got: tuple) -> tuple:
        """A rendered verdict with the warning of a time read as local time."""
        head, _, status, warnings, tail = rendered
        return head, "," + csv_cell(self.cell([*warnings, self.local_warning(got)])) + tail, status

    def templates(self) -> list[str]:
        """Every text the margins are made of, for the caller to check."""
        return [t for cutoffs in self.cutoffs for c in cutoffs if c is not None
                for t in (*c.timed, *c.dated, c.timed_at, c.dated_at)]

    def margin(self, i: int, got) -> str:
        """The margin of a receipt in tier ``i`` (``contributions.margin``, from the templates)."""
        met, missed, second = self.cutoffs[i]
        if got.__class__ is int:
            hit = self.dated.get((i, got))
            if hit is None:
                pair = named((met, abs(met.day - got)) if met else None, (missed, abs(got - missed.day)) if missed else None)
                parts = [_dated(pair[0], got)] + ([_dated(second, got)] if len(pair) > 1 else [])
                if len(self.dated) >= LIMIT:
                    self.dated.clear()
                hit = self.dated[(i, got)] = margin_words(dt.date.fromordinal(got).isoformat(), parts)
            return hit
        return self.timed_margin(i, got[0], got[1], got[3])

    def local_warning(self, got) -> str:
        return local_time_warning(self.zone.name, described(got[0], got[1]))


#: The margin's words around the receipt and the cut-offs (``margin_words``): before the receipt, before the
#: first cut-off, before the second.
_RECEIVED, _FIRST, _SECOND, _END = margin_words(_MARK, [_MARK, _MARK]).split(_MARK)
assert not _END, "the margin ends with its last cut-off"
#: A verdict whose publication part depends on nothing of the receipt's day.
_NOTHING = object()


def _phrase(c: _Cutoff, moment: int) -> str:
    """The words of a time's gap to a cut-off ('3 days 4 h before the 12-day cut-off of ...')."""
    gap = moment - c.instant if moment > c.instant else c.instant - moment
    if not gap:
        return c.timed_at
    shown = gap if gap < 60 else gap - gap % 60 if gap < DAY else gap - gap % 3600
    before, after = c.timed
    return before + (_DURATIONS.get(shown) or _duration(shown)) + after


#: ``duration_words`` of gaps as they show (past a minute, the seconds do not show; past a day, the minutes).
_DURATIONS: dict[int, str] = {}


def _duration(shown: int) -> str:
    if len(_DURATIONS) >= LIMIT * 16:
        _DURATIONS.clear()
    text = _DURATIONS[shown] = duration_words(shown)
    return text


def _dated(c: _Cutoff, day: int) -> str:
    gap = abs(c.day - day)
    if not gap:
        return c.dated_at
    before, after = c.dated
    return before + days_words(gap) + after


def _line(rendered: tuple, margin: str) -> tuple[str, str]:
    """A row's cells after its echoed input, and its status: the rendered verdict around the margin (which never
    holds a quote: the templates are checked)."""
    return rendered[0] + ('"' + margin + '"' if "," in margin else csv_cell(margin)) + rendered[1], rendered[2]


def _segments(fp: FastPlan) -> tuple[list[int], list[tuple[tuple, tuple]] | None]:
    """For a receipt given as a time: the instants where its key changes (the tiers' ends of both readings, the
    ends of the exceptions' windows), and each stretch's key without and with the flag (``key``); no keys when a
    window ends with a day (its key then depends on the receipt's wall clock)."""
    if any(end is None for _, end in fp.windows):
        return [], None
    cuts = sorted({*fp.ends, *fp.alt_ends, *(end for _, end in fp.windows)})
    keys = []
    for moment in [cuts[0] - 1 if cuts else 0, *cuts]:  # a moment of each stretch
        i, j = bisect_right(fp.ends, moment), bisect_right(fp.alt_ends, moment)
        windows = tuple(moment < end for _, end in fp.windows)
        keys.append(((i, j, False, windows), (i, j, True, windows)))
    return cuts, keys


def _ends(p: Plan) -> list[int]:
    """The tiers' ends as instants in seconds (a receipt before one is in that tier); refused unless sorted."""
    bounds = p.bounds
    if bounds[-1].end is not None or any(b.end is None or b.end.microsecond for b in bounds[:-1]):
        raise ValueError("not a plan for the fast path")
    ends = [_instant(b.end) for b in bounds[:-1]]
    if ends != sorted(ends):
        raise ValueError("cut-offs out of order")
    return ends


def _days(p: Plan) -> list[int]:
    """The tiers' bounds for a receipt given as a date, as day ordinals: a day before one is in that tier."""
    days = [b.day.toordinal() + (1 if b.inclusive else 0) for b in p.bounds[:-1]]
    if days != sorted(days):
        raise ValueError("cut-off days out of order")
    return days


#: What makes an output cell need quotes: the delimiter, a quote, a line break of either kind.
_QUOTE = re.compile(r'[,"\r\n]')


def csv_cell(text: str) -> str:
    """A text cell as the batch's CSV writes it: csv.writer's minimal quoting, and a cell holding a carriage return
    quoted too (csv.writer leaves it bare when lines end in "\n", and a reader then splits the row)."""
    if _QUOTE.search(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'
