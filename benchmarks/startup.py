"""One command against `procedures --help`: the start-up yardstick of issue 17 (goal: `check` within 2.5x).

    python benchmarks/startup.py [--runs 21] [--command PROGRAM ...] [-- ARGS...]

Runs `procedures --help` and the command (by default one contribution check) in turn, N times each
after a warm-up, and reports the median CPU time (user + system, of the child process) and wall time
of each, and the median of the pairwise CPU ratios: on a shared machine the load moves, and the ratio
of two runs side by side is the figure to read. Neither output is checked; both must exit 0.

The children run with PYTHONDONTWRITEBYTECODE removed from their environment, so the warm-up writes the
bytecode and the measured runs read it, as an installed package does (a checkout never run before would
otherwise compile every module it imports in every run, which weighs on `check` more than on `--help`).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

CHECK = ["check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-03"]


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command, in turn (default: 21)")
    parser.add_argument("--command", action="append", default=None, metavar="PROGRAM",
                        help="the program to run, e.g. 'python -m procedures' (default: the procedures beside this Python, else on "
                             "PATH); repeatable: each round then runs every program in turn (the code before and after a change)")
    parser.add_argument("args", nargs="*", help="the command to compare with --help (default: one contribution check)")
    given = parser.parse_args()
    beside = os.path.join(os.path.dirname(sys.executable), "procedures")
    programs = given.command or [beside if os.path.exists(beside) else shutil.which("procedures")]
    if None in programs:
        sys.exit("no procedures command found; give --command")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    pairs = [([*p.split(), "--help"], [*p.split(), *(given.args or CHECK)]) for p in programs]
    for helping, command in pairs:  # warm-up: the files in the page cache, the bytecode written
        timed(helping, env), timed(command, env)
    rows: list[list] = [[] for _ in pairs]
    for _ in range(given.runs):
        for n, (helping, command) in enumerate(pairs):
            rows[n].append((timed(helping, env), timed(command, env)))
    for program, mine in zip(programs, rows):
        cpu, wall = statistics.median(c[0] for _, c in mine), statistics.median(c[1] for _, c in mine)
        help_cpu, help_wall = statistics.median(h[0] for h, _ in mine), statistics.median(h[1] for h, _ in mine)
        ratio = statistics.median(c[0] / h[0] for h, c in mine)
        wall_ratio = statistics.median(c[1] / h[1] for h, c in mine)
        print(f"{program}")
        print(f"  {' '.join(given.args or CHECK)}: {cpu:.3f} s CPU, {wall:.3f} s wall")
        print(f"  --help: {help_cpu:.3f} s CPU, {help_wall:.3f} s wall")
        print(f"  ratio (pairwise median of {given.runs}): {ratio:.2f}x CPU, {wall_ratio:.2f}x wall")


if __name__ == "__main__":
    main()
