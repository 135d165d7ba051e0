"""The audit's report: one document (JSON-ready, sorted, no timings), told as JSON,
Markdown or CSV.

JSON is the document as it is. Markdown tells it to people: the summary by kind, by
article (headed as the terms head it, 第N条第M項) and by quantity, then every finding.
CSV is the findings alone, one row each, for a spreadsheet or another program (the
summary is in the other two). The same records give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any, Final

from termcheck import __version__
from termcheck.audit.check import BAD, DIFFERS, IMPOSSIBLE, KINDS, UNDETERMINED, Finding
from termcheck.audit.run import Audit
from termcheck.paths import display
from termcheck.report.present import for_json, for_people

FORMATS: Final = ("csv", "json", "markdown")
SUFFIXES: Final = {".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown"}
UNITS: Final = {"yen": "yen", "int": "count", "date": "days", "month": "months"}
KIND_WORDS: Final = {
    DIFFERS: "請求が約款と異なる / charged otherwise than the terms decide",
    IMPOSSIBLE: "ありえない事例 / not a possible case of the terms",
    UNDETERMINED: "約款が定めない / the terms decide no value",
    BAD: "読めない行 / a row that cannot be read",
}
Doc = dict[str, Any]
CSV_FIELDS: Final = (
    "row",
    "id",
    "quote",
    "kind",
    "quantity",
    "charged",
    "due",
    "difference",
    "unit",
    "article",
    "heading",
    "column",
    "message",
)


def document(audit: Audit) -> Doc:
    spec, plan, result = audit.spec, audit.plan, audit.result
    summary = result.summary
    entries = spec.vocabulary.entries
    headings = {
        article: spec.heading(article)
        for article in sorted({f.article for f in result.findings if f.article})
    }
    order = {a.id: i for i, a in enumerate(spec.articles)}
    by_article = {
        article: {"heading": spec.heading(article), **{k: counts[k] for k in KINDS}}
        for article, counts in sorted(
            summary.articles.items(), key=lambda item: (order.get(item[0], len(order)), item[0])
        )
    }
    by_quantity = {
        name: {
            "ja": entries[name].ja,
            "en": entries[name].en,
            "article": entries[name].article,
            "heading": spec.heading(entries[name].article),
            "unit": UNITS.get(entries[name].type.kind),
            DIFFERS: counts[DIFFERS],
            UNDETERMINED: counts[UNDETERMINED],
            "over": counts["over"],
            "under": counts["under"],
            "difference": counts["difference"],
        }
        for name in plan.charges
        for counts in [summary.quantities.get(name, Counter())]
    }
    terms = spec.document.terms
    return {
        "termcheck": __version__,
        "terms": {"id": terms.id, "title": terms.title, "version": terms.version},
        "model": display(spec.directory),
        "records": display(audit.records),
        "map": None if audit.map_path is None else display(audit.map_path),
        "columns": plan.columns,
        "quote_column": plan.quote_column,
        "id_column": plan.key_column,
        "ignored_columns": plan.ignored,
        "readings": dict(sorted(plan.readings.items())),
        "quotes": {
            name: {"sets": sets, "shares_terms_with": _sharing(plan.shared, name)}
            for name, sets in sorted(plan.effective.items())
        },
        "undecided_quotes": dict(sorted(plan.undecided.items())),
        "summary": {
            "records": summary.records,
            "conforming": summary.conforming,
            "with_findings": summary.rows_with_findings,
            "kinds": {
                kind: {"records": summary.rows[kind], "findings": summary.findings[kind]}
                for kind in KINDS
            },
            "articles": by_article,
            "quantities": by_quantity,
        },
        "headings": headings,
        "exit_code": summary.exit_code,
        "findings": [_finding(spec_units(audit, f), f, headings) for f in result.findings],
    }


def _sharing(shared: dict[str, str], name: str) -> list[str]:
    key = shared.get(name)
    return sorted(other for other, k in shared.items() if k == key and other != name)


def spec_units(audit: Audit, finding: Finding) -> str | None:
    if finding.quantity is None:
        return None
    return UNITS.get(audit.spec.vocabulary.entries[finding.quantity].type.kind)


def _finding(unit: str | None, f: Finding, headings: dict[str, str]) -> Doc:
    return {
        "row": f.row,
        "id": f.key,
        "quote": f.quote,
        "kind": f.kind,
        "quantity": f.quantity,
        "charged": for_json(f.charged),
        "due": for_json(f.due),
        "difference": f.difference,
        "unit": unit if f.difference is not None else None,
        "article": f.article,
        "heading": headings.get(f.article or ""),
        "column": f.column,
        "message": f.message,
    }


def render(doc: Doc, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if output_format == "csv":
        return _csv(doc)
    return "\n".join(_markdown(doc)) + "\n"


def _csv(doc: Doc) -> str:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for finding in doc["findings"]:
        writer.writerow(["" if finding[k] is None else finding[k] for k in CSV_FIELDS])
    return stream.getvalue()


# --- Markdown ------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    text = "—" if value is None or value == "" else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _markdown(doc: Doc) -> list[str]:
    summary = doc["summary"]
    terms = doc["terms"]
    names = summary["quantities"]
    verdict = (
        "すべての記録が約款どおり / every record conforms to the terms"
        if doc["exit_code"] == 0
        else f"{summary['with_findings']:,} 件の記録に指摘あり / "
        f"{summary['with_findings']:,} of {summary['records']:,} records have findings"
    )
    columns = ", ".join(f"`{column}` → `{name}`" for column, name in doc["columns"].items())
    lines = [
        f"# 請求の監査 / Billing audit: {terms['title']}",
        "",
        f"- 約款 / terms: {terms['title']} ({terms['version']}, `{doc['model']}`)",
        f"- 記録 / records: `{doc['records']}` ({summary['records']:,} records)"
        + (f", map `{doc['map']}`" if doc["map"] else ""),
        f"- 列 / columns: {columns or '—'}",
    ]
    if doc["quote_column"]:
        lines.append(f"- 見積の列 / quote column: `{doc['quote_column']}`")
    if doc["id_column"]:
        lines.append(f"- 識別の列 / id column: `{doc['id_column']}`")
    if doc["ignored_columns"]:
        ignored = ", ".join(f"`{c}`" for c in doc["ignored_columns"])
        lines.append(f"- 照合しない列 / columns not checked: {ignored}")
    if doc["readings"]:
        readings = ", ".join(f"{q} = {r}" for q, r in doc["readings"].items())
        lines.append(f"- 読み方 / readings: {readings}")
    for quote, info in doc["quotes"].items():
        sets = "; ".join(f"`{q}` = `{formula}`" for q, formula in info["sets"].items())
        lines.append(f"- 見積 / quote `{quote}`: {sets or 'the terms as they are'}")
    for quote, reason in doc["undecided_quotes"].items():
        lines.append(f"- 見積 / quote `{quote}`: {reason}")
    lines += [f"- **結果 / result**: {verdict}", ""]
    lines += ["## 集計 / Summary", ""]
    lines += _table(
        ("種類 / kind", "記録 / records", "指摘 / findings"),
        [
            [KIND_WORDS[k], f"{v['records']:,}", f"{v['findings']:,}"]
            for k, v in summary["kinds"].items()
        ]
        + [["約款どおり / conforming", f"{summary['conforming']:,}", ""]],
    )
    lines += ["## 条項別 / By article", ""]
    if summary["articles"]:
        lines += _table(
            ("条項 / article", *KINDS),
            [[info["heading"], *(info[k] for k in KINDS)] for info in summary["articles"].values()],
        )
    else:
        lines += ["なし / none", ""]
    lines += ["## 項目別 / By charge", ""]
    if names:
        lines += _table(
            (
                "項目 / charge",
                "条項 / article",
                DIFFERS,
                "過大 / over",
                "過少 / under",
                "差の計 / net",
            ),
            [
                [
                    f"{info['ja']} / {info['en']} (`{name}`)",
                    info["heading"],
                    info[DIFFERS],
                    info["over"],
                    info["under"],
                    _amount(info["difference"], info["unit"]),
                ]
                for name, info in names.items()
            ],
        )
    else:
        lines += ["照合した請求なし / no charge column to check", ""]
    lines += ["## 指摘 / Findings", ""]
    if not doc["findings"]:
        return [*lines, "なし / none"]
    units = {name: info["unit"] for name, info in names.items()}
    rows = []
    for f in doc["findings"]:
        unit = units.get(f["quantity"] or "")
        rows.append(
            [
                f["row"],
                f["id"],
                f["quote"],
                f["kind"],
                f["quantity"] and f"`{f['quantity']}`",
                _value(f["charged"], unit),
                _value(f["due"], unit),
                _amount(f["difference"], f["unit"]) if f["difference"] is not None else None,
                f["heading"] or f["article"],
                _detail(f["column"], f["message"]),
            ]
        )
    lines += _table(
        (
            "行 / row",
            "id",
            "見積 / quote",
            "種類 / kind",
            "項目 / charge",
            "請求 / charged",
            "約款 / due",
            "差 / difference",
            "条項 / article",
            "内容 / detail",
        ),
        rows,
    )
    return lines[:-1]


def _detail(column: str | None, message: str | None) -> str:
    where = f"列 / column `{column}`" if column else ""
    return f"{where}: {message}" if where and message else where or message or ""


def _value(value: object, unit: str | None) -> str | None:
    if value is None:
        return None
    if unit == "yen" and isinstance(value, int) and not isinstance(value, bool):
        return for_people(value, "yen")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _amount(value: object, unit: str | None) -> str:
    if not isinstance(value, int):
        return "—"
    sign = "+" if value > 0 else ""
    if unit == "yen":
        return f"{sign}{value:,}円"
    words = {"days": "日 / days", "months": "ヶ月 / months"}
    return f"{sign}{value}" + (f" {words[unit]}" if unit in words else "")
