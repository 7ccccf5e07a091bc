"""Lists of members as data: code, name, aliases. The Member States of ITU, and
the regional telecommunication organizations (§ 3.2.1), use the same format.

A reply may name a Member State by its ISO 3166-1 alpha-3 code or by any of
its names, case-insensitively and ignoring accents and spacing; an
appointment names a regional organization the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, StringConstraints, model_validator
from typing import Annotated

from procedures.models import Strict
from procedures.tomlfiles import read_checked

#: ISO 3166-1 alpha-3 for Member States; an organization's acronym (APT, CITEL) for regional organizations.
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,8}$")]


class Member(Strict):
    code: Code
    name: str = Field(min_length=2)
    aliases: list[str] = []


class Membership(Strict):
    count: int = Field(ge=1)
    source: str


class MembersFile(Strict):
    membership: Membership
    member: list[Member]

    @model_validator(mode="after")
    def _consistent(self) -> MembersFile:
        if len(self.member) != self.membership.count:
            raise ValueError(f"the file lists {len(self.member)} members but membership.count is {self.membership.count}; correct one of them")
        seen: dict[str, str] = {}
        for m in self.member:
            for key in (m.code, m.name, *m.aliases):
                norm = normalise(key)
                if norm in seen and seen[norm] != m.code:
                    raise ValueError(f"'{key}' names both {seen[norm]} and {m.code}; each code, name and alias must be unique")
                seen[norm] = m.code
        return self


def normalise(name: str) -> str:
    """Case-, accent-, punctuation-spacing-insensitive key for a name."""
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Members:
    spec: MembersFile
    index: dict[str, Member]

    def __len__(self) -> int:
        return len(self.spec.member)

    def find(self, name: str) -> Member | None:
        return self.index.get(normalise(name))


def load_members(path: Path) -> Members:
    spec = read_checked(MembersFile, path)
    index = {normalise(key): m for m in spec.member for key in (m.code, m.name, *m.aliases)}
    return Members(spec, index)

