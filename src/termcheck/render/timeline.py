"""A case as a month-by-month chart: the mark of each month (billed, provided free, owed
as a penalty or not) and the dated events, each with its article, as the model's
[report] section says.

The chart is language-neutral data; markdown.py draws it as a table and html.py as a list
of months. Runs of quiet months (same mark, no event) are folded into one row so that a
ten-year counterexample still fits on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from termcheck.render.document import Customer, Doc, Entry, article_of, heading, label
from termcheck.render.words import paren
from termcheck.report.present import Lang, for_people
from termcheck.semantics.calendar import Month, month_of, months_between

# Quiet months are folded from this many in a row: a year of fees takes a few rows.
_FOLD_CUSTOMER = 4
_FOLD_EVIDENCE = 2


@dataclass(frozen=True)
class Event:
    day: date
    text: str  # in the reader's language, with its article


@dataclass(frozen=True)
class Row:
    """One month, or a run of quiet months from `first` to `last`."""

    first: Month
    last: Month
    kind: str  # "fee", "free", "penalty", "waived", or "" for none
    events: tuple[Event, ...]

    @property
    def span(self) -> int:
        return months_between(self.first, self.last) + 1


def customer_rows(doc: Doc, entry: Entry, customer: Customer, lang: Lang) -> list[Row]:
    """The chart of one case of a counterexample (the model's [report] says what it tells)."""
    events = _customer_events(doc, customer, lang)
    marks = {_month(text): kind for text, kind in customer["told"]["marks"].items()}
    if not events:
        return []
    every = [e.day for e in events]
    first = min(month_of(day) for day in every)
    last = max(month_of(day) for day in every)
    return _rows(first, last, marks, events, _FOLD_CUSTOMER)


def evidence_rows(events: list[dict[str, Any]], lang: Lang) -> list[Row]:
    """The chart of a built-in check's evidence: its dated events, no charges."""
    told = [Event(date.fromisoformat(e["date"]), e[lang]) for e in events]
    told.sort(key=lambda e: e.day)
    first = month_of(told[0].day)
    last = month_of(told[-1].day)
    return _rows(first, last, {}, told, _FOLD_EVIDENCE)


def month_span(row: Row, lang: Lang) -> str:
    """2026年2月 or 2026年2月〜2026年11月 (2026-02, 2026-02 – 2026-11)."""
    first = for_people(row.first, "month", lang)
    if row.span == 1:
        return first
    last = for_people(row.last, "month", lang)
    return f"{first}〜{last}" if lang == "ja" else f"{first} – {last}"


def day(event: Event, lang: Lang) -> str:
    return for_people(event.day, "date", lang)


def _month(text: str) -> Month:
    year, month = text.split("-")
    return Month(int(year), int(month))


def _customer_events(doc: Doc, customer: Customer, lang: Lang) -> list[Event]:
    ordered: list[tuple[date, int, Event]] = []
    for item in customer["told"]["events"]:
        when = date.fromisoformat(item["date"])
        article = article_of(doc, item["name"])
        text = label(doc, item["name"], lang) + paren(heading(doc, article), lang)
        note = item["note"]
        if note is not None:
            text += f": {label(doc, note['name'], lang)}: {for_people(note['value'], 'bool', lang)}"
        ordered.append((when, item["order"], Event(when, text)))
    return [event for _, _, event in sorted(ordered, key=lambda item: item[:2])]


def _rows(
    first: Month, last: Month, marks: dict[Month, str], events: list[Event], fold: int
) -> list[Row]:
    by_month: dict[Month, list[Event]] = {}
    for event in events:
        by_month.setdefault(month_of(event.day), []).append(event)
    rows: list[Row] = []
    month = first
    while month <= last:
        kind = marks.get(month, "")
        if month in by_month:
            rows.append(Row(month, month, kind, tuple(by_month[month])))
            month = month.shift(1)
            continue
        run_end = month
        while (
            run_end.shift(1) <= last
            and run_end.shift(1) not in by_month
            and marks.get(run_end.shift(1), "") == kind
        ):
            run_end = run_end.shift(1)
        if months_between(month, run_end) + 1 >= fold:
            rows.append(Row(month, run_end, kind, ()))
        else:
            rows += [Row(m, m, kind, ()) for m in _months(month, run_end)]
        month = run_end.shift(1)
    return rows


def _months(first: Month, last: Month) -> list[Month]:
    return [first.shift(k) for k in range(months_between(first, last) + 1)]
