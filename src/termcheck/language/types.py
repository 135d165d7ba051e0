"""The types of the termcheck language: what a fact, a quantity or an expression can be.

Yen and counts never mix (a count times a fee is yen; yen plus a count is an error), a
date is not a month, and every enumeration is the model's own: the termination grounds of
one agreement are an enumeration of its model.toml, not of this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Kind = Literal["bool", "int", "yen", "date", "month", "enum", "set"]


@dataclass(frozen=True)
class Type:
    """A type: a kind, and for an enumeration or a set of its values the enumeration's id."""

    kind: Kind
    enum: str | None = None

    def __str__(self) -> str:
        if self.kind == "enum":
            return str(self.enum)
        if self.kind == "set":
            return f"set of {self.enum}"
        return self.kind

    @property
    def is_enum(self) -> bool:
        return self.kind == "enum"

    @property
    def is_set(self) -> bool:
        return self.kind == "set"

    @property
    def is_number(self) -> bool:
        return self.kind in ("int", "yen")

    @property
    def is_ordered(self) -> bool:
        return self.kind in ("int", "yen", "date", "month")

    @property
    def is_calendar(self) -> bool:
        return self.kind in ("date", "month")


BOOL: Final = Type("bool")
INT: Final = Type("int")  # a count: months, days, a year, a month number, a weekday
YEN: Final = Type("yen")
DATE: Final = Type("date")
MONTH: Final = Type("month")


def enum(name: str) -> Type:
    return Type("enum", name)


def set_of(name: str) -> Type:
    return Type("set", name)


# How model.toml writes a type. Counts and days are ints: the language keeps them apart
# from yen, which is where mixing units costs money.
_SIMPLE: Final = {
    "bool": BOOL,
    "int": INT,
    "count": INT,
    "days": INT,
    "months": INT,
    "yen": YEN,
    "date": DATE,
    "month": MONTH,
}
SPELLINGS: Final = tuple(_SIMPLE)


def parse_type(text: str, enums: frozenset[str]) -> Type:
    """A type as model.toml writes it: `date`, `yen`, `count`, `ground`, `set of ground`.

    Raises ValueError with the spellings a reader can use instead.
    """
    words = text.split()
    if len(words) == 1 and words[0] in _SIMPLE:
        return _SIMPLE[words[0]]
    if len(words) == 1 and words[0] in enums:
        return enum(words[0])
    if len(words) == 3 and words[:2] == ["set", "of"] and words[2] in enums:
        return set_of(words[2])
    offered = [*SPELLINGS, *sorted(enums), *(f"set of {e}" for e in sorted(enums))]
    raise ValueError(f"unknown type {text!r}; write one of: {', '.join(offered)}")
