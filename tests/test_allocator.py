"""A long batch keeps freed buffers in the heap (``procedures.allocator``), and puts the allocator back after.

The settings cut check-batch's page faults (docs/performance.md, "Page faults"); they must
last exactly as long as a batch of more than one chunk, however the batch ends, and must
change nothing where the C library is not glibc.
"""

from __future__ import annotations

import sys

import pytest

from procedures import allocator, batch
from procedures.allocator import DEFAULT, M_MMAP_THRESHOLD, M_TOP_PAD, M_TRIM_THRESHOLD, keeping_freed_memory
from procedures.loader import load_library


class _Recorder:
    """glibc's two functions, recording their calls (what the allocator was told, in order)."""

    def __init__(self, answer: int = 1):
        self.calls: list[tuple] = []
        self.answer = answer

    def mallopt(self, name: int, value: int) -> int:
        self.calls.append(("mallopt", name, value))
        return self.answer

    def trim(self, pad: int) -> int:
        self.calls.append(("trim", pad))
        return 1


@pytest.fixture
def recorder(monkeypatch) -> _Recorder:
    r = _Recorder()
    monkeypatch.setattr(allocator, "_libc", lambda: (r.mallopt, r.trim))
    return r


RAISED = [("mallopt", M_MMAP_THRESHOLD, allocator.MMAP_BELOW), ("mallopt", M_TOP_PAD, allocator.TOP_PAD),
          ("mallopt", M_TRIM_THRESHOLD, allocator.TRIM_ABOVE)]
RESTORED = [("mallopt", M_MMAP_THRESHOLD, DEFAULT), ("mallopt", M_TOP_PAD, DEFAULT), ("mallopt", M_TRIM_THRESHOLD, DEFAULT), ("trim", 0)]


def test_the_thresholds_are_raised_inside_and_put_back_after(recorder):
    with keeping_freed_memory():
        assert recorder.calls == RAISED
    assert recorder.calls == RAISED + RESTORED


def test_they_are_put_back_when_the_batch_fails(recorder):
    with pytest.raises(RuntimeError):
        with keeping_freed_memory():
            raise RuntimeError("a chunk failed")
    assert recorder.calls == RAISED + RESTORED


def test_a_setting_the_library_refused_is_not_put_back(monkeypatch):
    refused = _Recorder(answer=0)
    monkeypatch.setattr(allocator, "_libc", lambda: (refused.mallopt, refused.trim))
    with keeping_freed_memory():
        pass
    assert refused.calls == RAISED


def test_without_glibc_nothing_is_changed(monkeypatch):
    monkeypatch.setattr(allocator, "_libc", lambda: None)
    with keeping_freed_memory():
        entered = True
    assert entered


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is looked for on Linux")
def test_glibc_is_found_here_and_takes_the_settings():
    found = allocator._libc()
    if found is None:
        pytest.skip("this Linux's C library is not glibc")
    mallopt, _ = found
    assert mallopt(M_TOP_PAD, DEFAULT) == 1


def _registry(tmp_path, rows: int):
    path = tmp_path / "registry.csv"
    lines = ["id,kind,opens,received"] + [f"C{k},study-group,2027-05-04,2027-03-{1 + k % 28:02d}" for k in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(tmp_path, rows: int, monkeypatch, recorder: _Recorder, stop_after: int | None = None) -> list[tuple]:
    """The allocator's calls while a batch of ``rows`` rows is evaluated in one process (chunks of 7 rows)."""
    monkeypatch.setattr(batch, "CHUNK", 7)
    monkeypatch.setattr(batch, "FIRST_CHUNK", 7)
    lib = load_library()
    with batch.open_table(_registry(tmp_path, rows)) as table:
        columns = batch._columns(table, batch.Summary())
        seen = []
        chunks = batch.evaluate_rows(lib, table.rows(), columns, "csv", workers=1)
        for n, chunk in enumerate(chunks, 1):
            seen.append(list(recorder.calls))
            if n == stop_after:
                chunks.close()
                break
    return seen


def test_a_batch_of_several_chunks_runs_with_the_settings_and_ends_without(tmp_path, monkeypatch, recorder):
    seen = _run(tmp_path, 30, monkeypatch, recorder)
    assert len(seen) == 5
    assert all(calls == RAISED for calls in seen)  # while the chunks are evaluated
    assert recorder.calls == RAISED + RESTORED


def test_a_batch_given_up_halfway_puts_the_allocator_back(tmp_path, monkeypatch, recorder):
    _run(tmp_path, 30, monkeypatch, recorder, stop_after=2)
    assert recorder.calls == RAISED + RESTORED


def test_a_batch_of_one_chunk_leaves_the_allocator_alone(tmp_path, monkeypatch, recorder):
    seen = _run(tmp_path, 5, monkeypatch, recorder)
    assert len(seen) == 1 and recorder.calls == []
