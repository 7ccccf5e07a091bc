"""A request read without building its pydantic validator, where that gives what pydantic gives (issue 17: start-up).

The first pydantic validation in a process builds the model's validator and looks for pydantic plugins, which
imports ``importlib.metadata`` and reads every installed distribution's entry points: about 15 ms of one
``check``, more than the rest of its request. The requests of procedures.jobs are plain: each field is text, a
date, a time, a whole number, a number or a flag, read from text by at most one of our own ``BeforeValidator``
functions (procedures.jobs ``_read``). Such a request is read here: each given value goes through its field's
validator, in the fields' order and with the context pydantic would give it, and is kept only if it comes out
exactly of the field's type, which pydantic would keep as it is; the request is then made with
``model_construct`` (defaults as pydantic fills them).

Anything else gives None, and the caller validates with pydantic, whose result and errors are then the ones it
always gave: a model with validators or settings of its own, a field of another type (paths, bytes, lists,
tuples) or with constraints, an alias, an unknown or missing field, a validator that raises what pydantic
turns into a validation error (ValueError, AssertionError: it words the message), a value of another type. Any
other error of a validator (our parsers' InputError) passes through pydantic as it is, and so passes here: the
fields are read in the same order, and every field before it was read alike. A test compares both readings on
every request and many values.
"""

from __future__ import annotations

import datetime as dt
import types
from fractions import Fraction
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BeforeValidator

#: The types a value read here may have: pydantic keeps a value of exactly one of them as it is.
PLAIN = (str, bool, int, dt.date, dt.time, Fraction)
#: The settings a model read here may have (none changes how a plain value is read).
SETTINGS = {"extra", "arbitrary_types_allowed", "defer_build"}


class _Info:
    """What a validator is given as pydantic's ``ValidationInfo``."""

    mode = "python"

    def __init__(self, context: Any, config: Any, data: dict, field_name: str) -> None:
        self.context, self.config, self.data, self.field_name = context, config, data, field_name


def read(model: type, values: dict, context: Any):
    """``model`` made from ``values`` as ``model.model_validate(values, context=context)`` makes it, or None where
    this reading cannot tell (the caller then validates)."""
    if not _plain_model(model):
        return None
    fields = model.model_fields
    if any(name not in fields for name in values):
        return None
    done: dict = {}
    for name, info in fields.items():
        if name not in values:
            if info.is_required():
                return None
            continue
        plain = _plain_field(info)
        if plain is None:
            return None
        kind, validator = plain
        value = values[name]
        if validator is not None:
            try:
                value = validator(value, _Info(context, model.model_config, dict(done), name))
            except (ValueError, AssertionError):  # what pydantic words as a validation error: it reads the request again
                return None
        if type(value) is not kind:
            return None
        done[name] = value
    return model.model_construct(**done)


def _plain_model(model: type) -> bool:
    found = model.__pydantic_decorators__
    return (getattr(model, "__pydantic_fields_complete__", False) and not getattr(model, "__pydantic_root_model__", False)
            and set(model.model_config) <= SETTINGS and model.model_config.get("extra") == "forbid"
            and not (found.validators or found.field_validators or found.root_validators or found.model_validators))


def _plain_field(info) -> tuple[type, Any] | None:
    """(the field's type, its one validator called as pydantic calls it, or None), or None if it is not plain."""
    if info.alias is not None or info.validation_alias is not None or info.default_factory is not None:
        return None
    typed = _type_and_metadata(info.annotation, list(info.metadata))
    if typed is None:
        return None
    annotation, metadata = typed
    if annotation not in PLAIN or len(metadata) > 1 or any(type(m) is not BeforeValidator for m in metadata):
        return None
    return (annotation, None) if not metadata else _called(annotation, metadata[0].func)


def _type_and_metadata(annotation: Any, metadata: list) -> tuple[Any, list] | None:
    """The type a given value is read as (X of Optional[X]), with the metadata of its Annotated; None for other unions."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1 or len(get_args(annotation)) != 2:
            return None
        annotation = args[0]
    if get_origin(annotation) is Annotated:
        annotation, *inner = get_args(annotation)
        metadata = [*inner, *metadata]
    return annotation, metadata


def _called(annotation: type, func) -> tuple[type, Any] | None:
    """The validator ``func`` called as pydantic calls a before-validator: with the value, and the info if it takes two."""
    takes = _positional(func)
    if takes == 1:
        return annotation, lambda value, info: func(value)
    if takes == 2:
        return annotation, func
    return None


def _positional(func) -> int | None:
    """How many arguments ``func`` takes (a plain function's), or None if it is not one this reading calls."""
    code = getattr(func, "__code__", None)
    if not isinstance(func, types.FunctionType) or code is None or code.co_flags & 0x0C or code.co_kwonlyargcount or func.__defaults__:
        return None
    return code.co_argcount
