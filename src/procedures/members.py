"""Lists of members as data: code, name, ITU's name, aliases. The Member States
of ITU, and the regional telecommunication organizations (§ 3.2.1), use the
same format.

A reply may name a Member State by its ISO 3166-1 alpha-3 code or by any of
its names, case-insensitively and ignoring accents and spacing; an
appointment names a regional organization the same way. A name in the form
"Name (qualifier)" — the form ITU publishes, e.g. "Netherlands (Kingdom of
the)" — is also known as "qualifier Name". A name the file declares
ambiguous (e.g. "Korea") finds no member; ``ambiguous`` says which it could be.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, StringConstraints, model_validator
from typing import Annotated

from procedures.models import Strict
from procedures.tomlfiles import read_checked

#: ISO 3166-1 alpha-3 for Member States; an organization's acronym (APT, CITEL) for regional organizations.
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,8}$")]


#: "Name (qualifier)", the form of ITU's official names: "Korea (Republic of)".
QUALIFIED = re.compile(r"^(?P<base>[^()]+?) \((?P<qualifier>[^()]+)\)$")


class Member(Strict):
    code: Code
    name: str = Field(min_length=2)
    #: The name ITU publishes, where it differs from name (e.g. "Netherlands (Kingdom of the)").
    itu_name: str | None = Field(default=None, min_length=2)
    aliases: list[str] = []

    def names(self) -> list[str]:
        """Every key the member is found by: code, names, aliases, and each "Name (qualifier)" read as "qualifier Name"."""
        given = [self.name, *([self.itu_name] if self.itu_name else []), *self.aliases]
        read = [f"{m['qualifier']} {m['base']}" for n in given if (m := QUALIFIED.match(n.strip()))]
        return [self.code, *given, *read]


class AmbiguousName(Strict):
    """A name used for more than one member (e.g. "Korea"): refused, naming each."""

    name: str = Field(min_length=2)
    could_be: list[Code] = Field(min_length=2)


class Membership(Strict):
    count: int = Field(ge=1)
    source: str
    #: Languages whose names (from CLDR, through Babel) also find a member by its code, e.g. ["fr", "de"].
    cldr_languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(_[A-Za-z]+)?$")]] = []


class MembersFile(Strict):
    membership: Membership
    member: list[Member]
    ambiguous: list[AmbiguousName] = []

    @model_validator(mode="after")
    def _consistent(self) -> MembersFile:
        _count_given(self)
        _codes_unique(self.member)
        _ambiguous_known(self.ambiguous, {m.code for m in self.member}, _names_unique(self.member))
        return self


def _count_given(spec: MembersFile) -> None:
    if len(spec.member) != spec.membership.count:
        raise ValueError(f"the file lists {len(spec.member)} members but membership.count is {spec.membership.count}; correct one of them")


def _codes_unique(members: list[Member]) -> None:
    codes = [m.code for m in members]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValueError(f"code {', '.join(twice)} is given to more than one member; give each member its own code")


def _names_unique(members: list[Member]) -> dict[str, str]:
    """Every member's keys, normalised, to its code; a key naming two members is refused."""
    seen: dict[str, str] = {}
    for m in members:
        for key in m.names():
            norm = normalise(key)
            if norm in seen and seen[norm] != m.code:
                raise ValueError(f"'{key}' names both {seen[norm]} and {m.code}; each code, name and alias must be unique")
            seen[norm] = m.code
    return seen


def _ambiguous_known(ambiguous: list[AmbiguousName], codes: set[str], seen: dict[str, str]) -> None:
    """An ambiguous name could be members the file lists, and is no member's own name."""
    for a in ambiguous:
        unknown = [c for c in a.could_be if c not in codes]
        if unknown:
            raise ValueError(f"ambiguous name '{a.name}' could be {', '.join(unknown)}, which the file does not list; use members' codes")
        if normalise(a.name) in seen:
            raise ValueError(f"ambiguous name '{a.name}' is also a name of {seen[normalise(a.name)]}; remove it from one of them")


def normalise(name: str) -> str:
    """Case-, accent-, punctuation-spacing-insensitive key for a name."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"\s*\(\s*", " (", re.sub(r"\s*\)", ")", text))  # "Netherlands(Kingdom of the )" as ITU writes it
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Members:
    spec: MembersFile
    index: dict[str, Member]
    ambiguity: dict[str, tuple[Member, ...]] = field(default_factory=dict)
    #: Names in the CLDR languages, built on the first name the file's own names do not find.
    _cldr: dict[str, Member] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.spec.member)

    def find(self, name: str) -> Member | None:
        """The member a code or name means: the file's names first, then the CLDR names of its languages."""
        key = normalise(name)
        hit = self.index.get(key)
        if hit is None and self.spec.membership.cldr_languages and key not in self.ambiguity:
            hit = self.cldr_names().get(key)
        return hit

    def cldr_names(self) -> dict[str, Member]:
        """Each member's name in every language the file lists, from CLDR (Babel); a name two members share is left out."""
        if not self._cldr and self.spec.membership.cldr_languages:
            from babel import Locale
            from babel.core import get_global

            alpha2 = get_global("territory_aliases")
            found: dict[str, Member | None] = {}
            for language in self.spec.membership.cldr_languages:
                territories = Locale.parse(language).territories
                for m in self.spec.member:
                    for code in alpha2.get(m.code, [])[:1]:
                        if code in territories:
                            key = normalise(territories[code])
                            found[key] = m if found.get(key, m) is m else None
            self._cldr.update({k: m for k, m in found.items() if m is not None and k not in self.ambiguity})
        return self._cldr

    def nearest(self, name: str, limit: int = 3) -> list[Member]:
        """The members whose names are closest to ``name`` (a slip of the keyboard), nearest first."""
        import difflib

        keys = [*self.index, *self.cldr_names()]
        close = difflib.get_close_matches(normalise(name), keys, n=limit * 3, cutoff=0.8)
        out: list[Member] = []
        for key in close:
            m = self.index.get(key) or self.cldr_names()[key]
            if m not in out:
                out.append(m)
        return out[:limit]

    def not_recognised(self, name: str, what: str = "a Member State") -> str:
        """Why a name finds no member: ambiguous, or not recognised (with the nearest names)."""
        ambiguous = self.ambiguity_message(name)
        if ambiguous:
            return ambiguous
        near = self.nearest(name)
        hint = f"; nearest: {', '.join(f'{m.itu_name or m.name} ({m.code})' for m in near)}" if near else ""
        return f"'{name.strip()}' is not recognised as {what}{hint}"

    def ambiguous(self, name: str) -> tuple[Member, ...]:
        """The members a name could mean, when the file declares it ambiguous; else ()."""
        return self.ambiguity.get(normalise(name), ())

    def ambiguity_message(self, name: str) -> str | None:
        """Why a name is refused as ambiguous, naming each member it could be; None if it is not."""
        could_be = self.ambiguous(name)
        if not could_be:
            return None
        options = " or ".join(f"{m.itu_name or m.name} ({m.code})" for m in could_be)
        return f"'{name.strip()}' is ambiguous: it could be {options}; name the one meant"


def load_members(path: Path) -> Members:
    spec = read_checked(MembersFile, path, "member")
    index = {normalise(key): m for m in spec.member for key in m.names()}
    by_code = {m.code: m for m in spec.member}
    ambiguity = {normalise(a.name): tuple(by_code[c] for c in a.could_be) for a in spec.ambiguous}
    return Members(spec, index, ambiguity)

