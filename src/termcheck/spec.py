"""model.toml: the formal reading of a terms document, typed and validated.

Validation is strict (pydantic, unknown keys forbidden) and every failure becomes one
:class:`~termcheck.errors.InputError` naming the file, the line and the field. The
articles a model cites must exist in its terms text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from termcheck.articles import Article, article_index, load_articles
from termcheck.errors import InputError, Position
from termcheck.tomlfile import TomlFile, load_toml
from termcheck.vocabulary import Ground, LiabilityReading, NoticeReading

MODEL_FILE = "model.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class TermsInfo(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    issuer: str = ""
    text: str = "terms.ja.md"


class BillingStart(StrEnum):
    FIRST_OF_NEXT_MONTH = "first-of-next-month"
    SERVICE_START = "service-start"


class Billing(_Strict):
    article: str
    start: Annotated[BillingStart, Strict(False)]
    end: Literal["end-of-service-end-month"]


class MinimumTerm(_Strict):
    article: str
    months: int = Field(ge=1, le=120)
    reckoning_day: Literal["first-of-next-month"]


class PenaltyBasis(StrEnum):
    REMAINING_TERM_FEES = "remaining-term-fees"
    FIXED_MONTHS = "fixed-months"


class Penalty(_Strict):
    article: str
    basis: Annotated[PenaltyBasis, Strict(False)]
    months: int | None = Field(default=None, ge=0, le=120)
    grounds: list[Annotated[Ground, Strict(False)]]
    overridable_by: Literal["quote", "none"] = "none"

    @model_validator(mode="after")
    def _months_match_basis(self) -> Penalty:
        if self.basis is PenaltyBasis.FIXED_MONTHS and self.months is None:
            raise ValueError("basis 'fixed-months' needs `months`")
        if self.basis is PenaltyBasis.REMAINING_TERM_FEES and self.months is not None:
            raise ValueError("`months` is only for basis 'fixed-months'")
        if len(set(self.grounds)) != len(self.grounds):
            raise ValueError("a ground is listed twice in `grounds`")
        return self


class Notice(_Strict):
    article: str
    months: int = Field(ge=0, le=24)
    form: Literal["written", "any"]
    effective: Literal["arrival", "dispatch"]


class ServiceEnd(_Strict):
    article: str
    rule: Literal["last-day-of-termination-month"]


class Liability(_Strict):
    article: str
    months: int = Field(ge=1, le=120)


class StartDelay(_Strict):
    article: str
    months_after_planned_month: int = Field(ge=0, le=24)


class GroundInfo(_Strict):
    id: Annotated[Ground, Strict(False)]
    article: str
    ja: str
    en: str


class ReadingOption(_Strict):
    id: str
    ja: str
    en: str


class Reading(_Strict):
    id: Literal["notice_reading", "liability_reading"]
    article: str
    phrase: str
    # `options` is declared before `adopted` so that `adopted` is checked against them
    # field by field, and an error names the `adopted` line rather than the table.
    options: list[ReadingOption] = Field(min_length=1)
    adopted: str

    @model_validator(mode="after")
    def _options_are_implemented(self) -> Reading:
        allowed = _READING_VALUES[self.id]
        for option in self.options:
            if option.id not in allowed:
                raise ValueError(
                    f"reading option {option.id!r} is not implemented; "
                    f"choose from {', '.join(sorted(allowed))}"
                )
        return self

    @field_validator("adopted")
    @classmethod
    def _adopted_is_an_option(cls, adopted: str, info: ValidationInfo) -> str:
        options = info.data.get("options")
        if options is not None and adopted not in {option.id for option in options}:
            raise ValueError(f"adopted reading {adopted!r} is not one of the options")
        return adopted


_READING_VALUES: dict[str, set[str]] = {
    "notice_reading": {r.value for r in NoticeReading},
    "liability_reading": {r.value for r in LiabilityReading},
}


class Fingerprints(_Strict):
    """[fingerprints]: the wording the model was last reviewed against (termcheck.drift).

    `provisions` lists every provision id of the text, so that a provision added or
    removed shows as drift; `cited` holds the fingerprint of each provision the model,
    the properties and [[not_modelled]] rest on. Written by `termcheck fingerprints
    --update`, never by hand.
    """

    provisions: list[str]
    cited: dict[str, Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]]


class NotModelled(_Strict):
    """[[not_modelled]]: a provision the model leaves out on purpose, and why."""

    article: str
    reason: str = Field(pattern=r"\S")


# --- 第3条, 第4条, 別記, 別紙: the documents of a contract and which of them prevails ----

_ID = r"^[a-z][a-z0-9\-]*$"
EVERY_TOPIC = "all"


class DocumentInfo(_Strict):
    """[[documents]]: a document that can set a condition of the contract.

    A document made of others (`part_of` names its parent) says how its parts stand in
    `parts`: "same-rank" when an article names them at one rank (第4条
    「御見積書」・「御申込書」), "parts" when they are the parts of one document (別記1).
    `speaks_to` lists the topics the document can set, or "all".
    """

    id: str = Field(pattern=_ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str
    part_of: str | None = None
    parts: Literal["same-rank", "parts"] | None = None
    speaks_to: list[str] | Literal["all"] = Field(default_factory=list)
    modelled: bool = False  # the document this model.toml reads (本約款)

    @field_validator("modelled")
    @classmethod
    def _modelled_sets_conditions(cls, modelled: bool, info: ValidationInfo) -> bool:
        # The quote-governs checks weigh the modelled document against the quote's, topic
        # by topic (第3条, 第4条): a document that speaks to no topic stands only for its
        # parts and has no rank of its own to weigh.
        if modelled and info.data.get("speaks_to") == []:
            raise _positioned(
                (),
                "the document model.toml reads must set conditions itself (第3条, 第4条): "
                f"{info.data.get('id')!r} speaks to no topic; mark the document that "
                "does, or give this one `speaks_to`",
            )
        return modelled


class TopicInfo(_Strict):
    """[[topics]]: a condition of the contract that several documents may set; `articles`
    are where these terms speak to it."""

    id: str = Field(pattern=_ID)
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
    """A row of the substitution table (別紙): the carrier's wording and ours."""

    original: str = Field(min_length=1)
    substitute: str
    article: str


class SubstitutionTable(_Strict):
    """[substitution]: how the carrier's terms are read (第3条, 別紙), with sample texts."""

    article: str
    rows: list[SubstitutionRow] = Field(min_length=1)
    samples: list[str] = Field(default_factory=list)


# --- 第5条–第12条, 第16条: the contract's lifecycle --------------------------------------


class Guard(StrEnum):
    """What must hold for a transition, beyond its event happening (termcheck.lifecycle)."""

    ALWAYS = "always"
    IN_ORDER_OF_RECEIPT = "in-order-of-receipt"
    ON_OR_AFTER_FORMATION = "on-or-after-formation"
    NOTICE_TIMELY = "notice-timely"
    END_OF_TERMINATION_MONTH = "end-of-termination-month"
    LATER_TERMINATION_MONTH = "later-termination-month"
    DEMAND_PERIOD_LAPSED = "demand-period-lapsed"
    START_DELAY_PASSED = "start-delay-passed"


class Effect(StrEnum):
    """What a transition records, beyond the new state and the date (termcheck.lifecycle)."""

    NONE = "none"
    FORM_BACK_DATED = "form-back-dated"
    START_SERVICE = "start-service"
    GIVE_NOTICE = "give-notice"
    MOVE_TERMINATION_MONTH = "move-termination-month"
    DEMAND = "demand"
    END = "end"


class LifecycleState(_Strict):
    id: str = Field(pattern=_ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str
    terminal: bool = False
    formed: bool = False  # a contract exists (第6条第2項)
    provided: bool = False  # the service is being provided (第7条)


class LifecycleGuard(_Strict):
    id: Annotated[Guard, Strict(False)]
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    article: str


class LifecycleTransition(_Strict):
    # `from` and `to` are Python keywords: the fields carry them as aliases.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    event: str = Field(pattern=_ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    source: list[str] = Field(alias="from", min_length=1)
    target: str | None = Field(default=None, alias="to")  # None: the state stays
    actor: Literal["customer", "company", "world"]
    guard: Annotated[Guard, Strict(False)] = Guard.ALWAYS
    effect: Annotated[Effect, Strict(False)] = Effect.NONE
    ground: Annotated[Ground, Strict(False)] | None = None
    article: str


class ForbiddenEvent(_Strict):
    """An event the terms rule out in a state (第8条: no withdrawal after applying)."""

    event: str = Field(pattern=_ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    state: str
    actor: Literal["customer", "company", "world"]
    article: str


class Lifecycle(_Strict):
    initial: str
    states: list[LifecycleState] = Field(min_length=1)
    guards: list[LifecycleGuard] = Field(default_factory=list)
    transitions: list[LifecycleTransition] = Field(min_length=1)
    forbidden: list[ForbiddenEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _termination_month_after_notice(self) -> Lifecycle:
        # 第10条: the termination month is the one the customer's notice names; the
        # company may move it only once it is named (なお書き), and the customer's
        # termination ends the contract in it. So both happen only from a state the
        # contract can enter by a notice alone.
        if not _names_resolve(self):
            return self  # a misspelt state explains the rest: _check_lifecycle names it
        noticed = _noticed_states(self)
        for i, transition in enumerate(self.transitions):
            outside = [state for state in transition.source if state not in noticed]
            if not outside:
                continue
            if transition.effect is Effect.MOVE_TERMINATION_MONTH:
                raise _positioned(
                    ("transitions", i, "effect"),
                    "effect 'move-termination-month' belongs to a transition from the notice "
                    f"state (第10条 なお書き), but {outside[0]!r} is entered without a notice",
                )
            if transition.ground is Ground.CUSTOMER:
                raise _positioned(
                    ("transitions", i, "ground"),
                    "ground 'customer' belongs to a transition from the notice state (第10条: "
                    "the customer's termination ends the contract in the month its notice "
                    f"names), but {outside[0]!r} is entered without a notice",
                )
        return self


def _names_resolve(lifecycle: Lifecycle) -> bool:
    states = {state.id for state in lifecycle.states}
    named = {lifecycle.initial}
    for transition in lifecycle.transitions:
        named |= {*transition.source, *([transition.target] if transition.target else [])}
    return named <= states


def _noticed_states(lifecycle: Lifecycle) -> set[str]:
    """The states only a 'give-notice' transition leads into: in them the customer's notice
    has named the termination month."""
    entering: dict[str, list[Effect]] = {}
    for transition in lifecycle.transitions:
        if transition.target is not None:
            entering.setdefault(transition.target, []).append(transition.effect)
    return {
        state
        for state, effects in entering.items()
        if state != lifecycle.initial and all(e is Effect.GIVE_NOTICE for e in effects)
    }


def _positioned(at: tuple[str | int, ...], message: str) -> PydanticCustomError:
    """A validation error about a field below the model that raises it: `at` is added to
    the error's location (see _validate), so that it names the field's line."""
    return PydanticCustomError("termcheck_rule", message, {"at": at})


# --- 別記2: the price list -----------------------------------------------------------------


class PriceItem(_Strict):
    """A row of 別記2 第1表, as written (`remark` is the 備考 column)."""

    id: str = Field(pattern=_ID)
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    initial_fee: str
    monthly_fee: str
    remark: str
    minimum_ids: int | None = Field(default=None, ge=1, le=1_000_000)


class PriceList(_Strict):
    article: str
    items: list[PriceItem] = Field(min_length=1)
    refused_alone: str  # ※: the item an application may not consist of alone


class ModelDocument(_Strict):
    terms: TermsInfo
    billing: Billing
    minimum_term: MinimumTerm
    penalty: Penalty
    notice: Notice
    service_end: ServiceEnd
    liability: Liability
    start_delay: StartDelay
    grounds: list[GroundInfo]
    readings: list[Reading]
    # Review records (termcheck.drift, termcheck.coverage), not part of the reading.
    not_modelled: list[NotModelled] = Field(default_factory=list)
    fingerprints: Fingerprints | None = None
    # The documents and their precedence, the lifecycle and the price list (termcheck.
    # precedence, termcheck.lifecycle, termcheck.pricelist); optional for other terms.
    documents: list[DocumentInfo] = Field(default_factory=list)
    topics: list[TopicInfo] = Field(default_factory=list)
    prevails: list[Prevail] = Field(default_factory=list)
    substitution: SubstitutionTable | None = None
    lifecycle: Lifecycle | None = None
    price_list: PriceList | None = None


@dataclass(frozen=True)
class Spec:
    """A loaded, validated model: the document, its articles and where it came from."""

    directory: Path
    document: ModelDocument
    articles: tuple[Article, ...]
    source: TomlFile

    @property
    def minimum_term_months(self) -> int:
        return self.document.minimum_term.months

    @property
    def notice_months(self) -> int:
        return self.document.notice.months

    @property
    def penalty_grounds(self) -> frozenset[Ground]:
        return frozenset(self.document.penalty.grounds)

    @property
    def adopted_notice_reading(self) -> NoticeReading:
        return NoticeReading(self._reading("notice_reading").adopted)

    @property
    def adopted_liability_reading(self) -> LiabilityReading:
        return LiabilityReading(self._reading("liability_reading").adopted)

    def notice_readings(self) -> tuple[NoticeReading, ...]:
        return tuple(NoticeReading(o.id) for o in self._reading("notice_reading").options)

    def liability_readings(self) -> tuple[LiabilityReading, ...]:
        return tuple(LiabilityReading(o.id) for o in self._reading("liability_reading").options)

    def _reading(self, reading_id: str) -> Reading:
        for reading in self.document.readings:
            if reading.id == reading_id:
                return reading
        raise KeyError(reading_id)

    def article(self, article_id: str) -> Article:
        return article_index(list(self.articles))[article_id]


def load_spec(directory: Path) -> Spec:
    """Load `directory`/model.toml and its terms text; raises InputError on any defect."""
    if not directory.is_dir():
        raise InputError(
            "model directory not found; pass the folder that holds model.toml",
            Position(directory),
        )
    source = load_toml(directory / MODEL_FILE)
    document = _validate(source)
    if not (directory / document.terms.text).is_file():
        raise source.error(("terms", "text"), f"no such file {document.terms.text!r}")
    articles = load_articles(directory / document.terms.text)
    check_document(source, document, articles)
    return Spec(directory, document, tuple(articles), source)


def check_document(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    """The rules beyond each field's own: citations resolve, every ground and reading is
    described, the structural sections are consistent. Raises InputError at the field."""
    _check_citations(source, document, articles)
    _check_complete(source, document)
    _check_not_modelled(source, document, articles)
    _check_structure(source, document, articles)


def _validate(source: TomlFile) -> ModelDocument:
    try:
        return ModelDocument.model_validate(source.data)
    except ValidationError as exc:
        # A misspelt key shows up twice: as unknown, and as the key it should have been,
        # missing. The unknown one is what the reviewer typed, so report it first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        loc += tuple(first.get("ctx", {}).get("at", ()))
        raise source.error(loc, _describe(first)) from None


def _describe(error: object) -> str:
    assert isinstance(error, dict)
    kind = error.get("type", "")
    message = str(error.get("msg", "invalid value"))
    if kind == "extra_forbidden":
        return "unknown key; check its spelling against docs/model.md"
    if kind == "missing":
        return "required key is missing"
    if kind == "termcheck_rule":  # the message names the value and what is allowed
        return message
    given = error.get("input")
    if given is not None and not isinstance(given, dict | list):
        return f"{message} (got {given!r})"
    return message


def _check_citations(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    known = article_index(articles)
    for loc, article_id in _citations(document):
        if article_id not in known:
            raise source.error(
                loc,
                f"cites article {article_id!r}, which is not in {document.terms.text}; "
                "run `termcheck articles` to list the ids",
            )


def _citations(document: ModelDocument) -> list[tuple[tuple[str | int, ...], str]]:
    sections = ("billing", "minimum_term", "penalty", "notice", "service_end")
    cited: list[tuple[tuple[str | int, ...], str]] = [
        ((name, "article"), getattr(document, name).article) for name in sections
    ]
    cited.append((("liability", "article"), document.liability.article))
    cited.append((("start_delay", "article"), document.start_delay.article))
    cited += [(("grounds", i, "article"), g.article) for i, g in enumerate(document.grounds)]
    cited += [(("readings", i, "article"), r.article) for i, r in enumerate(document.readings)]
    return cited


def _check_complete(source: TomlFile, document: ModelDocument) -> None:
    # The engine needs every ground and both readings described; a model that leaves
    # one out would make reports silently incomplete.
    described = [g.id for g in document.grounds]
    for ground in Ground:
        if ground not in described:
            raise source.error(("grounds",), f"ground {ground.value!r} is not described")
    if len(set(described)) != len(described):
        raise source.error(("grounds",), "a ground is described twice")
    readings: list[str] = [r.id for r in document.readings]
    for reading_id in _READING_VALUES:
        if readings.count(reading_id) != 1:
            raise source.error(("readings",), f"reading {reading_id!r} must appear exactly once")


def _check_not_modelled(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    known = article_index(articles)
    seen: set[str] = set()
    for i, entry in enumerate(document.not_modelled):
        if entry.article not in known:
            raise source.error(
                ("not_modelled", i, "article"),
                f"names article {entry.article!r}, which is not in {document.terms.text}; "
                "run `termcheck articles` to list the ids",
            )
        if entry.article in seen:
            raise source.error(("not_modelled", i, "article"), "this article is listed twice")
        seen.add(entry.article)


# --- Documents, lifecycle, price list: every reference resolves -----------------------------


def _check_structure(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    """The sections of termcheck.precedence, .lifecycle and .pricelist: every article they
    cite exists, every id is unique, and every document, topic or state named exists."""
    known = article_index(articles)
    sections = ("documents", "topics", "prevails", "substitution", "lifecycle", "price_list")
    for name in sections:
        for loc, article_id in _articles_in(getattr(document, name), (name,)):
            if article_id not in known:
                raise source.error(
                    loc,
                    f"cites article {article_id!r}, which is not in {document.terms.text}; "
                    "run `termcheck articles` to list the ids",
                )
    _check_documents(source, document)
    if document.lifecycle is not None:
        _check_lifecycle(source, document.lifecycle)
    if document.price_list is not None:
        items = [item.id for item in document.price_list.items]
        _unique(source, ("price_list", "items"), items)
        _known(source, ("price_list", "refused_alone"), document.price_list.refused_alone, items)


def _articles_in(
    node: object, loc: tuple[str | int, ...]
) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, BaseModel):
        found: list[tuple[tuple[str | int, ...], str]] = []
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            where = (*loc, info.alias or name)
            if name == "article" and isinstance(value, str):
                found.append((where, value))
            elif name == "articles" and isinstance(value, list):
                found += [((*where, i), cited) for i, cited in enumerate(value)]
            else:
                found += _articles_in(value, where)
        return found
    if isinstance(node, list):
        return [hit for i, item in enumerate(node) for hit in _articles_in(item, (*loc, i))]
    return []


def _unique(source: TomlFile, loc: tuple[str | int, ...], ids: list[str]) -> None:
    for i, value in enumerate(ids):
        if value in ids[:i]:
            raise source.error((*loc, i, "id"), f"id {value!r} is used twice")


def _known(source: TomlFile, loc: tuple[str | int, ...], value: str, known: list[str]) -> None:
    if value not in known:
        raise source.error(loc, f"{value!r} is not one of: {', '.join(known)}")


def _check_documents(source: TomlFile, document: ModelDocument) -> None:
    ids = [d.id for d in document.documents]
    topics = [t.id for t in document.topics]
    _unique(source, ("documents",), ids)
    _unique(source, ("topics",), topics)
    parents = {d.part_of for d in document.documents if d.part_of is not None}
    modelled = [i for i, d in enumerate(document.documents) if d.modelled]
    if len(modelled) > 1:
        raise source.error(("documents", modelled[1], "modelled"), "only one document is modelled")
    for i, entry in enumerate(document.documents):  # names first: they explain the rest
        if entry.part_of is not None:
            _known(source, ("documents", i, "part_of"), entry.part_of, ids)
    for i, entry in enumerate(document.documents):
        loc: tuple[str | int, ...] = ("documents", i)
        if entry.part_of is not None and entry.id in _ancestors(document.documents, entry.part_of):
            raise source.error((*loc, "part_of"), f"{entry.id!r} would be a part of itself")
        if (entry.parts is None) == (entry.id in parents):
            message = "say how its parts stand" if entry.parts is None else "it has no parts"
            raise source.error((*loc, "parts"), f"{entry.id!r}: {message}")
        for topic in entry.speaks_to if isinstance(entry.speaks_to, list) else []:
            _known(source, (*loc, "speaks_to"), topic, topics)
    for i, prevail in enumerate(document.prevails):
        _known(source, ("prevails", i, "over"), prevail.over, ids)
        _known(source, ("prevails", i, "under"), prevail.under, ids)
        for topic in prevail.topics if isinstance(prevail.topics, list) else []:
            _known(source, ("prevails", i, "topics"), topic, topics)


def _ancestors(documents: list[DocumentInfo], start: str) -> list[str]:
    parent_of = {d.id: d.part_of for d in documents}
    chain: list[str] = []
    current: str | None = start
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain


def _check_lifecycle(source: TomlFile, lifecycle: Lifecycle) -> None:
    states = [s.id for s in lifecycle.states]
    guards: list[str] = [g.id.value for g in lifecycle.guards]
    _unique(source, ("lifecycle", "states"), states)
    _unique(source, ("lifecycle", "guards"), guards)
    _known(source, ("lifecycle", "initial"), lifecycle.initial, states)
    events = [t.event for t in lifecycle.transitions]
    for i, transition in enumerate(lifecycle.transitions):
        loc: tuple[str | int, ...] = ("lifecycle", "transitions", i)
        if transition.event in events[:i]:
            raise source.error((*loc, "event"), f"event {transition.event!r} is used twice")
        for state in transition.source:
            _known(source, (*loc, "from"), state, states)
        if transition.target is not None:
            _known(source, (*loc, "to"), transition.target, states)
        if transition.guard is not Guard.ALWAYS:  # the one guard that needs no description
            _known(source, (*loc, "guard"), transition.guard.value, guards)
        if transition.ground is not None and transition.effect is not Effect.END:
            raise source.error(
                (*loc, "ground"), "only a transition that ends the contract has a ground"
            )
    for i, forbidden in enumerate(lifecycle.forbidden):
        _known(source, ("lifecycle", "forbidden", i, "state"), forbidden.state, states)
