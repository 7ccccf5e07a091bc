"""Rendering results: aligned text tables, Markdown tables, JSON. No rule knowledge here."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence


def to_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_text(text: object) -> str:
    """Text safe in Markdown: HTML escaped (a name cannot inject markup), table pipes escaped, one line."""
    return html.escape("" if text is None else str(text), quote=False).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    esc = markdown_text

    out = ["| " + " | ".join(esc(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def table(fmt: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    return markdown_table(headers, rows) if fmt == "markdown" else text_table(headers, rows)
