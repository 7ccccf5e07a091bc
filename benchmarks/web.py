"""Load benchmark of the web service: requests per second and latency under concurrent clients.

Starts `procedures serve` (optionally with several worker processes) on a
free local port, then, for each number of concurrent clients, runs that many
clients for a fixed time, each sending one request after another over a
keep-alive connection. The requests are a mix: a contribution check (40 %),
a timetable (20 %), the page's check form (20 %), a calendar file (10 %) and
a batch check of a 20-row upload (10 %), with dates and kinds drawn at random.
Reports, per number of clients, requests per second and the 50th and 99th
percentiles of latency, overall and per kind of request, as Markdown tables.

    python benchmarks/web.py                      # 10 and 50 clients, one process
    python benchmarks/web.py --workers 2          # the same against two worker processes
    python benchmarks/web.py --clients 10 50 --seconds 30
    python benchmarks/web.py --behind-uploads 4   # a calendar request while four 20,000-row uploads are checked

The clients run in this process (asyncio and httpx) on the same machine as
the server: they take part of its CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict

import httpx

KINDS = ("study-group", "rapporteur-group", "tdag")
#: Kind of request and its share of the mix.
MIX = (("check", 40), ("timetable", 20), ("page", 20), ("ics", 10), ("batch", 10))
BATCH_ROWS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    command = [sys.executable, "-m", "procedures", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/rules", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            sys.exit(f"the server did not start: {proc.stderr.read().decode(errors='replace')}")
        time.sleep(0.2)


def _meeting(rnd: random.Random) -> tuple[str, dt.date]:
    """One of 150 meetings, one a week from January 2026 (as benchmarks/batch.py), of a random kind."""
    return rnd.choice(KINDS), dt.date(2026, 1, 5) + dt.timedelta(days=7 * rnd.randrange(150))


def _received(rnd: random.Random, opens: dt.date) -> str:
    day = opens - dt.timedelta(days=rnd.randint(-2, 70))
    return f"{day.isoformat()}T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00+02:00" if rnd.random() < 0.7 else day.isoformat()


def batch_file(rnd: random.Random) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "kind", "opens", "received"])
    for i in range(BATCH_ROWS):
        kind, opens = _meeting(rnd)
        w.writerow([f"C{i}", kind, opens.isoformat(), _received(rnd, opens)])
    return out.getvalue().encode()


def request(rnd: random.Random, batches: list[bytes]) -> tuple[str, str, str, dict]:
    """One request of the mix: (kind, method, path, httpx keyword arguments)."""
    kind = rnd.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
    meeting, opens = _meeting(rnd)
    if kind == "check":
        return kind, "GET", "/api/check", {"params": {"kind": meeting, "opens": opens.isoformat(), "received": _received(rnd, opens)}}
    if kind == "page":
        return kind, "GET", "/check", {"params": {"kind": meeting, "opens": opens.isoformat(), "received": _received(rnd, opens)}}
    if kind == "timetable":
        return kind, "GET", "/api/timetable", {"params": {"kind": meeting, "opens": opens.isoformat()}}
    if kind == "ics":
        return kind, "GET", "/api/timetable.ics", {"params": {"kind": meeting, "opens": opens.isoformat(), "name": "SG1"}}
    return kind, "POST", "/api/check-batch", {"files": {"file": ("registry.csv", rnd.choice(batches), "text/csv")}}


async def run_clients(base: str, clients: int, seconds: float, warmup: float, seed: int,
                      at_least: int = 0) -> tuple[list[tuple[str, float, int]], float]:
    """Each client sends requests one after another; only those started after the warm-up are kept.

    The measured window lasts ``seconds``, and longer if fewer than ``at_least`` requests were measured in it
    (a smoke run on a loaded machine still measures something)."""
    rnd = random.Random(seed)
    batches = [batch_file(rnd) for _ in range(8)]
    records: list[tuple[str, float, int]] = []
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + seconds

    async def one_client(n: int) -> None:
        # one connection per client, each with its own pool: a shared pool of many connections costs the client more CPU per request
        own = random.Random(seed * 1000 + n)
        async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=1), timeout=120) as client:
            while (t0 := time.perf_counter()) < end or len(records) < at_least:
                kind, method, path, kwargs = request(own, batches)
                try:
                    status = (await client.request(method, path, **kwargs)).status_code
                except httpx.HTTPError:
                    status = 0
                if t0 >= measure_from:
                    records.append((kind, time.perf_counter() - t0, status))

    await asyncio.gather(*(one_client(n) for n in range(clients)))
    return records, time.perf_counter() - measure_from


def registry_file(rows: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["id", "kind", "opens", "received"])
    for i in range(rows):
        kind, opens = _meeting(rnd)
        w.writerow([f"C{i:05d}", kind, opens.isoformat(), _received(rnd, opens)])
    return out.getvalue().encode()


async def behind_uploads(base: str, uploads: int, rows: int, seed: int) -> None:
    """Calendar requests, one after another, while `uploads` uploads of `rows` rows each are checked."""
    body = registry_file(rows, seed)
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        async def upload() -> float:
            t0 = time.perf_counter()
            r = await client.post("/api/check-batch", files={"file": ("registry.csv", body, "text/csv")})
            assert r.status_code == 200 and len(r.json()["rows"]) == rows, r.text[:200]
            return time.perf_counter() - t0

        tasks = [asyncio.create_task(upload()) for _ in range(uploads)]
        await asyncio.sleep(0.5)
        waits = []
        while not all(t.done() for t in tasks):
            t0 = time.perf_counter()
            r = await client.get("/api/calendar", params={"year": 2026})
            assert r.status_code == 200
            waits.append(time.perf_counter() - t0)
        took = await asyncio.gather(*tasks)
    print(f"{uploads} uploads of {rows:,} rows each, checked in {min(took):.1f} to {max(took):.1f} s")
    print(f"meanwhile {len(waits)} calendar requests, one after another: median {ms(percentile(waits, 0.5))}, "
          f"longest {ms(max(waits))}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50], help="numbers of concurrent clients to measure (default: 10 50)")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per number of clients (default: 20)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of requests not measured, first (default: 3)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of the server (default: 1)")
    parser.add_argument("--behind-uploads", type=int, metavar="N", help="instead: calendar requests while N uploads of 20,000 rows are checked")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--at-least", type=int, default=0, metavar="N",
                        help="measure for --seconds and, past them, until N requests were measured (default: 0)")
    args = parser.parse_args()

    proc, base = start_server(args.workers)
    try:
        if args.behind_uploads:
            print(f"server: procedures serve --workers {args.workers}")
            asyncio.run(behind_uploads(base, args.behind_uploads, 20_000, args.seed))
            return
        print(f"server: procedures serve --workers {args.workers}; clients: asyncio and httpx in one process on the same machine")
        print("mix: " + ", ".join(f"{k} {w} %" for k, w in MIX) + f" (batch: a {BATCH_ROWS}-row upload)\n")
        results = {}
        for clients in args.clients:
            results[clients] = asyncio.run(run_clients(base, clients, args.seconds, args.warmup, args.seed, args.at_least))
        print("| clients | requests | requests/s | p50 | p99 | errors |")
        print("|---|---|---|---|---|---|")
        for clients, (records, elapsed) in results.items():
            latencies = [r[1] for r in records]
            errors = sum(1 for r in records if not 200 <= r[2] < 300)
            print(f"| {clients} | {len(records)} | {len(records) / elapsed:,.1f} | {ms(percentile(latencies, 0.5))} | "
                  f"{ms(percentile(latencies, 0.99))} | {errors} |")
        for clients, (records, _) in results.items():
            by_kind = defaultdict(list)
            for kind, latency, _status in records:
                by_kind[kind].append(latency)
            print(f"\n{clients} clients, by kind of request:\n")
            print("| kind | requests | p50 | p99 |")
            print("|---|---|---|---|")
            for kind, _ in MIX:
                if by_kind[kind]:
                    print(f"| {kind} | {len(by_kind[kind])} | {ms(percentile(by_kind[kind], 0.5))} | {ms(percentile(by_kind[kind], 0.99))} |")
                else:
                    print(f"| {kind} | 0 | – | – |")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
