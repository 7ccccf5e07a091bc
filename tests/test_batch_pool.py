"""check-batch's worker processes give what one process gives, row for row, and fail loudly.

A registry of more than one chunk is evaluated by forked workers
(``procedures.batchpool``), each chunk shared out by meeting and put back in
input order. These tests make chunks small so that a registry of a few
thousand odd rows (quoted line breaks, lone quotes, bad dates, formulas,
other zones: ``benchmarks/registry.py``) spans many chunks and many workers.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from procedures import batch, batchpool, tables
from procedures.loader import load_library

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from registry import generate  # noqa: E402

pytestmark = pytest.mark.skipif(not batchpool.available(), reason="worker processes are forked; this system cannot fork")


@pytest.fixture(scope="module")
def registry(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "registry.csv"
    generate(path, 600, seed=5)
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    """Records evaluated 97 at a time, and plain lines read 97 at a time (``tables.Lines``)."""
    monkeypatch.setattr(batch, "CHUNK", 97)
    monkeypatch.setattr(tables, "BLOCK", 97)


def _run(library, registry: Path, out: Path, workers: int, fmt: str | None = None, **kwargs) -> tuple[bytes, batch.Summary]:
    summary = batch.run_batch(library, registry, out, fmt, workers=workers, **kwargs)
    return out.read_bytes(), summary


#: The command line, its chunks made small (its first argument) as ``small_chunks`` makes them here.
SMALL_CHUNKS_COMMAND_LINE = ("import sys; from procedures import batch, cli, tables\n"
                             "batch.CHUNK = tables.BLOCK = int(sys.argv[1]); sys.argv = ['procedures', *sys.argv[2:]]; cli.main()\n")


def _command_line(*args: str, workers: str, chunk: int = 97, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SMALL_CHUNKS_COMMAND_LINE, str(chunk), *args], capture_output=True, timeout=120,
                          env=dict(os.environ, PROCEDURES_BATCH_WORKERS=workers), **kwargs)


@pytest.fixture(scope="module")
def alone(registry, tmp_path_factory) -> bytes:
    """What one process writes for the registry, as the command line reads it (its rules, ISO dates)."""
    out = tmp_path_factory.mktemp("pool-alone") / "one.csv"
    batch.run_batch(load_library(), registry, out, None, workers=1, date_order="iso")
    return out.read_bytes()


@pytest.mark.parametrize("fmt, workers", [("csv", 2), ("csv", 3), ("json", 2)])
def test_workers_write_byte_for_byte_what_one_process_writes(library, registry, tmp_path, small_chunks, fmt, workers):
    one, one_summary = _run(library, registry, tmp_path / f"one.{fmt}", 1)
    many, many_summary = _run(library, registry, tmp_path / f"many.{fmt}", workers)
    assert many == one
    assert many_summary.rows == one_summary.rows == 600
    assert many_summary.by_status == one_summary.by_status
    assert many_summary.errors == one_summary.errors > 0


def test_a_day_first_registry_with_workers_is_what_one_process_writes(library, registry, tmp_path, small_chunks):
    one, _ = _run(library, registry, tmp_path / "one.csv", 1, date_order="dmy")
    many, _ = _run(library, registry, tmp_path / "many.csv", 2, date_order="dmy")
    assert many == one


def test_a_workbook_is_written_by_one_process_whatever_the_workers(library, registry, tmp_path, small_chunks):
    # workbook rows are values, not text: they are not sent to workers
    _, summary = _run(library, registry, tmp_path / "out.xlsx", 2)
    assert summary.rows == 600


def test_a_worker_that_fails_stops_the_batch_and_no_output_is_made(library, registry, tmp_path, small_chunks, monkeypatch):
    def failing(self, records, fmt):
        raise ZeroDivisionError("a fault injected in the worker")

    monkeypatch.setattr(batch.Evaluator, "lines", failing)  # forked workers inherit it
    out = tmp_path / "out.csv"
    with pytest.raises(ZeroDivisionError, match="a fault injected in the worker") as raised:  # as one process raises it
        batch.run_batch(library, registry, out, None, workers=2)
    assert "raised in a worker process of the batch" in raised.value.__notes__[0] and "failing" in raised.value.__notes__[0]
    assert not out.exists()


class _Unreadable:
    """A value a worker can send but this process cannot read back (its unpickling raises)."""

    def __reduce__(self):
        return _refuse, ("an answer that cannot be read back",)


def _refuse(message):
    raise ValueError(message)


def test_an_answer_that_cannot_be_read_back_raises_its_own_error_at_once(library, registry, tmp_path, small_chunks, monkeypatch):
    """Not a worker that 'stopped' (it has not), found out after waiting for it: the error itself, at once."""
    real = batch.Evaluator.lines

    def unreadable(self, records, fmt):
        texts, _, errors = real(self, records, fmt)
        return texts, _Unreadable(), errors

    monkeypatch.setattr(batch.Evaluator, "lines", unreadable)  # forked workers inherit it
    out = tmp_path / "out.csv"
    started = time.monotonic()
    with pytest.raises(ValueError, match="an answer that cannot be read back"):
        batch.run_batch(library, registry, out, None, workers=2)
    assert time.monotonic() - started < 4 and not out.exists()


def test_a_worker_that_fails_is_one_line_on_the_command_line_as_in_one_process(tmp_path):
    registry = tmp_path / "registry.csv"
    registry.write_text("id,kind,opens,received\n" + "".join(f"C{i},study-group,2026-05-13,2026-04-01\n" for i in range(300)))
    code = ("import sys; from procedures import batch, cli, tables\n"
            "batch.CHUNK = tables.BLOCK = 97; batch.Evaluator.lines = batch.Evaluator.chunk = lambda self, records, fmt: 1 / 0\n"  # in every process
            "sys.argv = ['procedures', 'check-batch', sys.argv[1], '--out', sys.argv[2]]; cli.main()\n")
    out = tmp_path / "out.csv"
    run = subprocess.run([sys.executable, "-c", code, str(registry), str(out)], capture_output=True, text=True,
                         env=dict(os.environ, PROCEDURES_BATCH_WORKERS="2"))
    # as one process says it (the command line's words for an unexpected error)
    assert (run.returncode, run.stderr) == (70, "internal error: ZeroDivisionError: division by zero "
                                                "(set PROCEDURES_DEBUG=1 to see the traceback)\n")
    assert not out.exists()


def test_a_worker_that_dies_stops_the_batch_with_its_exit_code(library, registry, tmp_path, small_chunks, monkeypatch):
    def dying(self, records, fmt):
        os._exit(7)

    monkeypatch.setattr(batch.Evaluator, "lines", dying)
    out = tmp_path / "out.csv"
    with pytest.raises(batchpool.WorkerFailed, match="exit code 7"):
        batch.run_batch(library, registry, out, None, workers=2)
    assert not out.exists()


@pytest.mark.parametrize("signal_number, words", [(0, "stopped (exit code 7)"), (signal.SIGKILL, "was ended by signal 9 (SIGKILL)")])
def test_a_worker_killed_is_one_line_naming_how_on_the_command_line_not_an_internal_error(registry, tmp_path, signal_number, words):
    script = ("import os, sys\nfrom procedures import batch, cli, tables\n"
              "def dying(self, records, fmt):\n"
              f"    if {int(signal_number)}: os.kill(os.getpid(), {int(signal_number)})\n"
              "    os._exit(7)\n"
              "batch.Evaluator.lines = dying\nbatch.CHUNK = tables.BLOCK = 97\n"
              "sys.argv = ['procedures', *sys.argv[1:]]\ncli.main()\n")
    out = tmp_path / "out.csv"
    run = subprocess.run([sys.executable, "-c", script, "check-batch", str(registry), "--out", str(out)], capture_output=True,
                         text=True, timeout=120, env=dict(os.environ, PROCEDURES_BATCH_WORKERS="2"))
    assert run.returncode == 70 and not out.exists()
    assert run.stderr == (f"error: a worker process of the batch {words}; nothing was written; run the command again "
                          "(PROCEDURES_BATCH_WORKERS=1: in one process)\n")


@pytest.mark.parametrize("value", ["0", "x", "65", "-1", "2.5", "²", "1e3"])
def test_a_bad_number_of_workers_is_refused_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv("PROCEDURES_BATCH_WORKERS", value)
    with pytest.raises(batch.InputError, match="PROCEDURES_BATCH_WORKERS=.* is not a whole number from 1 to 64"):
        batch.default_workers()


def test_a_bad_number_of_workers_is_one_line_on_the_command_line_whatever_the_file(tmp_path):
    registry = tmp_path / "registry.csv"
    generate(registry, 10, seed=9)
    proc = subprocess.run([sys.executable, "-m", "procedures", "check-batch", str(registry)], capture_output=True, text=True,
                          env=dict(os.environ, PROCEDURES_BATCH_WORKERS="x"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "PROCEDURES_BATCH_WORKERS" in proc.stderr, proc.stderr


def test_workers_are_one_per_core_at_most_four_unless_set(monkeypatch):
    monkeypatch.delenv("PROCEDURES_BATCH_WORKERS", raising=False)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert batch.default_workers() == min(cores, batch.MOST_WORKERS)
    if hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) > 1:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # a process given one core
        assert batch.default_workers() == 1
    monkeypatch.setenv("PROCEDURES_BATCH_WORKERS", "1")
    assert batch.default_workers() == 1
    monkeypatch.setenv("PROCEDURES_BATCH_WORKERS", " 3 ")
    assert batch.default_workers() == 3


@pytest.fixture(scope="module")
def long_registry(tmp_path_factory) -> Path:
    """Two chunks and a few rows: the command line's workers at work long enough to be seen."""
    path = tmp_path_factory.mktemp("pool-long") / "registry.csv"
    generate(path, batch.CHUNK * 2 + 7, seed=13)
    return path


def test_chunks_whose_answers_are_larger_than_a_pipe_go_through_without_waiting_on_each_other(library, tmp_path, monkeypatch):
    # more chunks in flight than two workers take at once (batchpool.AHEAD), each answer about 200 kB (a pipe holds
    # 64 kB): each side then waits for the other to read, and the run must still end with one process's bytes
    monkeypatch.setattr(batch, "CHUNK", 100)
    monkeypatch.setattr(tables, "BLOCK", 100)
    registry = tmp_path / "long-titles.csv"
    generate(registry, 1000, seed=21)
    text = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    registry.write_text(text[0] + "".join(line.replace(",", ",title " + "x" * 2000 + ";", 1) if '"' not in line else line
                                          for line in text[1:]), encoding="utf-8")
    one, _ = _run(library, registry, tmp_path / "one.csv", 1)
    faulthandler.dump_traceback_later(120, exit=True)  # a run waiting on itself ends the test process, with its stacks
    try:
        many, summary = _run(library, registry, tmp_path / "many.csv", 2)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert many == one and summary.rows == 1000


def test_the_command_line_writes_the_header_and_each_row_once_to_standard_output_with_workers(registry, alone):
    # the header is written before the workers are forked: it must not be written again when they end
    many = _command_line("check-batch", str(registry), workers="2")
    assert many.returncode == 1  # some rows are errors
    assert many.stdout == alone


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process table in /proc")
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_workers_stop_when_the_command_is_killed_or_terminated(long_registry, tmp_path, signal_number):
    out = tmp_path / "out.csv"
    proc = subprocess.Popen([sys.executable, "-m", "procedures", "check-batch", str(long_registry), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ, PROCEDURES_BATCH_WORKERS="2"))
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.01)
    if len(workers) < 2:
        proc.communicate()
        pytest.skip("the batch ended before its workers could be seen")
    proc.send_signal(signal_number)  # to the command alone, not its process group
    _, err = proc.communicate(timeout=30)  # SIGKILL: no clean-up of its own; SIGTERM: it stops its workers
    deadline = time.monotonic() + 20
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(w) for w in workers), "a worker outlived the command"
    assert not out.exists()
    if signal_number == signal.SIGTERM:  # one line, as Ctrl-C gives
        assert (proc.returncode, err) == (130, b"error: interrupted\n")


@pytest.mark.skipif(not hasattr(__import__("resource"), "RLIMIT_NOFILE"), reason="sets a limit on open files")
def test_a_batch_whose_workers_cannot_be_started_is_checked_by_this_process(registry, alone):
    # with few file descriptors left the workers' pipes cannot all be made: one process does all, as with 1
    import resource

    def few_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))

    starved = _command_line("check-batch", str(registry), workers="8", preexec_fn=few_files)
    assert starved.returncode == 1 and b"error:" not in starved.stderr, starved.stderr  # 1: some rows are errors
    assert starved.stdout == alone


def _batch_in_a_daemon(args) -> int:
    library, registry, out = args
    return batch.run_batch(library, registry, out, None, workers=2).rows


def test_a_batch_run_inside_a_daemon_process_is_checked_by_that_process(library, registry, tmp_path, small_chunks):
    # a daemon process may not have children (multiprocessing's pools are made of them)
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:
        rows = pool.map(_batch_in_a_daemon, [(library, registry, tmp_path / "out.csv")])
    assert rows == [600]


def test_a_workbook_registry_and_a_semicolon_one_with_workers_are_what_one_process_writes(library, registry, tmp_path, small_chunks):
    import csv

    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    rows = list(csv.reader(registry.open(newline="", encoding="utf-8")))[:301]  # 300 rows: 4 chunks of 97
    rows = rows[:1] + [[f"  {row[0]}, with spaces ; "] + row[1:] if row else row for row in rows[1:]]  # cells sent one by one
    book = Workbook()
    for row in rows:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("?", cell) for cell in row])  # a sheet holds no control character
    xlsx = tmp_path / "registry.xlsx"
    book.save(xlsx)
    semicolon = tmp_path / "registry-semicolon.csv"
    with semicolon.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    for source in (xlsx, semicolon):
        one, one_summary = _run(library, source, tmp_path / "one.csv", 1)
        many, many_summary = _run(library, source, tmp_path / "many.csv", 2)
        assert many == one, source.name
        assert (many_summary.rows, many_summary.by_status, many_summary.errors) == (one_summary.rows, one_summary.by_status, one_summary.errors)
        assert many_summary.rows == 300


def test_meetings_go_to_the_worker_given_fewest_rows_and_stay_there():
    """Each meeting (by its opening date's cell) has one worker; the new ones of a chunk, most rows first, go to the
    worker with the fewest rows so far, so the workers' rows stay even whatever the hash of the cells."""
    owners = batchpool._Owners(2)
    first = ["a"] * 5 + ["b"] * 3 + ["c"] * 2 + ["a"]
    assigned = owners.assign(first)
    assert [w for key, w in zip(first, assigned) if key == "a"] == [0] * 6  # the largest to the first worker
    assert {key: w for key, w in zip(first, assigned)} == {"a": 0, "b": 1, "c": 1}
    assert owners.load == [6, 5]
    second = owners.assign(["d", "b", "a", "d", "e"])
    assert second == [1, 1, 0, 1, 0] and owners.load == [8, 8]  # d (2 rows) to the lighter worker, then e
    for _ in range(batchpool._Owners.LIMIT // 1000 + 1):  # a bounded number remembered
        owners.assign([f"k{n}" for n in range(1000)] + [None])
    assert len(owners.of) <= batchpool._Owners.LIMIT + 1001


def test_a_text_encoded_by_a_worker_is_written_as_text_where_the_output_has_no_bytes_under_it():
    """Workers send UTF-8; it goes to the bytes of a UTF-8 file, and is decoded for any other stream."""
    import io

    raw = io.BytesIO()
    sink = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    sink.write("id,")
    batch._put(sink, "é,§\n".encode())
    sink.flush()
    assert raw.getvalue() == "id,é,§\n".encode()
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    batch._put(latin, "é\n".encode())
    latin.flush()
    assert latin.buffer.getvalue() == "é\n".encode("latin-1")
    plain = io.StringIO()
    batch._put(plain, "§\n".encode())
    assert plain.getvalue() == "§\n"



def test_a_workers_answers_are_taken_from_its_pipe_as_they_come_so_it_goes_on_to_its_next_task(library, tmp_path):
    """An answer larger than a pipe holds, left in the pipe until its chunk's turn, kept its worker from its next
    task while the other worker's answer was awaited (about 3 % of the wall time on 200,000 rows)."""
    registry = tmp_path / "one-meeting.csv"
    rows = [f"C{i},{'x' * 500},study-group,2026-05-04,2026-03-{1 + i % 28:02d}" for i in range(300)]
    registry.write_text("id,title,kind,opens,received\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with tables.open_table(registry) as table:
        evaluator = batch.Evaluator(library, batch._columns(table, batch.Summary()))
        block = next(p for p in table.parts() if p.__class__ is tables.Lines)
    assigned, parts = batchpool._share(evaluator, batchpool._Owners(2), block)
    (w, task), = parts.items()  # one meeting: one worker
    pool = batchpool.start(evaluator, "csv", 2)
    try:
        for _ in range(3):  # three tasks, each answered with about 250 kB, and nothing collected
            pool.outbox.put((w, task))
        deadline = time.monotonic() + 60
        while pool.inboxes[w].qsize() < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool.inboxes[w].qsize() == 3
        answers = [batchpool._answer(pool.inboxes[w], pool.procs[w]) for _ in range(3)]
        assert all(len(a[0]) == 300 and sum(map(len, a[0])) > 200_000 for a in answers)
    finally:
        pool.stop(finished=False)
