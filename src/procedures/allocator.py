"""The C allocator's settings while a long batch runs (issue 17: page faults).

A long batch allocates and frees buffers of a megabyte or more for every chunk:
the text of a block of lines, the tasks and answers sent between processes,
a chunk's output. glibc's allocator gives each buffer that large a mapping of
its own and returns it to the system when it is freed, so every chunk's
buffers were page-faulted in afresh: on 200,000 rows with two workers, about
79,000 page faults against about 56,000 with the settings below, and about
2 % of the wall time (docs/performance.md, "Page faults").

``keeping_freed_memory`` raises three thresholds for the duration of a batch,
so that freed buffers stay in the heap and are used again: buffers below
``MMAP_BELOW`` come from the heap, the heap grows by ``TOP_PAD`` beyond what
is asked at a time, and it is given back to the system only when
``TRIM_ABOVE`` is free at its top. Worker processes forked meanwhile keep the
settings. Afterwards glibc's documented defaults are put back (mallopt(3):
128 KiB each; the mapping threshold then no longer adjusts itself) and the
free memory is given back. Where the C library is not glibc (no ``mallopt``:
macOS, Windows, or ``ctypes`` missing), nothing is changed. The settings are
the process's: in the web server, where uploads are checked in threads, a
batch that ends while another runs puts the defaults back under it, which
changes only its speed.
"""

from __future__ import annotations

from contextlib import contextmanager

#: mallopt(3)'s parameters (glibc's malloc.h).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
#: Buffers below this size are taken from the heap during a batch.
MMAP_BELOW = 64 << 20
#: The heap grows by this much beyond each request during a batch.
TOP_PAD = 64 << 20
#: Free memory at the top of the heap kept during a batch, up to this much.
TRIM_ABOVE = 256 << 20
#: glibc's defaults of the three (mallopt(3)), put back after a batch.
DEFAULT = 128 << 10


def _libc():
    """glibc's mallopt and malloc_trim, or None where they are not to be had."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        return libc.mallopt, libc.malloc_trim
    except (ImportError, OSError, AttributeError, TypeError):
        return None


@contextmanager
def keeping_freed_memory():
    """While the block runs, freed buffers stay in the heap (see the module's note); glibc only."""
    found = _libc()
    if found is None:
        yield
        return
    mallopt, trim = found
    settings = ((M_MMAP_THRESHOLD, MMAP_BELOW), (M_TOP_PAD, TOP_PAD), (M_TRIM_THRESHOLD, TRIM_ABOVE))
    changed = [name for name, value in settings if mallopt(name, value) == 1]
    try:
        yield
    finally:
        for name in changed:
            mallopt(name, DEFAULT)
        if changed:
            trim(0)
