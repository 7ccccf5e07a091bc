"""Golden files: the whole output of each documented example (tests/golden/), compared by tests/test_docs.py.

After a change of output that is meant, regenerate them and review the diff:

    PROCEDURES_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_docs.py

Each file is named for its page, its place there and its command
(``commands-check-02-check-kind-study-group-….txt``); its first line is the
command, the rest what it printed (standard output, then standard error), with
the folder the examples run in written ``<docs-run>``, the built-in rules
folder ``<built-in>``, the repository ``<repo>``, a calendar file's time stamps
``<now>`` and its line ends as new lines. Files no example makes any more are removed when regenerating.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
REPO = HERE.parent
#: Set to 1 to write the golden files instead of comparing with them.
UPDATE_ENV = "PROCEDURES_UPDATE_GOLDEN"
REGENERATE = f"{UPDATE_ENV}=1 .venv/bin/python -m pytest -q tests/test_docs.py"


def updating() -> bool:
    return os.environ.get(UPDATE_ENV, "") not in ("", "0")


def name(page: str, n: int, command: str) -> str:
    """e.g. commands-check-02-check-kind-study-group-opens-2026-09-14.txt (page, place, command words)."""
    words = re.sub(r"[^a-z0-9.]+", "-", command.lower().removeprefix("procedures ")).strip("-")
    stem = re.sub(r"[^a-z0-9]+", "-", page.lower().removesuffix(".md")).strip("-")
    return f"{stem}-{n:02d}-{words[:60].rstrip('-.')}.txt"


#: What changes from run to run: a calendar file's time stamps.
VARIES = [(re.compile(r"^DTSTAMP:\d{8}T\d{6}Z$", re.M), "DTSTAMP:<now>")]


def text(command: str, output: str, workdir: Path) -> str:
    from procedures.loader import default_rules_dir

    shown = output.replace("\r\n", "\n").replace(str(workdir), "<docs-run>").replace(str(default_rules_dir()), "<built-in>")
    shown = shown.replace(str(REPO), "<repo>")
    for pattern, stands_for in VARIES:
        shown = pattern.sub(stands_for, shown)
    return f"$ {command}\n{shown}"


def compare(file: str, command: str, output: str, workdir: Path) -> None:
    path = GOLDEN / file
    got = text(command, output, workdir)
    if updating():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file tests/golden/{file}: run '{REGENERATE}'"
    want = path.read_text(encoding="utf-8")
    if got != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), f"tests/golden/{file}", "this run"))
        raise AssertionError(f"the output differs from tests/golden/{file}; if the change is meant, run '{REGENERATE}' and review the diff\n{diff}")


def orphans(expected: set[str]) -> list[Path]:
    """Golden files no example makes (removed when regenerating)."""
    found = [p for p in GOLDEN.glob("*.txt") if p.name not in expected]
    if updating():
        for p in found:
            p.unlink()
        return []
    return found


# --- the docs' console blocks show what the commands print ------------------------------------------

#: How the placeholders of a golden file read in the docs.
SHOWN_AS = {"<docs-run>": ".", "<built-in>": "/…/site-packages/procedures/rules", "<repo>": "/…/procedures"}
#: Longer outputs are shown to this many lines, then a line saying how many more there are.
MOST_LINES = 40
SHOWN_LINES = 30
MORE = re.compile(r"^… \((\d+) more lines?\)$")


def shown_lines(command: str, output: str, workdir: Path) -> list[str]:
    """The lines a docs example shows: the whole output as the golden file has it, placeholders in words,
    cut after SHOWN_LINES (with a line saying how many more) when it is longer than MOST_LINES."""
    body = text(command, output, workdir).split("\n", 1)[1]
    for placeholder, words in SHOWN_AS.items():
        body = body.replace(placeholder, words)
    lines = [line.rstrip() for line in body.rstrip("\n").split("\n")] if body.strip() else []
    if len(lines) > MOST_LINES:
        rest = len(lines) - SHOWN_LINES
        lines = lines[:SHOWN_LINES] + [f"… ({rest} more line{'s' if rest != 1 else ''})"]
    return lines


def rewrite_example(page: Path, n: int, lines: list[str]) -> None:
    """Put ``lines`` as the output of the page's n-th console example (under a lock: workers share the page)."""
    import fcntl

    with open(page, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        source = fh.read()
        updated = replace_output(source, n, lines)
        if updated != source:
            fh.seek(0)
            fh.write(updated)
            fh.truncate()


def replace_output(source: str, n: int, lines: list[str]) -> str:
    seen = -1
    out, pos = [], 0
    for block in re.finditer(r"```console\n(.*?)```", source, flags=re.S):
        body = block.group(1)
        chunks = re.split(r"(?m)^(?=\$ )", body)
        rebuilt = []
        for chunk in chunks:
            if chunk.startswith("$ "):
                seen += 1
                if seen == n:
                    first = chunk.split("\n", 1)[0]
                    chunk = "\n".join([first] + lines) + "\n"
            rebuilt.append(chunk)
        out.append(source[pos:block.start(1)] + "".join(rebuilt))
        pos = block.end(1)
    out.append(source[pos:])
    return "".join(out)
