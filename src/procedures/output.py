"""Rendering results: aligned text tables, Markdown tables, JSON. No rule knowledge here."""

from __future__ import annotations

import html
import json
import os
import shutil
import textwrap
from collections.abc import Sequence

#: Below this many characters a wrapped column would be unreadable: the table is left wider instead.
NARROWEST_WRAPPED = 20
GAP = "  "


def to_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], width: int | None = None,
               paint=None) -> str:
    """An aligned table. With ``width``, the widest column is wrapped so that the table fits (down to
    NARROWEST_WRAPPED characters for it); ``paint(column, text)`` may colour a cell after alignment."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    wrapped = _wrapped_column(widths, width, cells)
    lines = []
    for n, row in enumerate(cells):
        parts = (textwrap.wrap(row[wrapped], widths[wrapped], break_long_words=False, break_on_hyphens=False)
                 if wrapped is not None and n else None)
        for k, piece in enumerate(parts or [row[wrapped] if wrapped is not None else None]):
            shown = [(piece or "") if i == wrapped else (c if k == 0 else "") for i, c in enumerate(row)]
            lines.append(GAP.join(_cell(i, c, w, n, paint) for i, (c, w) in enumerate(zip(shown, widths))).rstrip())
        if n == 0:
            lines.append(GAP.join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(column: int, text: str, width: int, row: int, paint) -> str:
    padded = text.ljust(width)
    if paint is None or row == 0 or not text:
        return padded
    return paint(column, text) + padded[len(text):]


def _wrapped_column(widths: list[int], width: int | None, cells: list[list[str]]) -> int | None:
    """Which column to wrap (the widest), narrowing ``widths`` in place, never below its longest word (words are
    kept whole); None when the table fits."""
    if width is None:
        return None
    total = sum(widths) + len(GAP) * (len(widths) - 1)
    if total <= width:
        return None
    widest = max(range(len(widths)), key=lambda i: widths[i])
    room = widths[widest] - (total - width)
    if room < NARROWEST_WRAPPED:
        room = min(widths[widest], NARROWEST_WRAPPED)
    longest_word = max((len(w) for r in cells[1:] for w in r[widest].split()), default=0)
    widths[widest] = max(room, longest_word, len(cells[0][widest]) if cells else 0)
    return widest


def terminal_width(stream) -> int | None:
    """The width to fit a table to: the terminal's when writing to one ($COLUMNS wins), else None (no wrapping)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not _is_terminal(stream):
        return None
    return shutil.get_terminal_size().columns


def colour_wanted(stream) -> bool:
    """Colour only on a terminal, never when NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or _is_terminal(stream)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


#: ANSI styles by the weight of what a cell says.
STYLES = {"bad": "\x1b[1;31m", "warn": "\x1b[33m", "good": "\x1b[32m", "dim": "\x1b[2m"}
RESET = "\x1b[0m"


def styled(text: str, style: str | None, on: bool) -> str:
    return f"{STYLES[style]}{text}{RESET}" if on and style in STYLES else text


def markdown_text(text: object) -> str:
    """Text safe in Markdown: HTML escaped (a name cannot inject markup), table pipes escaped, one line."""
    return html.escape("" if text is None else str(text), quote=False).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    esc = markdown_text

    out = ["| " + " | ".join(esc(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def table(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[object]], width: int | None = None,
          paint=None) -> str:
    return markdown_table(headers, rows) if fmt == "markdown" else text_table(headers, rows, width, paint)
