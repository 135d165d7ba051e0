"""properties/*.toml: named properties, parsed and type-checked against the vocabulary.

A property file holds `[[property]]` tables::

    [[property]]
    id = "penalty.within-remaining-fees"
    articles = ["9-2"]
    title_ja = "違約金は残余期間の利用料金を超えない"
    title_en = "The penalty never exceeds the remaining-term fees"
    assume = "penalty_applies"
    assert = "penalty <= remaining_term_fees"
    expect = "holds"          # or "finding", with a `reason`

A property over two customers names them (`scenarios = ["a", "b"]`) and prefixes
every input and derived quantity (`a.notice_deadline`); parameters stay unprefixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from termcheck import builtin, language
from termcheck.errors import InputError, Position
from termcheck.paths import display
from termcheck.spec import Spec
from termcheck.tomlfile import TomlFile, load_toml
from termcheck.vocabulary import BY_NAME, Kind, Type

PropertyId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]*$")]
ScenarioName = Annotated[str, StringConstraints(pattern=r"^[a-z]$")]


class _PropertyDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    id: PropertyId
    articles: list[str] = Field(min_length=1)
    title_ja: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    kind: Literal["scenario", "precedence", "lifecycle", "price-list"] = "scenario"
    check: str | None = None
    scenarios: list[ScenarioName] = Field(default_factory=list, max_length=3)
    assume: str = "true"
    assertion: str | None = Field(default=None, alias="assert", min_length=1)
    expect: Literal["holds", "finding"]
    reason: str | None = None
    reason_ja: str | None = None


class _PropertyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    property: list[_PropertyDocument] = Field(min_length=1)


@dataclass(frozen=True)
class Property:
    """A loaded, type-checked property."""

    id: str
    articles: tuple[str, ...]
    title_ja: str
    title_en: str
    scenarios: tuple[str, ...]  # empty: one unnamed scenario
    assume_text: str
    assert_text: str
    assume: language.Expr
    assertion: language.Expr
    expect: Literal["holds", "finding"]
    reason: str | None
    path: str
    line: int
    # "scenario": assume/assert over customers, proved by termcheck.check. Any other
    # kind names a built-in check of that part of the model (termcheck.builtin).
    kind: str = "scenario"
    check: str | None = None
    reason_ja: str | None = None  # the reason for Japanese readers; `reason` is English

    @property
    def names(self) -> frozenset[str]:
        return language.names_used(self.assume) | language.names_used(self.assertion)

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en


def name_types(scenarios: tuple[str, ...]) -> dict[str, Type]:
    """The names a property may use, with their types."""
    names: dict[str, Type] = {}
    for quantity in BY_NAME.values():
        if quantity.kind is Kind.PARAMETER or not scenarios:
            names[quantity.name] = quantity.type
        else:
            for scenario in scenarios:
                names[f"{scenario}.{quantity.name}"] = quantity.type
    return names


def load_properties(directory: Path, spec: Spec) -> list[Property]:
    """Every property of every *.toml file in `directory`, in file then document order."""
    if not directory.is_dir():
        raise InputError("properties folder not found", Position(display(directory)))
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise InputError("no *.toml property files here", Position(display(directory)))
    loaded: list[Property] = []
    seen: dict[str, str] = {}
    for path in files:
        for prop in load_property_file(path, spec):
            if prop.id in seen:
                raise InputError(
                    f"property id {prop.id!r} is already used at {seen[prop.id]}",
                    Position(prop.path, prop.line),
                    "id",
                )
            seen[prop.id] = f"{prop.path}:{prop.line}"
            loaded.append(prop)
    return loaded


def load_property_file(path: Path, spec: Spec) -> list[Property]:
    source = load_toml(path)
    source.path = Path(display(path))
    try:
        document = _PropertyFile.model_validate(source.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        raise source.error(loc, str(first["msg"])) from None
    known_articles = {article.id for article in spec.articles}
    return [
        _build(source, index, entry, known_articles)
        for index, entry in enumerate(document.property)
    ]


def _build(
    source: TomlFile, index: int, entry: _PropertyDocument, known_articles: set[str]
) -> Property:
    loc: tuple[str | int, ...] = ("property", index)
    line = source.line_of(loc) or 1
    for article in entry.articles:
        if article not in known_articles:
            raise source.error(
                (*loc, "articles"),
                f"{entry.id}: cites article {article!r}, which the terms do not have; "
                "run `termcheck articles` to list the ids",
            )
    if entry.expect == "finding" and not entry.reason:
        raise source.error((*loc, "reason"), f"{entry.id}: a finding needs a `reason`")
    if len(set(entry.scenarios)) != len(entry.scenarios):
        raise source.error((*loc, "scenarios"), f"{entry.id}: a scenario is named twice")
    _check_kind(source, loc, entry)
    scenarios = tuple(entry.scenarios)
    names = name_types(scenarios)
    assume = _expression(source, (*loc, "assume"), entry.assume, f"{entry.id}.assume", names)
    assert_text = entry.assertion or "true"
    assertion = _expression(source, (*loc, "assert"), assert_text, f"{entry.id}.assert", names)
    return Property(
        id=entry.id,
        articles=tuple(entry.articles),
        title_ja=entry.title_ja,
        title_en=entry.title_en,
        scenarios=scenarios,
        assume_text=entry.assume,
        assert_text=assert_text,
        assume=assume,
        assertion=assertion,
        expect=entry.expect,
        reason=entry.reason,
        path=str(source.path),
        line=line,
        kind=entry.kind,
        check=entry.check,
        reason_ja=entry.reason_ja,
    )


def _check_kind(source: TomlFile, loc: tuple[str | int, ...], entry: _PropertyDocument) -> None:
    if entry.kind == "scenario":
        if entry.assertion is None:
            raise source.error((*loc, "assert"), f"{entry.id}: a scenario property needs `assert`")
        if entry.check is not None:
            raise source.error(
                (*loc, "check"), f"{entry.id}: `check` is only for kinds other than scenario"
            )
        return
    offered = builtin.names(entry.kind)
    if entry.check not in offered:
        listing = ", ".join(offered) or "none yet"
        raise source.error(
            (*loc, "check"),
            f"{entry.id}: a {entry.kind} property names one of the built-in checks: {listing}",
        )
    if entry.assertion is not None or entry.assume != "true" or entry.scenarios:
        raise source.error(
            (*loc, "kind"),
            f"{entry.id}: a {entry.kind} property takes `check`, not assume/assert/scenarios",
        )


def _expression(
    source: TomlFile,
    loc: tuple[str | int, ...],
    text: str,
    field: str,
    names: dict[str, Type],
) -> language.Expr:
    origin = _origin(source, loc)
    expr = language.parse(text, origin, field)
    found = language.check(expr, names, origin, field)
    if found is not Type.BOOL:
        raise InputError(
            f"must be true or false, but this expression is of type {found.value}",
            origin,
            field,
        )
    return expr


_STRING_START = re.compile(r"=\s*(\"\"\"|'''|\"|')")


def _origin(source: TomlFile, loc: tuple[str | int, ...]) -> Position:
    """Where the expression's first character stands in the file."""
    line = source.line_of(loc)
    if line is None or loc[-1] not in source.data["property"][loc[1]]:
        # A default (`assume` left out): point at the property itself.
        return Position(source.path, source.line_of(loc[:2]) or 1, 1)
    text = source.text.splitlines()[line - 1]
    match = _STRING_START.search(text)
    if match is None:
        return Position(source.path, line, 1)
    if len(match.group(1)) == 3 and match.end() == len(text.rstrip()):
        # A multi-line string starting right after its opening quotes: TOML drops
        # that first newline, so the expression starts on the next line.
        return Position(source.path, line + 1, 1)
    return Position(source.path, line, match.end() + 1)
