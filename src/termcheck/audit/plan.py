"""From a model, a records file's columns and a column map to an :class:`Auditor`.

Decides which column holds which fact and which charge, refuses a file or map that
cannot be checked (a required fact without a column, a map naming a column the file
lacks), and compiles the terms every record can name: the model's own and, when the
records have a quote column, each quote's effective terms (which document prevails is
the model's precedence: :mod:`termcheck.checks.effective`). Quotes whose effective terms
are the same share one compiled model.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from termcheck.audit.check import (
    Auditor,
    ChargeColumn,
    FactColumn,
    Quoted,
    Terms,
    parser,
)
from termcheck.audit.records import ColumnMap, checkable
from termcheck.errors import InputError, Position
from termcheck.model.spec import Spec
from termcheck.paths import display


@dataclass
class Plan:
    """What the audit checks, and how (the driver's view; the auditor is the workers')."""

    auditor: Auditor
    columns: dict[str, str]  # column -> fact or quantity
    ignored: list[str]
    charges: list[str]  # the quantities checked, in the file's order
    readings: dict[str, str]
    quote_column: str | None = None
    key_column: str | None = None
    # Each quote the records may name: the quantities its effective terms set.
    effective: dict[str, dict[str, str]] = field(default_factory=dict)
    shared: dict[str, str] = field(default_factory=dict)  # quote -> the key of its terms
    undecided: dict[str, str] = field(default_factory=dict)  # quote -> why


def plan(
    spec: Spec,
    header: Sequence[str],
    column_map: ColumnMap,
    readings: Mapping[str, str],
    records: Path,
    *,
    width: int | None,
) -> Plan:
    """The checks for records with these columns. `width` is the number of fields every
    row must have (CSV), or None when the rows hold just the columns used, in the order
    :func:`used_columns` gives (Parquet)."""
    _check_columns(spec, header, column_map, records)
    v = spec.vocabulary
    used = used_columns(header, column_map)
    index = {column: i for i, column in enumerate(header if width is not None else used)}
    names = checkable(spec)
    by_column = {column: name for name, column in column_map.columns.items()}
    positions = {e.id: i for i, e in enumerate(v.facts)}
    facts: list[FactColumn] = []
    charge_names: list[str] = []
    charges: list[ChargeColumn] = []
    for column in header:
        name = by_column.get(column)
        if name is None:
            continue
        entry = v.entries[name]
        kind = entry.type
        values = v.enums.get(kind.enum or "", ()) if kind.is_enum else ()
        if names[name] == "fact":
            required = not entry.optional and name not in v.defaults
            missing = f"no value for {name} ({entry.en}), which every case needs"
            facts.append(
                FactColumn(
                    index[column],
                    column,
                    name,
                    positions[name],
                    required,
                    *parser(kind, values),
                    missing,
                )
            )
        else:
            charges.append(
                ChargeColumn(
                    index[column], column, name, len(charge_names), kind, *parser(kind, values)
                )
            )
            charge_names.append(name)
    base = Terms("", v, readings, charge_names)
    terms = {"": base}
    quotes: dict[str, Quoted] = {}
    choices = _QuoteChoices()
    if column_map.quote is not None:
        _quote_terms(spec, readings, charge_names, terms, quotes, choices)
    articles = {e.id: e.article for e in v.entries.values() if e.article}
    for relation in spec.document.relations:
        cited = relation.article if isinstance(relation.article, str) else relation.article[0]
        articles[f"relation:{relation.id}"] = cited
    auditor = Auditor(
        terms,
        facts,
        charges,
        width=width,
        quote_index=index.get(column_map.quote) if column_map.quote else None,
        quote_column=column_map.quote,
        quotes=quotes,
        key_index=index.get(column_map.key) if column_map.key else None,
        articles=articles,
        quotes_folder=display(spec.directory / "quotes"),
    )
    return Plan(
        auditor=auditor,
        columns={column: by_column[column] for column in header if column in by_column},
        ignored=[c for c in header if c and c not in used],
        charges=charge_names,
        readings=dict(base.readings),
        quote_column=column_map.quote,
        key_column=column_map.key,
        effective=choices.effective,
        shared=choices.shared,
        undecided=choices.undecided,
    )


@dataclass
class _QuoteChoices:
    effective: dict[str, dict[str, str]] = field(default_factory=dict)
    shared: dict[str, str] = field(default_factory=dict)
    undecided: dict[str, str] = field(default_factory=dict)


def used_columns(header: Sequence[str], column_map: ColumnMap) -> list[str]:
    """The columns an audit reads, in the file's order."""
    wanted = {*column_map.columns.values(), column_map.quote, column_map.key}
    return [column for column in header if column in wanted]


def _check_columns(spec: Spec, header: Sequence[str], column_map: ColumnMap, records: Path) -> None:
    """Every column the map names is in the file; every fact a case needs has one."""
    present = set(header)
    listing = ", ".join(repr(c) for c in header if c) or "none"
    if column_map.source is not None:
        for name, column in column_map.columns.items():
            if column not in present:
                raise column_map.error(
                    ("columns", name),
                    f"no column {column!r} in {display(records)}; its columns: {listing}",
                )
        for key, named in (("quote", column_map.quote), ("id", column_map.key)):
            if named is not None and named not in present:
                raise column_map.error(
                    (key,), f"no column {named!r} in {display(records)}; its columns: {listing}"
                )
    v = spec.vocabulary
    mapped = set(column_map.columns)
    for entry in v.facts:
        if entry.optional or entry.id in v.defaults or entry.id in mapped:
            continue
        where = "map it in [columns]" if column_map.source is not None else "name a column so"
        message = (
            f"no column holds the fact {entry.id} ({entry.en}), which every case needs: "
            f"{where} (the columns: {listing})"
        )
        if column_map.source is not None:
            raise column_map.error(("columns",), message)
        raise InputError(message, Position(records, 1, 1), "header")


def _quote_terms(
    spec: Spec,
    readings: Mapping[str, str],
    charges: Sequence[str],
    terms: dict[str, Terms],
    quotes: dict[str, Quoted],
    result: _QuoteChoices,
) -> None:
    """The effective terms of every quote of the model (those with the same terms share
    one compiled model); a quote whose precedence the model does not decide is kept
    with the reason, for the records that name it."""
    from termcheck.checks import effective, precedence

    found = effective.load_quotes(spec)
    if not found:
        return
    relation = precedence.from_spec(spec)
    modelled = effective.modelled_document(spec)
    for quote in found:
        document = quote.document.quote.document
        decisions = [
            effective.decide(relation, document, modelled, topic)
            for topic in effective.topics(spec, quote)
        ]
        undecided = [d.topic for d in decisions if len(d.governing) != 1]
        if undecided:
            reason = (
                f"the model's precedence does not decide {', '.join(undecided)} between "
                f"{document} and {modelled}, so the terms of quote {quote.name} are open"
            )
            quotes[quote.name] = Quoted(None, reason)
            result.undecided[quote.name] = reason
            continue
        governing = {d.topic for d in decisions if d.quote_governs}
        sets = {
            name: set_by.formula
            for name, set_by in quote.document.quantities.items()
            if spec.vocabulary.entries[name].topic in governing
        }
        key = json.dumps(sorted(sets.items()), ensure_ascii=False) if sets else ""
        if key not in terms:
            variant = effective.effective_spec(spec, quote, decisions)
            kept = {
                name: option
                for name, option in readings.items()
                if name in variant.vocabulary.entries and variant.vocabulary.entries[name].adopted
            }
            try:
                terms[key] = Terms(key, variant.vocabulary, kept, charges)
            except InputError as exc:
                raise InputError(f"quote {quote.name}: {exc}") from None
        quotes[quote.name] = Quoted(key)
        result.effective[quote.name] = sets
        result.shared[quote.name] = key
