"""Reading the header of an uploaded or exported CSV file: one check for every reader."""

from __future__ import annotations

from procedures.errors import InputError


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
