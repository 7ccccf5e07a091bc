"""check-batch's worker processes (issue 17 item 5): chunks of parsed records evaluated in forked processes.

One process did not bring ``check-batch`` within 2x of the floor, so a long
registry is evaluated by several. The table is read in this process, by the
one table reader (never by cutting bytes); each chunk of records is shared
out among the workers by meeting (every row of a meeting goes to the same
worker, so each plans its meetings and renders their verdicts once, as one
process does), and the workers' rows are put back in input order. A chunk
sent is answered by its worker with one text per record (``Evaluator.lines``),
and a bounded number of chunks are in flight, so memory stays flat.

A worker that fails sends its traceback and the batch stops with it; a worker
that dies stops the batch with its exit code. Nothing is written for the
chunks not answered, and the command's output file is then not made (it is
written all or nothing).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import traceback
from collections import Counter, deque

#: Chunks sent ahead of the one being written, per worker.
AHEAD = 2
#: Seconds between two looks at whether the workers are still alive, while waiting for an answer.
PATIENCE = 1.0
#: Tasks between two runs of a worker's cyclic garbage collector on young objects.
COLLECT_EVERY = 8


class WorkerFailed(RuntimeError):
    """A worker process raised (its traceback is the message) or died."""


def available() -> bool:
    """Whether worker processes can be forked here (not on Windows or macOS's default)."""
    return "fork" in multiprocessing.get_all_start_methods()


def evaluate(evaluator, chunks, fmt: str, workers: int):
    """Yield (texts, count of each status, errors) for each chunk, in input order, evaluated by ``workers``
    forked copies of ``evaluator`` (``Evaluator.lines``)."""
    context = multiprocessing.get_context("fork")
    tasks = [context.Queue() for _ in range(workers)]
    results = context.Queue()
    procs = [context.Process(target=_serve, args=(evaluator, fmt, tasks[w], results, w), daemon=True)
             for w in range(workers)]
    for p in procs:
        p.start()
    pending: deque = deque()
    answers: dict[tuple[int, int], tuple] = {}
    finished = False
    try:
        for seq, chunk in enumerate(chunks):
            assigned, parts = _share(evaluator, chunk, workers)
            for w, part in enumerate(parts):
                if part[0]:
                    tasks[w].put((seq, part))
            pending.append((seq, assigned, [w for w, part in enumerate(parts) if part[0]]))
            while len(pending) > workers * AHEAD:
                yield _collect(pending.popleft(), answers, results, procs)
        while pending:
            yield _collect(pending.popleft(), answers, results, procs)
        finished = True
    finally:
        _stop(tasks, procs, finished)


def _share(evaluator, chunk: list, workers: int) -> tuple[list[int], list[tuple]]:
    """Which worker each record goes to (by its meeting, when it names one), and each worker's records as sent
    (``_unpack``): their line numbers (-1: a record sent as it is), their lines split on the delimiter as one text
    (a list of records is several times dearer to send), and the other records, by place."""
    numbers: list[list[int]] = [[] for _ in range(workers)]
    plain: list[list[str]] = [[] for _ in range(workers)]
    others: list[dict[int, object]] = [{} for _ in range(workers)]
    assigned = []
    width, pick = evaluator.columns.width, evaluator.pick_meeting
    for r in chunk:
        if r.__class__ is tuple and r[3] is not None:
            w = hash(pick(r[1])) % workers if len(r[1]) == width else 0
            numbers[w].append(r[0])
            plain[w].append(r[3])
        else:
            w = 0
            others[w][len(numbers[w])] = r
            numbers[w].append(-1)
        assigned.append(w)
    return assigned, [(numbers[w], "\n".join(plain[w]), others[w]) for w in range(workers)]


def _unpack(packed: tuple, delimiter: str) -> list:
    """The records ``_pack`` sent, as the table reader gave them."""
    numbers, text, others = packed
    lines = iter(text.split("\n"))
    return [others[k] if number < 0 else (number, (raw := next(lines)).split(delimiter), None, raw)
            for k, number in enumerate(numbers)]


def _unpack_texts(text: str, lengths: list[int]):
    """The texts a worker sent as one, in turn."""
    at = 0
    for n in lengths:
        yield text[at:at + n]
        at += n


def _collect(entry: tuple, answers: dict, results, procs: list) -> tuple[list[str], Counter, int]:
    """The answer to one chunk: its workers' texts put back in input order, their counts added up."""
    seq, assigned, expected = entry
    while any((seq, w) not in answers for w in expected):
        try:
            got_seq, w, texts, by_status, errors = results.get(timeout=PATIENCE)
        except queue.Empty:
            dead = [p.exitcode for p in procs if not p.is_alive()]
            if dead:
                raise WorkerFailed(f"a worker process of the batch stopped (exit code {dead[0]}); nothing was written") from None
            continue
        if texts is None:
            raise WorkerFailed(f"a worker process of the batch failed:\n{by_status}")
        answers[(got_seq, w)] = (texts, by_status, errors)
    parts = [answers.pop((seq, w)) for w in expected]
    texts = {w: _unpack_texts(*part[0]) for w, part in zip(expected, parts)}
    merged = [next(texts[w]) for w in assigned]
    by_status: Counter = Counter()
    for part in parts:
        by_status.update(part[1])
    return merged, by_status, sum(part[2] for part in parts)


def _serve(evaluator, fmt: str, tasks, results, w: int) -> None:
    """A worker: answer each task (sequence number, records) until told to stop (None)."""
    try:
        gc.disable()
        done = 0
        while (task := tasks.get()) is not None:
            seq, packed = task
            try:
                texts, by_status, errors = evaluator.lines(_unpack(packed, evaluator.columns.delimiter), fmt)
            except BaseException:
                results.put((seq, w, None, traceback.format_exc(), 0))
                break
            results.put((seq, w, ("".join(texts), list(map(len, texts))), by_status, errors))
            done += 1
            if done % COLLECT_EVERY == 0:
                gc.collect(1)
        results.close()
        results.join_thread()  # what was put is written before the process ends
    finally:
        os._exit(0)  # neither the inherited output buffers nor the parent's exit handlers run here


def _stop(tasks: list, procs: list, finished: bool) -> None:
    """Tell the workers to stop when every chunk is answered; else (an error, or the output given up) stop them."""
    for t in tasks:
        if finished:
            t.put(None)
        t.close()
    for p in procs:
        if not finished:
            p.terminate()
        p.join()
