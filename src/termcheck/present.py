"""Values as people write them (2027年3月31日, 1,200,000円) and as JSON carries them."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Literal

from termcheck.calendar import Month
from termcheck.vocabulary import BY_NAME, Type

Lang = Literal["ja", "en"]

_BOOL = {"ja": {True: "はい", False: "いいえ"}, "en": {True: "yes", False: "no"}}


def for_people(value: object, type_: Type, lang: Lang = "ja") -> str:
    """`value` of vocabulary type `type_`, written the way a reader of the terms writes it."""
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
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, frozenset):
        return ", ".join(sorted(str(item.value) for item in value))
    if isinstance(value, int):
        if type_ is Type.YEN:
            return f"{value:,}円" if lang == "ja" else f"¥{value:,}"
        return f"{value}"
    return str(value)


def for_json(value: object) -> object:
    """`value` as JSON: ISO dates and months, yen and counts as integers, enums by value."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Month):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(str(item.value) for item in value)
    return value


def label(name: str, lang: Lang = "ja") -> str:
    """The quantity's name for people: its Japanese or English description."""
    quantity = BY_NAME.get(name)
    if quantity is None:
        return name
    return quantity.ja if lang == "ja" else quantity.en


def type_of(name: str) -> Type:
    return BY_NAME[name].type
