"""Verification results as one document (JSON), which every report format is rendered from.

Keys are sorted and timings are left out unless asked for, so the same input gives the
same bytes. The document carries what a renderer needs and knows nothing of the engine:
the model's names (ja, en, type, article) and enumerations, each reading with its
argument, and for each case of a counterexample what the model's [report] section says
to tell of it (headline facts, charges, dated events, the mark of each month), already
evaluated, so that renderers never evaluate a formula.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from termcheck import __version__
from termcheck.language.evaluate import EvaluationError, eval_concrete
from termcheck.model.coverage import as_json as coverage_json
from termcheck.model.coverage import coverage
from termcheck.model.drift import find_drift
from termcheck.model.phrases import phrase_problems
from termcheck.model.spec import Spec
from termcheck.model.vocabulary import THIS_MONTH
from termcheck.paths import project_root
from termcheck.report.present import for_json
from termcheck.report.schema import (
    Case,
    Charge,
    CitedArticle,
    EnumInfo,
    Event,
    EventNote,
    Evidence,
    NameInfo,
    PropertyEntry,
    ReadingInfo,
    ReportDocument,
    Told,
)
from termcheck.semantics.calendar import Month, month_of
from termcheck.semantics.case import Outcome
from termcheck.verify.properties import Property
from termcheck.verify.results import UNDECIDED, Result, Status, exit_code


def document(
    spec: Spec,
    results: list[Result],
    *,
    timings: bool,
    properties: list[Property] | None = None,
) -> ReportDocument:
    """`properties`: every property loaded (default: those of `results`), for the drift
    and coverage sections, which speak of what rests on the text, checked or not."""
    rested_on = properties if properties is not None else [r.prop for r in results]
    drift = [entry.as_json() for entry in find_drift(spec, rested_on)]
    phrases = [problem.as_json() for problem in phrase_problems(spec)]
    return {
        "termcheck": __version__,
        "terms": {
            "id": spec.document.terms.id,
            "title": spec.document.terms.title,
            "version": spec.document.terms.version,
            "model": repo_path(spec.directory),
            "text": repo_path(spec.directory / spec.document.terms.text),
            "sample": spec.document.terms.sample,
        },
        "articles": cited_articles(spec, results),
        "names": names(spec),
        "enums": enums(spec),
        "readings": readings(spec),
        "summary": summary(results),
        # Drift, and a value contradicting its phrase, are unmet expectations.
        "exit_code": 1 if drift or phrases else exit_code(results),
        "properties": [_entry(spec, r, timings=timings) for r in results],
        "drift": drift,
        "phrases": phrases,
        "coverage": coverage_json(coverage(spec, rested_on)),
        "legend": {
            kind: {"ja": text.ja, "en": text.en}
            for kind, text in sorted(spec.document.report.legend.items())
        },
    }


def summary(results: list[Result]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status.value] += 1
    counts["properties"] = len(results)
    counts["findings"] = sum(1 for r in results if r.met and r.prop.expect == "finding")
    # Unmet as the exit code counts it: an undecided property (inconclusive, vacuous) is
    # counted under its status, not twice.
    counts["unmet"] = sum(1 for r in results if not r.met and r.status not in UNDECIDED)
    return counts


def _entry(spec: Spec, result: Result, *, timings: bool) -> PropertyEntry:
    prop = result.prop
    entry: PropertyEntry = {
        "id": prop.id,
        "articles": list(prop.articles),
        "title_ja": prop.title_ja,
        "title_en": prop.title_en,
        "file": repo_path(prop.path),
        "line": prop.line,
        "assume": prop.assume_text.strip(),
        "assert": prop.assert_text.strip(),
        "status": result.status.value,
        "expected": prop.expect,
        "category": prop.category,
        "met": result.met,
        "reason": prop.reason.strip() if prop.reason else None,
        "reason_ja": prop.reason_ja.strip() if prop.reason_ja else None,
        "readings": dict(sorted(result.readings.items())),
        "pinned": {
            case: dict(sorted(chosen.items()))
            for case, chosen in sorted(prop.pinned.items())
            if chosen
        },
        "counterexample": _counterexample(spec, result),
        "replayed": result.replayed,
        "detail": result.detail or None,
        "detail_ja": result.detail_ja or None,
        "seconds": round(result.seconds, 4) if timings else None,
        "solver_seconds": round(result.solver_seconds, 4) if timings else None,
        # Work, like time, is a cost and not a verdict; it varies with the process's
        # history, so it is reported with the timings only.
        "solver_work": result.work if timings else None,
        "quantities": sorted(named_quantities(result)) if prop.kind == "scenario" else [],
        "evidence": _evidence(result),
    }
    if result.other_readings:
        entry["by_reading"] = [
            {
                "readings": dict(sorted(other.readings.items())),
                "status": other.status.value,
                "counterexample": _counterexample(spec, other),
                "replayed": other.replayed,
            }
            for other in result.other_readings
        ]
        entry["reading_dependent"] = result.reading_dependent
    return entry


def named_quantities(result: Result) -> set[str]:
    return {name.rpartition(".")[2] for name in result.prop.names}


def _counterexample(spec: Spec, result: Result) -> list[Case] | dict[str, Any] | None:
    if result.evidence is not None:
        return result.evidence.data
    if result.counterexample is None:
        return None
    mentioned = named_quantities(result)
    facts = [e.id for e in spec.vocabulary.facts]
    return [
        {
            "scenario": name or None,
            "inputs": {f: for_json(outcome.value(f)) for f in facts if outcome.has(f)},
            "derived": {
                e.id: for_json(outcome.value(e.id))
                for e in spec.vocabulary.derived
                if outcome.has(e.id)
            },
            "readings": dict(sorted(outcome.readings.items())),
            "told": told(spec, outcome, mentioned),
        }
        for name, outcome in sorted(result.counterexample.outcomes.items())
    ]


def to_json(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- What to tell of a case ([report] in model.toml) ---------------------------------------------


def _truth(spec: Spec, outcome: Outcome, expr: Any, month: Month | None = None) -> bool:
    def lookup(name: str) -> object:
        return month if name == THIS_MONTH else outcome.value(name)

    try:
        return eval_concrete(expr, lookup, spec.vocabulary.context()) is True
    except (EvaluationError, KeyError, TypeError):
        return False


def _value(spec: Spec, outcome: Outcome, expr: Any) -> Any:
    try:
        return eval_concrete(expr, outcome.value, spec.vocabulary.context())
    except (EvaluationError, KeyError, TypeError):
        return None


def told(spec: Spec, outcome: Outcome, mentioned: set[str]) -> Told:
    """The model's [report] for one case, evaluated: its headline facts, its charges,
    the dated events to tell, and the mark of each month between the first and last."""
    report = spec.document.report
    checked = spec.vocabulary.report_formulas
    charges: list[Charge] = []
    for index, charge in enumerate(report.charges):
        formulas = checked[("charges", index)]
        if "shown_if" in formulas and not _truth(spec, outcome, formulas["shown_if"]):
            continue
        holds = "when" not in formulas or _truth(spec, outcome, formulas["when"])
        amount_name = charge.amount.strip()
        article = (
            spec.vocabulary.entries[amount_name].article
            if amount_name in spec.vocabulary.entries
            else ""
        )
        charges.append(
            {
                "mark": charge.mark if holds else (charge.otherwise or charge.mark),
                "count": for_json(_value(spec, outcome, formulas["count"])),
                "amount": for_json(_value(spec, outcome, formulas["amount"])),
                "ja": charge.ja if holds else (charge.otherwise_ja or charge.ja),
                "en": charge.en if holds else (charge.otherwise_en or charge.en),
                "article": article,
            }
        )
    events: list[Event] = []
    for index, item in enumerate(report.timeline):
        when = checked.get(("timeline", index), {}).get("when")
        shown = item.always or item.name in mentioned
        if not shown and when is not None:
            shown = _truth(spec, outcome, when)
        elif not shown and item.when is None:
            shown = False
        value = outcome.value(item.name)
        if not shown or not isinstance(value, date):
            continue
        note = outcome.value(item.note) if item.note is not None else None
        events.append(
            {
                "name": item.name,
                "date": value.isoformat(),
                "order": index,
                "note": (
                    EventNote(name=item.note, value=note)
                    if item.note is not None and isinstance(note, bool)
                    else None
                ),
            }
        )
    return {
        "headline": list(report.headline),
        "charges": charges,
        "total": report.total,
        "events": events,
        "marks": _marks(spec, outcome, events),
    }


def _marks(spec: Spec, outcome: Outcome, events: list[Event]) -> dict[str, str]:
    rules = spec.vocabulary.report_formulas.get(("marks",), {})
    if not events or not rules:
        return {}
    days = [date.fromisoformat(e["date"]) for e in events]
    first, last = month_of(min(days)), month_of(max(days))
    marks: dict[str, str] = {}
    month = first
    while month <= last:
        for index, rule in enumerate(spec.document.report.marks):
            if _truth(spec, outcome, rules[str(index)], month):
                marks[str(month)] = rule.kind
                break
        month = month.shift(1)
    return marks


# --- What the people formats quote and name --------------------------------------------------


def repo_path(path: Path | str) -> str:
    """`path` relative to the project, with forward slashes, whatever the working
    directory: reports are compared byte for byte and must not carry absolute machine
    paths. A file outside the project is given relative to it (`../…`)."""
    root = project_root().resolve()
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists():
        candidate = root / candidate
    absolute = Path(os.path.abspath(candidate))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute, root)).as_posix()


def cited_articles(spec: Spec, results: list[Result]) -> dict[str, CitedArticle]:
    """The provisions the report cites (those the properties rest on, and those of the
    facts, quantities and enumeration values its stories name), with their text."""
    cited = {article for r in results for article in r.prop.articles}
    for entry in spec.vocabulary.entries.values():
        cited |= set(entry.articles)
    for info in spec.document.enums:
        cited |= {value.article for value in info.values if value.article}
    return {
        a.id: {
            "heading": a.heading,
            "title": a.title,
            "text": a.text,
            "line": a.line,
            "fingerprint": a.fingerprint,
        }
        for a in spec.articles
        if a.id in cited
    }


def names(spec: Spec) -> dict[str, NameInfo]:
    """Every fact and quantity as people name it, with its type and article."""
    return {
        entry.id: {
            "ja": entry.ja,
            "en": entry.en,
            "type": entry.type.kind,
            "enum": entry.type.enum,
            "kind": entry.kind,
            "article": entry.article,
        }
        for entry in spec.vocabulary.entries.values()
    }


def enums(spec: Spec) -> dict[str, EnumInfo]:
    """The model's enumerations: each value as people name it, with its article."""
    return {
        info.id: {
            "ja": info.ja,
            "en": info.en,
            "values": {v.id: {"ja": v.ja, "en": v.en, "article": v.article} for v in info.values},
        }
        for info in spec.document.enums
    }


def readings(spec: Spec) -> dict[str, ReadingInfo]:
    """Each quantity with readings: its phrase, its readings (with their arguments) and
    the adopted one."""
    found: dict[str, ReadingInfo] = {}
    for entry in spec.vocabulary.with_readings:
        found[entry.id] = {
            "phrase": entry.phrase,
            "article": entry.article,
            "adopted": entry.adopted,
            "options": {
                option: {
                    "ja": info.ja,
                    "en": info.en,
                    "argument": info.argument,
                    "argument_ja": info.argument_ja,
                }
                for option, info in entry.readings.items()
            },
        }
    return found


def _evidence(result: Result) -> Evidence | None:
    evidence = result.evidence
    if evidence is None:
        return None
    return {
        "story": {lang: list(lines) for lang, lines in sorted(evidence.story.items())},
        "events": [
            {"date": day.isoformat(), "ja": ja, "en": en} for day, ja, en in evidence.events
        ],
    }
