"""The report as SARIF 2.1.0, for code scanning (github/codeql-action/upload-sarif).

One rule per property (ruleId = the property id, which is stable), described by its
titles. A property that needs attention is a result located at its line in
properties/*.toml, with the articles it rests on as related locations in terms.ja.md:
a known finding is a `note`, an unmet expectation an `error`, an undecided property
(inconclusive, vacuous) a `warning`. Proved properties are rules without a result.

`partialFingerprints` hashes the rule id and the kind of result, so code scanning keeps
tracking one alert while a finding stays, however its counterexample or line moves.
Paths are relative to the repository root (`%SRCROOT%`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from termcheck.render.document import Doc, Entry, cite, heading, outcome
from termcheck.render.plain import report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
ROOT = "%SRCROOT%"
FINGERPRINT = "termcheckProperty/v1"

_LEVEL = {"finding": "note", "unmet": "error", "undecided": "warning"}


def level(entry: Entry) -> str | None:
    """The SARIF level of a property's result, or None for a proof (no result)."""
    return _LEVEL.get(outcome(entry))


def render(doc: Doc) -> str:
    entries = doc["properties"]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "termcheck",
                "version": doc["termcheck"],
                "semanticVersion": doc["termcheck"],
                "rules": [_rule(doc, entry) for entry in entries],
            }
        },
        "invocations": [{"executionSuccessful": True, "exitCode": doc["exit_code"]}],
        "results": [
            _result(doc, index, entry)
            for index, entry in enumerate(entries)
            if level(entry) is not None
        ],
        "properties": {"terms": doc["terms"], "summary": doc["summary"]},
    }
    sarif = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _rule(doc: Doc, entry: Entry) -> dict[str, Any]:
    articles = "、".join(cite(doc, a, "ja") for a in entry["articles"])
    help_text = (
        f"{entry['title_ja']}\n{entry['title_en']}\n\n"
        f"articles: {articles}\nassume: {entry['assume']}\nassert: {entry['assert']}\n"
        f"expected: {entry['expected']}"
    )
    return {
        "id": entry["id"],
        "shortDescription": {"text": entry["title_en"]},
        "fullDescription": {"text": f"{entry['title_ja']} / {entry['title_en']}"},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": "error" if entry["expected"] == "holds" else "note"},
        "properties": {
            "title_ja": entry["title_ja"],
            "title_en": entry["title_en"],
            "articles": [heading(doc, a) for a in entry["articles"]],
            "expected": entry["expected"],
            "tags": ["termcheck", entry["file"].rsplit("/", 1)[-1].removesuffix(".toml")],
        },
    }


def _result(doc: Doc, index: int, entry: Entry) -> dict[str, Any]:
    return {
        "ruleId": entry["id"],
        "ruleIndex": index,
        "level": level(entry),
        "message": {"text": report(doc, entry)},
        "locations": [_location(entry["file"], entry["line"])],
        "relatedLocations": [
            {
                "id": number,
                **_location(doc["terms"]["text"], doc["articles"][article]["line"]),
                "message": {"text": cite(doc, article, "ja")},
            }
            for number, article in enumerate(entry["articles"])
            if article in doc["articles"]
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(entry)},
        "properties": {
            "status": entry["status"],
            "expected": entry["expected"],
            "met": entry["met"],
            "counterexample": entry["counterexample"],
        },
    }


def _location(path: str, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            # A URI, not a file name: spaces and non-ASCII letters are percent-encoded.
            "artifactLocation": {"uri": quote(path), "uriBaseId": ROOT},
            "region": {"startLine": line},
        }
    }


def fingerprint(entry: Entry) -> str:
    """Stable across commits while the property keeps its id and the kind of result."""
    key = f"{entry['id']}\n{outcome(entry)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
