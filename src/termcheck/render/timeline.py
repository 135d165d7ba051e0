"""A customer's contract as a month-by-month chart: what is billed, what is owed as the
penalty, and the dated events (service start, billing start, notice, service end, end of
the minimum term), each with its article.

The chart is language-neutral data; markdown.py draws it as a table and html.py as a list
of months. Runs of quiet months (same mark, no event) are folded into one row so that a
ten-year counterexample still fits on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from termcheck.calendar import Month, month_of, months_between
from termcheck.present import Lang, for_people, label
from termcheck.render.document import Customer, Doc, Entry, heading, value
from termcheck.render.words import paren
from termcheck.report import ALWAYS_TOLD, TIMELINE
from termcheck.vocabulary import BY_NAME, Ground, Type

# The notice matters only when the customer terminates (第10条), or the property asks.
_NOTICE = {"notice_deadline", "notice_arrival"}
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
    """The chart of one customer of a counterexample."""
    events = _customer_events(doc, entry, customer, lang)
    marks = _month_marks(customer)
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
    first = for_people(row.first, Type.MONTH, lang)
    if row.span == 1:
        return first
    last = for_people(row.last, Type.MONTH, lang)
    return f"{first}〜{last}" if lang == "ja" else f"{first} – {last}"


def day(event: Event, lang: Lang) -> str:
    return for_people(event.day, Type.DATE, lang)


def _told(entry: Entry, customer: Customer, name: str) -> bool:
    mentioned = name in entry["quantities"]
    if name in _NOTICE:
        return mentioned or customer["inputs"]["ground"] == Ground.CUSTOMER.value
    return mentioned or name in ALWAYS_TOLD


def _customer_events(doc: Doc, entry: Entry, customer: Customer, lang: Lang) -> list[Event]:
    ordered: list[tuple[date, int, Event]] = []
    for order, name in enumerate(TIMELINE):
        when = value(customer, name) if _told(entry, customer, name) else None
        if not isinstance(when, date):
            continue
        text = label(name, lang) + paren(heading(doc, BY_NAME[name].article), lang)
        if name == "notice_arrival":
            text += _timeliness(customer, lang)
        ordered.append((when, order, Event(when, text)))
    return [event for _, _, event in sorted(ordered, key=lambda item: item[:2])]


def _timeliness(customer: Customer, lang: Lang) -> str:
    timely = value(customer, "notice_timely")
    if timely is None:
        return ""
    if lang == "ja":
        return ": 期限内" if timely else ": 期限後"
    return ": timely" if timely else ": late"


def _month_marks(customer: Customer) -> dict[Month, str]:
    """Each month's charge (第7条, 第9条第2項): billed, provided free, or remaining term."""
    start = month_of(value(customer, "service_start"))
    end = month_of(value(customer, "service_end"))
    billing = month_of(value(customer, "billing_start"))
    term_end = month_of(value(customer, "minimum_term_end"))
    billed = value(customer, "billed_months") > 0
    remaining = value(customer, "remaining_months") > 0
    owed = "penalty" if value(customer, "penalty_applies") else "waived"
    marks: dict[Month, str] = {}
    month = min(start, billing)
    while month <= max(end, term_end):
        if billed and billing <= month <= end:
            marks[month] = "fee"
        elif start <= month <= end:
            marks[month] = "free"
        elif remaining and end < month <= term_end:
            marks[month] = owed
        month = month.shift(1)
    return marks


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
