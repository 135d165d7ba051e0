"""A customer's effective terms: these terms, as a quote or application form changes them.

A quote (or an application form) can rank above the terms and set some of their
quantities itself. A quote is a small TOML file in `model/<terms>/quotes/`::

    [quote]
    document = "quote"        # the [[documents]] entry it is
    ja = "御見積書（例）"
    en = "example quote"
    date = "2026-02-01"

    [quantities.penalty]      # a quantity of model.toml, with the quote's formula
    formula = "if penalty_applies then 3 * monthly_fee else 0"

For each quantity the quote sets, the precedence relation (termcheck.checks.precedence)
decides, by the quantity's `topic`, which of the quote and these terms governs,
executably and in Z3; the effective terms are model.toml with the governing formulas.
The built-in check "effective-terms-properties" then runs, on the effective terms of every
quote, each scenario property expected to hold that cites a provision the quote departs
from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import z3
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from termcheck.checks import precedence
from termcheck.checks._registry import REGISTRY
from termcheck.checks.structural import Run, Undecided, evidence
from termcheck.errors import InputError
from termcheck.language.parse import parse
from termcheck.language.typecheck import check
from termcheck.model.schema import a_day
from termcheck.model.spec import Spec
from termcheck.model.tomlfile import TomlFile, load_toml, value_origin
from termcheck.paths import project_root
from termcheck.report.present import for_people
from termcheck.report.story import story
from termcheck.verify.properties import Property, load_properties
from termcheck.verify.results import Evidence, Options, Result, Status
from termcheck.verify.scenario import Encodings, check_property, reading_choice

QUOTES = "quotes"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class QuoteInfo(_Strict):
    document: str
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")

    _date_is_a_day = field_validator("date")(a_day)


class QuoteQuantity(_Strict):
    formula: str = Field(min_length=1)


class QuoteDocument(_Strict):
    quote: QuoteInfo
    quantities: dict[str, QuoteQuantity] = Field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    path: Path
    source: TomlFile
    document: QuoteDocument

    @property
    def name(self) -> str:
        return self.path.stem

    def quantities(self) -> list[str]:
        return list(self.document.quantities)


def load_quotes(spec: Spec) -> list[Quote]:
    """Every quotes/*.toml of the model, sorted; a defect is an InputError at its line."""
    folder = spec.directory / QUOTES
    quotes = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        source = load_toml(path)
        try:
            document = QuoteDocument.model_validate(source.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
            raise source.error(loc, str(first["msg"])) from None
        known = [d.id for d in spec.document.documents]
        if document.quote.document not in known:
            raise source.error(
                ("quote", "document"),
                f"{document.quote.document!r} is not one of: {', '.join(known)}",
            )
        _check_quantities(spec, source, document)
        quotes.append(Quote(path, source, document))
    return quotes


def _check_quantities(spec: Spec, source: TomlFile, document: QuoteDocument) -> None:
    """Each quantity a quote sets exists, has a topic a quote can speak to, and its
    formula type-checks against the model (errors name the quote's line)."""
    entries = spec.vocabulary.entries
    scope = spec.vocabulary.scope()
    for name, quantity in document.quantities.items():
        loc: tuple[str | int, ...] = ("quantities", name)
        entry = entries.get(name)
        if entry is None or entry.kind == "fact":
            raise source.error(loc, f"{name!r} is not a quantity of the model")
        if entry.topic is None:
            raise source.error(
                loc,
                f"the model gives {name!r} no `topic`, so nothing says whether a quote may set it",
            )
        where = (*loc, "formula")
        origin = value_origin(source, where)
        field = ".".join(map(str, where))
        expr = parse(quantity.formula, origin, field)
        found = check(expr, scope, origin, field, entry.type)
        if found != entry.type:
            raise InputError(f"must be {entry.type}, not {found}", origin, field)


# --- The effective terms -----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """Which of the quote and these terms governs one topic, and by which rows."""

    topic: str
    governing: tuple[str, ...]  # exactly one document when the relation decides
    rows: tuple[precedence.Row, ...]

    @property
    def quote_governs(self) -> bool:
        return len(self.governing) == 1 and self.rows != ()


def decide(p: precedence.Precedence, quote: str, terms: str, topic: str) -> Decision:
    winners = precedence.governing(p, topic, [quote, terms])
    rows = precedence.chain(p, quote, terms, topic) if winners == [quote] else []
    return Decision(topic, tuple(winners), tuple(rows))


def modelled_document(spec: Spec) -> str:
    for document in spec.document.documents:
        if document.modelled:
            return document.id
    raise spec.source.error(
        ("documents",), "no document is marked `modelled = true` (the one model.toml reads)"
    )


def topics(spec: Spec, quote: Quote) -> list[str]:
    """The topics of the quantities a quote sets, each once, in the quote's order."""
    found: list[str] = []
    for name in quote.quantities():
        topic = spec.vocabulary.entries[name].topic
        if topic is not None and topic not in found:
            found.append(topic)
    return found


def effective_spec(spec: Spec, quote: Quote, decisions: list[Decision]) -> Spec:
    """model.toml with each quantity the quote governs given the quote's formula."""
    doc = spec.document
    governs = {d.topic for d in decisions if d.quote_governs}
    quantities = dict(doc.quantities)
    for name, set_by_quote in quote.document.quantities.items():
        if spec.vocabulary.entries[name].topic in governs:
            quantities[name] = quantities[name].model_copy(
                update={"formula": set_by_quote.formula, "readings": None, "adopted": None}
            )
    return spec.with_document(doc.model_copy(update={"quantities": quantities}))


def _z3_agrees(run: Run, p: precedence.Precedence, quote: str, terms: str, d: Decision) -> bool:
    """The symbolic relation decides the topic the same way."""
    enc = precedence.Encoding(p)
    solver = run.fresh_solver()
    solver.add(enc.t == enc.topic_code[d.topic])
    over = enc.closure_from(quote)[terms]
    under = enc.closure_from(terms)[quote]
    quote_wins = run.sat(z3.And(over, z3.Not(under)), solver=solver)
    terms_wins = run.sat(z3.And(under, z3.Not(over)), solver=solver)
    if d.governing == (quote,):
        return quote_wins
    if d.governing == (terms,):
        return terms_wins
    return not quote_wins and not terms_wins


# --- The built-in check ------------------------------------------------------------------------


def _properties_folder(prop: Property) -> Path:
    """The folder the property was loaded from (its path is relative for display)."""
    path = Path(prop.path)
    if not path.is_absolute() and not path.exists():
        path = project_root() / path
    return path.parent


def _affected(spec: Spec, quote: Quote, properties: list[Property]) -> list[Property]:
    """The scenario properties expected to hold that cite a provision the quote sets."""
    entries = spec.vocabulary.entries
    cited = {article for name in quote.quantities() for article in entries[name].articles}
    return [
        p
        for p in properties
        if p.kind == "scenario" and p.expect == "holds" and cited & set(p.articles)
    ]


@REGISTRY.register("precedence", "effective-terms-properties")
def check_effective_terms(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Every scenario property that holds of these terms and cites a provision a quote
    changes also holds of that quote's effective terms."""
    run = Run(spec, prop, rlimit)
    if not spec.document.documents:
        raise run.missing("documents")
    quotes = load_quotes(spec)
    if not quotes:
        return run.finish(
            Status.VACUOUS,
            detail=f"no quotes in {spec.directory / QUOTES}",
            detail_ja=f"`{spec.directory / QUOTES}` に見積りがない",
        )
    p = precedence.from_spec(spec)
    terms = modelled_document(spec)
    reports: list[_QuoteReport] = []
    try:
        for quote in quotes:
            decisions = [
                decide(p, quote.document.quote.document, terms, topic)
                for topic in topics(spec, quote)
            ]
            for d in decisions:
                if len(d.governing) != 1:
                    return run.undecided(
                        f"{quote.name}: the precedence relation does not decide {d.topic} "
                        f"between {quote.document.quote.document} and {terms}",
                        f"{quote.name}: 優先関係は{p.name(quote.document.quote.document, 'ja')}と"
                        f"{p.name(terms, 'ja')}のどちらが{p.name(d.topic, 'ja')}を定めるか決めない",
                    )
                if not _z3_agrees(run, p, quote.document.quote.document, terms, d):
                    return run.finish(
                        Status.DIVERGENT,
                        detail=f"{quote.name}: Z3 decides {d.topic} otherwise",
                        detail_ja=f"{quote.name}: {p.name(d.topic, 'ja')}についてZ3の決定が異なる",
                    )
            variant = effective_spec(spec, quote, decisions)
            try:
                # Loaded against the variant: a constant the quote changes may stand in a
                # property where the language needs a number known before solving.
                properties = load_properties(_properties_folder(prop), variant, REGISTRY)
            except InputError as exc:
                raise InputError(f"{prop.id}: {exc}") from None
            encodings: Encodings = {}  # shared by the variant's checks
            affected = _affected(variant, quote, properties)
            terms_key = variant.document.model_dump_json()
            results = [_check_once(variant, terms_key, q, rlimit, encodings) for q in affected]
            reports.append(_QuoteReport(quote, decisions, variant, results))
    except Undecided as exc:
        return run.undecided(exc)
    return _verdict(run, reports)


# Results on a quote's effective terms, by the terms and what a property says (not its
# id): a project whose property files say the same thing twice (or that holds this check
# more than once) checks each claim on each quote's terms once per process, so the check
# grows with the properties, not with their square. Emptied when the terms change.
_CHECKED: dict[tuple[str, int, str], Result] = {}


def _check_once(
    variant: Spec, terms_key: str, prop: Property, rlimit: int, encodings: Encodings
) -> Result:
    says = (prop.assume_text, prop.assert_text, prop.scenarios, sorted(prop.pinned.items()))
    claim = repr((*says, prop.any_case, prop.every_reading, prop.expect))
    key = (terms_key, rlimit, claim)
    if key not in _CHECKED:
        if any(known[0] != terms_key for known in _CHECKED):
            _CHECKED.clear()  # another quote's or another model's terms: not needed again
        _CHECKED[key] = _check(variant, prop, rlimit, encodings)
    return replace(_CHECKED[key], prop=prop)


def _check(variant: Spec, prop: Property, rlimit: int, encodings: Encodings) -> Result:
    # The quote's terms have no implementation of their own to replay through.
    options = Options(rlimit=rlimit, implementation=False)
    return check_property(variant, prop, reading_choice(variant, prop, {}), options, encodings)


@dataclass
class _QuoteReport:
    quote: Quote
    decisions: list[Decision]
    variant: Spec
    results: list[Result]


def _verdict(run: Run, reports: list[_QuoteReport]) -> Result:
    results = [r for report in reports for r in report.results]
    statuses = {r.status for r in results}
    shown = _evidence(run, reports)
    if statuses & {Status.INCONCLUSIVE, Status.VACUOUS}:
        status = Status.INCONCLUSIVE
        detail = "a property of the effective terms is undecided"
        detail_ja = "実効的な約款について判定できない性質がある"
    elif Status.DIVERGENT in statuses:
        status = Status.DIVERGENT
        detail = "a counterexample on the effective terms did not replay"
        detail_ja = "実効的な約款での反例が再現しなかった"
    elif Status.VIOLATED in statuses:
        failed = sorted({r.prop.id for r in results if r.status is Status.VIOLATED})
        status = Status.VIOLATED
        detail = "fails on the effective terms: " + ", ".join(failed)
        detail_ja = "実効的な約款で成り立たない性質: " + "、".join(failed)
    else:
        status = Status.PROVED
        detail = f"{len(results)} properties on {len(reports)} quote(s)"
        detail_ja = f"見積り{len(reports)}件について性質{len(results)}件"
    replayed = None if status is not Status.VIOLATED else True
    result = run.finish(
        status, evidence=shown, replayed=replayed, detail=detail, detail_ja=detail_ja
    )
    result.solver_seconds += sum(r.solver_seconds for r in results)
    return result


# A status as the evidence's Japanese lines tell it.
_STATUS_JA = {
    Status.PROVED: "証明済み",
    Status.VIOLATED: "反例あり",
    Status.INCONCLUSIVE: "判定不能",
    Status.VACUOUS: "前提が成り立たない",
    Status.DIVERGENT: "モデルと規則の不一致",
}


def _date_ja(iso: str) -> str:
    return for_people(dt.date.fromisoformat(iso), "date", "ja")


def _evidence(run: Run, reports: list[_QuoteReport]) -> Evidence:
    p = precedence.from_spec(run.spec)
    ja: list[str] = []
    en: list[str] = []
    data: list[dict[str, object]] = []
    for report in reports:
        info = report.quote.document.quote
        ja.append(f"{info.ja}（{report.quote.name}、{_date_ja(info.date)}）:")
        en.append(f"{info.en} ({report.quote.name}, {info.date}):")
        for d in report.decisions:
            where = "、".join(run.heading(r.article) for r in d.rows) or "—"
            ja.append(f"  {p.name(d.topic, 'ja')}: {p.name(d.governing[0], 'ja')}が優先（{where}）")
            en.append(f"  {d.topic}: {d.governing[0]} governs ({where})")
        for r in report.results:
            ja.append(f"  {r.prop.id}: {_STATUS_JA[r.status]}")
            en.append(f"  {r.prop.id}: {r.status.value}")
            if r.status is not Status.PROVED:
                ja += [f"    {line}" for line in story(report.variant, r, "ja")]
                en += [f"    {line}" for line in story(report.variant, r, "en")]
        data.append(
            {
                "quote": report.quote.name,
                "document": info.document,
                "effective": {
                    name: report.quote.document.quantities[name].formula
                    for name in report.quote.quantities()
                },
                "decisions": [
                    {
                        "topic": d.topic,
                        "governing": list(d.governing),
                        "articles": [row.article for row in d.rows],
                    }
                    for d in report.decisions
                ],
                "properties": {r.prop.id: r.status.value for r in report.results},
            }
        )
    return evidence({"quotes": data}, ja, en)
