"""Benchmark of the batch contribution check.

Generates N synthetic registry rows (several meetings, receipts spread over
the weeks before each meeting, a mix of offsets and bare dates), runs
`procedures check-batch` on them as a separate process, in turn with the
floor (benchmarks/floor.py), and reports for each the median wall and CPU
time (the CPU of the process and of the worker processes it waited for),
rows per second, the peak memory (max RSS of the largest of those
processes), and check-batch's time as a multiple of the floor's (the median
of the pairwise ratios). Run it with the Python that has `procedures`
installed (the project's virtual environment).

    python benchmarks/batch.py 200000
    PROCEDURES_BATCH_WORKERS=1 python benchmarks/batch.py 200000   # in one process
    python benchmarks/batch.py 1000000 --mixed

Both run with PYTHONDONTWRITEBYTECODE removed from their environment,
after a warm-up run of each on a few rows: the warm-up writes the bytecode
and the measured runs read it, as an installed package does (pip compiles
on install; a checkout run under that setting compiles every module it
imports in every run, about 0.09 s here, which would weigh on check-batch
and not on the floor, a script compiled in every run either way).

With --mixed, about one row in ten is bad in the ways registry exports are:
meetings that cannot be planned (an unknown kind, an impossible date), a
receipt that is not a date, a title with a line break inside quotes, a lone
quote inside an unquoted field, a NUL byte; every row must still come out
(rows in = rows out).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import statistics
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


#: The environment of the commands timed: bytecode written and read, as an installed package has it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed(command: list[str]) -> tuple[float, float, float, int]:
    """Run a command: (wall seconds, CPU seconds of it and the processes it waited for, peak MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description="check-batch on N generated rows, timed against the floor (benchmarks/floor.py) in the same run.")
    parser.add_argument("rows", type=int, nargs="?", default=200_000)
    parser.add_argument("--mixed", action="store_true", help="one row in ten bad, the way registry exports are")
    parser.add_argument("--runs", type=int, default=5, help="runs of each, in turn (floor, check-batch, floor, ...)")
    a = parser.parse_args()
    floor = Path(__file__).resolve().parent / "floor.py"
    with tempfile.TemporaryDirectory() as tmp:
        src, out, floor_out = Path(tmp) / "in.csv", Path(tmp) / "out.csv", Path(tmp) / "floor.csv"
        generate(src, a.rows, mixed=a.mixed)
        few = Path(tmp) / "few.csv"
        generate(few, 100)
        _timed([sys.executable, str(floor), str(few), str(floor_out)])  # the warm-ups: bytecode written
        _timed([sys.executable, "-m", "procedures", "check-batch", str(few), "--out", str(out)])
        runs: dict[str, list] = {"floor": [], "check-batch": []}
        for _ in range(a.runs):
            runs["floor"].append(_timed([sys.executable, str(floor), str(src), str(floor_out)]))
            got = _timed([sys.executable, "-m", "procedures", "check-batch", str(src), "--out", str(out)])
            if got[3] not in (0, 1) or not out.exists():  # 1: some rows are errors (--mixed)
                sys.exit(f"check-batch failed (exit {got[3]}); is procedures installed for {sys.executable}?")
            runs["check-batch"].append(got)
        with out.open(newline="") as fh:
            rows_out = sum(1 for _ in csv.reader(fh)) - 1
        from procedures.batch import default_workers

        workers = os.environ.get("PROCEDURES_BATCH_WORKERS", "").strip() or f"{default_workers()} (one per core, at most 4)"
        print(f"rows: {a.rows} in, {rows_out} out; median of {a.runs} runs, taken in turn; worker processes: {workers}")
        print("| command | wall time | CPU time | rows per second (wall) | peak memory |")
        print("|---|---|---|---|---|")
        for name, measured in runs.items():
            wall, cpu, peak = (statistics.median(m[i] for m in measured) for i in range(3))
            print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {a.rows / wall:,.0f} | {peak:.0f} MiB |")
        pairs = list(zip(runs["check-batch"], runs["floor"]))
        print(f"check-batch / floor: {statistics.median(c[0] / f[0] for c, f in pairs):.1f}x wall, "
              f"{statistics.median(c[1] / f[1] for c, f in pairs):.1f}x CPU (median of the pairs)")


if __name__ == "__main__":
    main()
