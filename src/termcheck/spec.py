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
    _check_citations(source, document, articles)
    _check_complete(source, document)
    return Spec(directory, document, tuple(articles), source)


def _validate(source: TomlFile) -> ModelDocument:
    try:
        return ModelDocument.model_validate(source.data)
    except ValidationError as exc:
        # A misspelt key shows up twice: as unknown, and as the key it should have been,
        # missing. The unknown one is what the reviewer typed, so report it first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        raise source.error(loc, _describe(first)) from None


def _describe(error: object) -> str:
    assert isinstance(error, dict)
    kind = error.get("type", "")
    message = str(error.get("msg", "invalid value"))
    if kind == "extra_forbidden":
        return "unknown key; check its spelling against docs/model.md"
    if kind == "missing":
        return "required key is missing"
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
