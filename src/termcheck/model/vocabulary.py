"""The vocabulary of one model: every fact and quantity, typed, with its formulas.

Built from model.toml's [[enums]], [[facts]], [[relations]] and [quantities]: each
formula is parsed and type-checked in the language, the quantities are put in an order
in which each comes after what it names (a cycle is an error naming the cycle), and
each gets its bounds (for the Z3 meaning) and the facts and readings it depends on.

A quantity that depends on no fact is a *constant* (the minimum term's months, the
grounds that carry a penalty); an integer constant without readings may stand where
the language wants a number known before solving, as in ``add_months(m, -notice_months)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Literal

from termcheck.errors import InputError, Position
from termcheck.language.ast import Call, Expr, names_used, nodes
from termcheck.language.bounds import (
    Bounds,
    Interval,
    business_days_defined,
    check_divisors,
    horizon_months,
)
from termcheck.language.evaluate import Context, EvaluationError, eval_concrete
from termcheck.language.functions import FUNCTIONS
from termcheck.language.parse import parse
from termcheck.language.typecheck import Scope, check
from termcheck.language.types import BOOL, INT, MONTH, YEN, Type, parse_type
from termcheck.model.schema import NAME, ModelDocument, Quantity, ReadingInfo
from termcheck.model.tomlfile import TomlFile, value_origin
from termcheck.semantics import calendar
from termcheck.semantics.businessdays import BusinessCalendar, read_table, stored_table

Kind = Literal["fact", "constant", "derived"]
Loc = tuple[str | int, ...]
SINGLE = ""  # the reading id of a quantity with one formula

# Bounds of int and yen facts that do not declare their own: far above any fee or count
# a contract has, and small enough that every product stays a finite case split.
DEFAULT_YEN = Interval(0, 1_000_000_000)
DEFAULT_INT = Interval(0, 1_000_000)
# The month a timeline's mark rules speak of (report.marks).
THIS_MONTH = "this_month"


@dataclass(frozen=True)
class Entry:
    """A fact or a quantity: what it is, where the terms say it, how it is computed."""

    id: str
    kind: Kind
    type: Type
    articles: tuple[str, ...]
    ja: str
    en: str
    # Each reading's formula by reading id; a quantity with one formula has it under "".
    formulas: Mapping[str, Expr] = field(default_factory=dict)
    adopted: str = SINGLE
    readings: Mapping[str, ReadingInfo] = field(default_factory=dict)
    uses: frozenset[str] = frozenset()  # the names its formulas mention
    facts: frozenset[str] = frozenset()  # the facts it depends on, however indirectly
    # The quantities with readings it depends on (itself included): a property naming
    # it is checked under each of their readings with --all-readings.
    depends_on_readings: frozenset[str] = frozenset()
    bounds: Interval | None = None
    # A date fact's first and last possible day: its bounds say only the months, and a
    # min of "2026-03-15" must not admit 2026-03-01.
    days: tuple[date, date] | None = None
    phrase: str | None = None
    topic: str | None = None
    optional: bool = False
    loc: Loc = ()
    # Its value may not exist for some case of the facts' bounds: it counts business days
    # over dates the holiday table may not cover (however indirectly). Such a quantity
    # bounds the cases of every property, so the encoding compiles it at once.
    partial: bool = False

    @property
    def article(self) -> str:
        """The first article it cites: where a reader looks for it."""
        return self.articles[0] if self.articles else ""

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en

    def formula(self, reading: str | None = None) -> Expr:
        return self.formulas[reading or self.adopted]


@dataclass(frozen=True)
class Checked:
    """A formula of the model outside [quantities] (a relation, a preference, a report
    rule), parsed and type-checked, with where it stands."""

    text: str
    expr: Expr
    loc: Loc


@dataclass
class Vocabulary:
    enums: dict[str, tuple[str, ...]]
    entries: dict[str, Entry]  # facts in declared order, then quantities in model order
    order: tuple[str, ...]  # the quantities, each after every quantity it names
    constants: dict[str, object]  # the value of each constant under the adopted readings
    relations: list[tuple[str, Checked]]  # by relation id
    defaults: dict[str, Checked]  # a fact's default for calc
    prefer: dict[str, Checked]  # a fact's preferred value in a counterexample
    witness_prefer: list[Checked]
    calendar: BusinessCalendar | None
    bounds: Bounds = field(repr=False)
    # The formulas of [report], by the table they stand in: ("charges", 0) → {"count": …}.
    report_formulas: dict[tuple[str | int, ...], dict[str, Expr]] = field(default_factory=dict)

    @property
    def facts(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == "fact"]

    @property
    def quantities(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind != "fact"]

    @property
    def derived(self) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == "derived"]

    @property
    def with_readings(self) -> list[Entry]:
        return [e for e in self.entries.values() if len(e.formulas) > 1 or e.adopted]

    def types(self) -> dict[str, Type]:
        return {name: entry.type for name, entry in self.entries.items()}

    def scope(self, cases: tuple[str, ...] = (), extra: Mapping[str, Type] | None = None) -> Scope:
        """What a formula may name: every fact and quantity, or for a property over
        several cases each case's (`a.penalty`), constants unqualified."""
        names: dict[str, Type] = {}
        for name, entry in self.entries.items():
            if not cases or entry.kind == "constant":
                names[name] = entry.type
            if cases and entry.kind != "constant":
                for case in cases:
                    names[f"{case}.{name}"] = entry.type
        names.update(extra or {})
        return Scope(names, self.enums, self.calendar is not None, self.static_constants())

    def static_constants(self) -> dict[str, object]:
        return {
            name: value
            for name, value in self.constants.items()
            if not self.entries[name].depends_on_readings
        }

    def context(self) -> Context:
        return Context(self.calendar)

    def name_bounds(self, name: str) -> Interval | None:
        """Bounds of a name, or of a case's name (`a.penalty` has those of `penalty`)."""
        entry = self.entries.get(name.rpartition(".")[2])
        return None if entry is None else entry.bounds


def build(document: ModelDocument, source: TomlFile, directory: Path) -> Vocabulary:
    """The vocabulary of a validated model.toml; raises InputError at the field."""
    return _Builder(document, source, directory).build()


class _Builder:
    def __init__(self, document: ModelDocument, source: TomlFile, directory: Path) -> None:
        self.doc = document
        self.source = source
        self.directory = directory
        self.enums: dict[str, tuple[str, ...]] = {}
        self.entries: dict[str, Entry] = {}
        self.constants: dict[str, object] = {}
        self.bounds: Bounds | None = None

    def error(self, loc: Loc, message: str) -> InputError:
        return self.source.error(loc, message)

    def build(self) -> Vocabulary:
        self.declare_enums()
        calendar_ = self.business_calendar()
        self.declare_facts()
        types = self.declared_types()
        parsed = self.parse_quantities()
        order = self.order(parsed)
        bounds = Bounds(lambda name: self.bounds_of(name))
        self.bounds = bounds
        for name in order:
            self.check_quantity(name, parsed[name], types, calendar_, bounds)
        vocabulary = Vocabulary(
            enums=self.enums,
            entries={**self.facts_first(), **{n: self.entries[n] for n in self.doc.quantities}},
            order=tuple(order),
            constants=self.constants,
            relations=[],
            defaults={},
            prefer={},
            witness_prefer=[],
            calendar=calendar_,
            bounds=bounds,
        )
        self.check_case_formulas(vocabulary)
        return vocabulary

    def facts_first(self) -> dict[str, Entry]:
        return {f.id: self.entries[f.id] for f in self.doc.facts}

    # --- Enumerations, facts, calendar ---------------------------------------------------------

    def declare_enums(self) -> None:
        for i, info in enumerate(self.doc.enums):
            if info.id in self.enums:
                raise self.error(("enums", i, "id"), f"enumeration {info.id!r} is declared twice")
            values = [v.id for v in info.values]
            for j, value in enumerate(values):
                if value in values[:j]:
                    raise self.error(("enums", i, "values", j, "id"), f"{value!r} is listed twice")
            self.enums[info.id] = tuple(values)

    def business_calendar(self) -> BusinessCalendar | None:
        section = self.doc.calendar
        if section is None:
            return None
        loc: Loc = ("calendar", "holidays")
        try:
            if (self.directory / section.holidays).is_file():
                text = (self.directory / section.holidays).read_text(encoding="utf-8")
                holidays, first, last = read_table(text)
            else:
                holidays, first, last = stored_table(section.holidays)
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(loc, f"cannot read the holiday table: {exc}") from None
        except ValueError as exc:
            raise self.error(
                loc,
                f"{exc}; name a stored table (jp) or a file of the model folder",
            ) from None
        closed = frozenset((int(text[:2]), int(text[3:])) for text in section.closed)
        return BusinessCalendar(section.holidays, holidays, first, last, closed)

    def declare_facts(self) -> None:
        enum_ids = frozenset(self.enums)
        for i, fact in enumerate(self.doc.facts):
            loc: Loc = ("facts", i)
            if fact.id in self.entries:
                raise self.error((*loc, "id"), f"fact {fact.id!r} is declared twice")
            try:
                type_ = parse_type(fact.type, enum_ids)
            except ValueError as exc:
                raise self.error((*loc, "type"), str(exc)) from None
            if type_.is_set:
                raise self.error((*loc, "type"), "a fact is one value, not a set")
            bounds = self.fact_bounds(loc, type_, fact.min, fact.max)
            days = None
            if type_.kind == "date" and bounds is not None:
                days = _days(bounds, fact.min, fact.max)
                if days[0] > days[1]:
                    raise self.error((*loc, "max"), "max is before min")
            self.entries[fact.id] = Entry(
                id=fact.id,
                kind="fact",
                type=type_,
                articles=_articles(fact.article),
                ja=fact.ja,
                en=fact.en,
                facts=frozenset({fact.id}),
                bounds=bounds,
                days=days,
                phrase=fact.phrase,
                optional=fact.optional,
                loc=loc,
            )

    def fact_bounds(
        self, loc: Loc, type_: Type, low: int | str | None, high: int | str | None
    ) -> Interval | None:
        if type_.kind in ("bool", "enum"):
            for key, value in (("min", low), ("max", high)):
                if value is not None:
                    raise self.error((*loc, key), f"a {type_} fact has no bounds")
            return None
        if type_.kind in ("date", "month"):
            horizon = horizon_months()
            first = self.calendar_bound(loc, "min", type_, low, horizon.low)
            last = self.calendar_bound(loc, "max", type_, high, horizon.high)
            if first > last:
                raise self.error((*loc, "max"), "max is before min")
            return Interval(first, last)
        default = DEFAULT_YEN if type_.kind == "yen" else DEFAULT_INT
        for key, value in (("min", low), ("max", high)):
            if value is not None and not isinstance(value, int):
                raise self.error((*loc, key), f"the bound of a {type_} fact is an integer")
        first_int = default.low if low is None else int(low)
        last_int = default.high if high is None else int(high)
        if first_int > last_int:
            raise self.error((*loc, "max"), "max is below min")
        return Interval(first_int, last_int)

    def calendar_bound(
        self, loc: Loc, key: str, type_: Type, value: int | str | None, default: int
    ) -> int:
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.error((*loc, key), f'write the bound of a {type_} as "YYYY-MM-DD"')
        try:
            if type_.kind == "date":
                day = calendar.parse_date(value)
                calendar.check_in_horizon(day, key)
                index = calendar.month_of(day).index
            else:
                month = calendar.parse_month(value)
                calendar.check_in_horizon(month.first_day, key)
                index = month.index
        except (ValueError, InputError) as exc:
            detail = exc.detail if isinstance(exc, InputError) else str(exc)
            raise self.error((*loc, key), detail) from None
        horizon = horizon_months()
        return max(horizon.low, min(horizon.high, index))

    def declared_types(self) -> dict[str, Type]:
        types = {name: entry.type for name, entry in self.entries.items()}
        enum_ids = frozenset(self.enums)
        for name, quantity in self.doc.quantities.items():
            loc: Loc = ("quantities", name)
            if name in types:
                raise self.error(loc, f"{name!r} is both a fact and a quantity")
            if not _is_name(name):
                raise self.error(loc, f"quantity id {name!r}: use a-z, 0-9 and _")
            try:
                types[name] = parse_type(quantity.type, enum_ids)
            except ValueError as exc:
                raise self.error((*loc, "type"), str(exc)) from None
        return types

    # --- Quantities ----------------------------------------------------------------------------

    def parse_quantities(self) -> dict[str, dict[str, tuple[Expr, Loc, Position]]]:
        parsed: dict[str, dict[str, tuple[Expr, Loc, Position]]] = {}
        for name, quantity in self.doc.quantities.items():
            loc: Loc = ("quantities", name)
            parsed[name] = {}
            for reading, text, where in _formulas(quantity, loc, self):
                origin = value_origin(self.source, where)
                expr = parse(text, origin, ".".join(str(p) for p in where))
                parsed[name][reading] = (expr, where, origin)
        return parsed

    def order(self, parsed: dict[str, dict[str, tuple[Expr, Loc, Position]]]) -> list[str]:
        """The quantities, each after those it names; a cycle is an error that names it."""
        known = set(parsed)  # once: a set per quantity made a large model quadratic
        uses = {
            name: sorted({n for expr, _, _ in forms.values() for n in names_used(expr)} & known)
            for name, forms in parsed.items()
        }
        done: list[str] = []
        state: dict[str, str] = {}
        for start in parsed:
            if start in state:
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                name, index = stack.pop()
                if index == 0:
                    state[name] = "open"
                    path.append(name)
                if index < len(uses[name]):
                    stack.append((name, index + 1))
                    nxt = uses[name][index]
                    if state.get(nxt) == "open":
                        cycle = [*path[path.index(nxt) :], nxt]
                        raise self.error(
                            ("quantities", nxt, "formula"),
                            "the quantities name each other in a cycle: "
                            + " → ".join(cycle)
                            + "; one of them must be computed from facts",
                        )
                    if nxt not in state:
                        stack.append((nxt, 0))
                    continue
                state[name] = "done"
                path.pop()
                done.append(name)
        return done

    def check_quantity(
        self,
        name: str,
        forms: dict[str, tuple[Expr, Loc, Position]],
        types: dict[str, Type],
        calendar_: BusinessCalendar | None,
        bounds: Bounds,
    ) -> None:
        quantity = self.doc.quantities[name]
        declared = types[name]
        scope = Scope(types, self.enums, calendar_ is not None, self.static_constants())
        uses: set[str] = set()
        for expr, where, origin in forms.values():
            field_name = ".".join(str(p) for p in where)
            found = check(expr, scope, origin, field_name, declared)
            if found != declared:
                raise InputError(
                    f"the formula is of type {found}, but the quantity is declared {declared}",
                    origin,
                    field_name,
                )
            uses |= names_used(expr)
        used = [self.entries[n] for n in sorted(uses)]
        facts = frozenset().union(*(e.facts for e in used)) if used else frozenset()
        partial = any(e.partial for e in used) or any(
            isinstance(node, Call)
            and FUNCTIONS[node.function].business_days
            and not (
                calendar_ is not None
                and business_days_defined(bounds, node, calendar_.first_year, calendar_.last_year)
            )
            for expr in entry_formulas(forms)
            for node in nodes(expr)
        )
        has_readings = quantity.readings is not None
        readings = frozenset({name} if has_readings else set()).union(
            *(e.depends_on_readings for e in used)
        )
        if declared.is_set and facts:
            raise self.error(
                ("quantities", name, "formula"),
                "a set-valued quantity must be a constant: its formula names no fact",
            )
        entry = Entry(
            id=name,
            kind="constant" if not facts else "derived",
            type=declared,
            articles=_articles(quantity.article),
            ja=quantity.ja,
            en=quantity.en,
            formulas={reading: expr for reading, (expr, _, _) in forms.items()},
            adopted=quantity.adopted or SINGLE,
            readings=dict(quantity.readings or {}),
            uses=frozenset(uses),
            facts=facts,
            depends_on_readings=readings,
            phrase=quantity.phrase,
            topic=quantity.topic,
            loc=("quantities", name),
            partial=partial,
        )
        self.entries[name] = entry
        for expr, where, origin in forms.values():
            check_divisors(bounds, expr, origin, ".".join(str(p) for p in where))
        # Bounds need the entry in place (a formula's names are looked up through it).
        found_bounds = [bounds.of(expr) for expr in entry.formulas.values()]
        known = [b for b in found_bounds if b is not None]
        if known:
            merged = known[0]
            for other in known[1:]:
                merged = merged.union(other)
            self.entries[name] = _with_bounds(entry, merged)
        if entry.kind == "constant":
            self.constants[name] = self.constant_value(entry, forms)

    def constant_value(self, entry: Entry, forms: dict[str, tuple[Expr, Loc, Position]]) -> object:
        expr, where, origin = forms[entry.adopted]
        try:
            return eval_concrete(expr, self.constants.__getitem__, Context())
        except EvaluationError as exc:
            raise InputError(str(exc), origin, ".".join(str(p) for p in where)) from None

    def static_constants(self) -> dict[str, object]:
        return {
            name: value
            for name, value in self.constants.items()
            if not self.entries[name].depends_on_readings
        }

    def bounds_of(self, name: str) -> Interval | None:
        entry = self.entries.get(name.rpartition(".")[2])
        return None if entry is None else entry.bounds

    # --- Formulas about a whole case ------------------------------------------------------------

    def check_case_formulas(self, v: Vocabulary) -> None:
        scope = v.scope()
        for i, relation in enumerate(self.doc.relations):
            loc: Loc = ("relations", i, "formula")
            v.relations.append((relation.id, self.formula(scope, loc, relation.formula, BOOL)))
        fact_scope = Scope(
            {f.id: f.type for f in v.facts}, v.enums, v.calendar is not None, v.static_constants()
        )
        for i, fact in enumerate(self.doc.facts):
            entry = v.entries[fact.id]
            if fact.default is not None:
                loc = ("facts", i, "default")
                v.defaults[fact.id] = self.formula(fact_scope, loc, fact.default, entry.type)
            if fact.prefer is not None:
                loc = ("facts", i, "prefer")
                v.prefer[fact.id] = self.formula(scope, loc, fact.prefer, entry.type)
        self.check_defaults_acyclic(v)
        for i, text in enumerate(self.doc.witness.prefer):
            v.witness_prefer.append(self.formula(scope, ("witness", "prefer", i), text, BOOL))
        for i, name in enumerate(self.doc.witness.alike):
            if name not in v.entries or v.entries[name].kind != "fact":
                raise self.error(("witness", "alike", i), f"{name!r} is not a fact of the model")
        self.check_report(v, scope)

    def formula(self, scope: Scope, loc: Loc, text: str, expected: Type) -> Checked:
        origin = value_origin(self.source, loc)
        field_name = ".".join(str(p) for p in loc)
        expr = parse(text, origin, field_name)
        found = check(expr, scope, origin, field_name, expected)
        if found != expected:
            raise InputError(f"must be {expected}, not {found}", origin, field_name)
        if self.bounds is not None:
            check_divisors(self.bounds, expr, origin, field_name)
        return Checked(text, expr, loc)

    def check_defaults_acyclic(self, v: Vocabulary) -> None:
        for start in v.defaults:
            seen = [start]
            frontier = [start]
            while frontier:
                name = frontier.pop()
                for used in sorted(names_used(v.defaults[name].expr)) if name in v.defaults else []:
                    if used == start:
                        raise self.error(
                            v.defaults[start].loc,
                            "the defaults of the facts name each other in a cycle: "
                            + " → ".join([*seen, start]),
                        )
                    if used not in seen:
                        seen.append(used)
                        frontier.append(used)

    def check_report(self, v: Vocabulary, scope: Scope) -> None:
        report = self.doc.report
        for i, name in enumerate(report.headline):
            self.known(v, ("report", "headline", i), name)
        found = v.report_formulas
        for i, charge in enumerate(report.charges):
            loc: Loc = ("report", "charges", i)
            formulas = found.setdefault(("charges", i), {})
            formulas["count"] = self.formula(scope, (*loc, "count"), charge.count, INT).expr
            formulas["amount"] = self.formula(scope, (*loc, "amount"), charge.amount, YEN).expr
            for key in ("when", "shown_if"):
                text = getattr(charge, key)
                if text is not None:
                    formulas[key] = self.formula(scope, (*loc, key), text, BOOL).expr
        if report.total is not None:
            self.known(v, ("report", "total"), report.total)
        for i, item in enumerate(report.timeline):
            loc = ("report", "timeline", i)
            self.known(v, (*loc, "name"), item.name)
            if v.entries[item.name].type.kind != "date":
                raise self.error((*loc, "name"), f"{item.name!r} is not a date")
            if item.when is not None:
                found[("timeline", i)] = {
                    "when": self.formula(scope, (*loc, "when"), item.when, BOOL).expr
                }
            if item.note is not None:
                self.known(v, (*loc, "note"), item.note)
        marks = v.scope(extra={THIS_MONTH: MONTH})
        rules = found.setdefault(("marks",), {})
        for i, rule in enumerate(report.marks):
            rules[str(i)] = self.formula(
                marks, ("report", "marks", i, "when"), rule.when, BOOL
            ).expr

    def known(self, v: Vocabulary, loc: Loc, name: str) -> None:
        if name not in v.entries:
            raise self.error(loc, f"{name!r} is not a fact or quantity of the model")


def entry_formulas(forms: dict[str, tuple[Expr, Loc, Position]]) -> list[Expr]:
    return [expr for expr, _, _ in forms.values()]


def _days(bounds: Interval, low: int | str | None, high: int | str | None) -> tuple[date, date]:
    """A date fact's first and last day: its min and max where they name a day, the
    first and last day of its bounds' months where they are left out."""
    first = calendar.Month.from_index(bounds.low).first_day
    last = calendar.Month.from_index(bounds.high).last_day
    if isinstance(low, str):
        first = max(first, calendar.parse_date(low))
    if isinstance(high, str):
        last = min(last, calendar.parse_date(high))
    return first, last


def _with_bounds(entry: Entry, bounds: Interval) -> Entry:
    return replace(entry, bounds=bounds)


def _articles(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _is_name(text: str) -> bool:
    return re.fullmatch(NAME, text) is not None


def _formulas(quantity: Quantity, loc: Loc, builder: _Builder) -> list[tuple[str, str, Loc]]:
    """Each formula of a quantity with the location of its text."""
    if quantity.readings is None:
        if quantity.formula is None:
            raise builder.error((*loc, "formula"), "give a `formula`, or `readings` and `adopted`")
        if quantity.adopted is not None:
            raise builder.error((*loc, "adopted"), "`adopted` names one of the `readings`")
        return [(SINGLE, quantity.formula, (*loc, "formula"))]
    if quantity.formula is not None:
        raise builder.error(
            (*loc, "formula"),
            "a quantity has either one `formula` or `readings`: move this formula into a reading",
        )
    if quantity.adopted is None:
        raise builder.error((*loc, "adopted"), "say which of the readings is adopted")
    return [
        (option, reading.formula, (*loc, "readings", option, "formula"))
        for option, reading in quantity.readings.items()
    ]
