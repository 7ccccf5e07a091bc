"""A seeded registry export with the odd rows real ones have, for benchmarks and the byte-identity test.

    python benchmarks/registry.py 200000 registry.csv [--seed 7]

Most rows are ordinary (receipts spread over the ten weeks before each of 150
meetings, a mix of offsets and bare dates, 20 % for information, some
chair-admitted, the meeting's last day in ``closes``). The rest are what
registries hold: receipts on the very second of a cut-off or of the opening
session, fractions of a second, times without an offset (one skipped by the
change to summer time), other zones, dates written day first, bad dates and
kinds, meetings before any ruleset, a TDAG written proposal without its
``closes``, yes/no words in other languages, formula-like titles, short and
long rows. The same seed gives the same file, byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HEADER = ["id", "title", "kind", "opens", "received", "purpose", "opening_time", "chair_admitted", "closes"]
KINDS = ("study-group", "rapporteur-group", "tdag")
#: Spellings of a kind people write in exports.
KIND_SPELLINGS = {"study-group": ("Study Group", "STUDY_GROUP"), "rapporteur-group": ("Rapporteur Group",), "tdag": ("TDAG",)}
OFFSETS = ("+02:00", "+01:00", "-04:00", "Z", "z", "+05:30", "+14:00", "-11:00", "")
#: Day counts before the opening where the cut-offs of the rules fall, and their neighbours.
EDGES = (46, 45, 44, 13, 12, 11, 8, 7, 6, 1, 0)
ODD_RECEIVED = ("not a date", "", "2026-02-30", "2026-13-01T10:00:00+02:00", "05/02/2026", "9999-12-31T23:30:00-05:00",
                "2026-03-29T02:30:00", "2026-10-25T02:30:00", "2026-09-01T24:00:00", " 2026-09-01 ", "2026-09-01 10:00")
ODD_TITLES = ("=SUM(A1:A3)", "-3 dB", "+41 22 730", "@chair", "first line\nsecond line", "tab\there", "nul\x00byte",
              "ctrl\x07bell", "Résumé — ÉTAT", '"quoted"', "a, b; c")
YES_NO = ("", "", "", "yes", "no", "x", "oui", "Ja", "TRUE", "0", "maybe")


def _receipt(rnd: random.Random, opens: dt.date) -> str:
    r = rnd.random()
    if r < 0.35:  # on or beside a cut-off or the opening, at the edges of the day
        day = opens - dt.timedelta(days=rnd.choice(EDGES))
        time = rnd.choice(("23:59:59", "00:00:00", "23:59:59.600", "00:00:00.5", "09:29:59", "09:30:00", "09:30:01", "12:00"))
        return f"{day.isoformat()}T{time}{rnd.choice(('+02:00', '+01:00', '', 'Z', '-04:00'))}"
    day = opens - dt.timedelta(days=rnd.randint(-3, 75))
    if r < 0.6:
        return day.isoformat()
    seconds = rnd.choice((":00", f":{rnd.randint(0, 59):02d}", ".123456", ""))
    sep = "T" if rnd.random() < 0.9 else " "
    return f"{day.isoformat()}{sep}{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}{seconds}{rnd.choice(OFFSETS)}"


def _row(rnd: random.Random, i: int, meetings: list) -> list[str]:
    kind, opens, closes, session = rnd.choice(meetings)
    row = [f"C{i:07d}", f"Contribution {i}", kind, opens.isoformat(), _receipt(rnd, opens),
           "information" if rnd.random() < 0.2 else rnd.choice(("action", "", "Action")),
           session, "yes" if rnd.random() < 0.08 else "", closes]
    if rnd.random() < 0.15:
        odd = rnd.randrange(10)
        if odd == 0:
            row[4] = rnd.choice(ODD_RECEIVED)
        elif odd == 4:
            row[6] = rnd.choice(("25:00", "09:30+02:00", "noon", "9:30"))
        elif odd == 1:
            row[2] = rnd.choice(("study-groop", "plenary", "")) if rnd.random() < 0.3 else rnd.choice(KIND_SPELLINGS[kind])
        elif odd == 2:
            row[3] = rnd.choice(("2026-02-30", "2024-03-04", "14/09/2026", " 2026-09-14"))
        elif odd == 3:
            row[5] = rnd.choice(("for info", "INFORMATION", "decision"))
        elif odd == 5:
            row[7] = rnd.choice(YES_NO)
        elif odd == 6:
            row[8] = rnd.choice(("2026-01-01", "not a day", (opens - dt.timedelta(days=1)).isoformat()))
        elif odd == 7:
            row[1] = rnd.choice(ODD_TITLES)
        elif odd == 8:
            row = row[: rnd.randint(2, 8)]  # a short row
        else:
            row = row + ["extra"]
    return row


def generate(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    start = dt.date(2026, 1, 5)
    meetings = []
    for k in range(150):
        kind, opens = rnd.choice(KINDS), start + dt.timedelta(days=7 * k + rnd.randint(0, 4))
        # a TDAG without its last day: a written proposal during it cannot be placed
        closes = "" if kind == "tdag" and rnd.random() < 0.3 else (opens + dt.timedelta(days=rnd.choice((0, 2, 4, 9)))).isoformat()
        meetings.append((kind, opens, closes, rnd.choice(("09:30", "", "14:00"))))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow(_row(rnd, i, meetings))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    a = parser.parse_args()
    generate(a.out, a.rows, a.seed)
