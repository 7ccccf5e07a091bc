"""tomlfiles.validation_errors: each kind of validation error in our words, and the keys allowed where one is unknown."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from procedures.models import Strict
from procedures.tomlfiles import validation_errors


class Inner(Strict):
    a: int
    b: int = 0


class Outer(Strict):
    by_name: dict[str, Inner] = {}
    items: list[Inner] = []
    maybe: Annotated[Inner | None, Field(default=None)]
    kind: Literal["deadline", "tally"] = "deadline"
    code: Annotated[str, Field(pattern=r"^[a-z]+$")] = "x"
    size: int = 1

    @field_validator("size")
    @classmethod
    def _positive(cls, v):
        if v < 1:
            raise ValueError(f"size {v} is below 1; give at least 1")
        return v


def messages(data: dict) -> list[str]:
    model, errors = validation_errors(Outer, data, "f.toml")
    assert model is None
    return [str(e) for e in errors]


def test_an_unknown_key_names_the_keys_allowed_there_through_dicts_lists_and_optionals():
    assert messages({"by_name": {"x": {"a": 1, "c": 2}}}) == ["f.toml: unknown key 'by_name.x.c' — remove it or correct its spelling; allowed here: a, b"]
    assert messages({"items": [{"a": 1, "c": 2}]}) == ["f.toml: rule 'items #1': unknown key 'items[0].c' — remove it or correct its spelling; allowed here: a, b"]
    assert messages({"maybe": {"a": 1, "c": 2}}) == ["f.toml: unknown key 'maybe.c' — remove it or correct its spelling; allowed here: a, b"]
    assert messages({"colour": 1}) == ["f.toml: unknown key 'colour' — remove it or correct its spelling; allowed here: by_name, items, maybe, kind, code, size"]


def test_each_kind_of_error_in_our_words():
    model, errors = validation_errors(Outer, {"size": 3}, "f.toml")
    assert model == Outer(size=3) and errors == []
    assert messages({"items": [{}]}) == ["f.toml: rule 'items #1': missing required key 'items[0].a' — add a"]
    assert messages({"size": 0}) == ["f.toml: size: size 0 is below 1 — give at least 1"]
    assert messages({"kind": "talley"}) == ["f.toml: 'kind' = 'talley' is not allowed (did you mean 'tally'?) — use 'deadline' or 'tally'"]
    assert messages({"code": "A1"}) == ["f.toml: 'code' = 'A1' is not well formed — use lower-case letters, digits and hyphens"]
    assert messages({"size": "big"}) == ["f.toml: 'size': Input should be a valid integer, unable to parse string as an integer — correct the value"]
