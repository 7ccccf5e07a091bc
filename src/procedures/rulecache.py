"""A cache of validated rules, so that one command does not re-read and re-check every rule file (issue 17).

Loading a rules folder reads every file, validates each against its model and cross-checks every name
(issue 13: a ruleset that loads is complete). That check is kept: an entry of this cache is written only
for a folder that passed it in full, and is used only while every byte it was made from is the same.

- **Where.** ``$PROCEDURES_CACHE_DIR``, else ``$XDG_CACHE_HOME/procedures``, else ``~/.cache/procedures``;
  ``PROCEDURES_CACHE_DIR`` set empty turns the cache off. Never in the rules folder. A folder that cannot be
  written is no error: the rules are then checked every time, as without a cache.
- **Keyed by** the rule files' bytes (every file of each ruleset folder, and any file the head names
  elsewhere), their names, the package version and the package's code (each module's size and time): an
  edit, a file added or removed, or another version makes the entry stale, and the next load validates in
  full and rewrites it. A broken entry (cut short, edited, from another format) is ignored and rewritten.
- **What.** JSON, never pickle: the loaded rulesets as a tree of tagged values. Only the package's own
  classes are rebuilt from it (pydantic models with the values they had once validated, dataclasses and
  plain objects with their attributes), and a few value types (dates, fractions, paths); nothing in an
  entry is ever executed (a class named by an entry must be defined in one of the package's public modules).
  ``procedures rules validate`` does not use the cache: it always checks in full.
- **Trusted as the package is.** The digests catch an entry cut short or edited by accident; whoever can write
  the cache folder could also write a consistent entry with other values, as they could edit the installed
  code. Keep it in a folder only its user writes (the default is).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Callable
from enum import Enum
from fractions import Fraction
from pathlib import Path

import procedures

#: The environment variable naming the cache folder ('' turns the cache off).
CACHE_ENV = "PROCEDURES_CACHE_DIR"
#: The layout of an entry; an entry of another format is stale.
FORMAT = 1
_PACKAGE = "procedures."


class Unencodable(Exception):
    """A value the cache does not know how to write: the rules are not cached (and are loaded as always)."""


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off (or there is no home to put it in)."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given).expanduser() if given.strip() else None
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "procedures"
    try:
        return Path.home() / ".cache" / "procedures"
    except RuntimeError:  # no home directory
        return None


def through_cache(root: Path, validate: Callable) -> tuple[list, list]:
    """``validate(root)`` (the loader's full check: rulesets and errors), from the cache when it holds this folder as it is."""
    where = cache_dir()
    if where is None or not root.is_dir():
        return validate(root)
    entry = where / f"rules-{_digest([str(root)])[:24]}.json"
    try:
        found = _read(entry, root)
    except Exception:  # noqa: BLE001 - a broken entry is ignored (and rewritten below)
        found = None
    if found is not None:
        return found, []
    try:
        before = _state(root, [])
    except OSError:
        return validate(root)
    rulesets, errors = validate(root)
    if rulesets and not errors:
        try:
            if _state(root, []) != before:  # a file was edited while it was validated: what was read is not known
                return rulesets, errors
            _write(entry, root, rulesets)
        except (OSError, Unencodable, RecursionError, ValueError):  # an unwritable folder is silent; the rules are loaded
            pass
    return rulesets, errors


# --- what an entry depends on ----------------------------------------------------------------


def _digest(parts) -> str:
    h = hashlib.blake2b(digest_size=32)
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _code() -> list[str]:
    """The package version and its code's files (name, size, time): another version or an edit makes entries stale."""
    base = Path(procedures.__file__).parent
    out = [f"format {FORMAT}", f"version {procedures.__version__}"]
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                out.append(f"{os.path.relpath(os.path.join(folder, name), base)} {st.st_size} {st.st_mtime_ns}")
    return out


def _sources(root: Path, named: list[str]) -> list[Path]:
    """The files a load of ``root`` may read: every file of each ruleset folder (whatever its name: a head may name
    ``calendar.dat``), and the files its head names elsewhere."""
    from procedures.loader import ruleset_folders

    files = [p for folder in ruleset_folders(root) for p in sorted(folder.rglob("*")) if p.is_file()]
    return files + [Path(n) for n in named if Path(n) not in files]


def _state(root: Path, named: list[str]) -> str:
    """The digest of everything an entry depends on: the code, and each source file's name and bytes."""
    parts: list = _code()
    for path in _sources(root, named):
        parts.append(str(path))
        parts.append(path.read_bytes())
    return _digest(parts)


def _named_files(rulesets: list) -> list[str]:
    """Files a ruleset's head names (calendar, members, provisions, paragraphs, ...) outside its folder."""
    out: set[str] = set()

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from strings(v)
        elif hasattr(value, "__pydantic_fields__"):
            yield from strings(dict(value.__dict__))

    for rs in rulesets:
        for text in strings(rs.spec):
            path = rs.folder / text
            if path.is_file() and rs.folder.resolve() not in path.resolve().parents:
                out.add(str(path))
    return sorted(out)


# --- reading and writing an entry ----------------------------------------------------------------


def _read(entry: Path, root: Path) -> list | None:
    """The rulesets an entry holds, or None when there is none for this folder as it is now."""
    try:
        if not stat.S_ISREG(os.stat(entry).st_mode):  # a pipe or a device would block or never end
            return None
        with entry.open("rb") as fh:
            head, payload = fh.read().split(b"\n", 1)
    except (OSError, ValueError):
        return None
    header = json.loads(head)
    if header.get("format") != FORMAT or header.get("root") != str(root):
        return None
    if header.get("state") != _state(root, header["named"]) or header.get("payload") != _digest([payload]):
        return None
    return Decoder().decode(json.loads(payload))


def _write(entry: Path, root: Path, rulesets: list) -> None:
    """Write the entry for ``root`` (atomically: a reader sees the old entry or the new one, never half)."""
    named = _named_files(rulesets)
    state = _state(root, named)
    payload = json.dumps(Encoder().encode(rulesets), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    head = json.dumps({"format": FORMAT, "root": str(root), "named": named, "state": state, "payload": _digest([payload])}).encode()
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(head + b"\n" + payload)
        os.replace(tmp, entry)
    finally:
        tmp.unlink(missing_ok=True)


# --- the tagged tree -----------------------------------------------------------------------------

#: Values written as they are (JSON has them).
_ATOMS = (str, int, bool, float, type(None))
#: Value types written as text and read back by their own parser: tag -> (type, read).
_VALUES: dict[str, tuple[type, Callable]] = {
    "$datetime": (dt.datetime, dt.datetime.fromisoformat),
    "$date": (dt.date, dt.date.fromisoformat),
    "$time": (dt.time, dt.time.fromisoformat),
    "$fraction": (Fraction, Fraction),
    "$path": (Path, Path),
}
_TAGS = {cls: tag for tag, (cls, _) in _VALUES.items()}
#: The collections written as a tagged list, and how to make them again.
_COLLECTIONS = {"$tuple": tuple, "$set": set, "$frozenset": frozenset}


def _name(cls: type) -> str:
    if not cls.__module__.startswith(_PACKAGE) or "<" in cls.__qualname__:
        raise Unencodable(f"{cls.__module__}.{cls.__qualname__} is not one of the package's classes")
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(name: str) -> type:
    """A class of the package, by the name ``_name`` wrote (only the package's modules are looked in)."""
    import importlib

    module, _, qualname = name.partition(":")
    if not module.startswith(_PACKAGE) or module.rpartition(".")[2].startswith("_"):  # never __main__, nor a private module
        raise ValueError(f"not a class of the package: {name}")
    found: object = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type) or found.__module__ != module or found.__qualname__ != qualname:
        raise ValueError(f"not a class defined in the package: {name}")  # e.g. json.JSONDecoder imported into a module
    return found


def _text(value) -> str:
    if getattr(value, "tzinfo", None) is not None and not isinstance(value.tzinfo, dt.timezone):
        raise Unencodable("a time in a named zone")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class Encoder:
    """Values as JSON: each container, model and object is numbered in the order met, and met again as {"$ref": n}."""

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}

    def encode(self, value):
        kind = type(value)
        if kind in _ATOMS:
            return value
        if kind in _TAGS or isinstance(value, Path):
            return {_TAGS.get(kind, "$path"): _text(value)}
        if isinstance(value, Enum):
            return {"$enum": _name(kind), "v": self.encode(value.value)}
        if id(value) in self.seen:
            return {"$ref": self.seen[id(value)]}
        self.seen[id(value)] = len(self.seen)
        if kind is list:
            return [self.encode(v) for v in value]
        if kind is dict:
            return self.mapping(value)
        if kind in (tuple, set, frozenset):
            items = sorted(value) if kind is not tuple and all(type(v) is str for v in value) else value  # one order, one entry
            return {f"${kind.__name__}": [self.encode(v) for v in items]}
        return self.instance(value, kind)

    def mapping(self, value: dict):
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: self.encode(v) for k, v in value.items()}
        return {"$dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}

    def instance(self, value, kind: type):
        """A model of the package as validation left it (its fields and which were set), or an object by its attributes."""
        if hasattr(kind, "__pydantic_fields__"):
            if (value.__pydantic_extra__ or value.__pydantic_private__ or kind.__pydantic_post_init__
                    or set(value.__dict__) != set(kind.__pydantic_fields__)):
                raise Unencodable(f"{kind.__name__} holds more than its fields")
            return {"$model": _name(kind), "d": self.fields(value.__dict__), "set": sorted(value.__pydantic_fields_set__)}
        if hasattr(value, "__dict__") and not hasattr(kind, "__slots__"):
            return {"$object": _name(kind), "d": self.fields(vars(value))}
        raise Unencodable(f"a {kind.__name__}")

    def fields(self, values: dict) -> dict:
        return {k: self.encode(v) for k, v in values.items()}


class Decoder:
    """The values an Encoder wrote; the numbering is rebuilt in the same order, so a shared value is shared again."""

    def __init__(self) -> None:
        self.made: list = []
        self.classes: dict[str, type] = {}

    def cls(self, name: str) -> type:
        if name not in self.classes:
            self.classes[name] = _class(name)
        return self.classes[name]

    def decode(self, data):
        kind = type(data)
        if kind is list:
            out: list = []
            self.made.append(out)
            out.extend(v if type(v) in _ATOMS else self.decode(v) for v in data)
            return out
        if kind is not dict:
            return data
        for key in data:
            if key[:1] == "$":
                return self.tagged(key, data)
        plain: dict = {}
        self.made.append(plain)
        plain.update(self.fields(data))
        return plain

    def fields(self, data: dict) -> dict:
        decode = self.decode
        return {k: v if type(v) in _ATOMS else decode(v) for k, v in data.items()}

    def tagged(self, tag: str, data: dict):
        text = data[tag]
        if tag in _VALUES:
            return _VALUES[tag][1](text)
        if tag == "$ref":
            found = self.made[text]
            if found is None:
                raise ValueError("a reference to a value not yet made")
            return found
        if tag == "$enum":
            cls = self.cls(text)
            if not issubclass(cls, Enum):
                raise ValueError(f"not an enumeration: {text}")
            return cls(self.decode(data["v"]))
        if tag == "$dict":
            out: dict = {}
            self.made.append(out)
            for k, v in text:
                out[self.decode(k)] = self.decode(v)
            return out
        at = len(self.made)
        self.made.append(None)  # its number, taken before what it holds
        self.made[at] = made = self.instance(tag, text, data)
        return made

    def instance(self, tag: str, text, data: dict):
        if tag in _COLLECTIONS:
            return _COLLECTIONS[tag](v if type(v) in _ATOMS else self.decode(v) for v in text)
        if tag == "$model":
            return self.model(self.cls(text), data)
        if tag == "$object":
            cls = self.cls(text)
            if hasattr(cls, "__pydantic_fields__"):
                raise ValueError(f"a model written as an object: {text}")
            made = object.__new__(cls)
            made.__dict__.update(self.fields(data["d"]))
            return made
        raise ValueError(f"unknown tag {tag}")

    def model(self, cls: type, data: dict):
        """The model as validation left it: its fields' values, which were set, no extra or private values."""
        fields = getattr(cls, "__pydantic_fields__", None)
        if fields is None:
            raise ValueError(f"not a model: {cls.__name__}")
        values = self.fields(data["d"])
        if values.keys() != fields.keys():
            raise ValueError(f"{cls.__name__}: the fields have changed")
        made = cls.__new__(cls)
        object.__setattr__(made, "__dict__", values)
        object.__setattr__(made, "__pydantic_fields_set__", set(data["set"]))
        object.__setattr__(made, "__pydantic_extra__", None)
        object.__setattr__(made, "__pydantic_private__", None)
        return made
