"""The report as one self-contained HTML page: inline CSS, no script, no font or image
fetched from anywhere, readable on a phone and on paper.

Every string that comes from the model, the terms or the properties goes through
:func:`html.escape`. Stable hooks for browser tests: the summary counts have the ids
`count-<key>` (count-proved, count-unmet, …), every customer's timeline is an element of
class `timeline`, every property an `article.property` with `data-status` and
`data-met`.
"""

from __future__ import annotations

import re
from html import escape

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
from termcheck.render.style import CSS
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

# `code` in a detail or a story line: an id or a machine's message, shown as code.
_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """Text from a check, escaped, its `code` spans shown as code (as Markdown does)."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escape(text))


# Counts that mean trouble when they are not zero: shown in the alarm colour.
_ALARMS = {"unmet", "inconclusive", "vacuous", "divergent"}


def render(doc: Doc, lang: Lang) -> str:
    other: Lang = "en" if lang == "ja" else "ja"
    title = f"{word('report', lang)}: {doc['terms']['title']}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="termcheck {escape(doc["termcheck"])}">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{CSS}</style>",
        "</head>",
        "<body>",
        *_header(doc, lang),
        "<main>",
        *_summary(doc, lang),
        *_glance(doc, lang),
        *_contents(doc, lang),
    ]
    for name in GROUPS:
        entries = [e for e in doc["properties"] if group(e) == name]
        if not entries:
            continue
        parts += [
            f'<section class="group group-{name}'
            + (" group-finding" if name in FINDING_GROUPS else "")
            + f'" id="g-{name}">',
            f"<h2>{escape(group_label(name, lang))}（{len(entries)}）</h2>",
        ]
        for entry in entries:
            parts += _property(doc, entry, lang, other)
        parts.append("</section>")
    parts += ["</main>", *_footer(doc), "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _header(doc: Doc, lang: Lang) -> list[str]:
    terms = doc["terms"]
    return [
        '<header class="report-header">',
        f"<h1>{escape(word('report', lang))}</h1>",
        f'<p class="terms-title">{escape(terms["title"])}'
        f' <span class="version">（{escape(terms["version"])}）</span></p>',
        f'<p class="meta">{escape(word("terms", lang))}: <code>{escape(terms["text"])}</code>'
        f" · {escape(word('model', lang))}: <code>{escape(terms['model'])}</code></p>",
        "</header>",
    ]


def _summary(doc: Doc, lang: Lang) -> list[str]:
    code = int(doc["exit_code"])
    counts = doc["summary"]
    parts = [
        f'<section id="summary" class="summary exit-{code}">',
        f"<h2>{escape(word('summary', lang))}</h2>",
        f'<p class="verdict" id="verdict" data-exit-code="{code}">'
        f"{escape(exit_label(code, lang))}</p>",
        '<dl class="counts">',
    ]
    for key in SUMMARY_KEYS:
        alarm = " alarm" if key in _ALARMS and counts[key] else ""
        parts.append(
            f'<div class="count count-{key}{alarm}"><dt>{escape(summary_label(key, lang))}</dt>'
            f'<dd id="count-{key}">{int(counts[key])}</dd></div>'
        )
    return [*parts, "</dl>", "</section>"]


def _glance(doc: Doc, lang: Lang) -> list[str]:
    """The first screen after the verdict: what needs attention and every defect by
    title, then how many of each other kind, each a link to its part of the report."""
    entries = by_group(doc["properties"])
    parts = ['<nav class="glance" id="glance">']
    for name in GLANCE_LISTED:
        listed = [e for e in entries if group(e) == name]
        if not listed:
            continue
        parts.append(
            f'<h2 class="glance-{name}"><a href="#g-{name}">'
            f"{escape(group_label(name, lang))}（{len(listed)}）</a></h2>"
        )
        parts.append("<ul>")
        parts += [
            f'<li><a href="#{_anchor(e)}">{escape(titles(e, lang)[0])}</a></li>' for e in listed
        ]
        parts.append("</ul>")
    others = [
        (name, sum(1 for e in entries if group(e) == name))
        for name in GROUPS
        if name not in GLANCE_LISTED
    ]
    links = [
        f'<a href="#g-{name}">{escape(kind_label(name, lang))} {count}</a>'
        for name, count in others
        if count
    ]
    if links:
        parts.append(f'<p class="glance-others">{" · ".join(links)}</p>')
    return [*parts, "</nav>"]


def _contents(doc: Doc, lang: Lang) -> list[str]:
    # Folded: on a phone its rows would push every finding off the first screen.
    parts = [
        '<details class="contents">',
        f"<summary>{escape(word('contents', lang))}（{len(doc['properties'])}）</summary>",
        '<div class="table-wrap"><table>',
        f"<thead><tr><th>{escape(word('property', lang))}</th>"
        f"<th>{escape(word('kind', lang))}</th>"
        f"<th>{escape(word('status', lang))}</th><th>{escape(word('met', lang))}</th></tr></thead>",
        "<tbody>",
    ]
    for entry in by_group(doc["properties"]):
        parts.append(
            f'<tr class="{_met_class(entry)} kind-{escape(group(entry))}">'
            f'<td><a href="#{_anchor(entry)}">{escape(titles(entry, lang)[0])}</a>'
            f'<br><code class="id">{escape(entry["id"])}</code></td>'
            f"<td>{escape(kind_label(group(entry), lang))}</td>"
            f"<td>{_badge(entry['status'], lang)}</td>"
            f"<td>{escape(met_label(entry['met'], lang))}</td></tr>"
        )
    return [*parts, "</tbody>", "</table></div>", "</details>"]


def _anchor(entry: Entry) -> str:
    return escape("p-" + entry["id"])


def _met_class(entry: Entry) -> str:
    return "met" if entry["met"] else "unmet"


def _badge(status: str, lang: Lang) -> str:
    return (
        f'<span class="badge status-{escape(status)}">{escape(status_label(status, lang))}</span>'
    )


def _property(doc: Doc, entry: Entry, lang: Lang, other: Lang) -> list[str]:
    title, other_title = titles(entry, lang)
    met = "true" if entry["met"] else "false"
    parts = [
        f'<article class="property status-{escape(entry["status"])} {_met_class(entry)}"'
        f' id="{_anchor(entry)}" data-status="{escape(entry["status"])}" data-met="{met}"'
        f' data-expected="{escape(entry["expected"])}">',
        f"<h3>{escape(title)}</h3>",
        # The Japanese title helps an English reader; a Japanese report is Japanese only.
        *(
            [f'<p class="title-other" lang="{other}">{escape(other_title)}</p>']
            if lang == "en"
            else []
        ),
        '<dl class="outcome">',
        *(
            [
                f"<div><dt>{escape(word('kind', lang))}</dt>"
                f"<dd>{escape(kind_label(group(entry), lang))}</dd></div>"
            ]
            if group(entry) in FINDING_GROUPS
            else []
        ),
        f"<div><dt>{escape(word('status', lang))}</dt>"
        f"<dd>{_badge(entry['status'], lang)}</dd></div>",
        f"<div><dt>{escape(word('expected', lang))}</dt>"
        f"<dd>{escape(expect_label(entry['expected'], lang))}</dd></div>",
        f"<div><dt>{escape(word('met', lang))}</dt>"
        f'<dd class="verdict-{_met_class(entry)}">'
        f"{escape(met_label(entry['met'], lang))}</dd></div>",
        "</dl>",
        f'<p class="where"><code>{escape(entry["id"])}</code> · '
        f"<code>{escape(entry['file'])}:{int(entry['line'])}</code></p>",
    ]
    if entry["readings"]:
        parts.append(
            f'<p class="readings">{escape(word("readings", lang))}: '
            f"{escape(readings_line(doc, entry['readings'], lang))}</p>"
        )
    found = detail(entry, lang)
    if found:
        parts.append(
            f'<p class="detail"><strong>{escape(word("detail", lang))}</strong>: '
            f"{inline(found)}</p>"
        )
    finding_reason = reason(entry, lang)
    if finding_reason:
        parts += [
            '<div class="reason">',
            f"<h4>{escape(word('reason', lang))}</h4>",
            f"<p>{escape(finding_reason)}</p>",
            "</div>",
        ]
    parts += _articles(doc, entry, lang)
    parts += _expressions(entry, lang)
    parts += _counterexample(doc, entry, lang)
    parts += _evidence(entry, lang)
    parts += _other_readings(doc, entry, lang)
    return [*parts, "</article>"]


def _articles(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    if not entry["articles"]:
        return []
    parts = ['<div class="articles">', f"<h4>{escape(word('articles', lang))}</h4>"]
    for article_id in entry["articles"]:
        article = doc["articles"][article_id]
        paragraphs = "".join(
            f"<p>{escape(line.strip())}</p>"
            for line in article["text"].splitlines()
            if line.strip()
        )
        parts.append(
            f'<figure class="article" data-article="{escape(article_id)}">'
            f"<figcaption>{escape(cite(doc, article_id, lang))}</figcaption>"
            f'<blockquote lang="ja">{paragraphs}</blockquote></figure>'
        )
    return [*parts, "</div>"]


def _expressions(entry: Entry, lang: Lang) -> list[str]:
    shown = expressions(entry)
    if not shown:
        return []
    parts = ['<dl class="expressions">']
    for key, text in shown:
        parts.append(
            f"<div><dt>{escape(word(key, lang))}</dt>"
            f"<dd><pre><code>{escape(text)}</code></pre></dd></div>"
        )
    return [*parts, "</dl>"]


def _counterexample(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    found = customers(entry)
    if not found:
        return []
    parts = [
        '<div class="counterexample">',
        f"<h4>{escape(word('counterexample', lang))}</h4>",
        '<div class="customers">',
    ]
    kinds: set[str] = set()
    for customer in found:
        rows = customer_rows(doc, entry, customer, lang)
        kinds |= {row.kind for row in rows}
        parts += _customer(doc, entry, customer, rows, lang)
    return [*parts, "</div>", _legend(kinds, lang, doc["legend"]), "</div>"]


def _customer(doc: Doc, entry: Entry, customer: Customer, rows: list[Row], lang: Lang) -> list[str]:
    name = who(customer, lang)
    parts = [
        f'<div class="customer" data-customer="{escape(customer.get("scenario") or "")}">',
        f"<h5>{escape(name)}</h5>",
        '<ul class="facts">',
        *(f"<li>{escape(line)}</li>" for line in facts(doc, customer, lang)),
        "</ul>",
        *_timeline(rows, lang, name, charges=True, legend=doc["legend"]),
    ]
    extra = figures(doc, entry, customer, lang)
    if extra:
        parts += ['<ul class="figures">', *(f"<li>{escape(line)}</li>" for line in extra), "</ul>"]
    return [*parts, "</div>"]


def _timeline(
    rows: list[Row],
    lang: Lang,
    name: str,
    *,
    charges: bool,
    legend: dict[str, dict[str, str]] | None = None,
) -> list[str]:
    """A month per row (quiet runs folded): the month, its charge mark, its events."""
    kind = "charges" if charges else "events-only"
    label = f"{name}: {word('events', lang)}" if name else word("events", lang)
    parts = [f'<ol class="timeline {kind}" aria-label="{escape(label)}">']
    for row in rows:
        folded = " folded" if row.span > 1 else ""
        mark = MARKS[row.kind] + (f" ×{row.span}" if row.span > 1 and row.kind else "")
        title = f' title="{escape(mark_label(row.kind, lang, legend))}"' if row.kind else ""
        events = "".join(
            f'<li><time datetime="{e.day.isoformat()}">{escape(day(e, lang))}</time> '
            f"{escape(e.text)}</li>"
            for e in row.events
        )
        parts.append(
            f'<li class="month kind-{row.kind or "none"}{folded}">'
            f'<span class="when">{escape(month_span(row, lang))}</span>'
            f'<span class="mark"{title}>{escape(mark)}</span>'
            f'<ul class="events">{events}</ul></li>'
        )
    return [*parts, "</ol>"]


def _legend(kinds: set[str], lang: Lang, legend: dict[str, dict[str, str]]) -> str:
    keys = "".join(
        f'<li class="kind-{k}"><span class="mark">{MARKS[k]}</span> '
        f"{escape(mark_label(k, lang, legend))}</li>"
        for k in MARK_KINDS
        if k in kinds
    )
    return f'<ul class="legend" aria-label="{escape(word("legend", lang))}">{keys}</ul>'


def _evidence(entry: Entry, lang: Lang) -> list[str]:
    evidence = entry.get("evidence")
    if evidence is None:
        return []
    parts = [
        '<div class="evidence">',
        f"<h4>{escape(word('evidence', lang))}</h4>",
        '<ul class="story">',
        *(f"<li>{inline(line.strip())}</li>" for line in evidence["story"].get(lang, [])),
        "</ul>",
    ]
    if evidence["events"]:
        parts += _timeline(evidence_rows(evidence["events"], lang), lang, "", charges=False)
    return [*parts, "</div>"]


def _other_readings(doc: Doc, entry: Entry, lang: Lang) -> list[str]:
    others = entry.get("by_reading") or []
    if not others:
        return []
    parts = [
        '<div class="other-readings">',
        f"<h4>{escape(word('other_readings', lang))}</h4>",
    ]
    if entry.get("reading_dependent"):
        parts.append(f'<p class="reading-dependent">{escape(word("reading_dependent", lang))}</p>')
    parts.append("<ul>")
    for other in others:
        parts.append(
            f"<li>{escape(readings_line(doc, other['readings'], lang))}: "
            f"{_badge(other['status'], lang)}</li>"
        )
    return [*parts, "</ul>", "</div>"]


def _footer(doc: Doc) -> list[str]:
    return [
        '<footer class="report-footer">',
        f"<p>termcheck {escape(doc['termcheck'])}</p>",
        "</footer>",
    ]
