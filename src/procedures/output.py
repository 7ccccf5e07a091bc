"""Rendering results: aligned text tables, Markdown tables, JSON. No rule knowledge here."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from collections.abc import Sequence

#: Below this many characters a wrapped column would be unreadable: the table is left wider instead.
NARROWEST_WRAPPED = 10
GAP = "  "


def count(n: int, one: str, many: str | None = None) -> str:
    """'1 row', '2 rows', '1 breach', '3 breaches' ('many' where adding s is wrong)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def to_json(data: object, ascii: bool = False) -> str:
    """A document as indented JSON; ``ascii``: characters past ASCII written as \\u escapes (the same JSON)."""
    return json.dumps(data, indent=2, ensure_ascii=ascii, default=str)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]], width: int | None = None,
               paint=None) -> str:
    """An aligned table. With ``width``, the widest columns are wrapped (words kept whole, none below
    NARROWEST_WRAPPED characters) until the table fits; ``paint(column, text)`` may colour a cell after alignment."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    _narrow(widths, width, cells)
    lines = []
    for n, row in enumerate(cells):
        lines += _row_lines(row, widths, n, paint)
        if n == 0:
            lines.append(GAP.join("-" * w for w in widths))
    return "\n".join(lines)


def _row_lines(row: list[str], widths: list[int], n: int, paint) -> list[str]:
    """One row of the table: as many lines as its most wrapped cell takes."""
    pieces = [_wrap(c, w) for c, w in zip(row, widths)]
    lines = []
    for k in range(max(len(p) for p in pieces)):
        shown = [p[k] if k < len(p) else "" for p in pieces]
        lines.append(GAP.join(_cell(i, c, w, n, paint) for i, (c, w) in enumerate(zip(shown, widths))).rstrip())
    return lines


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def _cell(column: int, text: str, width: int, row: int, paint) -> str:
    padded = text.ljust(width)
    if paint is None or row == 0 or not text:
        return padded
    return paint(column, text) + padded[len(text):]


def _narrow(widths: list[int], width: int | None, cells: list[list[str]]) -> None:
    """Narrow the widest columns, one character at a time, until the table fits ``width`` or none can narrow more
    (a column is never narrower than NARROWEST_WRAPPED or its longest word)."""
    if width is None:
        return
    floors = [max(min(w, NARROWEST_WRAPPED), max((len(word) for r in cells for word in r[i].split()), default=0))
              for i, w in enumerate(widths)]
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
    while excess > 0:
        can = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not can:
            return
        widest = max(can, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1


def terminal_width(stream) -> int | None:
    """The width to fit a table to: the terminal's when writing to one ($COLUMNS wins), else None (no wrapping)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if not _is_terminal(stream):
        return None
    return shutil.get_terminal_size().columns


def colour_wanted(stream) -> bool:
    """Colour on a terminal (not a dumb one), or when FORCE_COLOR is set; never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and _is_terminal(stream)


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
    import html  # here: only Markdown output needs it (issue 17: start-up)

    return html.escape("" if text is None else str(text), quote=False).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    esc = markdown_text

    out = ["| " + " | ".join(esc(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def table(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[object]], width: int | None = None,
          paint=None) -> str:
    return markdown_table(headers, rows) if fmt == "markdown" else text_table(headers, rows, width, paint)
