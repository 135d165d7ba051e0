"""model.toml as data: the schema of every section, validated strictly.

Validation is strict (pydantic, unknown keys forbidden). This module checks each field
on its own; :mod:`termcheck.model.spec` checks what spans fields (citations, names,
formulas) and turns every failure into one positioned line. docs/model.md describes each
section for the people who write them.
"""

from __future__ import annotations

import re
import string
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

# Ids of facts and quantities are names in formulas; ids of everything else may use `-`.
NAME = r"^[a-z][a-z0-9_]*$"
ID = r"^[a-z][a-z0-9\-]*$"
EVERY_TOPIC = "all"
MARK_KINDS = ("fee", "free", "penalty", "waived")
Mark = Literal["fee", "free", "penalty", "waived"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def positioned(at: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """A validation error about a field below the model that raises it: `at` is added to
    the error's location, so that it names the field's line."""
    return PydanticCustomError("termcheck_rule", message, {"at": at})


def a_day(text: str | None) -> str | None:
    """`text` if it is a day of the calendar's horizon written YYYY-MM-DD: a pattern alone
    let "0000-01-01" and "2026-02-30" through, to fail later as no date at all."""
    if text is None:
        return None
    from termcheck.semantics import calendar as cal  # the calendar's own reading and range

    try:
        day = cal.parse_date(text)
    except ValueError as exc:
        raise PydanticCustomError("termcheck_rule", str(exc)) from None
    if not cal.in_horizon(day):
        raise PydanticCustomError(
            "termcheck_rule",
            f"{text!r} is outside {cal.HORIZON_FIRST_YEAR}-01-01..{cal.HORIZON_LAST_YEAR}-12-31",
        )
    return text


class TermsInfo(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    issuer: str = ""
    text: str = "terms.ja.md"
    sample: bool = False  # written for the purpose (a tutorial's agreement), not a real one

    _version_is_a_day = field_validator("version")(a_day)


class Calendar(_Strict):
    """[calendar]: the holidays and closed days that business days skip."""

    holidays: str = Field(min_length=1)  # a stored table ("jp") or a file of the model
    closed: list[str] = Field(default_factory=list)  # "12-31": closed every year
    article: str | None = None

    @field_validator("closed")
    @classmethod
    def _month_days(cls, closed: list[str]) -> list[str]:
        for index, text in enumerate(closed):
            parts = text.split("-")
            valid = len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts)
            if not valid or not (1 <= int(parts[0]) <= 12 and 1 <= int(parts[1]) <= 31):
                raise positioned((index,), f"{text!r} is not a day of the year; write MM-DD")
        return closed


# --- What a case is: enumerations, facts and their relations ---------------------------------


class EnumValue(_Strict):
    id: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str | None = None  # the provision that gives this value (a ground's article)


class EnumInfo(_Strict):
    """[[enums]]: an enumeration the model owns, such as its termination grounds."""

    id: str = Field(pattern=NAME)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    values: list[EnumValue] = Field(min_length=1)


class Fact(_Strict):
    """[[facts]]: an input of one customer's case."""

    id: str = Field(pattern=NAME)
    type: str = Field(min_length=1)
    article: str | list[str]
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    # Bounds: an integer for int and yen, "YYYY-MM-DD" or "YYYY-MM" for dates and months.
    min: int | str | None = None
    max: int | str | None = None
    optional: bool = False  # calc may leave it out: what depends on it is not computed
    default: str | None = None  # a formula calc uses when the fact is left out
    prefer: str | None = None  # a formula: what a readable counterexample takes, if it can
    phrase: str | None = None  # the words of the terms this fact stands for


class Relation(_Strict):
    """[[relations]]: what makes a case possible (a notice after the contract exists)."""

    id: str = Field(pattern=ID)
    formula: str = Field(min_length=1)
    article: str | list[str]
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)


# --- What the terms compute: quantities and their readings ----------------------------------


class ReadingInfo(_Strict):
    """One reading of an ambiguous phrase: its formula and the argument for it."""

    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    formula: str = Field(min_length=1)
    argument: str | None = None
    argument_ja: str | None = None


class Quantity(_Strict):
    """[quantities.<id>]: a figure the terms decide, as a formula over facts and other
    quantities, or as readings (alternative formulas, one adopted)."""

    type: str = Field(min_length=1)
    article: str | list[str]
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    formula: str | None = None
    # `readings` is declared before `adopted` so that `adopted` is checked against them.
    readings: dict[str, ReadingInfo] | None = None
    adopted: str | None = None
    phrase: str | None = None  # the words of the terms this quantity formalises
    topic: str | None = None  # the [[topics]] entry a quote may set it under

    @field_validator("readings")
    @classmethod
    def _reading_ids(cls, readings: dict[str, ReadingInfo] | None) -> object:

        for option in readings or {}:
            if not re.fullmatch(ID, option):
                raise positioned((option,), f"reading id {option!r}: use a-z, 0-9 and -")
        if readings is not None and not readings:
            raise ValueError("give at least one reading, or a `formula` instead")
        return readings

    @field_validator("adopted")
    @classmethod
    def _adopted_is_a_reading(cls, adopted: str | None, info: ValidationInfo) -> object:
        readings = info.data.get("readings")
        if adopted is not None and readings is not None and adopted not in readings:
            listed = ", ".join(sorted(readings))
            raise ValueError(f"adopted reading {adopted!r} is not one of: {listed}")
        return adopted


# --- How counterexamples are told ------------------------------------------------------------


class Witness(_Strict):
    """[witness]: what a readable counterexample looks like, most important first."""

    anchor: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    window_years: int = Field(default=3, ge=0, le=100)
    prefer: list[str] = Field(default_factory=list)  # formulas kept while possible
    alike: list[str] = Field(default_factory=list)  # facts two customers share if they can

    _anchor_is_a_day = field_validator("anchor")(a_day)


CHARGE_FIELDS = frozenset({"count", "months", "amount", "s"})


class Charge(_Strict):
    """A line of what a customer is charged: "■ 課金 3ヶ月分: 300,000円（…）"."""

    mark: Mark
    count: str
    amount: str
    # Templates: {count}, {months} ("3ヶ月", "3 months"), {amount} (the yen written out)
    # and {s} ("s" unless the count is 1: "{count} day{s}").
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    when: str | None = None  # a formula; when false the line reads `otherwise_*`
    otherwise: Mark | None = None
    otherwise_ja: str | None = None
    otherwise_en: str | None = None
    shown_if: str | None = None  # a formula: the line is left out when false

    @field_validator("ja", "en", "otherwise_ja", "otherwise_en")
    @classmethod
    def _template(cls, text: str | None) -> str | None:
        if text is None:
            return None
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:  # an unmatched brace
            message = f"{text!r}: {exc}; write {{{{ for a brace"
            raise PydanticCustomError("template", message) from None
        unknown = sorted(fields - CHARGE_FIELDS)
        if unknown:
            raise PydanticCustomError(
                "template",
                f"{{{unknown[0]}}} is not a field of a charge; the fields are "
                + ", ".join(f"{{{name}}}" for name in sorted(CHARGE_FIELDS)),
            )
        return text


class TimelineEntry(_Strict):
    name: str = Field(pattern=NAME)
    always: bool = False  # told even when the property does not name it
    when: str | None = None  # a formula: told (if not named) only when true
    note: str | None = None  # a bool quantity: its value is told beside the date


class MarkRule(_Strict):
    """Which months of a timeline get a mark: `when` is a formula over `this_month`."""

    kind: Mark
    when: str = Field(min_length=1)


class LegendText(_Strict):
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Report(_Strict):
    """[report]: what a counterexample tells of a customer, for people."""

    headline: list[str] = Field(default_factory=list)
    charges: list[Charge] = Field(default_factory=list)
    total: str | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)
    marks: list[MarkRule] = Field(default_factory=list)
    # What a timeline's legend says of a mark, in the agreement's own words (a 解約手数料
    # is not a 違約金): `[report.legend.penalty] ja = "…" en = "…"`.
    legend: dict[Mark, LegendText] = Field(default_factory=dict)


class Implementation(_Strict):
    """[implementation]: the hand-written code a billing system runs for these terms."""

    python: str = Field(pattern=r"^[^:]+\.py:[A-Za-z_][A-Za-z0-9_]*$")


# --- Review records ---------------------------------------------------------------------------


class Fingerprints(_Strict):
    """[fingerprints]: the wording the model was last reviewed against (termcheck.model.drift).

    `provisions` lists every provision id of the text, so that a provision added or
    removed shows as drift; `cited` holds the fingerprint of each provision the model,
    the properties and [[not_modelled]] rest on. Written by `termcheck fingerprints
    --update`, never by hand.
    """

    provisions: list[str]
    cited: dict[str, str]

    @field_validator("cited")
    @classmethod
    def _hex(cls, cited: dict[str, str]) -> dict[str, str]:
        for key, value in cited.items():
            if len(value) != 16 or any(c not in "0123456789abcdef" for c in value):
                raise positioned((key,), f"{value!r} is not a fingerprint (16 hex digits)")
        return cited


class NotModelled(_Strict):
    """[[not_modelled]]: a provision the model leaves out on purpose, and why."""

    article: str
    reason: str = Field(pattern=r"\S")


class EquivalentMutant(_Strict):
    """[[equivalent_mutants]]: a change `termcheck mutate` makes that no property can
    notice because it changes nothing a case can see, with the argument why."""

    mutant: str = Field(min_length=1)
    why: str = Field(pattern=r"\S")


# --- Documents and which of them prevails ---------------------------------------------------


class DocumentInfo(_Strict):
    """[[documents]]: a document that can set a condition of the contract.

    A document made of others (`part_of` names its parent) says how its parts stand in
    `parts`: "same-rank" when an article names them at one rank, "parts" when they are
    the parts of one document. `speaks_to` lists the topics the document can set, or
    "all".
    """

    id: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str
    part_of: str | None = None
    parts: Literal["same-rank", "parts"] | None = None
    speaks_to: list[str] | Literal["all"] = Field(default_factory=list)
    modelled: bool = False  # the document this model.toml reads

    @field_validator("modelled")
    @classmethod
    def _modelled_sets_conditions(cls, modelled: bool, info: ValidationInfo) -> bool:
        # A quote is weighed against the modelled document topic by topic: a document
        # that speaks to no topic stands only for its parts and has no rank to weigh.
        if modelled and info.data.get("speaks_to") == []:
            raise positioned(
                (),
                "the document model.toml reads must set conditions itself: "
                f"{info.data.get('id')!r} speaks to no topic; mark the document that "
                "does, or give this one `speaks_to`",
            )
        return modelled


class TopicInfo(_Strict):
    """[[topics]]: a condition of the contract that several documents may set; `articles`
    are where these terms speak to it."""

    id: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    articles: list[str] = Field(min_length=1)


class Prevail(_Strict):
    """[[prevails]]: `over` prevails over `under` on `topics`, by `article`. A document
    with parts stands for each of them."""

    over: str
    under: str
    article: str
    topics: list[str] | Literal["all"] = Field(min_length=1)


class SubstitutionRow(_Strict):
    """A row of a substitution table: the incorporated document's wording and ours."""

    original: str = Field(min_length=1)
    substitute: str
    article: str


class SubstitutionTable(_Strict):
    """[substitution]: how an incorporated document is read, with sample texts."""

    article: str
    rows: list[SubstitutionRow] = Field(min_length=1)
    samples: list[str] = Field(default_factory=list)


# --- The contract's lifecycle -------------------------------------------------------------------

Effect = Literal[
    "none",
    "form-back-dated",
    "start-service",
    "give-notice",
    "move-termination-month",
    "demand",
    "end",
]
Actor = Literal["customer", "company", "world"]


class LifecycleState(_Strict):
    id: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str
    terminal: bool = False
    formed: bool = False  # a contract exists
    provided: bool = False  # the service is being provided


class LifecycleGuard(_Strict):
    """A condition of a transition, as a formula over the event and the contract's
    records (docs/lifecycle.md) and the model's quantities."""

    id: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str
    formula: str = Field(min_length=1)


class Choice(_Strict):
    """How the customer acts when it takes a transition on its own: the day and the
    month of the event, as formulas over the contract's records."""

    on: str = Field(min_length=1)
    month: str | None = None


class LifecycleTransition(_Strict):
    # `from` and `to` are Python keywords: the fields carry them as aliases.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    event: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    source: list[str] = Field(alias="from", min_length=1)
    target: str | None = Field(default=None, alias="to")  # None: the state stays
    actor: Actor
    guard: str | None = None
    effect: Effect = "none"
    ground: str | None = None  # a value of the lifecycle's `grounds` enumeration
    choice: Choice | None = None  # the customer's own way to take it
    article: str


class ForbiddenEvent(_Strict):
    """An event the terms rule out in a state (no withdrawal after applying)."""

    event: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    state: str
    actor: Actor
    article: str


class Lifecycle(_Strict):
    initial: str
    grounds: str | None = None  # the enumeration a transition's `ground` is a value of
    # How the contract's records read as the facts of a case, for the quantities a guard
    # names: `service_start = "started_on"`.
    facts: dict[str, str] = Field(default_factory=dict)
    states: list[LifecycleState] = Field(min_length=1)
    guards: list[LifecycleGuard] = Field(default_factory=list)
    transitions: list[LifecycleTransition] = Field(min_length=1)
    forbidden: list[ForbiddenEvent] = Field(default_factory=list)


# --- The price list ----------------------------------------------------------------------------


class PriceItem(_Strict):
    """A row of a price list, as written (`remark` is the 備考 column)."""

    id: str = Field(pattern=ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    initial_fee: str
    monthly_fee: str
    remark: str
    minimum_ids: int | None = Field(default=None, ge=1, le=1_000_000)


class PriceList(_Strict):
    article: str
    items: list[PriceItem] = Field(min_length=1)
    refused_alone: str  # the item an application may not consist of alone


# --- The whole file ------------------------------------------------------------------------------


class ModelDocument(_Strict):
    terms: TermsInfo
    calendar: Calendar | None = None
    enums: list[EnumInfo] = Field(default_factory=list)
    facts: list[Fact] = Field(min_length=1)
    relations: list[Relation] = Field(default_factory=list)
    quantities: dict[str, Quantity] = Field(default_factory=dict)
    witness: Witness = Field(default_factory=Witness)
    report: Report = Field(default_factory=Report)
    implementation: Implementation | None = None
    # Review records (termcheck.model.drift, termcheck.model.coverage), not the reading.
    not_modelled: list[NotModelled] = Field(default_factory=list)
    fingerprints: Fingerprints | None = None
    equivalent_mutants: list[EquivalentMutant] = Field(default_factory=list)
    # The structure the solver checks as such; every section is optional.
    documents: list[DocumentInfo] = Field(default_factory=list)
    topics: list[TopicInfo] = Field(default_factory=list)
    prevails: list[Prevail] = Field(default_factory=list)
    substitution: SubstitutionTable | None = None
    lifecycle: Lifecycle | None = None
    price_list: PriceList | None = None
