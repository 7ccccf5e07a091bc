"""Writing output files safely: all or nothing, and never over an input.

Every file a command writes goes first to a temporary file in the same
folder, renamed into place only when complete: a failed run (bad input, a full
disk, an interrupt) leaves no partial file and never touches an existing file
it did not finish.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from procedures.errors import InputError


def writes_utf8(encoding: str | None) -> bool:
    """Whether a stream of ``encoding`` (a stream's ``encoding``, None when it has none) writes UTF-8."""
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def json_in_ascii(stream) -> bool:
    """Whether JSON written to ``stream`` is to be ASCII, characters past it as \\u escapes (the same JSON): a stream
    with an encoding other than UTF-8 (a command redirected to a file on Windows writes the system's code page);
    not one without an encoding (an in-memory text)."""
    encoding = getattr(stream, "encoding", None)
    return bool(encoding) and not writes_utf8(encoding)


def is_stdout(out: Path | None) -> bool:
    return out is None or str(out) == "-"


def check_target(out: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse a folder, a missing folder, or a file that is one of the inputs (by path or by inode)."""
    _check_place(out)
    for source in inputs:
        if str(source) == "-":
            _not_standard_input(out)
        else:
            _not_the_input(out, source)


def _check_place(out: Path) -> None:
    """A regular file (or none yet) in a folder that exists."""
    if out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name")
    if out.exists() and not out.is_file():
        raise InputError(f"--out {out} is not a regular file (a device or a pipe); give a file name, or leave --out out to write to standard output")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--out {out}: the folder {parent} does not exist")


def _not_standard_input(out: Path) -> None:
    """Not the file standard input reads (``< file`` with ``-`` as the input)."""
    if not out.exists():
        return
    try:
        given, target = os.fstat(sys.stdin.fileno()), os.stat(out)
    except (OSError, ValueError):
        return
    if (given.st_dev, given.st_ino) == (target.st_dev, target.st_ino):
        raise InputError(f"--out {out} is the file given on standard input; write the results to another file")


def _not_the_input(out: Path, source: Path) -> None:
    if not source.exists() or not out.exists():
        return
    try:
        same = os.path.samefile(source, out)
    except OSError:
        same = False
    if same:
        raise InputError(f"--out {out} is the input file; write the results to another file")


@contextlib.contextmanager
def output_file(out: Path | None, inputs: Iterable[Path] = (), binary: bool = False) -> Iterator[IO]:
    """An open stream to write ``out`` through (standard output for None or '-'), renamed into place on success."""
    if is_stdout(out):
        yield sys.stdout.buffer if binary else sys.stdout
        return
    check_target(out, inputs)
    out = Path(os.path.realpath(out)) if out.is_symlink() else out  # write through a link to its target, keep the link
    parent = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            yield fh
        os.chmod(tmp, _mode_for(out))
        os.replace(tmp, out)
    except OSError as exc:
        _remove(tmp)
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(tmp)
        raise


def _mode_for(out: Path) -> int:
    """The permissions the finished file gets: the replaced file's, else what the umask allows (not mkstemp's 0600)."""
    if out.exists():
        return out.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_text(out: Path, text: str, inputs: Iterable[Path] = ()) -> None:
    """Write a whole text file, all or nothing."""
    with output_file(out, inputs) as fh:
        fh.write(text)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
