"""Checking records: one customer's facts and charges against the terms, row by row.

An :class:`Auditor` holds everything a worker needs (it is pickled to worker processes
and Dask workers once): how the columns map to facts and charged quantities, how each
cell is read, and the compiled terms of every set of effective terms the records can
name (the model's own, and each quote's: docs/lifecycle.md, "A quote's effective
terms"). :meth:`Auditor.check_rows` checks one partition and returns what it found, its
rows numbered from 1 within the partition.

For each record the compiled case (:mod:`termcheck.audit.compile`) computes every
quantity; when it refuses the case (a fact out of its bounds, a relation of the model
that fails, a formula without a value), the interpreter is asked what is wrong
(:func:`termcheck.semantics.case.complete_facts`, ``values_of``, ``check_relations``,
the steps of :func:`~termcheck.semantics.case.evaluate`), so an impossible record is
reported in the words ``termcheck calc`` uses for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any, Final

from termcheck.audit.compile import ABSENT, CaseSource, case_source, from_inner, to_inner
from termcheck.errors import ScenarioError
from termcheck.language.bounds import Bounds, Interval
from termcheck.language.evaluate import EvaluationError
from termcheck.language.types import Type
from termcheck.model.vocabulary import Vocabulary
from termcheck.semantics import calendar
from termcheck.semantics.case import (
    Outcome,
    check_relations,
    complete_facts,
    reading_choice,
    values_of,
)

# What a finding is.
DIFFERS: Final = "differs"  # a charge is not what the terms decide
IMPOSSIBLE: Final = "impossible"  # the facts make no possible case of the model
UNDETERMINED: Final = "undetermined"  # the terms decide no value for a charge given
BAD: Final = "bad"  # a cell cannot be read, or the row has the wrong number of fields
KINDS: Final = (DIFFERS, IMPOSSIBLE, UNDETERMINED, BAD)
SHOWN_CELL: Final = 60  # characters of a cell quoted in a message


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with one record; `row` counts records from 1 (the header is not
    a record)."""

    row: int
    kind: str
    quantity: str | None = None  # the charge (differs, undetermined)
    charged: object = None
    due: object = None
    difference: int | None = None  # charged − due: yen, a count, days or months
    article: str | None = None  # the provision that decides it
    column: str | None = None  # the column at fault (bad) or of the fact blamed
    message: str | None = None
    key: str | None = None  # the record's id column, if the map names one
    quote: str | None = None  # the quote the record names

    def moved(self, offset: int) -> Finding:
        return replace(self, row=self.row + offset)


@dataclass
class PartResult:
    """What one partition held: its number of records and its findings (rows from 1
    within the partition)."""

    records: int
    findings: list[Finding] = field(default_factory=list)


# --- Reading cells ---------------------------------------------------------------------------

Parser = Callable[[Any], object]


def shown(cell: object) -> str:
    """A cell as a message quotes it: one line, valid text, at most SHOWN_CELL characters."""
    text = clean_text(str(cell))
    text = " ".join(text.split()) if text.strip() else text
    return repr(text if len(text) <= SHOWN_CELL else text[: SHOWN_CELL - 1] + "…")


def clean_text(text: str) -> str:
    """Text from a file that was not valid UTF-8 (surrogate escapes) made printable."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _missing(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# Each type has two readers: one for text (a CSV cell, stripped and not empty: the fast
# path) and one for a value of any other type (a Parquet cell: a date, an int, …).


def _date_text(text: str) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)  # with the dashes in place: YYYY-MM-DD only
        except ValueError:
            pass
    if len(text) <= SHOWN_CELL:
        return calendar.parse_date(text)  # raises with the reason: no month 13, no day 30
    raise ValueError(f"{shown(text)} is not a date; write it as YYYY-MM-DD")


def _date_value(cell: object) -> date:
    if isinstance(cell, datetime):
        raise ValueError(f"{shown(cell)} is a timestamp; give a date (YYYY-MM-DD)")
    if isinstance(cell, date):
        return cell
    return _date_text(str(cell).strip())


def _month_text(text: str) -> int:
    if len(text) == 7 and text[4] == "-" and text.isascii():
        year, number = text[:4], text[5:]
        if year.isdigit() and number.isdigit() and 1 <= int(number) <= 12:
            return int(year) * 12 + int(number) - 1
    raise ValueError(f"{shown(text)} is not a month; write it as YYYY-MM")


def _month_value(cell: object) -> int:
    return _month_text(str(cell).strip())


def _integer_text(text: str, unit: str) -> int:
    if text.isdigit() and text.isascii():
        return int(text)
    digits = text.replace(",", "").replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits[1:] if digits[:1] in ("-", "+") else digits
    if digits and digits.isascii() and digits.isdigit():
        return sign * int(digits)
    raise ValueError(f"{shown(text)} is not a whole number{unit}")


def _integer_value(cell: object, unit: str) -> int:
    if isinstance(cell, bool):
        raise ValueError(f"{shown(cell)} is not a whole number{unit}")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float | Decimal):
        if cell == cell and cell not in (float("inf"), float("-inf")) and int(cell) == cell:
            return int(cell)
        raise ValueError(f"{shown(cell)} is not a whole number{unit}")
    return _integer_text(str(cell).strip(), unit)


_TRUE: Final = frozenset({"yes", "true"})
_FALSE: Final = frozenset({"no", "false"})


def _bool_text(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{shown(text)} is not yes or no (true or false)")


def _bool_value(cell: object) -> bool:
    if isinstance(cell, bool):
        return cell
    return _bool_text(str(cell).strip())


class _EnumValue:
    """A value of an enumeration, as the model spells it (picklable, unlike a closure)."""

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = frozenset(values)
        self.listing = ", ".join(values)

    def __call__(self, cell: object) -> str:
        text = cell if isinstance(cell, str) else str(cell).strip()
        if text in self.values:
            return text
        raise ValueError(f"{shown(cell)} is not one of: {self.listing}")


def parser(type_: Type, values: Sequence[str] = ()) -> tuple[Parser, Parser]:
    """How a cell of a fact or quantity of this type is read, as text and as any other
    value (the value as the compiled case takes it: a month is its index); each raises
    ValueError saying what to write."""
    kind = type_.kind
    if kind == "date":
        return _date_text, _date_value
    if kind == "month":
        return _month_text, _month_value
    if kind in ("yen", "int"):
        unit = " of yen" if kind == "yen" else ""
        return partial(_integer_text, unit=unit), partial(_integer_value, unit=unit)
    if kind == "bool":
        return _bool_text, _bool_value
    enum_value = _EnumValue(tuple(values))
    return enum_value, enum_value


# --- The terms a record is checked against ----------------------------------------------------


def _no_bounds(name: str) -> Interval | None:
    return None


def portable(v: Vocabulary) -> Vocabulary:
    """The vocabulary without what the interpreter does not use and pickle cannot carry
    (the bounds analysis's closure over the model's loader)."""
    return replace(v, bounds=Bounds(_no_bounds))


class Terms:
    """One set of effective terms, compiled lazily for each case shape a record has."""

    def __init__(
        self, key: str, vocabulary: Vocabulary, readings: Mapping[str, str], targets: Sequence[str]
    ) -> None:
        self.key = key
        self.vocabulary = portable(vocabulary)
        self.readings = reading_choice(self.vocabulary, readings)
        self.targets = tuple(targets)
        self.facts = tuple(e.id for e in self.vocabulary.facts)
        self.constants: dict[str, object] | None
        try:
            computed = values_of(self.vocabulary, {}, self.readings)
            self.constants = {
                e.id: computed.value(e.id)
                for e in self.vocabulary.quantities
                if e.kind == "constant" and computed.has(e.id)
            }
        except ScenarioError:
            self.constants = None  # a constant without a value: the interpreter says why
        self._functions: dict[int, Callable[..., Any]] = {}

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_functions"] = {}  # compiled again where it is unpickled
        return state

    def source(self, mask: int) -> CaseSource | None:
        """The generated function for the shape whose given facts are the bits of `mask`."""
        if self.constants is None:
            return None
        given = frozenset(name for i, name in enumerate(self.facts) if mask >> i & 1)
        return case_source(self.vocabulary, self.readings, given, self.targets, self.constants)

    def function(self, mask: int) -> Callable[..., Any]:
        found = self._functions.get(mask)
        if found is None:
            source = self.source(mask)
            found = _refuse_all if source is None else source.build(self.vocabulary.calendar)
            self._functions[mask] = found
        return found

    def evaluate(self, values: Sequence[object]) -> Outcome | ScenarioError | EvaluationError:
        """The interpreter's verdict on a case (facts as the compiled case takes them):
        its Outcome, or the error that refuses it."""
        v = self.vocabulary
        facts = {
            name: from_inner(value, v.entries[name].type)
            for name, value in zip(self.facts, values, strict=True)
            if value is not None
        }
        try:
            given = complete_facts(v, facts)
            outcome = values_of(v, given, self.readings)
            check_relations(v, outcome, frozenset(facts))
        except (ScenarioError, EvaluationError) as exc:
            return exc
        return outcome


def _refuse_all(*_: object) -> None:
    return None


# --- The auditor ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactColumn:
    index: int  # in the row
    column: str  # its name in the file
    fact: str
    position: int  # among the model's facts
    required: bool
    text: Parser  # a cell of text, stripped and not empty
    value: Parser  # a cell of any other type
    missing: str = "no value"  # what a row without it is told
    bit: int = field(init=False)  # its bit in a case shape's mask

    def __post_init__(self) -> None:
        object.__setattr__(self, "bit", 1 << self.position)


@dataclass(frozen=True)
class ChargeColumn:
    index: int
    column: str
    quantity: str
    target: int  # among the terms' targets
    type: Type
    text: Parser
    value: Parser


@dataclass(frozen=True)
class Quoted:
    """What a quote's name in a record leads to: its terms, or why there are none."""

    terms: str | None  # the key of its effective terms
    problem: str | None = None


class Auditor:
    """Checks rows of records against the terms (picklable: sent to workers once)."""

    def __init__(
        self,
        terms: Mapping[str, Terms],
        facts: Sequence[FactColumn],
        charges: Sequence[ChargeColumn],
        *,
        width: int | None,
        quote_index: int | None = None,
        quote_column: str | None = None,
        quotes: Mapping[str, Quoted] | None = None,
        key_index: int | None = None,
        articles: Mapping[str, str] | None = None,
        quotes_folder: str = "",
    ) -> None:
        self.terms = dict(terms)
        self.base = self.terms[""]
        self.facts = tuple(facts)
        self.charges = tuple(charges)
        self.width = width
        self.quote_index = quote_index
        self.quote_column = quote_column
        self.quotes = dict(quotes or {})
        self.key_index = key_index
        # The article of each fact, quantity and relation (by "relation:<id>").
        self.articles = dict(articles or {})
        self.quotes_folder = quotes_folder
        self.column_of = {c.fact: c.column for c in self.facts}
        self.fact_count = len(self.base.facts)

    # -- partitions

    def check_csv(self, block: bytes) -> PartResult:
        """A block of CSV records (whole records, no header), as bytes."""
        text = block.decode("utf-8", "surrogateescape")
        return self.check_rows(_csv_rows(text))

    def check_columns(self, columns: Sequence[Sequence[object]]) -> PartResult:
        """Records given column by column (a Parquet batch's columns, as lists)."""
        return self.check_rows(zip(*columns, strict=True) if columns else iter(()))

    def check_rows(self, rows: Iterable[Sequence[object] | Exception]) -> PartResult:
        findings: list[Finding] = []
        count = 0
        width = self.width
        facts = self.facts
        charges = self.charges
        fact_count = self.fact_count
        quote_index = self.quote_index
        base = self.base
        for row in rows:
            if isinstance(row, Exception):
                count += 1
                message = f"cannot be read as CSV: {clean_text(str(row))}"
                findings.append(Finding(count, BAD, message=message))
                continue
            if width is not None and len(row) != width:
                if not row or (len(row) == 1 and not str(row[0]).strip()):
                    continue  # a blank line is no record
                count += 1
                message = f"has {len(row)} fields; the header has {width}"
                findings.append(Finding(count, BAD, message=message))
                continue
            count += 1
            values: list[object] = [None] * fact_count
            mask = 0
            bad: list[Finding] | None = None
            for c in facts:
                cell = row[c.index]
                try:
                    if cell.__class__ is str:
                        cell = cell.strip()
                        if cell:
                            values[c.position] = c.text(cell)
                            mask |= c.bit
                            continue
                    elif cell is not None:
                        values[c.position] = c.value(cell)
                        mask |= c.bit
                        continue
                except ValueError as exc:
                    bad = bad or []
                    bad.append(Finding(count, BAD, column=c.column, message=str(exc)))
                    continue
                if c.required:
                    bad = bad or []
                    bad.append(Finding(count, BAD, column=c.column, message=c.missing))
            charged: list[object] = []
            for q in charges:
                cell = row[q.index]
                given: object = None
                try:
                    if cell.__class__ is str:
                        cell = cell.strip()
                        if cell:
                            given = q.text(cell)
                    elif cell is not None:
                        given = q.value(cell)
                except ValueError as exc:
                    bad = bad or []
                    bad.append(Finding(count, BAD, column=q.column, message=str(exc)))
                charged.append(given)
            terms = base
            quote: str | None = None
            if quote_index is not None:
                cell = row[quote_index]
                if not _missing(cell):
                    quote = str(cell).strip()
                    quoted = self.quotes.get(quote)
                    if quoted is None or quoted.terms is None:
                        bad = bad or []
                        bad.append(self._unknown_quote(count, quote, quoted))
                    else:
                        terms = self.terms[quoted.terms]
            if bad is not None:
                findings.extend(self._about(f, row, quote) for f in bad)
                continue
            function = terms._functions.get(mask) or terms.function(mask)
            try:
                due = function(*values)
            except Exception:  # a defect of the compiled form: the interpreter decides
                due = None
            if due is None:
                verdict = terms.evaluate(values)
                if not isinstance(verdict, Outcome):
                    findings.append(self._impossible(count, terms, values, verdict, row, quote))
                    continue
                due = tuple(
                    to_inner(verdict.value(n), terms.vocabulary.entries[n].type)
                    if verdict.has(n)
                    else ABSENT
                    for n in terms.targets
                )
            for q, amount in zip(charges, charged, strict=True):
                if amount is None:
                    continue
                expected = due[q.target]
                if expected is amount or expected == amount:
                    continue
                findings.append(self._charge(count, q, amount, expected, terms, row, quote))
        return PartResult(count, findings)

    # -- findings

    def _about(self, finding: Finding, row: Sequence[object], quote: str | None) -> Finding:
        key = None
        if self.key_index is not None and not _missing(row[self.key_index]):
            key = clean_text(str(row[self.key_index]).strip())
        quote = clean_text(quote) if quote is not None else None
        return replace(finding, key=key, quote=quote)

    def _unknown_quote(self, row: int, quote: str, quoted: Quoted | None) -> Finding:
        if quoted is not None and quoted.problem is not None:
            message = quoted.problem
            return Finding(row, UNDETERMINED, column=self.quote_column, message=message)
        known = ", ".join(sorted(self.quotes)) or "none"
        message = f"no quote {shown(quote)} in {self.quotes_folder}; its quotes: {known}"
        return Finding(row, BAD, column=self.quote_column, message=message)

    def _charge(
        self,
        row_number: int,
        q: ChargeColumn,
        given: object,
        expected: object,
        terms: Terms,
        row: Sequence[object],
        quote: str | None,
    ) -> Finding:
        article = self.articles.get(q.quantity)
        if expected is ABSENT:
            entry = terms.vocabulary.entries[q.quantity]
            missing = [e.id for e in terms.vocabulary.facts if e.id in entry.facts and e.optional]
            message = (
                "the terms decide no value for this record: it depends on "
                + ", ".join(missing or sorted(entry.facts))
                + ", which the record leaves out"
            )
            finding = Finding(
                row_number,
                UNDETERMINED,
                quantity=q.quantity,
                charged=from_inner(given, q.type),
                article=article,
                column=q.column,
                message=message,
            )
            return self._about(finding, row, quote)
        difference = _difference(given, expected, q.type)
        finding = Finding(
            row_number,
            DIFFERS,
            quantity=q.quantity,
            charged=from_inner(given, q.type),
            due=from_inner(expected, q.type),
            difference=difference,
            article=article,
            column=q.column,
        )
        return self._about(finding, row, quote)

    def _impossible(
        self,
        row_number: int,
        terms: Terms,
        values: Sequence[object],
        error: ScenarioError | EvaluationError,
        row: Sequence[object],
        quote: str | None,
    ) -> Finding:
        v = terms.vocabulary
        blamed = error.field if isinstance(error, ScenarioError) else None
        message = error.detail if isinstance(error, ScenarioError) else str(error)
        article = None
        if isinstance(error, ScenarioError) and message.startswith("not a possible case"):
            relation = _relation_id(message, [r for r, _ in v.relations])
            article = self.articles.get(f"relation:{relation}") if relation else None
        else:
            named = message.split(":", 1)[0]
            if named in v.entries and v.entries[named].kind != "fact":
                article = self.articles.get(named)
            elif blamed is not None:
                article = self.articles.get(blamed)
        if article is None and blamed is not None:
            article = self.articles.get(blamed)
        column = self.column_of.get(blamed or "", blamed)
        finding = Finding(row_number, IMPOSSIBLE, article=article, column=column, message=message)
        return self._about(finding, row, quote)


def _relation_id(message: str, relations: Sequence[str]) -> str | None:
    for relation in relations:
        if message.endswith(f"(relation {relation})"):
            return relation
    return None


def _difference(given: object, expected: object, type_: Type) -> int | None:
    """charged − due in the quantity's unit (months are indices here)."""
    if type_.kind in ("int", "yen", "month"):
        assert isinstance(given, int) and isinstance(expected, int)
        return given - expected
    if type_.kind == "date":
        assert isinstance(given, date) and isinstance(expected, date)
        return (given - expected).days
    return None


def _csv_rows(text: str) -> Iterable[Sequence[object] | Exception]:
    """The records of a block of CSV text; a record the csv module cannot read is
    yielded as its error, and reading goes on with the next."""
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield exc
