"""Benchmark of the batch contribution check.

Generates N synthetic registry rows (several meetings, receipts spread over
the weeks before each meeting, a mix of offsets and bare dates), runs
`procedures check-batch` on them as a separate process, and reports rows per
second end to end and the peak memory (max RSS) of that process.

    python benchmarks/batch.py 200000
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


def generate(path: Path, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    meetings = [(rnd.choice(KINDS), dt.date(2026, 1, 5) + dt.timedelta(days=7 * k)) for k in range(150)]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "kind", "opens", "received", "purpose", "opening_time", "chair_admitted", "closes"])
        for i in range(n):
            kind, opens = rnd.choice(meetings)
            day = opens - dt.timedelta(days=rnd.randint(-2, 70))
            if rnd.random() < 0.3:
                received = day.isoformat()
            else:
                offset = rnd.choice(["+02:00", "+01:00", "-04:00", "Z", ""])
                received = f"{day.isoformat()}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00{offset}"
            purpose = "information" if rnd.random() < 0.2 else "action"
            w.writerow([f"C{i:07d}", kind, opens.isoformat(), received, purpose, "09:30" if rnd.random() < 0.5 else "", "yes" if rnd.random() < 0.05 else "",
                        (opens + dt.timedelta(days=4)).isoformat()])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        generate(src, n)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "procedures", "check-batch", str(src), "--out", str(out)], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode not in (0, 1):
            sys.exit(f"check-batch failed: {proc.stderr.strip()}")
        with out.open() as fh:
            rows_out = sum(1 for _ in fh) - 1
        print(f"rows: {n} in, {rows_out} out")
        print(f"time: {elapsed:.2f} s end to end, {n / elapsed:,.0f} rows/s")
        print(f"peak memory (max RSS of the check-batch process): {peak_kib / 1024:.1f} MiB")
        print(f"summary: {proc.stderr.strip()}")


if __name__ == "__main__":
    main()
