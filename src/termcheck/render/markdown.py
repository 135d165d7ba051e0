"""The report as Markdown, for a reviewer reading it on GitHub or in an editor.

The summary first, then the properties grouped by what needs attention (unmet, undecided,
known findings, proved). Each property quotes the articles it rests on and, for a
counterexample, shows every customer as a month-by-month chart: ■ fees, ▲ penalty.
"""

from __future__ import annotations

import re

from termcheck.render.document import (
    Customer,
    Doc,
    Entry,
    by_group,
    cite,
    customers,
    expressions,
    facts,
    figures,
    group,
    readings_line,
    titles,
    who,
)
from termcheck.render.timeline import Row, customer_rows, day, evidence_rows, month_span
from termcheck.render.words import (
    FINDING_GROUPS,
    GLANCE_LISTED,
    GROUPS,
    MARK_KINDS,
    MARKS,
    SUMMARY_KEYS,
    detail,
    exit_label,
    expect_label,
    group_label,
    kind_label,
    mark_label,
    met_label,
    reason,
    status_label,
    summary_label,
    word,
)
from termcheck.report.present import Lang

# Characters that would turn text from the model or the properties into markup.
_MARKUP = re.compile(r"([\\*_\[\]<>|#])")


_CODE = re.compile(r"(`[^`]*`)")


def escape(text: str) -> str:
    """Model and property text as literal Markdown (backticks are left to mean code, and
    what they quote is left as it is: a backslash in code would be shown)."""
    return "".join(
        part if index % 2 else _MARKUP.sub(r"\\\1", part)
        for index, part in enumerate(_CODE.split(text))
    )


def one_paragraph(text: str) -> str:
    return " ".join(text.split())


def render(doc: Doc, lang: Lang) -> str:
    # The verdict and what needs attention first; the table of every property last,
    # where its rows do not push the defects off the first screen.
    lines = [*_header(doc, lang), *_summary(doc, lang), *_glance(doc, lang)]
    for name in GROUPS:
        entries = [e for e in doc["properties"] if group(e) == name]
        if not entries:
            continue
        lines += [f"## {group_label(name, lang)}（{len(entries)}）", ""]
        for entry in entries:
            lines += _property(doc, entry, lang)
    lines += _contents(doc, lang)
    return "\n".join(lines).rstrip("\n") + "\n"


def _glance(doc: Doc, lang: Lang) -> list[str]:
    """What needs attention and every defect by title, then how many of each other kind."""
    entries = by_group(doc["properties"])
    lines: list[str] = []
    for name in GLANCE_LISTED:
        listed = [e for e in entries if group(e) == name]
        if not listed:
            continue
        lines += [f"**{group_label(name, lang)}（{len(listed)}）**", ""]
        lines += [f"- {escape(titles(e, lang)[0])} — `{e['id']}`" for e in listed]
        lines.append("")
    counts = [
        f"{kind_label(name, lang)} {n}"
        for name in GROUPS
        if name not in GLANCE_LISTED and (n := sum(1 for e in entries if group(e) == name))
    ]
    if counts:
        lines += [" · ".join(counts), ""]
    return lines


def _header(doc: Doc, lang: Lang) -> list[str]:
    terms = doc["terms"]
    return [
        f"# {word('report', lang)}: {escape(terms['title'])}",
        "",
        f"- {word('terms', lang)}: {escape(terms['title'])}（{terms['version']}）"
        f" — `{terms['text']}`",
        f"- {word('model', lang)}: `{terms['model']}` — termcheck {doc['termcheck']}",
        "",
    ]


def _summary(doc: Doc, lang: Lang) -> list[str]:
    counts = doc["summary"]
    lines = [
        f"## {word('summary', lang)}",
        "",
        f"**{exit_label(doc['exit_code'], lang)}**",
        "",
        f"| | {word('count', lang)} |",
        "|---|---:|",
    ]
    lines += [f"| {summary_label(key, lang)} | {counts[key]} |" for key in SUMMARY_KEYS]
    return [*lines, ""]


def _contents(doc: Doc, lang: Lang) -> list[str]:
    lines = [
        f"## {word('contents', lang)}",
        "",
        f"| ID | {word('property', lang)} | {word('kind', lang)} | {word('status', lang)}"
        f" | {word('met', lang)} |",
        "|---|---|---|---|---|",
    ]
    for entry in by_group(doc["properties"]):
        title = escape(titles(entry, lang)[0])
        kind = kind_label(group(entry), lang)
        status = status_label(entry["status"], lang)
        met = met_label(entry["met"], lang)
        lines.append(f"| `{entry['id']}` | {title} | {kind} | {status} | {met} |")
    return [*lines, ""]


def _property(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    title, other = titles(entry, lang)
    # An English reader is helped by the Japanese title, the terms' own language; a
    # Japanese report is Japanese throughout.
    lines = [f"### {escape(title)}", "", *([f"*{escape(other)}*", ""] if lang == "en" else [])]
    lines += [
        f"- ID: `{entry['id']}` — `{entry['file']}:{entry['line']}`",
        f"- {word('status', lang)}: {status_label(entry['status'], lang)}"
        f" — {word('expected', lang)}: {expect_label(entry['expected'], lang)}"
        f" — **{met_label(entry['met'], lang)}**",
        *(
            [f"- {word('kind', lang)}: {group_label(group(entry), lang)}"]
            if group(entry) in FINDING_GROUPS
            else []
        ),
    ]
    if entry["readings"]:
        lines.append(
            f"- {word('readings', lang)}: {escape(readings_line(doc, entry['readings'], lang))}"
        )
    lines.append("")
    found = detail(entry, lang)
    if found:
        lines += [f"**{word('detail', lang)}**: {escape(found)}", ""]
    finding_reason = reason(entry, lang)
    if finding_reason:
        lines += [f"**{word('reason', lang)}**: {escape(finding_reason)}", ""]
    lines += _articles(doc, entry, lang)
    lines += _expressions(entry, lang)
    lines += _counterexample(doc, entry, lang)
    lines += _evidence(entry, lang)
    lines += _other_readings(doc, entry, lang)
    return lines


def _articles(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    if not entry["articles"]:
        return []
    lines = [f"**{word('articles', lang)}**", ""]
    for article_id in entry["articles"]:
        article = doc["articles"][article_id]
        lines.append(f"> **{escape(cite(doc, article_id, lang))}**")
        for paragraph in article["text"].splitlines():
            if paragraph.strip():
                lines += [">", f"> {escape(paragraph.strip())}"]
        lines.append("")
    return lines


def _expressions(entry: Entry, lang: Lang) -> list[str]:
    lines: list[str] = []
    for key, text in expressions(entry):
        lines += [f"{word(key, lang)}:", "", "```text", text, "```", ""]
    return lines


def _counterexample(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    found = customers(entry)
    if not found:
        return []
    lines = [f"**{word('counterexample', lang)}**", ""]
    kinds: set[str] = set()
    for customer in found:
        rows = customer_rows(doc, entry, customer, lang)
        kinds |= {row.kind for row in rows}
        lines += _customer(doc, entry, customer, rows, lang)
    return [*lines, _legend(kinds, lang, doc["legend"]), ""]


def _customer(doc: Doc, entry: Entry, customer: Customer, rows: list[Row], lang: Lang) -> list[str]:
    lines = [f"#### {who(customer, lang)}", ""]
    lines += [f"- {escape(line)}" for line in facts(doc, customer, lang)]
    lines += ["", *_chart(rows, lang, charges=True), ""]
    extra = figures(doc, entry, customer, lang)
    if extra:
        lines += [*(f"- {escape(line)}" for line in extra), ""]
    return lines


def _chart(rows: list[Row], lang: Lang, *, charges: bool) -> list[str]:
    """A row per month (quiet runs folded): the month, its mark, its events."""
    if charges:
        lines = [
            f"| {word('month', lang)} | {word('charge', lang)} | {word('events', lang)} |",
            "|---|:---:|---|",
        ]
    else:
        lines = [f"| {word('month', lang)} | {word('events', lang)} |", "|---|---|"]
    for row in rows:
        events = " · ".join(f"{day(e, lang)} {escape(e.text)}" for e in row.events)
        if charges:
            mark = MARKS[row.kind] + (f" ×{row.span}" if row.span > 1 and row.kind else "")
            lines.append(f"| {month_span(row, lang)} | {mark} | {events} |")
        else:
            lines.append(f"| {month_span(row, lang)} | {events or '…'} |")
    return lines


def _legend(kinds: set[str], lang: Lang, legend: dict[str, dict[str, str]]) -> str:
    shown = [f"{MARKS[k]} {mark_label(k, lang, legend)}" for k in MARK_KINDS if k in kinds]
    return f"{word('legend', lang)}: " + " · ".join(shown)


def _evidence(entry: Entry, lang: Lang) -> list[str]:
    evidence = entry.get("evidence")
    if evidence is None:
        return []
    lines = [f"**{word('evidence', lang)}**", ""]
    lines += [f"- {escape(line.strip())}" for line in evidence["story"].get(lang, [])]
    lines.append("")
    if evidence["events"]:
        lines += [*_chart(evidence_rows(evidence["events"], lang), lang, charges=False), ""]
    return lines


def _other_readings(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    others = entry.get("by_reading") or []
    if not others:
        return []
    lines = [f"**{word('other_readings', lang)}**", ""]
    if entry.get("reading_dependent"):
        lines += [f"**{word('reading_dependent', lang)}**", ""]
    for other in others:
        readings = escape(readings_line(doc, other["readings"], lang))
        lines.append(f"- {readings}: {status_label(other['status'], lang)}")
    return [*lines, ""]
