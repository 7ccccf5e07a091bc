"""check-batch's worker processes (issue 17 item 5): chunks of parsed records evaluated in forked processes.

One process did not bring ``check-batch`` within 2x of the floor, so a long
registry is evaluated by several. The table is read in this process, by the
one table reader (never by cutting bytes); each chunk (plain lines read
together, ``tables.Lines``, or records) is shared out among the workers by
meeting: every row of a meeting goes to the same worker, so each plans its
meetings and renders their verdicts once, as one process does, and
``_Owners`` keeps the workers' rows even. A chunk sent is answered by its
worker with its records' texts (``Evaluator.lines``) encoded in UTF-8,
put back here in input order; a bounded number of chunks are in flight, so
memory stays flat.

Each worker has a pipe for its tasks and one for its answers, and holds no
other end of any pipe: a worker whose parent is gone (killed) reads the end
of its tasks and stops; a worker that dies is seen as the end of its answers.
A worker's exception is raised here, as one process would raise it (its
traceback in a note); a worker that dies stops the batch with its exit code.
Nothing is written for the chunks not answered, and the command's output
file is then not made (it is written all or nothing). Tasks are sent by a
thread of this process, so that this process reads answers while a worker is
still taking its tasks; each worker's answers are taken from its pipe by a
thread of their own as soon as they come, so that a worker never waits for
its chunk's turn to start its next task.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import traceback
from collections import Counter, deque

from procedures.tables import Lines

#: Chunks sent ahead of the one being written, per worker.
AHEAD = 2
#: Tasks between two runs of a worker's cyclic garbage collector on young objects.
COLLECT_EVERY = 8


class WorkerFailed(RuntimeError):
    """A worker process died (a worker's exception is raised as it is)."""


def available() -> bool:
    """Whether worker processes can be forked here (not on Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


def start(evaluator, fmt: str, workers: int) -> Workers | None:
    """``workers`` forked copies of ``evaluator`` (``Evaluator.lines``), started; None where they cannot be (a
    daemon process may have no children; no file descriptors or processes left): the batch then runs in this
    process, as it would with one worker."""
    if multiprocessing.current_process().daemon:
        return None
    context = multiprocessing.get_context("fork")
    pipes: list = []
    procs: list = []
    try:
        for _ in range(workers):
            pipes.append((context.Pipe(duplex=False), context.Pipe(duplex=False)))
        for w in range(workers):
            procs.append(context.Process(target=_serve, args=(evaluator, fmt, pipes, w), daemon=True))
            procs[-1].start()
    except OSError:
        for p in procs:
            p.kill()
            p.join()
        for connection in (c for pair in pipes for ends in pair for c in ends):
            connection.close()
        return None
    return Workers(evaluator, pipes, procs)


class Workers:
    """Started workers: ``evaluate`` gives them the chunks and stops them at the end."""

    def __init__(self, evaluator, pipes: list, procs: list):
        self.evaluator, self.procs = evaluator, procs
        for (task_reader, _), (_, answer_writer) in pipes:
            task_reader.close()
            answer_writer.close()
        self.outbox: queue.Queue = queue.Queue()  # never full: the reading thread must not wait on it
        self.feeder = threading.Thread(target=_feed, args=(self.outbox, [tw for (_, tw), _ in pipes]), daemon=True)
        self.feeder.start()
        self.answers = [ar for _, (ar, _) in pipes]
        #: Each worker's answers, taken from its pipe as soon as they come (an answer is larger than a pipe holds: left
        #: there until its chunk's turn, it kept its worker from its next task while the other worker's was awaited).
        self.inboxes = [queue.SimpleQueue() for _ in self.answers]
        self.receivers = [threading.Thread(target=_receive, args=(c, box), daemon=True) for c, box in zip(self.answers, self.inboxes)]
        for receiver in self.receivers:
            receiver.start()

    def evaluate(self, chunks):
        """Yield (texts, count of each status, errors) for each chunk, in input order (a bounded number in
        flight); the workers are stopped at the end, or at once on an error."""
        workers = len(self.procs)
        owners = _Owners(workers)
        pending: deque = deque()
        finished = False
        try:
            for chunk in chunks:
                assigned, parts = _share(self.evaluator, owners, chunk)
                expected = sorted(parts)  # the workers given records
                for w in expected:
                    self.outbox.put((w, parts[w]))
                pending.append((assigned, expected))
                while len(pending) > workers * AHEAD:
                    yield _collect(pending.popleft(), self.inboxes, self.procs)
            while pending:
                yield _collect(pending.popleft(), self.inboxes, self.procs)
            finished = True
        finally:
            self.stop(finished)

    def stop(self, finished: bool) -> None:
        """When every chunk is answered, tell the workers to stop and wait for them; else (an error, or the output
        given up) stop them at once. A worker that does not end within a few seconds is killed; its receiver then
        meets the end of its pipe."""
        if not finished:
            for p in self.procs:
                p.terminate()
        self.outbox.put(None)
        self.feeder.join(timeout=5)
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join()
        for receiver in self.receivers:
            receiver.join(timeout=5)
        for connection in self.answers:
            connection.close()


class _Owners:
    """Which worker answers the rows of each meeting, by the cell of its opening date (every row of a meeting then
    goes to the same worker): chosen when first met, the new ones of a chunk with most rows first, each to the
    worker given the fewest rows so far. A bounded number are remembered (a meeting forgotten and met again may go
    to another worker, which then plans it too)."""

    LIMIT = 1 << 16

    def __init__(self, workers: int):
        self.of: dict[str | None, int] = {}
        self.load = [0] * workers

    def assign(self, keys: list) -> list[int]:
        """The worker of each row, by its key."""
        assigned = list(map(self.of.get, keys))
        if None in assigned:
            if len(self.of) >= self.LIMIT:
                self.of.clear()
            load = [n + assigned.count(w) for w, n in enumerate(self.load)]
            for key, rows in Counter(key for key, w in zip(keys, assigned) if w is None).most_common():
                w = self.of[key] = load.index(min(load))
                load[w] += rows
            assigned = list(map(self.of.__getitem__, keys))
        for w in range(len(self.load)):
            self.load[w] += assigned.count(w)
        return assigned


def _share(evaluator, owners: _Owners, chunk) -> tuple[list[int], dict[int, tuple]]:
    """Which worker each record goes to (``_Owners``), and the records of each worker given any, packed to be sent
    (``_Pack``; a list of records is several times dearer to send)."""
    if chunk.__class__ is Lines:
        return _share_lines(evaluator, owners, chunk)
    at = evaluator.places[1]
    keys = []
    for r in chunk:
        fields = r[1] if r.__class__ is tuple else r.fields
        keys.append(fields[at] if fields is not None and len(fields) > at else None)
    assigned = owners.assign(keys)
    packs = {w: _Pack() for w in set(assigned)}
    for r, w in zip(chunk, assigned):
        packs[w].add(r)
    return assigned, {w: pack.sent() for w, pack in packs.items()}


def _share_lines(evaluator, owners: _Owners, chunk: Lines) -> tuple[list[int], dict[int, tuple]]:
    """``_share`` of plain lines (``tables.Lines``): each worker's lines in one text, with their line numbers;
    each line split only as far as its opening date."""
    raws, at, delimiter = chunk.lines, evaluator.places[1], chunk.delimiter
    try:  # each line's cells let go of at once: holding them all cost more in page faults than splitting
        keys = [raw.split(delimiter, at + 1)[at] for raw in raws]
    except IndexError:  # a line too short to name its meeting
        keys = [cells[at] if len(cells) > at else None for cells in (raw.split(delimiter, at + 1) for raw in raws)]
    assigned = owners.assign(keys)
    numbers = chunk.line_numbers()
    parts = {}
    for w in set(assigned):
        chosen = list(map(w.__eq__, assigned))
        parts[w] = LINES, list(itertools.compress(numbers, chosen)), "\n".join(itertools.compress(raws, chosen))
    return assigned, parts


#: The first item of a task of plain lines (``_share_lines``).
LINES = "lines"


class _Pack:
    """A worker's records as sent: their line numbers; how each is sent ('p': a line split on the delimiter, in
    one text with the others, a line each; 'f': cells, in one text with every other cell, their number and
    lengths in a list; 'o': the record itself, by place)."""

    def __init__(self):
        self.numbers: list[int] = []
        self.kinds: list[str] = []
        self.lines: list[str] = []
        self.cells: list[str] = []
        self.lengths: list[int] = []
        self.others: dict[int, object] = {}

    def add(self, r) -> None:
        line, fields, problem, raw = r if r.__class__ is tuple else (r.line, r.fields, r.problem, None)
        if problem is None and raw is not None:
            self.kinds.append("p")
            self.lines.append(raw)
        elif problem is None and fields is not None:  # read by the csv module, or from a workbook
            self.kinds.append("f")
            self.cells.extend(fields)
            self.lengths.append(len(fields))
            self.lengths.extend(map(len, fields))
        else:
            self.kinds.append("o")
            self.others[len(self.numbers)] = r
        self.numbers.append(line)

    def sent(self) -> tuple:
        return self.numbers, "".join(self.kinds), "\n".join(self.lines), "".join(self.cells), self.lengths, self.others


def _unpack(packed: tuple, delimiter: str) -> list:
    """The records a ``_Pack`` sent, as the table reader gave them."""
    numbers, kinds, text, cells, lengths, others = packed
    lines, sizes = iter(text.split("\n")), iter(lengths)
    records, at = [], 0
    for k, kind in enumerate(kinds):
        if kind == "p":
            raw = next(lines)
            records.append((numbers[k], raw.split(delimiter), None, raw))
        elif kind == "f":
            fields = []
            for _ in range(next(sizes)):
                end = at + next(sizes)
                fields.append(cells[at:end])
                at = end
            records.append((numbers[k], fields, None, None))
        else:
            records.append(others[k])
    return records


def _collect(entry: tuple, inboxes: list, procs: list) -> tuple[list[bytes], Counter, int]:
    """The answer to one chunk: its workers' texts (UTF-8) put back in input order, their counts added up."""
    assigned, expected = entry
    parts = {w: _answer(inboxes[w], procs[w]) for w in expected}
    texts = [iter(parts[w][0]) if w in parts else None for w in range(len(procs))]
    merged = list(map(next, map(texts.__getitem__, assigned)))
    by_status: Counter = Counter()
    for part in parts.values():
        by_status.update(part[1])
    return merged, by_status, sum(part[2] for part in parts.values())


def _answer(inbox: queue.SimpleQueue, proc) -> tuple:
    """A worker's next answer (a worker answers its tasks in the order given)."""
    answer = inbox.get()
    if answer is _GONE:
        proc.join(timeout=5)
        code = proc.exitcode
        how = f"was ended by signal {-code} ({_signal_name(-code)})" if code is not None and code < 0 else f"stopped (exit code {code})"
        raise WorkerFailed(f"a worker process of the batch {how}; nothing was written")
    if isinstance(answer, Exception):  # its answer could not be read here
        raise answer
    if answer[0] is None:  # the worker's exception, raised here as one process would raise it; where, in a note
        _, exc, where = answer
        exc.add_note(f"raised in a worker process of the batch:\n{where}")
        raise exc
    return answer


def _receive(connection, inbox: queue.SimpleQueue) -> None:
    """Put each answer a worker sends into its inbox as it comes; an answer that cannot be read, its exception
    (raised in the batch by ``_answer``); at the end of the pipe (the worker gone), _GONE."""
    try:
        while True:
            inbox.put(connection.recv())
    except (EOFError, OSError):
        pass
    except Exception as exc:  # noqa: BLE001 - e.g. an answer that cannot be unpickled, or no memory to read it
        inbox.put(exc)
    finally:
        inbox.put(_GONE)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown"


#: What a worker's inbox holds after its last answer.
_GONE = object()


def _feed(outbox: queue.Queue, senders: list) -> None:
    """Send each task to its worker, in turn; at the end (None), tell every worker to stop. However this ends,
    the task pipes are closed: a worker still waiting then reads their end and stops."""
    try:
        while (item := outbox.get()) is not None:
            w, task = item
            try:
                senders[w].send(task)
            except OSError:  # the worker is gone: the batch learns it from its answers
                pass
        for sender in senders:
            try:
                sender.send(None)
            except OSError:
                pass
    finally:
        for sender in senders:
            sender.close()


def _serve(evaluator, fmt: str, pipes: list, w: int) -> None:
    """A worker: answer each task until told to stop (None), or until its tasks end (its parent is gone).

    The parent answers an interruption (Ctrl-C reaches the whole process group): a worker ignores it, and is
    ended by SIGTERM or SIGHUP as a process is by default (not by the command line's handlers, inherited)."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for number in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        for k, ((task_reader, task_writer), (answer_reader, answer_writer)) in enumerate(pipes):
            task_writer.close()
            answer_reader.close()
            if k != w:
                task_reader.close()
                answer_writer.close()
        tasks, answers = pipes[w][0][0], pipes[w][1][1]
        gc.disable()
        done = 0
        while (task := tasks.recv()) is not None:
            try:
                delimiter = evaluator.columns.delimiter
                shared = Lines(0, task[2].split("\n"), delimiter, task[1]) if task[0] == LINES else _unpack(task, delimiter)
                texts, by_status, errors = evaluator.lines(shared, fmt)
                answer = list(map(str.encode, texts)), by_status, errors  # encoded here, not in the parent
            except Exception as exc:  # a fault: the parent raises it
                answers.send((None, _sendable(exc), traceback.format_exc()))
                break
            answers.send(answer)
            done += 1
            if done % COLLECT_EVERY == 0:
                gc.collect(1)
    except (EOFError, OSError):
        pass  # the parent is gone
    finally:
        os._exit(0)  # neither the inherited output buffers nor the parent's exit handlers run here


def _sendable(exc: Exception) -> Exception:
    """An exception as it can be sent to the parent: itself, or its type and message in a RuntimeError."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
