"""The command line's options, coerced without pydantic (issue 17: start-up).

typer 0.2x coerces every option of a command that runs through a pydantic ``TypeAdapter`` built on first
use: one `check` imported pydantic's validation machinery and built ten adapters, about a third of what it
cost beyond ``procedures --help``. Our options are all simple (text, a flag, a path, a choice, a whole number read
by our own parser, lists of these: the requests in procedures.jobs read their meaning), so ``install()``
gives typer a coercion for these kinds that does what the adapter does, without it. Any other kind of
option, and any value the quick path does not take as it is (a choice that is not one of the choices, a
value our parser refuses with a ValueError), goes to typer's own coercion, so every message stays typer's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin


class Unusual(Exception):
    """The quick path does not take this value as it is: typer's own coercion decides."""


def _text(value: Any, param, ctx) -> str:
    if not isinstance(value, str):
        raise Unusual
    return value


def _flag(value: Any, param, ctx) -> bool:
    if not isinstance(value, bool):  # a flag's text ('yes', '0', ...) is typer's to read
        raise Unusual
    return value


def _plain_path(info) -> bool:
    """A path option without typer's path checks (exists, writable, resolve_path, '-' for stdin, ...)."""
    return (info.parser is None and info.path_type is None and not info.exists and info.file_okay and info.dir_okay
            and not info.writable and not info.resolve_path and not info.allow_dash)


def _path(info) -> Callable:
    from typer._param_types import coerce_cli_path

    def coerce(value: Any, param, ctx) -> Path:
        if isinstance(value, str):
            value = Path(value)  # what pydantic's Path does with a text
        elif not isinstance(value, Path):
            raise Unusual
        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)

    return coerce


def _choice(annotation: type[Enum], info) -> Callable:
    from typer._param_types import coerce_cli_choice

    choices = list(annotation)

    def coerce(value: Any, param, ctx) -> Any:
        try:
            return coerce_cli_choice(value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:  # typer's message, through its adapter
            raise Unusual from None

    return coerce


def _parsed(parser: Callable) -> Callable:
    def coerce(value: Any, param, ctx) -> Any:
        try:
            return parser(value)
        except (ValueError, AssertionError):  # pydantic would turn these into its message: let typer do so
            raise Unusual from None

    return coerce


def quick_coercion(annotation: Any, info) -> Callable | None:
    """How to coerce one value of this kind of option without pydantic, or None (typer's own coercion)."""
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        one = quick_coercion(item, info)
        if one is None:
            return None

        def each(value: Any, param, ctx) -> list:
            if not isinstance(value, (list, tuple)):
                raise Unusual
            return [one(v, param, ctx) for v in value]

        return each
    if get_origin(annotation) is not None:
        return None
    if info.parser is not None:
        return _parsed(info.parser)
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation, info)
    if annotation is Path and _plain_path(info):
        return _path(info)
    return None


def install() -> bool:
    """Give typer the quick coercion for the kinds it covers; False (nothing changed) on a typer without the hook."""
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - another typer
        return False
    original = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if original is None or base is None or getattr(original, "quick", False):
        return False

    @dataclass(frozen=True)
    class QuickRuntimeParam(base):
        """Coercion by ``quick_coercion``; an unusual value goes to typer's own (built then, once)."""

        descriptor: Any = None
        quick: Any = None

        def _coerce_value(self, value: Any, param, ctx) -> Any:
            try:
                return self.quick(value, param, ctx)
            except Unusual:
                return original(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def build(descriptor) -> Any:
        quick = None if descriptor.file_annotation is not None else quick_coercion(descriptor.annotation, descriptor.parameter_info)
        if quick is None:
            return original(descriptor)
        return QuickRuntimeParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation, descriptor=descriptor, quick=quick)

    build.quick = True
    build.original = original
    core.build_runtime_param = build
    return True
