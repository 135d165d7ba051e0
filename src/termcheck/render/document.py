"""Reading the report document (:func:`termcheck.report.document`) for the renderers.

Every format is rendered from that one document, so that the Markdown, HTML, JUnit and
SARIF reports can never disagree with the JSON. This module turns its entries back into
what people read: titles in the reader's language first, articles by their headings,
values as people write them (2027年3月31日, 1,200,000円), a customer's facts in a few lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from termcheck.calendar import Month
from termcheck.present import Lang, for_people, label
from termcheck.render.words import MARKS, customer_name, months, paren
from termcheck.vocabulary import BY_NAME, Kind, Type

Doc = dict[str, Any]
Entry = dict[str, Any]
Customer = dict[str, Any]

# The facts told of every customer (see `facts`); `figures` leaves them out.
_TOLD_AS_FACTS = {
    "monthly_fee",
    "termination_month",
    "ground",
    "billed_months",
    "billed_fees",
    "remaining_months",
    "penalty",
    "penalty_applies",
    "total_charged",
}


def group(entry: Entry) -> str:
    """Which group of the report the property is told in (see words.GROUPS)."""
    if entry["status"] in ("inconclusive", "vacuous"):
        return "undecided"
    if not entry["met"]:
        return "unmet"
    return "finding" if entry["expected"] == "finding" else "proved"


def titles(entry: Entry, lang: Lang) -> tuple[str, str]:
    """The property's title in the reader's language, then in the other."""
    if lang == "ja":
        return entry["title_ja"], entry["title_en"]
    return entry["title_en"], entry["title_ja"]


def heading(doc: Doc, article_id: str) -> str:
    article = doc["articles"].get(article_id)
    return str(article["heading"]) if article else article_id


def cite(doc: Doc, article_id: str, lang: Lang) -> str:
    """An article as a reader finds it in the terms: 第9条第2項（最低利用期間）."""
    article = doc["articles"].get(article_id)
    if article is None:
        return article_id
    if not article["title"]:  # 別記 and 別紙 may have no title of their own
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
    """The customers of a scenario counterexample; none for a proof or for evidence."""
    found = entry["counterexample"]
    if entry.get("evidence") is not None or not isinstance(found, list):
        return []
    return found


def value(customer: Customer, name: str) -> Any:
    """A quantity of a customer, typed again (dates, months) from its JSON form."""
    raw = customer["inputs"].get(name, customer["derived"].get(name))
    if raw is None:
        return None
    type_ = BY_NAME[name].type
    if type_ is Type.DATE:
        return date.fromisoformat(raw)
    if type_ is Type.MONTH:
        year, month = raw.split("-")
        return Month(int(year), int(month))
    return raw


def written(customer: Customer, name: str, lang: Lang) -> str:
    return for_people(value(customer, name), BY_NAME[name].type, lang)


def _ground(doc: Doc, customer: Customer, lang: Lang) -> str:
    ground = customer["inputs"]["ground"]
    info = doc["grounds"].get(ground)
    if info is None:
        return str(ground)
    return str(info[lang]) + paren(heading(doc, info["article"]), lang)


def _reading(doc: Doc, name: str, chosen: str, lang: Lang) -> str:
    reading = doc["readings"].get(name, {})
    option = reading.get("options", {}).get(chosen)
    return chosen if option is None else f"{chosen}" + paren(option[lang], lang)


def facts(doc: Doc, customer: Customer, lang: Lang) -> list[str]:
    """Who the customer is and what the terms charge them, in a few lines."""
    fee = written(customer, "monthly_fee", lang)
    month = written(customer, "termination_month", lang)
    ground = _ground(doc, customer, lang)
    billed = value(customer, "billed_months")
    remaining = value(customer, "remaining_months")
    lines = [
        f"月額料金 {fee}、解約月 {month}、事由: {ground}"
        if lang == "ja"
        else f"Monthly fee {fee}, termination month {month}, ground: {ground}",
        _charge(doc, "fee", billed, written(customer, "billed_fees", lang), lang),
    ]
    if remaining:
        kind = "penalty" if value(customer, "penalty_applies") else "waived"
        lines.append(_charge(doc, kind, remaining, written(customer, "penalty", lang), lang))
    total = written(customer, "total_charged", lang)
    lines.append(f"請求総額: {total}" if lang == "ja" else f"Total charged: {total}")
    return lines


def _charge(doc: Doc, kind: str, count: int, amount: str, lang: Lang) -> str:
    """■ 課金 1ヶ月分: 100,000円（第7条第1項）, ▲ 残余期間 11ヶ月分: 違約金 1,100,000円（…）."""
    name = "billed_fees" if kind == "fee" else "penalty"
    article = paren(heading(doc, BY_NAME[name].article), lang)
    span = months(count, lang)
    if lang == "ja":
        text = {
            "fee": f"課金 {span}分: {amount}",
            "penalty": f"残余期間 {span}分: 違約金 {amount}",
            "waived": f"残余期間 {span}: 違約金なし",
        }[kind]
    else:
        text = {
            "fee": f"billed for {span}: {amount}",
            "penalty": f"{span} remaining: penalty {amount}",
            "waived": f"{span} remaining: no penalty",
        }[kind]
    return f"{MARKS[kind]} {text}{article}"


def figures(doc: Doc, entry: Entry, customer: Customer, lang: Lang) -> list[str]:
    """The other undated quantities the property speaks of, each with its article."""
    lines = []
    for name in sorted(entry["quantities"], key=list(BY_NAME).index):
        quantity = BY_NAME[name]
        if (
            name in _TOLD_AS_FACTS
            or quantity.kind is Kind.PARAMETER
            or quantity.type in (Type.DATE, Type.GROUND_SET)
        ):
            continue
        if quantity.type in (Type.NOTICE_READING, Type.LIABILITY_READING):
            shown = _reading(doc, name, customer["inputs"][name], lang)
        else:
            shown = written(customer, name, lang)
        article = heading(doc, quantity.article)
        lines.append(f"{label(name, lang)}: {shown}" + paren(article, lang))
    return lines


def readings_line(doc: Doc, readings: dict[str, str], lang: Lang) -> str:
    """The readings a result was fixed to, e.g. 「2ヶ月前まで」の読み方: end-of-month（…）."""
    return "; ".join(
        f"{label(name, lang)}: {_reading(doc, name, chosen, lang)}"
        for name, chosen in sorted(readings.items())
    )


def who(customer: Customer, lang: Lang) -> str:
    return customer_name(customer.get("scenario"), lang)
