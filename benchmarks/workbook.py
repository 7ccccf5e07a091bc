"""Benchmark of reading and writing Excel workbooks.

Writes a workbook of N synthetic registry rows (the rows of benchmarks/batch.py,
with the meeting's dates as date cells, as Excel holds typed dates), then, each
in a fresh process so that its peak memory is its own:

- reads every row through procedures.tables.open_table (openpyxl's read-only
  mode, the reader every command uses);
- reads it with python-calamine, when installed, for comparison (it loads the
  whole sheet at once);
- runs `procedures check-batch` end to end on the workbook, writing CSV, then
  writing a workbook (openpyxl's write-only mode), and on the same rows as
  CSV writing a workbook.

Reports rows per second and peak memory (max RSS, from resource.getrusage).

    python benchmarks/workbook.py 100000
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import generate  # noqa: E402

READ_TABLE = """
import json, resource, sys, time
from pathlib import Path
from procedures.tables import open_table
start = time.perf_counter()
with open_table(Path(sys.argv[1])) as table:
    n = sum(1 for _ in table.records())
print(json.dumps({"rows": n, "seconds": time.perf_counter() - start,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

READ_CALAMINE = """
import json, resource, sys, time
from python_calamine import CalamineWorkbook
start = time.perf_counter()
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(json.dumps({"rows": len(rows) - 1, "seconds": time.perf_counter() - start,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

CHECK_BATCH = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run([sys.executable, "-m", "procedures", "check-batch", sys.argv[1], "--out", sys.argv[2]], capture_output=True, text=True)
if proc.returncode not in (0, 1):
    sys.exit(proc.stderr)
print(json.dumps({"rows": int(proc.stderr.split(" row")[0]), "seconds": time.perf_counter() - start,
                  "peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def write_workbook(src_csv: Path, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Registry")
    with src_csv.open(newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        sheet.append(header)
        dated = [header.index(name) for name in ("opens", "closes")]  # the meeting's days, as date cells
        for row in rows:
            for at in dated:
                row[at] = dt.date.fromisoformat(row[at])
            sheet.append(row)
    book.save(path)


def measure(script: str, *args: str) -> dict | None:
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        src, book, out, out_csv = Path(tmp) / "in.csv", Path(tmp) / "in.xlsx", Path(tmp) / "out.xlsx", Path(tmp) / "out.csv"
        generate(src, n)
        write_workbook(src, book)
        print(f"workbook: {n} rows, {book.stat().st_size / 2**20:.1f} MiB")
        for label, script, args in [
            ("read, openpyxl read-only (procedures.tables)", READ_TABLE, [str(book)]),
            ("read, python-calamine (whole sheet)", READ_CALAMINE, [str(book)]),
            ("check-batch in.xlsx --out out.csv", CHECK_BATCH, [str(book), str(out_csv)]),
            ("check-batch in.xlsx --out out.xlsx", CHECK_BATCH, [str(book), str(out)]),
            ("check-batch in.csv --out out.xlsx", CHECK_BATCH, [str(src), str(out)]),
        ]:
            got = measure(script, *args)
            if got is None:
                print(f"{label}: not measured (not installed or failed)")
                continue
            print(f"{label}: {got['rows']} rows in {got['seconds']:.2f} s, {got['rows'] / got['seconds']:,.0f} rows/s, "
                  f"peak memory {got['peak_kib'] / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
