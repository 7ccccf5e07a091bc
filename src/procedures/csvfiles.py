"""Reading uploaded or exported CSV files: opening, the header check and the row stream every reader shares."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from procedures.errors import InputError


def open_text(path: Path) -> IO[str]:
    """A table file opened as text in the encoding it was saved in (procedures.tables); unreadable is one line."""
    import io

    from procedures.tables import _open_binary, _seekable, detect_encoding

    raw = _seekable(_open_binary(path))
    try:
        encoding = detect_encoding(raw, str(path))
    except InputError:
        raw.close()
        raise
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace" if encoding == "cp1252" else "strict", newline="")


def dict_rows(fh: IO[str], name: str, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[str], Iterator[tuple[int, dict, str | None]]]:
    """Check the header now; return the ignored columns and a stream of (line, row, problem).

    Lines count records from 2 (the header is line 1); a row with more fields
    than the header comes with that problem. The stream does not close ``fh``.
    """
    reader = csv.DictReader(fh)
    try:
        header = reader.fieldnames
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: not a readable CSV file ({exc})") from None
    reader.fieldnames, ignored = check_header(header, name, required, optional)

    def rows() -> Iterator[tuple[int, dict, str | None]]:
        try:
            for number, row in enumerate(reader, start=2):
                yield number, row, "the row has more fields than the header" if None in row else None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{name}: line {reader.line_num} cannot be read as CSV ({exc})") from None

    return ignored, rows()


def check_header(header: list[str] | None, name: str, required: tuple[str, ...], optional: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Normalise a header (trimmed, lower case); return it and the columns nobody reads.

    An empty file or a header without the required columns is an error naming them.
    """
    if not header:
        raise InputError(f"{name} is empty: it needs a header line with {', '.join(required)}")
    header = [h.strip().lower() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{name}: the header lacks column(s) {', '.join(missing)}; it needs {', '.join(required)} (optional: {', '.join(optional)})")
    return header, [h for h in header if h not in required + optional]
