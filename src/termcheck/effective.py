"""A customer's effective terms: these terms, as a quote or application form changes them.

第4条 puts 「御見積書」・「御申込書」 above these terms, and 第9条第2項ただし書 lets them set
their own penalty. A quote is a small TOML file in `model/<terms>/quotes/`::

    [quote]
    document = "quote"        # the [[documents]] entry it is (quote or application)
    ja = "御見積書（例）"
    en = "example quote"
    date = "2026-02-01"

    [penalty]                 # optional: the penalty it sets (as model.toml [penalty])
    basis = "fixed-months"
    months = 3

    [notice]                  # optional: the notice period it sets, in months
    months = 1

For each topic the quote speaks to, the precedence relation (termcheck.precedence)
decides which of the quote and these terms governs, executably and in Z3; the effective
terms are model.toml with the governing provisions. The built-in check
"effective-terms-properties" then runs, on the effective terms of every quote, each
scenario property expected to hold that cites a provision the quote departs from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import z3
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator

from termcheck import builtin, check, precedence
from termcheck.check import Evidence, Result, Status
from termcheck.encoding import SymbolicScenario
from termcheck.errors import InputError
from termcheck.paths import project_root
from termcheck.properties import Property, load_properties
from termcheck.report import story
from termcheck.spec import PenaltyBasis, Spec
from termcheck.structural import Run, Undecided, evidence
from termcheck.tomlfile import TomlFile, load_toml

QUOTES = "quotes"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class QuoteInfo(_Strict):
    document: str
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")


class QuotePenalty(_Strict):
    basis: Annotated[PenaltyBasis, Strict(False)]
    months: int | None = Field(default=None, ge=0, le=120)

    @model_validator(mode="after")
    def _months_match_basis(self) -> QuotePenalty:
        if (self.basis is PenaltyBasis.FIXED_MONTHS) != (self.months is not None):
            raise ValueError("`months` goes with basis 'fixed-months', and only with it")
        return self


class QuoteNotice(_Strict):
    months: int = Field(ge=0, le=24)


class QuoteDocument(_Strict):
    quote: QuoteInfo
    penalty: QuotePenalty | None = None
    notice: QuoteNotice | None = None


# The sections of a quote, the topic each speaks to, and the section of model.toml it
# replaces when the quote governs.
SECTIONS: dict[str, str] = {"penalty": "penalty", "notice": "notice"}


@dataclass(frozen=True)
class Quote:
    path: Path
    source: TomlFile
    document: QuoteDocument

    @property
    def name(self) -> str:
        return self.path.stem

    def sections(self) -> list[str]:
        return [name for name in SECTIONS if getattr(self.document, name) is not None]


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
        quotes.append(Quote(path, source, document))
    return quotes


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


def effective_spec(spec: Spec, quote: Quote, decisions: list[Decision]) -> Spec:
    """model.toml with each provision the quote governs replaced by the quote's."""
    doc = spec.document
    update: dict[str, object] = {}
    governs = {d.topic for d in decisions if d.quote_governs}
    if quote.document.penalty is not None and SECTIONS["penalty"] in governs:
        penalty = quote.document.penalty
        update["penalty"] = doc.penalty.model_copy(
            update={"basis": penalty.basis, "months": penalty.months}
        )
    if quote.document.notice is not None and SECTIONS["notice"] in governs:
        update["notice"] = doc.notice.model_copy(update={"months": quote.document.notice.months})
    return replace(spec, document=doc.model_copy(update=update))


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
    cited = {getattr(spec.document, SECTIONS[name]).article for name in quote.sections()}
    return [
        p
        for p in properties
        if p.kind == "scenario" and p.expect == "holds" and cited & set(p.articles)
    ]


@builtin.register("precedence", "effective-terms-properties")
def check_effective_terms(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Every scenario property that holds of these terms and cites a provision a quote
    changes also holds of that quote's effective terms."""
    run = Run(spec, prop, rlimit)
    if not spec.document.documents:
        raise run.missing("documents")
    quotes = load_quotes(spec)
    if not quotes:
        return run.finish(Status.VACUOUS, detail=f"no quotes in {spec.directory / QUOTES}")
    p = precedence.from_spec(spec)
    terms = modelled_document(spec)
    try:
        properties = load_properties(_properties_folder(prop), spec)
    except InputError as exc:
        raise InputError(f"{prop.id}: {exc}") from None
    reports: list[_QuoteReport] = []
    try:
        for quote in quotes:
            decisions = [
                decide(p, quote.document.quote.document, terms, SECTIONS[name])
                for name in quote.sections()
            ]
            for d in decisions:
                if len(d.governing) != 1:
                    return run.undecided(
                        f"{quote.name}: the precedence relation does not decide {d.topic} "
                        f"between {quote.document.quote.document} and {terms}"
                    )
                if not _z3_agrees(run, p, quote.document.quote.document, terms, d):
                    return run.finish(
                        Status.DIVERGENT, detail=f"{quote.name}: Z3 decides {d.topic} otherwise"
                    )
            variant = effective_spec(spec, quote, decisions)
            encodings: dict[str, SymbolicScenario] = {}  # shared by the variant's checks
            affected = _affected(spec, quote, properties)
            results = [_check(variant, q, rlimit, encodings) for q in affected]
            reports.append(_QuoteReport(quote, decisions, variant, results))
    except Undecided as exc:
        return run.undecided(exc.reason)
    return _verdict(run, reports)


def _check(
    variant: Spec,
    prop: Property,
    rlimit: int,
    encodings: dict[str, SymbolicScenario],
) -> Result:
    readings = {
        "notice_reading": variant.adopted_notice_reading.value,
        "liability_reading": variant.adopted_liability_reading.value,
    }
    chosen = {name: readings[name] for name in check.pinned_readings(prop)}
    return check.check_property(variant, prop, chosen, rlimit, encodings)


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
        status, detail = Status.INCONCLUSIVE, "a property of the effective terms is undecided"
    elif Status.DIVERGENT in statuses:
        status, detail = Status.DIVERGENT, "a counterexample on the effective terms did not replay"
    elif Status.VIOLATED in statuses:
        failed = sorted({r.prop.id for r in results if r.status is Status.VIOLATED})
        status, detail = Status.VIOLATED, "fails on the effective terms: " + ", ".join(failed)
    else:
        status, detail = Status.PROVED, f"{len(results)} properties on {len(reports)} quote(s)"
    replayed = None if status is not Status.VIOLATED else True
    result = run.finish(status, evidence=shown, replayed=replayed, detail=detail)
    result.solver_seconds += sum(r.solver_seconds for r in results)
    result.work += sum(r.work for r in results)
    return result


def _evidence(run: Run, reports: list[_QuoteReport]) -> Evidence:
    ja: list[str] = []
    en: list[str] = []
    data: list[dict[str, object]] = []
    for report in reports:
        info = report.quote.document.quote
        ja.append(f"{info.ja}（{report.quote.name}, {info.date}）:")
        en.append(f"{info.en} ({report.quote.name}, {info.date}):")
        for d in report.decisions:
            where = "、".join(run.heading(r.article) for r in d.rows) or "—"
            ja.append(f"  {d.topic}: {d.governing[0]} が優先（{where}）")
            en.append(f"  {d.topic}: {d.governing[0]} governs ({where})")
        for r in report.results:
            ja.append(f"  {r.prop.id}: {r.status.value}")
            en.append(f"  {r.prop.id}: {r.status.value}")
            if r.status is not Status.PROVED:
                ja += [f"    {line}" for line in story(report.variant, r, "ja")]
                en += [f"    {line}" for line in story(report.variant, r, "en")]
        data.append(
            {
                "quote": report.quote.name,
                "document": info.document,
                "effective": {
                    "penalty": report.variant.document.penalty.model_dump(mode="json"),
                    "notice_months": report.variant.notice_months,
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
