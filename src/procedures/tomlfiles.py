"""Reading TOML files and validating them against a model, with errors that name the file, the rule and the fix.

The lowest layer of loading: rule files, the ruleset head, the closure calendar,
the Member States, plans and scenario files all pass through here. TOML is parsed
with ``tomllib``; nothing in a file is ever executed.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from procedures.errors import RuleFileError, RuleSetErrors
from procedures.vocabulary import did_you_mean

#: What to write when a required key is missing, by key name.
_MISSING_HINTS = {
    "cite": 'add cite = { instrument = "Res. 1", paragraph = "4.2.1.1" }',
    "modality": 'add modality = "shall", "should" or "may"',
    "unit": 'add unit = "calendar-days", "weeks", "months" or "working-days"',
    "direction": 'add direction = "before" or "after"',
    "amount": "add amount = <whole number>",
    "summary": "add summary = \"<one line in your own words>\"",
    "applies_to": 'add applies_to = ["study-group", ...] (meeting kinds or procedures of ruleset.toml)',
    "anchor": 'add anchor = "<an event of ruleset.toml or a deadline rule id>"',
    "offset": 'add offset = { amount = 45, unit = "calendar-days", direction = "before" }',
    "id": 'add id = "<stable, lower-case, dotted id>"',
    "paragraph": 'add paragraph = "4.2.1.1" (or "Annex 5, item 5", "item 18")',
    "instrument": 'add instrument = "Res. 1" (an instrument of ruleset.toml)',
    "opens": "add opens = YYYY-MM-DD (the first day)",
    "closes": "add closes = YYYY-MM-DD (the last day)",
    "kind": 'add kind = "study-group" (a meeting kind of ruleset.toml)',
    "name": 'add name = "SG1 2027" (unique in the plan)',
}


#: The largest TOML file read (a rule file, a plan, a calendar is a few dozen KiB).
MAX_TOML_BYTES = 8 << 20


def read_toml(path: Path) -> dict:
    """Parse a TOML file (UTF-8, a regular file of bounded size); every failure is a RuleFileError naming it."""
    if path.exists() and not path.is_file():
        raise RuleFileError(str(path), None, "is not a regular file", "give the path of a .toml file")
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise RuleFileError(str(path), None, f"cannot be read ({exc.strerror})", "check the path") from None
    if len(data) > MAX_TOML_BYTES:
        raise RuleFileError(str(path), None, f"is larger than {MAX_TOML_BYTES >> 20} MiB", "give the path of a .toml file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RuleFileError(str(path), None, f"is not UTF-8 text (byte {exc.start}: {exc.reason})", "save it as UTF-8 (TOML files are UTF-8)") from None
    import tomllib  # here: a command whose rules come from the cache parses no TOML (issue 17: start-up)

    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(str(path), None, f"not valid TOML ({exc})", "fix the syntax at that line") from None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str] | None:
    """The keys allowed at ``loc`` inside ``model``, for an 'unknown key' message."""
    current: object = model
    for part in loc:
        current = _step(current, part)
        if current is _NOWHERE:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


_NOWHERE = object()


def _step(current: object, part: str | int) -> object:
    """The annotation one part of a location leads to inside ``current`` (a model's field, a list's item, a dict's value)."""
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current.model_fields[part].annotation if isinstance(part, str) and part in current.model_fields else _NOWHERE
    current = _unwrap(current)
    if isinstance(part, int) and typing.get_origin(current) is list:
        return typing.get_args(current)[0]
    if isinstance(part, str) and typing.get_origin(current) is dict:
        return typing.get_args(current)[1]
    return _NOWHERE


def _unwrap(annotation: object) -> object:
    """Strip Optional/Annotated to reach a model, list or dict."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _unwrap(arg)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _rule_id_at(data: dict, loc: tuple) -> str | None:
    """The id (or name) of the list item an error is in, e.g. a rule or a plan's meeting."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        try:
            item = data[loc[0]][loc[1]]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(item, dict):
            for key in ("id", "name"):
                if item.get(key):
                    return str(item[key])
        return f"{loc[0]} #{loc[1] + 1}"
    return None


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(model: type[BaseModel], data: dict, file: str, rule: str | None, label: str = "rule") -> BaseModel:
    """Validate ``data`` against ``model``; the first problem becomes a RuleFileError."""
    errors = validation_errors(model, data, file, label)
    if errors[1]:
        raise errors[1][0]
    return errors[0]


def validation_errors(model: type[BaseModel], data: dict, file: str, label: str = "rule") -> tuple[BaseModel | None, list[RuleFileError]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [RuleFileError(file, _rule_id_at(data, tuple(err["loc"])), *_problem(model, err), label) for err in exc.errors()]


def _problem(model: type[BaseModel], err: dict) -> tuple[str, str]:
    """One validation error in our words: the problem and its fix."""
    loc = tuple(err["loc"])
    where = _where(loc)
    kind = err["type"]
    key = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"unknown key '{where}'", f"remove it or correct its spelling{hint}"
    if kind == "missing":
        return f"missing required key '{where}'", _MISSING_HINTS.get(key, f"add {key}")
    if kind == "value_error":
        msg = err["msg"].removeprefix("Value error, ")
        return f"{where or 'file'}: {msg.split(';')[0]}", msg.split("; ", 1)[1] if "; " in msg else "correct the value"
    if kind == "literal_error":
        near = did_you_mean(str(err["input"]), re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", ""))))
        return f"'{where}' = {err['input']!r} is not allowed{near}", f"use {err['msg'].removeprefix('Input should be ')}"
    if kind == "string_pattern_mismatch":
        return f"'{where}' = {err['input']!r} is not well formed", _pattern_hint(key)
    return f"'{where}': {err['msg']}", "correct the value"


def _pattern_hint(key: str) -> str:
    return {
        "paragraph": 'write the paragraph as "4.2.1.1", "Annex 5, item 5", "item 18" or "instructs 3"',
        "id": "use lower-case letters, digits, dots and hyphens",
        "summary": "write one line of 8 to 200 characters",
        **dict.fromkeys(("share_at_least", "share_more_than"), 'write the share as a fraction of whole numbers, e.g. "7/10" for 70 %'),
        **dict.fromkeys(("name", "group", "parent"), "write one line of at most 80 characters, without control characters"),
    }.get(key, "use lower-case letters, digits and hyphens")


def read_checked(model: type[BaseModel], path: Path, label: str = "rule") -> BaseModel:
    """Read a TOML file and validate it against ``model``; every problem found is raised together."""
    spec, errors = validation_errors(model, read_toml(path), str(path), label)
    if errors:
        raise RuleSetErrors(errors)
    return spec
