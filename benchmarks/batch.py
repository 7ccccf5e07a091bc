"""Benchmark of the batch contribution check.

Generates N synthetic registry rows (several meetings, receipts spread over
the weeks before each meeting, a mix of offsets and bare dates), runs
`procedures check-batch` on them as a separate process, and reports rows per
second end to end and the peak memory (max RSS) of that process.

    python benchmarks/batch.py 200000
    python benchmarks/batch.py 1000000 --mixed

With --mixed, about one row in ten is bad in the ways registry exports are:
meetings that cannot be planned (an unknown kind, an impossible date), a
receipt that is not a date, a title with a line break inside quotes, a lone
quote inside an unquoted field, a NUL byte; every row must still come out
(rows in = rows out).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("study-group", "rapporteur-group", "tdag")


#: Bad rows of a --mixed file: (kind, opens, received, title) replacements, one in ten rows.
BAD = [
    ("study-groop", None, None, None),           # a meeting kind that does not exist
    (None, "2026-02-30", None, None),            # a day that does not exist
    (None, None, "last Tuesday", None),          # a receipt that is not a date
    (None, None, None, "first line\nsecond line"),  # a quoted line break (a good row, two lines)
    (None, None, None, '5" floppy'),             # a lone quote inside an unquoted field
    (None, None, None, "nul\x00byte"),           # a NUL byte
]


def generate(path: Path, n: int, seed: int = 1, mixed: bool = False) -> None:
    rnd = random.Random(seed)
    meetings = [(rnd.choice(KINDS), dt.date(2026, 1, 5) + dt.timedelta(days=7 * k)) for k in range(150)]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "kind", "opens", "received", "purpose", "opening_time", "chair_admitted", "closes"])
        for i in range(n):
            kind, opens = rnd.choice(meetings)
            day = opens - dt.timedelta(days=rnd.randint(-2, 70))
            if rnd.random() < 0.3:
                received = day.isoformat()
            else:
                offset = rnd.choice(["+02:00", "+01:00", "-04:00", "Z", ""])
                received = f"{day.isoformat()}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00{offset}"
            purpose = "information" if rnd.random() < 0.2 else "action"
            row = [f"C{i:07d}", f"Contribution {i}", kind, opens.isoformat(), received, purpose, "09:30" if rnd.random() < 0.5 else "",
                   "yes" if rnd.random() < 0.05 else "", (opens + dt.timedelta(days=4)).isoformat()]
            if mixed and rnd.random() < 0.1:
                bad_kind, bad_opens, bad_received, title = rnd.choice(BAD)
                row[2], row[3], row[4] = bad_kind or row[2], bad_opens or row[3], bad_received or row[4]
                if title == '5" floppy':
                    fh.write(",".join([row[0], title, *row[2:]]) + "\r\n")  # written by hand: unquoted, as some exports do
                    continue
                row[1] = title or row[1]
            w.writerow(row)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    mixed = "--mixed" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        generate(src, n, mixed=mixed)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "procedures", "check-batch", str(src), "--out", str(out)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode not in (0, 1):
            sys.exit(f"check-batch failed: {proc.stderr.strip()}")
        with out.open(newline="") as fh:
            rows_out = sum(1 for _ in csv.reader(fh)) - 1
        print(f"rows: {n} in, {rows_out} out")
        print(f"time: {elapsed:.2f} s end to end, {n / elapsed:,.0f} rows/s")
        print(f"peak memory (max RSS of the check-batch process): {peak_kib / 1024:.1f} MiB")
        print(f"summary: {proc.stderr.strip()}")


if __name__ == "__main__":
    main()
