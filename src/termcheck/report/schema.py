"""The report document's shape: what `report.json` holds, and what every renderer reads.

The document is JSON all the way down (it is written as report.json and every format is
rendered from it), so its types are TypedDicts: the checker (mypy) proves that each
renderer reads only what the document has, and a consumer of report.json finds its
fields here, each with what it means. Values of facts and quantities are in their JSON
form (ISO dates and months, yen and counts as integers, sets as sorted lists).
"""

from __future__ import annotations

from typing import Any, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # the one pydantic can validate on Python 3.11

JsonValue = Any  # a fact's or quantity's value in its JSON form (see present.for_json)
# A field the schema does not list is an error when report.json is validated (the tests
# do): the schema is the document's whole shape, not a part of it.
_CLOSED = ConfigDict(extra="forbid")


@with_config(_CLOSED)
class TermsInfo(TypedDict):
    id: str
    title: str
    version: str
    model: str  # the model folder, relative to the project
    text: str  # the terms text, relative to the project
    sample: bool  # a sample agreement, written for the purpose


@with_config(_CLOSED)
class CitedArticle(TypedDict):
    heading: str  # 第N条第M項, as the terms head it
    title: str
    text: str
    line: int
    fingerprint: str


@with_config(_CLOSED)
class NameInfo(TypedDict):
    """A fact or quantity as people name it."""

    ja: str
    en: str
    type: str  # the kind of its type: date, month, yen, int, bool, enum, set
    enum: str | None  # the enumeration of an enum-typed name
    kind: str  # fact, constant or derived
    article: str


@with_config(_CLOSED)
class EnumValueInfo(TypedDict):
    ja: str
    en: str
    article: str | None


@with_config(_CLOSED)
class EnumInfo(TypedDict):
    ja: str
    en: str
    values: dict[str, EnumValueInfo]


@with_config(_CLOSED)
class ReadingOption(TypedDict):
    ja: str
    en: str
    argument: str | None
    argument_ja: str | None


@with_config(_CLOSED)
class ReadingInfo(TypedDict):
    """A quantity with more than one reading of its phrase."""

    phrase: str | None  # the words of the terms read more than one way
    article: str
    adopted: str
    options: dict[str, ReadingOption]


@with_config(_CLOSED)
class Charge(TypedDict):
    """A line of what a case is charged ([[report.charges]], evaluated)."""

    mark: str  # fee, free, penalty or waived
    count: JsonValue
    amount: JsonValue
    ja: str  # a template with {count}, {months} and {amount}
    en: str
    article: str


@with_config(_CLOSED)
class EventNote(TypedDict):
    name: str
    value: bool


@with_config(_CLOSED)
class Event(TypedDict):
    """A dated event of a case's timeline ([[report.timeline]], evaluated)."""

    name: str
    date: str
    order: int  # its place among the events told on the same day
    note: EventNote | None


@with_config(_CLOSED)
class Told(TypedDict):
    """What the model's [report] section tells of one case, already evaluated."""

    headline: list[str]
    charges: list[Charge]
    total: str | None
    events: list[Event]
    marks: dict[str, str]  # month ("2026-04") → mark kind


@with_config(_CLOSED)
class Case(TypedDict):
    """One customer of a counterexample."""

    scenario: str | None  # a, b, … for a property of several customers
    inputs: dict[str, JsonValue]  # the facts
    derived: dict[str, JsonValue]  # every quantity the case has
    readings: dict[str, str]
    told: Told


@with_config(_CLOSED)
class Evidence(TypedDict):
    """What a built-in check found, told in words and dated events."""

    story: dict[str, list[str]]  # language → lines
    events: list[dict[str, str]]  # date, ja, en


@with_config(_CLOSED)
class ByReading(TypedDict):
    readings: dict[str, str]
    status: str
    counterexample: list[Case] | dict[str, Any] | None
    replayed: bool | None


PropertyEntry = TypedDict(
    "PropertyEntry",
    {
        "id": str,
        "articles": list[str],
        "title_ja": str,
        "title_en": str,
        "file": str,
        "line": int,
        "assume": str,
        "assert": str,
        "status": str,  # proved, violated, inconclusive, vacuous, divergent
        "expected": str,  # holds or finding
        # What a finding is (defect, ambiguity, inconsistency, undefined, observation,
        # example); None for a property expected to hold.
        "category": str | None,
        "met": bool,
        "reason": str | None,
        "reason_ja": str | None,
        "readings": dict[str, str],
        "pinned": dict[str, dict[str, str]],  # case → quantity → reading
        # The cases of a scenario counterexample, or a built-in check's own data.
        "counterexample": list[Case] | dict[str, Any] | None,
        "replayed": bool | None,
        "detail": str | None,  # what the check found or how it proved it, in English
        "detail_ja": NotRequired[str | None],  # the same in Japanese
        "seconds": float | None,  # timings only with --timings
        "solver_seconds": float | None,
        "solver_work": int | None,
        "quantities": list[str],  # the quantities a scenario property names
        "evidence": Evidence | None,
        "by_reading": NotRequired[list[ByReading]],
        "reading_dependent": NotRequired[bool],
    },
)
# The functional form (for the key "assert") takes no decorator; this is what it sets.
setattr(PropertyEntry, "__pydantic_config__", _CLOSED)  # noqa: B010


@with_config(_CLOSED)
class ReportDocument(TypedDict):
    termcheck: str  # the version that wrote it
    terms: TermsInfo
    articles: dict[str, CitedArticle]
    names: dict[str, NameInfo]
    enums: dict[str, EnumInfo]
    readings: dict[str, ReadingInfo]
    summary: dict[str, int]
    exit_code: int
    properties: list[PropertyEntry]
    drift: list[dict[str, Any]]
    phrases: list[dict[str, Any]]  # values that contradict the words they quote
    coverage: dict[str, Any]
    legend: dict[str, dict[str, str]]  # mark kind → language → the model's own legend
