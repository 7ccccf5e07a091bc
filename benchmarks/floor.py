"""The floor: the least honest work a batch check of a registry must do, as a yardstick for `check-batch`.

    python benchmarks/floor.py IN.csv OUT.csv

Reads the CSV, parses each row's meeting date and receipt, converts the
receipt to Geneva time (a time without an offset read as Geneva time),
compares it with two cut-offs of its meeting (computed once per meeting) and
writes the row with a status. Nothing else: no rules, no paragraphs, no
explanations, no safety for spreadsheets. A row it cannot read gets "error".

The two day counts are the yardstick's stand-ins for the 45-day and 12-day
cut-offs, not the rules (which `check-batch` reads from the rule files); the
statuses it writes are not answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from zoneinfo import ZoneInfo

GENEVA = ZoneInfo("Europe/Zurich")
#: Days before the opening of the two cut-offs compared with (stand-ins, see above).
CUTOFF_DAYS = (45, 12)
LAST_SECOND = dt.time(23, 59, 59)


def main(src: str, dst: str) -> None:
    cutoffs: dict[str, tuple[dt.datetime, ...]] = {}
    with open(src, newline="", encoding="utf-8") as fin, open(dst, "w", newline="", encoding="utf-8") as fout:
        rows = csv.reader(fin)
        out = csv.writer(fout, lineterminator="\n")
        header = next(rows)
        at_opens, at_received = header.index("opens"), header.index("received")
        out.writerow(header + ["status"])
        for row in rows:
            try:
                opens = row[at_opens]
                bounds = cutoffs.get(opens)
                if bounds is None:
                    first = dt.date.fromisoformat(opens)
                    bounds = cutoffs[opens] = tuple(
                        dt.datetime.combine(first - dt.timedelta(days=n), LAST_SECOND, GENEVA) for n in CUTOFF_DAYS)
                text = row[at_received]
                if len(text) == 10:
                    moment = dt.datetime.combine(dt.date.fromisoformat(text), LAST_SECOND, GENEVA)
                else:
                    moment = dt.datetime.fromisoformat(text)
                    moment = moment.replace(tzinfo=GENEVA) if moment.tzinfo is None else moment.astimezone(GENEVA)
                status = "on-time" if moment <= bounds[0] else "delayed" if moment <= bounds[1] else "late"
            except (ValueError, IndexError, OverflowError):
                status = "error"
            out.writerow(row + [status])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
