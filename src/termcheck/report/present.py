"""Values as people write them (2027年3月31日, 1,200,000円) and as JSON carries them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from termcheck.semantics.calendar import Month

Lang = Literal["ja", "en"]

_BOOL = {"ja": {True: "はい", False: "いいえ"}, "en": {True: "yes", False: "no"}}


def for_people(value: object, kind: str, lang: Lang = "ja") -> str:
    """`value` of a type of kind `kind` ("yen", "date", …), as a reader of the terms
    writes it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _BOOL[lang][value]
    if isinstance(value, date):
        if lang == "ja":
            return f"{value.year}年{value.month}月{value.day}日"
        return value.isoformat()
    if isinstance(value, Month):
        return f"{value.year}年{value.month}月" if lang == "ja" else str(value)
    if isinstance(value, frozenset | list | tuple):
        return ", ".join(sorted(str(item) for item in value))
    if isinstance(value, int):
        if kind == "yen":
            return f"{value:,}円" if lang == "ja" else f"¥{value:,}"
        return f"{value}"
    return str(value)


def for_json(value: object) -> object:
    """`value` as JSON: ISO dates and months, yen and counts as integers, sets sorted."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(str(item) for item in value)
    return value


def from_json(raw: object, kind: str) -> object:
    """A value read back from JSON, typed again: dates and months as objects."""
    if raw is None:
        return None
    if kind == "date" and isinstance(raw, str):
        return date.fromisoformat(raw)
    if kind == "month" and isinstance(raw, str):
        year, month = raw.split("-")
        return Month(int(year), int(month))
    return raw
