"""Reading the report document (:func:`termcheck.report.document`) for the renderers.

Every format is rendered from that one document, so that the Markdown, HTML, JUnit and
SARIF reports can never disagree with the JSON. This module turns its entries back into
what people read: titles in the reader's language first, articles by their headings,
values as people write them (2027年3月31日, 1,200,000円), a customer's facts in a few lines.
"""

from __future__ import annotations

from typing import Any

from termcheck.render.words import GROUPS, MARKS, customer_name, months, paren
from termcheck.report.present import Lang, for_people, from_json
from termcheck.report.schema import Case, Charge, PropertyEntry, ReportDocument

Doc = ReportDocument
Entry = PropertyEntry
Customer = Case


def outcome(entry: Entry) -> str:
    """unmet, undecided, finding or proved: what the gate makes of the result (the
    SARIF level and fingerprint rest on it, so it does not follow a finding's category)."""
    if entry["status"] in ("inconclusive", "vacuous"):
        return "undecided"
    if not entry["met"]:
        return "unmet"
    return "finding" if entry["expected"] == "finding" else "proved"


def group(entry: Entry) -> str:
    """Which group of the report the property is told in (see words.GROUPS): a met
    finding by its category, so that defects come before ambiguities and observations."""
    found = outcome(entry)
    if found == "finding":
        return entry.get("category") or "observation"
    return found


def by_group(entries: list[Entry]) -> list[Entry]:
    """The properties in the order of their groups (the file order within a group)."""
    return sorted(entries, key=lambda e: GROUPS.index(group(e)))


def titles(entry: Entry, lang: Lang) -> tuple[str, str]:
    """The property's title in the reader's language, then in the other."""
    if lang == "ja":
        return entry["title_ja"], entry["title_en"]
    return entry["title_en"], entry["title_ja"]


def heading(doc: Doc, article_id: str) -> str:
    article = doc["articles"].get(article_id)
    return str(article["heading"]) if article else article_id


def cite(doc: Doc, article_id: str, lang: Lang) -> str:
    """An article as a reader finds it in the terms: its heading and title."""
    article = doc["articles"].get(article_id)
    if article is None:
        return article_id
    if not article["title"]:  # an appendix may have no title of its own
        return str(article["heading"])
    return str(article["heading"]) + paren(article["title"], lang)


def expressions(entry: Entry) -> list[tuple[str, str]]:
    """The assumption and the assertion worth showing: a built-in check has neither
    (both read `true`), and an assumption `true` says nothing."""
    return [(key, entry[key]) for key in ("assume", "assert") if entry[key] != "true"]


def property_stem(entry: Entry) -> str:
    """The name of the property's file without folder and suffix: `penalty`."""
    name: str = entry["file"].rsplit("/", 1)[-1]
    return name.removesuffix(".toml")


def customers(entry: Entry) -> list[Customer]:
    """The cases of a scenario counterexample; none for a proof or for evidence."""
    found = entry["counterexample"]
    if entry.get("evidence") is not None or not isinstance(found, list):
        return []
    return found


def label(doc: Doc, name: str, lang: Lang) -> str:
    info = doc["names"].get(name)
    return name if info is None else str(info[lang])


def kind(doc: Doc, name: str) -> str:
    info = doc["names"].get(name)
    return "" if info is None else str(info["type"])


def value(doc: Doc, customer: Customer, name: str) -> Any:
    """A fact or quantity of a case, typed again (dates, months) from its JSON form."""
    raw = customer["inputs"].get(name, customer["derived"].get(name))
    return from_json(raw, kind(doc, name))


def written(doc: Doc, customer: Customer, name: str, lang: Lang) -> str:
    info = doc["names"].get(name)
    shown = value(doc, customer, name)
    if info is not None and info["type"] == "enum" and isinstance(shown, str):
        return enum_label(doc, info["enum"], shown, lang)
    return for_people(shown, kind(doc, name), lang)


def article_of(doc: Doc, name: str) -> str:
    """The article a fact or quantity cites ("" if the document does not name it)."""
    info = doc["names"].get(name)
    return "" if info is None else info["article"]


def enum_label(doc: Doc, enum: str | None, chosen: str, lang: Lang) -> str:
    """An enumeration value as people name it, with its article: 契約者による解約（第N条第M項）."""
    enumeration = doc["enums"].get(enum or "")
    info = None if enumeration is None else enumeration["values"].get(chosen)
    if info is None:
        return chosen
    article = info["article"]
    return info[lang] + (paren(heading(doc, article), lang) if article else "")


def reading_label(doc: Doc, name: str, chosen: str, lang: Lang) -> str:
    reading = doc["readings"].get(name)
    option = None if reading is None else reading["options"].get(chosen)
    return chosen if option is None else f"{chosen}" + paren(option[lang], lang)


def facts(doc: Doc, customer: Customer, lang: Lang) -> list[str]:
    """Who the case is and what the terms charge it, in a few lines (the model's [report])."""
    told = customer["told"]
    separator = "、" if lang == "ja" else ", "
    parts = []
    for name in told["headline"]:
        shown = written(doc, customer, name, lang)
        parts.append(
            f"{label(doc, name, lang)}: {shown}"
            if kind(doc, name) == "enum"
            else f"{label(doc, name, lang)} {shown}"
        )
    line = separator.join(parts)
    lines = [line[:1].upper() + line[1:] if lang == "en" else line] if parts else []
    for charge in told["charges"]:
        lines.append(_charge(doc, charge, lang))
    if told["total"]:
        total = written(doc, customer, told["total"], lang)
        lines.append(f"{label(doc, told['total'], lang)}: {total}")
    return lines


def _charge(doc: Doc, charge: Charge, lang: Lang) -> str:
    """■ 課金 1ヶ月分: 100,000円（第N条第M項）: the model's own wording for the line."""
    count = charge["count"]
    amount = charge["amount"]
    template = str(charge[lang])
    text = template.format(
        count=count,
        months=months(int(count or 0), lang),
        amount=for_people(amount, "yen", lang),
        s="" if count == 1 else "s",
    )
    article = paren(heading(doc, charge["article"]), lang) if charge["article"] else ""
    return f"{MARKS[charge['mark']]} {text}{article}"


def figures(doc: Doc, entry: Entry, customer: Customer, lang: Lang) -> list[str]:
    """The other undated quantities the property speaks of, each with its article."""
    told = customer["told"]
    shown_already = set(told["headline"]) | {told["total"]}
    order = list(doc["names"])
    pinned = entry["pinned"].get(customer["scenario"] or "", {})
    lines = [
        f"{label(doc, name, lang)}: {reading_label(doc, name, chosen, lang)}"
        + paren(heading(doc, article_of(doc, name)), lang)
        for name, chosen in sorted(pinned.items())
    ]
    for name in sorted(entry["quantities"], key=lambda n: order.index(n) if n in order else 0):
        info = doc["names"].get(name)
        if (
            info is None
            or name in shown_already
            or info["kind"] == "constant"
            or info["type"] in ("date", "set")
        ):
            continue
        article = heading(doc, info["article"])
        lines.append(
            f"{label(doc, name, lang)}: {written(doc, customer, name, lang)}" + paren(article, lang)
        )
    return lines


def readings_line(doc: Doc, readings: dict[str, str], lang: Lang) -> str:
    """The readings a result was fixed to: 解約通知の期限: end-of-month（…）."""
    return "; ".join(
        f"{label(doc, name, lang)}: {reading_label(doc, name, chosen, lang)}"
        for name, chosen in sorted(readings.items())
    )


def who(customer: Customer, lang: Lang) -> str:
    return customer_name(customer.get("scenario"), lang)
