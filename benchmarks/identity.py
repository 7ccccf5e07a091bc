"""Byte-identity harness: the outputs of `check-batch` and `check`, saved once and compared after a change.

    python benchmarks/identity.py save DIR        # run everything, keep the outputs in DIR
    python benchmarks/identity.py compare DIR     # run again, compare byte for byte with DIR

What runs: `check-batch` on a seeded odd registry (benchmarks/registry.py,
200,000 rows; --rows N for another size) as CSV, as JSON, with --date-order
dmy, and as a workbook (its sheet XML, on a 20,000-row file); `check` in text
and JSON for every case of the contribution scenarios and for a grid of
meetings, receipts and flags around every cut-off. Each output file holds the
standard output, standard error and exit code of the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from registry import generate  # noqa: E402


def _run(args: list[str]) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "procedures", *args], capture_output=True)
    return proc.stdout + b"\n--- stderr\n" + proc.stderr + f"\n--- exit {proc.returncode}\n".encode()


def batch_outputs(tmp: Path, rows: int) -> dict[str, bytes]:
    src, small = tmp / "registry.csv", tmp / "small.csv"
    generate(src, rows)
    generate(small, min(rows, 20_000), seed=11)
    out = {}
    for name, extra in (("batch.csv", []), ("batch.json", ["--format", "json"]), ("batch-dmy.csv", ["--date-order", "dmy"])):
        target = tmp / name
        log = _run(["check-batch", str(src), "--out", str(target), *extra])
        out[name] = target.read_bytes() + b"\n--- log\n" + log
    book = tmp / "batch.xlsx"
    log = _run(["check-batch", str(small), "--out", str(book)])
    with zipfile.ZipFile(book) as z:
        sheets = b"".join(z.read(n) for n in sorted(z.namelist()) if n.startswith("xl/") and "docProps" not in n)
    out["batch.xlsx-parts"] = sheets + b"\n--- log\n" + log
    return out


def check_cases() -> list[list[str]]:
    """The `check` invocations: every contribution scenario case, and a grid around the cut-offs."""
    from procedures.scenarios import load_scenario, scenario_files

    cases = []
    for path in scenario_files(ROOT / "tests" / "scenarios"):
        if path.parent.name != "contributions":
            continue
        sc = load_scenario(path)
        m = sc.meeting
        base = ["--kind", m.kind, "--opens", m.opens.isoformat(), "--purpose", m.purpose]
        base += ["--opening-time", m.opening_time.strftime("%H:%M")] if m.opening_time else []
        base += ["--closes", m.closes.isoformat()] if m.closes else []
        for case in sc.case:
            cases.append(base + ["--received", case.received] + (["--chair-admitted"] if case.chair_admitted else []))
    for kind, opens, closes in (("study-group", "2026-09-14", None), ("rapporteur-group", "2027-03-01", None), ("tdag", "2026-06-08", "2026-06-12")):
        first = dt.date.fromisoformat(opens)
        for days in (46, 45, 44, 13, 12, 11, 7, 6, 0, -1):
            day = first - dt.timedelta(days=days)
            for received in (day.isoformat(), f"{day}T23:59:59+02:00", f"{day}T00:00:00", f"{day}T09:30:00.5Z"):
                for purpose in ("action", "information"):
                    for extra in ([], ["--chair-admitted"], ["--opening-time", "09:30"]):
                        cases.append(["--kind", kind, "--opens", opens, "--purpose", purpose, "--received", received, *extra]
                                     + (["--closes", closes] if closes else []))
    return cases


def check_outputs() -> dict[str, bytes]:
    from typer.testing import CliRunner

    from procedures.cli import app

    runner = CliRunner()
    chunks = []
    for args in check_cases():
        for fmt in ("text", "json"):
            res = runner.invoke(app, ["check", *args, "--format", fmt])
            chunks.append(f"$ check {' '.join(args)} --format {fmt}\n{res.stdout}{res.stderr}exit {res.exit_code}\n".encode())
    return {"check.txt": b"".join(chunks)}


def outputs(rows: int) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        return batch_outputs(Path(tmp), rows) | check_outputs()


def _first_difference(a: bytes, b: bytes) -> str:
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), start=1):
        if x != y:
            return f"line {n}:\n  before: {x[:400]!r}\n  after:  {y[:400]!r}"
    return f"lengths differ: {len(a)} and {len(b)} bytes"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rows", type=int, default=200_000)
    a = parser.parse_args()
    got = outputs(a.rows)
    if a.action == "save":
        a.folder.mkdir(parents=True, exist_ok=True)
        for name, data in got.items():
            (a.folder / name).write_bytes(data)
            print(f"{name}: {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}")
        return 0
    failed = 0
    for name, data in got.items():
        before = (a.folder / name).read_bytes()
        if before == data:
            print(f"{name}: identical ({len(data):,} bytes)")
        else:
            failed += 1
            print(f"{name}: DIFFERS, {_first_difference(before, data)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
