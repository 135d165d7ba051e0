"""A property's outcome as plain lines, for the messages of JUnit and SARIF: CI tools show
them as text, so the story is told without markup, in Japanese then English."""

from __future__ import annotations

from termcheck.render.document import Doc, Entry, customers, facts, figures, titles, who
from termcheck.render.timeline import customer_rows, day
from termcheck.render.words import detail, expect_label, met_label, status_label, word
from termcheck.report.present import Lang

LANGS: tuple[Lang, Lang] = ("ja", "en")


def headline(entry: Entry, lang: Lang) -> str:
    """結果: 反例あり, 期待: 既知の指摘 — 期待どおり."""
    return (
        f"{word('status', lang)}: {status_label(entry['status'], lang)}; "
        f"{word('expected', lang)}: {expect_label(entry['expected'], lang)} — "
        f"{met_label(entry['met'], lang)}"
    )


def story(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    """The counterexample's customers (facts, dated events, figures) or the evidence."""
    evidence = entry.get("evidence")
    if evidence is not None:
        return [line.rstrip() for line in evidence["story"].get(lang, [])]
    lines: list[str] = []
    for customer in customers(entry):
        lines.append(who(customer, lang))
        lines += [f"  {line}" for line in facts(doc, customer, lang)]
        for row in customer_rows(doc, entry, customer, lang):
            lines += [f"  {day(event, lang)}  {event.text}" for event in row.events]
        lines += [f"  {line}" for line in figures(doc, entry, customer, lang)]
    return lines


def report(doc: Doc, entry: Entry) -> str:
    """Titles, verdict, detail, reason and story, in both languages."""
    lines: list[str] = []
    for lang in LANGS:
        title = titles(entry, lang)[0]
        lines += [title, headline(entry, lang)]
        found = detail(entry, lang)
        if found:
            lines.append(f"{word('detail', lang)}: {found}")
        lines += story(doc, entry, lang)
        lines.append("")
    if entry["reason"]:
        lines.append(f"{word('reason', 'en')}: {' '.join(entry['reason'].split())}")
    return "\n".join(lines).strip() + "\n"
