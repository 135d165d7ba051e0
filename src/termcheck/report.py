"""Verification results as a document (JSON) and as a story people read (text).

:func:`document` builds the one structure every format is rendered from; the JSON
format is that structure as it is. Keys are sorted and timings are left out unless
asked for, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from termcheck import __version__
from termcheck.check import Result, Status, exit_code
from termcheck.coverage import as_json as coverage_json
from termcheck.coverage import coverage
from termcheck.drift import find_drift
from termcheck.paths import project_root
from termcheck.present import Lang, for_json, for_people, label
from termcheck.properties import Property
from termcheck.rules import Outcome
from termcheck.spec import Spec
from termcheck.vocabulary import BY_NAME, INPUTS, Kind, Type

# The events of a timeline, in the order they are told when they fall on the same day.
TIMELINE = (
    "planned_start",
    "service_start",
    "incident_date",
    "reckoning_day",
    "billing_start",
    "start_delay_deadline",
    "notice_deadline",
    "notice_arrival",
    "service_end",
    "minimum_term_end",
)
ALWAYS_TOLD = {"service_start", "billing_start", "service_end", "minimum_term_end"}


def document(
    spec: Spec,
    results: list[Result],
    *,
    timings: bool,
    properties: list[Property] | None = None,
) -> dict[str, Any]:
    """`properties`: every property loaded (default: those of `results`), for the drift
    and coverage sections, which speak of what rests on the text, checked or not."""
    rested_on = properties if properties is not None else [r.prop for r in results]
    drift = [entry.as_json() for entry in find_drift(spec, rested_on)]
    return {
        "termcheck": __version__,
        "terms": {
            "id": spec.document.terms.id,
            "title": spec.document.terms.title,
            "version": spec.document.terms.version,
            "model": repo_path(spec.directory),
            "text": repo_path(spec.directory / spec.document.terms.text),
        },
        "articles": cited_articles(spec, results),
        "grounds": grounds(spec),
        "readings": readings(spec),
        "summary": summary(results),
        "exit_code": 1 if drift else exit_code(results),  # drift is an unmet expectation
        "properties": [_entry(spec, r, timings=timings) for r in results],
        "drift": drift,
        "coverage": coverage_json(coverage(spec, rested_on)),
    }


def summary(results: list[Result]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for result in results:
        counts[result.status.value] += 1
    counts["properties"] = len(results)
    counts["findings"] = sum(1 for r in results if r.met and r.prop.expect == "finding")
    counts["unmet"] = sum(1 for r in results if not r.met)
    return counts


def _entry(spec: Spec, result: Result, *, timings: bool) -> dict[str, Any]:
    prop = result.prop
    entry: dict[str, Any] = {
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
        "met": result.met,
        "reason": prop.reason.strip() if prop.reason else None,
        "reason_ja": prop.reason_ja.strip() if prop.reason_ja else None,
        "readings": dict(sorted(result.readings.items())),
        "counterexample": _counterexample(result),
        "replayed": result.replayed,
        "detail": result.detail or None,
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
                "counterexample": _counterexample(other),
                "replayed": other.replayed,
            }
            for other in result.other_readings
        ]
        entry["reading_dependent"] = result.reading_dependent
    return entry


def _counterexample(result: Result) -> list[dict[str, Any]] | dict[str, Any] | None:
    if result.evidence is not None:
        return result.evidence.data
    if result.counterexample is None:
        return None
    return [
        {
            "scenario": name or None,
            "inputs": _inputs(outcome),
            "derived": {
                key: for_json(value)
                for key, value in sorted(outcome.as_dict().items())
                if key not in BY_NAME or BY_NAME[key].kind is Kind.DERIVED
            },
        }
        for name, outcome in sorted(result.counterexample.outcomes.items())
    ]


def _inputs(outcome: Outcome) -> dict[str, Any]:
    return {q.name: for_json(outcome.value(q.name)) for q in INPUTS}


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- Stories ---------------------------------------------------------------------------


def named_quantities(result: Result) -> set[str]:
    return {name.rpartition(".")[2] for name in result.prop.names}


def timeline(
    spec: Spec, outcome: Outcome, mentioned: set[str], lang: Lang
) -> list[tuple[date, str]]:
    """The dated events of one customer, sorted by date, each with its article."""
    headings = {a.id: a.heading for a in spec.articles}
    events: list[tuple[date, int, str]] = []
    for order, name in enumerate(TIMELINE):
        if name not in ALWAYS_TOLD and name not in mentioned:
            continue
        value = outcome.value(name)
        if not isinstance(value, date):
            continue
        article = headings.get(BY_NAME[name].article, BY_NAME[name].article)
        events.append((value, order, f"{label(name, lang)}（{article}）"))
    return [(day, text) for day, _, text in sorted(events)]


def figures(spec: Spec, outcome: Outcome, mentioned: set[str], lang: Lang) -> list[str]:
    """The undated quantities the property speaks of, as people write them."""
    headings = {a.id: a.heading for a in spec.articles}
    lines = []
    for name in sorted(mentioned, key=list(BY_NAME).index):
        quantity = BY_NAME[name]
        if quantity.type in (Type.DATE, Type.GROUND_SET) or quantity.kind is Kind.PARAMETER:
            continue
        value = outcome.value(name)
        article = headings.get(quantity.article, quantity.article)
        lines.append(f"{label(name, lang)}: {for_people(value, quantity.type, lang)}（{article}）")
    return lines


def story(spec: Spec, result: Result, lang: Lang = "ja") -> list[str]:
    """A counterexample as a short dated story, one line per event or figure."""
    if result.evidence is not None:
        return list(result.evidence.story[lang])
    if result.counterexample is None:
        return []
    mentioned = named_quantities(result)
    lines: list[str] = []
    for name, outcome in sorted(result.counterexample.outcomes.items()):
        scenario = outcome.scenario
        who = (
            (f"契約者{name}" if lang == "ja" else f"Customer {name}")
            if name
            else ("契約者" if lang == "ja" else "Customer")
        )
        month = for_people(scenario.termination_month, Type.MONTH, lang)
        fee = for_people(scenario.monthly_fee, Type.YEN, lang)
        if lang == "ja":
            lines.append(f"{who}: 月額料金 {fee}, 解約月 {month}, 事由 {scenario.ground.value}")
        else:
            lines.append(
                f"{who}: monthly fee {fee}, termination month {month}, "
                f"ground {scenario.ground.value}"
            )
        for day, text in timeline(spec, outcome, mentioned, lang):
            lines.append(f"  {for_people(day, Type.DATE, lang)}  {text}")
        lines += [f"  {line}" for line in figures(spec, outcome, mentioned, lang)]
    prop = result.prop
    if prop.assume_text.strip() != "true":
        lines.append(("前提: " if lang == "ja" else "assuming: ") + _one_line(prop.assume_text))
    verdict = " は成り立たない" if lang == "ja" else " does not hold"
    lines.append(("主張: " if lang == "ja" else "claim: ") + _one_line(prop.assert_text) + verdict)
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- What the people formats quote and name ------------------------------------------------


def repo_path(path: Path | str) -> str:
    """`path` relative to the checkout, with forward slashes, whatever the working
    directory: reports are compared byte for byte and must not carry absolute machine
    paths. A file outside the checkout is given relative to it (`../…`).

    A relative `path` may come from :func:`termcheck.paths.display`, which is relative
    to the working directory when the file is inside it and to the checkout otherwise.
    """
    root = project_root().resolve()
    candidate = Path(path)
    if not candidate.is_absolute() and not candidate.exists():
        candidate = root / candidate
    absolute = Path(os.path.abspath(candidate))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute, root)).as_posix()


def cited_articles(spec: Spec, results: list[Result]) -> dict[str, dict[str, Any]]:
    """The provisions the report cites (those the properties rest on, and those of the
    quantities and grounds its stories name), with their text as in terms.ja.md."""
    cited = {article for r in results for article in r.prop.articles}
    cited |= {quantity.article for quantity in BY_NAME.values()}
    cited |= {ground.article for ground in spec.document.grounds}
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


def grounds(spec: Spec) -> dict[str, dict[str, str]]:
    """The termination grounds as the model names them, by id."""
    return {
        g.id.value: {"ja": g.ja, "en": g.en, "article": g.article} for g in spec.document.grounds
    }


def readings(spec: Spec) -> dict[str, dict[str, Any]]:
    """Each ambiguous phrase, its readings (by id, in ja and en) and the adopted one."""
    return {
        r.id: {
            "phrase": r.phrase,
            "article": r.article,
            "adopted": r.adopted,
            "options": {o.id: {"ja": o.ja, "en": o.en} for o in r.options},
        }
        for r in spec.document.readings
    }


def _evidence(result: Result) -> dict[str, Any] | None:
    evidence = result.evidence
    if evidence is None:
        return None
    return {
        "story": {lang: list(lines) for lang, lines in sorted(evidence.story.items())},
        "events": [
            {"date": day.isoformat(), "ja": ja, "en": en} for day, ja, en in evidence.events
        ],
    }
