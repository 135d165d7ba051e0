"""properties/*.toml: named properties, parsed and type-checked against a model.

A property file holds `[[property]]` tables::

    [[property]]
    id = "GROUP.NAME"
    articles = ["N-M"]        # the provisions it reads, by the ids `termcheck articles` prints
    title_ja = "…"
    title_en = "…"
    assume = "FORMULA"        # over the model's facts and quantities; "true" if left out
    assert = "FORMULA"
    expect = "holds"          # or "finding", with a `category` and a `reason`

A finding says what it is (`category`): a `defect` of the terms (money or rights they
fail to guarantee), an `ambiguity` (readings disagree), an `inconsistency` (provisions
that conflict), an `undefined` case, an `observation`, or an `example` (what a document
such as a quote would do, not a finding about the terms). Reports list them in that order.

A property over several cases names them (`scenarios = ["a", "b"]`) and prefixes every
fact and quantity (`a.notice_deadline`); the model's constants stay unprefixed. It may
fix the reading of a quantity for each case (`readings = { a = { notice_deadline =
"end-of-month" } }`, or `readings = { notice_deadline = "clear-months" }` for one case).
A property names only what the model declares: anything else is refused at load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from termcheck.errors import InputError, Position
from termcheck.language.ast import Expr, names_used
from termcheck.language.bounds import check_divisors
from termcheck.language.parse import parse
from termcheck.language.typecheck import check
from termcheck.language.types import BOOL
from termcheck.model.spec import Spec
from termcheck.model.tomlfile import TomlFile, load_toml, value_origin
from termcheck.paths import display
from termcheck.verify.registry import Registry

PropertyId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.\-]*$")]
CaseName = Annotated[str, StringConstraints(pattern=r"^[a-z]$")]
Loc = tuple[str | int, ...]
# What a finding is, most pressing first: the order reports list findings in.
CATEGORIES = ("defect", "ambiguity", "inconsistency", "undefined", "observation", "example")
Category = Literal["defect", "ambiguity", "inconsistency", "undefined", "observation", "example"]


class _PropertyDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    id: PropertyId
    articles: list[str] = Field(min_length=1)
    title_ja: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    kind: str = "scenario"
    check: str | None = None
    params: dict[str, str] = Field(default_factory=dict, alias="with")
    scenarios: list[CaseName] = Field(default_factory=list, max_length=3)
    readings: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    # "possible": only cases the model's relations allow (the default); "any": every
    # combination of facts, on purpose.
    cases: Literal["possible", "any"] = "possible"
    # Checked under every reading of the quantities it leaves open, and proved only if
    # it holds under each ("whatever the reading").
    every_reading: bool = False
    assume: str = "true"
    assertion: str | None = Field(default=None, alias="assert", min_length=1)
    expect: Literal["holds", "finding"]
    category: Category | None = None
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
    scenarios: tuple[str, ...]  # empty: one unnamed case
    assume_text: str
    assert_text: str
    assume: Expr
    assertion: Expr
    expect: Literal["holds", "finding"]
    reason: str | None
    path: str
    line: int
    # "scenario": assume/assert over cases, proved by termcheck.verify.scenario. Any
    # other kind names a built-in check of that part of the model.
    kind: str = "scenario"
    check: str | None = None
    reason_ja: str | None = None  # the reason for Japanese readers; `reason` is English
    # The readings each case is fixed to, by case name ("" for one unnamed case).
    pinned: dict[str, dict[str, str]] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    any_case: bool = False
    every_reading: bool = False
    category: Category | None = None  # a finding's kind (CATEGORIES); None for `holds`

    @property
    def names(self) -> frozenset[str]:
        return names_used(self.assume) | names_used(self.assertion)

    @property
    def case_names(self) -> tuple[str, ...]:
        return self.scenarios or ("",)

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en


def load_properties(directory: Path, spec: Spec, registry: Registry) -> list[Property]:
    """Every property of every *.toml file in `directory`, in file then document order."""
    if not directory.is_dir():
        raise InputError("properties folder not found", Position(display(directory)))
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise InputError("no *.toml property files here", Position(display(directory)))
    loaded: list[Property] = []
    seen: dict[str, str] = {}
    for path in files:
        for prop in load_property_file(path, spec, registry):
            if prop.id in seen:
                raise InputError(
                    f"property id {prop.id!r} is already used at {seen[prop.id]}",
                    Position(prop.path, prop.line),
                    "id",
                )
            seen[prop.id] = f"{prop.path}:{prop.line}"
            loaded.append(prop)
    return loaded


def load_property_file(path: Path, spec: Spec, registry: Registry) -> list[Property]:
    source = load_toml(path)
    source.path = Path(display(path))
    try:
        document = _PropertyFile.model_validate(source.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(
            part
            for part in first["loc"]
            if isinstance(part, str | int) and not (isinstance(part, str) and "[" in part)
        )
        raise source.error(loc, str(first["msg"])) from None
    return [
        _build(source, index, entry, spec, registry)
        for index, entry in enumerate(document.property)
    ]


def _build(
    source: TomlFile, index: int, entry: _PropertyDocument, spec: Spec, registry: Registry
) -> Property:
    loc: Loc = ("property", index)
    line = source.line_of(loc) or 1
    known_articles = {article.id for article in spec.articles}
    for article in entry.articles:
        if article not in known_articles:
            raise source.error(
                (*loc, "articles"),
                f"{entry.id}: cites article {article!r}, which the terms do not have; "
                "run `termcheck articles` to list the ids",
            )
    if entry.expect == "finding" and not entry.reason:
        raise source.error((*loc, "reason"), f"{entry.id}: a finding needs a `reason`")
    if entry.expect == "finding" and entry.category is None:
        raise source.error(
            (*loc, "expect"),
            f"{entry.id}: say what the finding is: category = " + " | ".join(CATEGORIES),
        )
    if entry.expect == "holds" and entry.category is not None:
        raise source.error(
            (*loc, "category"),
            f'{entry.id}: only a finding has a category; remove it, or expect = "finding"',
        )
    if len(set(entry.scenarios)) != len(entry.scenarios):
        raise source.error((*loc, "scenarios"), f"{entry.id}: a scenario is named twice")
    _check_kind(source, loc, entry, registry)
    cases = tuple(entry.scenarios)
    pinned = _pinned(source, loc, entry, spec, cases)
    present = source.data["property"][index]
    assume = _expression(
        source,
        (*loc, "assume"),
        entry.assume,
        f"{entry.id}.assume",
        spec,
        cases,
        "assume" in present,
    )
    assert_text = entry.assertion or "true"
    assertion = _expression(
        source,
        (*loc, "assert"),
        assert_text,
        f"{entry.id}.assert",
        spec,
        cases,
        "assert" in present,
    )
    return Property(
        id=entry.id,
        articles=tuple(entry.articles),
        title_ja=entry.title_ja,
        title_en=entry.title_en,
        scenarios=cases,
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
        category=entry.category,
        pinned=pinned,
        params=dict(entry.params),
        any_case=entry.cases == "any",
        every_reading=entry.every_reading,
    )


def _check_kind(source: TomlFile, loc: Loc, entry: _PropertyDocument, registry: Registry) -> None:
    if entry.kind == "scenario":
        if entry.assertion is None:
            raise source.error((*loc, "assert"), f"{entry.id}: a scenario property needs `assert`")
        for key, value in (("check", entry.check), ("with", entry.params or None)):
            if value is not None:
                raise source.error(
                    (*loc, key), f"{entry.id}: `{key}` is only for kinds other than scenario"
                )
        return
    kinds = registry.kinds()
    if entry.kind not in kinds:
        listed = ", ".join(["scenario", *kinds])
        raise source.error(
            (*loc, "kind"), f"{entry.id}: kind {entry.kind!r} is not one of: {listed}"
        )
    offered = registry.names(entry.kind)
    if entry.check not in offered:
        listing = ", ".join(offered) or "none yet"
        raise source.error(
            (*loc, "check"),
            f"{entry.id}: a {entry.kind} property names one of the built-in checks: {listing}",
        )
    if entry.assertion is not None or entry.assume != "true" or entry.scenarios or entry.readings:
        raise source.error(
            (*loc, "kind"),
            f"{entry.id}: a {entry.kind} property takes `check` (and `with`), "
            "not assume/assert/scenarios/readings",
        )
    wanted = registry.params(entry.kind, entry.check)
    for key in entry.params:
        if key not in wanted:
            listed = ", ".join(wanted) or "none"
            raise source.error(
                (*loc, "with", key),
                f"{entry.id}: {entry.check} takes no parameter {key!r}; it takes: {listed}",
            )
    missing = [key for key in registry.required(entry.kind, entry.check) if key not in entry.params]
    if missing:
        raise source.error((*loc, "with"), f"{entry.id}: {entry.check} needs `with.{missing[0]}`")


def _pinned(
    source: TomlFile, loc: Loc, entry: _PropertyDocument, spec: Spec, cases: tuple[str, ...]
) -> dict[str, dict[str, str]]:
    """The readings the property fixes, by case; every name and option must exist."""
    where: Loc = (*loc, "readings")
    by_case: dict[str, dict[str, str]] = {}
    if not cases:
        flat = {k: v for k, v in entry.readings.items() if isinstance(v, str)}
        if len(flat) != len(entry.readings):
            raise source.error(
                where, f'{entry.id}: one case: write readings = {{ quantity = "reading" }}'
            )
        by_case[""] = flat
    else:
        for case, chosen in entry.readings.items():
            if case not in cases or not isinstance(chosen, dict):
                raise source.error(
                    (*where, case),
                    f"{entry.id}: name the readings of each case: readings = "
                    f'{{ {cases[0]} = {{ quantity = "reading" }} }}',
                )
            by_case[case] = dict(chosen)
    entries = spec.vocabulary.entries
    for case, chosen in by_case.items():
        for name, option in chosen.items():
            key = (*where, case, name) if case else (*where, name)
            entry_ = entries.get(name)
            if entry_ is None or not entry_.adopted:
                offered = ", ".join(e.id for e in spec.vocabulary.with_readings) or "none"
                raise source.error(
                    key,
                    f"{entry.id}: {name!r} has no readings (quantities with readings: {offered})",
                )
            if option not in entry_.formulas:
                listed = ", ".join(sorted(entry_.formulas))
                raise source.error(
                    key, f"{entry.id}: {option!r} is not a reading of {name}: {listed}"
                )
    return by_case


def _expression(
    source: TomlFile,
    loc: Loc,
    text: str,
    field_name: str,
    spec: Spec,
    cases: tuple[str, ...],
    present: bool,
) -> Expr:
    origin = value_origin(source, loc, present)
    expr = parse(text, origin, field_name)
    found = check(expr, spec.vocabulary.scope(cases), origin, field_name, BOOL)
    if found != BOOL:
        raise InputError(
            f"must be true or false, but this expression is of type {found}", origin, field_name
        )
    check_divisors(spec.vocabulary.bounds, expr, origin, field_name)
    return expr
