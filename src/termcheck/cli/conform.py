"""`termcheck conform`: a billing implementation's answers beside the terms', case by case.

Every format is rendered from one document (:func:`document`): JSON is that document;
text and Markdown tell it to people, in Japanese and English; JUnit and SARIF hand it to
CI. Exit 0 the implementation conforms on every case, 1 it disagrees (or fails), 2 bad
input, 3 undecided (a goal the solver could not decide, a case the model refuses).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any
from xml.etree import ElementTree as ET

import typer

from termcheck import __version__
from termcheck.cli._common import app, fail, load_model, load_props, reading_overrides
from termcheck.conform.reach import Reach
from termcheck.conform.run import DEFAULT_BUDGET, ConformResult, Disagreement, conform
from termcheck.conform.target import (
    DEFAULT_CASE_TIMEOUT,
    CommandTarget,
    Target,
    python_target,
)
from termcheck.errors import InputError
from termcheck.files import write_atomic
from termcheck.limits import budget_problem, rlimit_problem
from termcheck.model.spec import Spec
from termcheck.report.present import for_json, for_people
from termcheck.verify.results import DEFAULT_RLIMIT

FORMATS = ("text", "markdown", "json", "junit", "sarif")
Doc = dict[str, Any]


@app.command(name="conform")
def conform_command(
    model_dir: Annotated[Path | None, typer.Argument(help="the model folder")] = None,
    impl: Annotated[
        str | None,
        typer.Option(help="a Python function: package.module:function or path/file.py:function"),
    ] = None,
    impl_cmd: Annotated[
        str | None,
        typer.Option(help="a program speaking termcheck-conform/1 on stdin/stdout"),
    ] = None,
    properties: Annotated[
        Path | None, typer.Option(help="properties folder (their witnesses are cases too)")
    ] = None,
    reading: Annotated[
        list[str] | None,
        typer.Option(help="QUANTITY=READING the implementation implements (default: adopted)"),
    ] = None,
    budget: Annotated[
        int, typer.Option(help="cases Hypothesis generates after the solver's (0: none)")
    ] = DEFAULT_BUDGET,
    case_timeout: Annotated[
        float, typer.Option(help="seconds one case may take before the implementation is hung")
    ] = DEFAULT_CASE_TIMEOUT,
    output_format: Annotated[str, typer.Option("--format", help=", ".join(FORMATS))] = "text",
    out: Annotated[Path | None, typer.Option(help="write the report here instead")] = None,
    rlimit: Annotated[int, typer.Option(help="Z3 resource limit per goal")] = DEFAULT_RLIMIT,
) -> None:
    """Check an implementation against the terms; exit 0 conforms, 1 disagrees, 2 bad input, 3 undecided."""  # noqa: E501
    if output_format not in FORMATS:
        fail(f"--format: {output_format!r} is not one of: {', '.join(FORMATS)}")
    if (impl is None) == (impl_cmd is None):
        fail("give one of --impl package.module:function or --impl-cmd COMMAND")
    if problem := budget_problem(budget):
        fail(f"--budget: {problem}")
    if not 0 < case_timeout <= 3600:
        fail(f"--case-timeout: {case_timeout:g} is not between 0 and 3600 seconds")
    if problem := rlimit_problem(rlimit):
        fail(f"--rlimit: {problem}")
    if out is not None and not out.parent.is_dir():
        fail(f"--out: no folder {str(out.parent)!r} to write {out.name!r} into")
    spec = load_model(model_dir, "MODEL_DIR")
    props = load_props(properties, spec)
    chosen = reading_overrides(spec, reading or [])
    target: Target
    try:
        if impl is not None:
            target = python_target(impl, case_timeout)
        else:
            assert impl_cmd is not None
            target = CommandTarget(impl_cmd, spec, case_timeout)
    except InputError as exc:
        fail(str(exc))
    try:
        result = conform(spec, target, props, readings=chosen, budget=budget, rlimit=rlimit)
    finally:
        target.close()
    text = render(document(spec, result), output_format)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
    raise typer.Exit(result.exit_code)


# --- The document ------------------------------------------------------------------------------


def document(spec: Spec, result: ConformResult) -> Doc:
    v = spec.vocabulary
    reached = result.boundaries.reached
    terms = spec.document.terms
    return {
        "termcheck": __version__,
        "terms": {"title": terms.title, "version": terms.version},
        "implementation": result.target,
        "readings": dict(sorted(result.readings.items())),
        "exit_code": result.exit_code,
        "verdict": {0: "conforms", 1: "disagrees", 3: "undecided"}[result.exit_code],
        "cases": dict(sorted(result.cases.items())),
        "compared": result.compared,
        "coverage": {
            "goals": len(reached),
            "reached": result.boundaries.count(Reach.REACHED),
            "unreachable": result.boundaries.count(Reach.UNREACHABLE),
            "undecided": result.boundaries.count(Reach.UNDECIDED),
            "by_kind": _by_kind(reached),
            "not_reached": [
                {"goal": r.goal.id, "status": r.status.value, "detail": r.detail}
                for r in reached
                if r.status is not Reach.REACHED
            ],
        },
        "disagreements": [_disagreement(spec, d) for d in result.disagreements],
        "refused": [
            {"source": c.source, "why": c.why, "facts": _facts(c.facts)} for c in result.refused
        ],
        "facts": {e.id: {"ja": e.ja, "en": e.en, "type": e.type.kind} for e in v.facts},
    }


def _by_kind(reached: list[Any]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for r in reached:
        counts = found.setdefault(r.goal.kind, {"goals": 0, "reached": 0})
        counts["goals"] += 1
        counts["reached"] += r.status is Reach.REACHED
    return dict(sorted(found.items()))


def _facts(facts: dict[str, object]) -> dict[str, object]:
    return {k: for_json(v) for k, v in facts.items()}


def _disagreement(spec: Spec, d: Disagreement) -> Doc:
    entry = spec.vocabulary.entries.get(d.quantity) if d.quantity else None
    formula = ""
    if entry is not None and entry.formulas:
        formula = spec.document.quantities[entry.id].formula or ""
        readings = spec.document.quantities[entry.id].readings
        if readings:
            formula = readings[entry.adopted].formula
    return {
        "kind": d.kind,
        "quantity": d.quantity,
        "ja": entry.ja if entry else "",
        "en": entry.en if entry else "",
        "type": entry.type.kind if entry else "",
        "articles": [spec.heading(a) for a in entry.articles] if entry else [],
        "formula": formula,
        "model": for_json(d.model),
        "implementation": for_json(d.implementation),
        "detail": d.detail,
        "cases": d.count,
        "case": {"source": d.case.source, "why": d.case.why, "facts": _facts(d.case.facts)},
    }


# --- Rendering ---------------------------------------------------------------------------------


def render(doc: Doc, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if output_format == "junit":
        return _junit(doc)
    if output_format == "sarif":
        return _sarif(doc)
    return _people(doc, markdown=output_format == "markdown")


_KIND_WORDS = {
    "differs": ("値が異なる", "differs"),
    "missing": ("値を返さない", "not answered"),
    "failed": ("実装が失敗した", "the implementation failed"),
}


def _value(raw: object, kind: str, lang: str) -> str:
    if raw is None:
        return "—"
    if kind in ("date", "month") and isinstance(raw, str):
        return raw
    return for_people(raw, kind, "ja" if lang == "ja" else "en")


def _people(doc: Doc, *, markdown: bool) -> str:
    bold = (lambda s: f"**{s}**") if markdown else (lambda s: s)
    code = (lambda s: f"`{s}`") if markdown else (lambda s: s)
    lines: list[str] = []
    terms = doc["terms"]
    title = f"適合性 / Conformance: {terms['title']} ({terms['version']})"
    lines += [f"# {title}" if markdown else title, ""]
    cov = doc["coverage"]
    verdict = {
        "conforms": "適合 / conforms",
        "disagrees": "不一致あり / disagrees",
        "undecided": "判定不能 / undecided",
    }[doc["verdict"]]
    asked = ", ".join(f"{k} {n}" for k, n in doc["cases"].items())
    lines += [
        f"- {bold('実装 / implementation')}: {code(doc['implementation'])}",
        f"- {bold('結論 / verdict')}: {verdict} (exit {doc['exit_code']})",
        f"- {bold('事例 / cases')}: {asked or 'none'}",
        f"- {bold('分岐網羅 / branch coverage')}: {cov['reached']} of {cov['goals']} goals reached"
        f" ({cov['unreachable']} unreachable by any case, {cov['undecided']} undecided)",
        f"- {bold('比較した項目 / quantities compared')}: {', '.join(doc['compared']) or 'none'}",
        "",
    ]
    facts = doc["facts"]
    for d in doc["disagreements"]:
        ja, en = _KIND_WORDS[d["kind"]]
        name = f"{d['ja']} / {d['en']} ({d['quantity']})" if d["quantity"] else ja + " / " + en
        heading = f"{name}: {ja} / {en}" if d["quantity"] else name
        lines += [f"## {heading}" if markdown else heading, ""]
        if d["articles"]:
            lines.append(f"- 条項 / article: {'、'.join(d['articles'])}")
        if d["formula"]:
            lines.append(f"- 式 / formula: {code(d['formula'])}")
        if d["kind"] == "differs":
            kind = d["type"]
            lines.append(
                f"- 約款 / the terms: {_value(d['model'], kind, 'ja')}"
                f" / {_value(d['model'], kind, 'en')}"
            )
            lines.append(
                f"- 実装 / the implementation: {_value(d['implementation'], kind, 'ja')}"
                f" / {_value(d['implementation'], kind, 'en')}"
            )
        elif d["kind"] == "missing":
            lines.append(f"- 約款 / the terms: {_value(d['model'], d['type'], 'en')}")
        if d["detail"]:
            lines.append(f"- 詳細 / detail: {d['detail']}")
        lines.append(f"- 事例 / case ({d['case']['source']}: {d['case']['why']}):")
        for fact, value in d["case"]["facts"].items():
            label = facts.get(fact, {"ja": fact, "en": fact})
            lines.append(f"  - {label['ja']} / {label['en']}: {value}")
        lines.append(f"- 同じ不一致の事例数 / cases showing it: {d['cases']}")
        lines.append("")
    for case in doc["refused"]:
        lines.append(
            f"- 約款の具体的意味が拒む事例 / a case the model's concrete meaning refuses "
            f"({case['source']}: {case['why']}): {case['facts']}"
        )
    if cov["not_reached"]:
        lines += ["", "## 到達しない目標 / goals not reached" if markdown else "goals not reached:"]
        for goal in cov["not_reached"]:
            lines.append(f"- {goal['goal']}: {goal['status']}")
    return "\n".join(lines).rstrip() + "\n"


def _junit(doc: Doc) -> str:
    suite = ET.Element(
        "testsuite",
        {
            "name": f"termcheck conform: {doc['terms']['title']}",
            "tests": str(max(1, len(doc["compared"]))),
            "failures": str(len(doc["disagreements"])),
            "errors": "1" if doc["verdict"] == "undecided" else "0",
        },
    )
    by_quantity: dict[str, list[Doc]] = {}
    for d in doc["disagreements"]:
        by_quantity.setdefault(d["quantity"] or "(answer)", []).append(d)
    for name in sorted(set(doc["compared"]) | set(by_quantity)):
        case = ET.SubElement(suite, "testcase", {"classname": "conform", "name": name})
        for d in by_quantity.get(name, []):
            message = f"{d['kind']}: terms {d['model']}, implementation {d['implementation']}"
            failure = ET.SubElement(case, "failure", {"type": d["kind"], "message": message})
            failure.text = json.dumps(d["case"], ensure_ascii=False, sort_keys=True)
    if doc["verdict"] == "undecided":
        case = ET.SubElement(suite, "testcase", {"classname": "conform", "name": "(undecided)"})
        ET.SubElement(case, "error", {"message": "a goal or a case is undecided"})
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, "unicode") + "\n"


def _sarif(doc: Doc) -> str:
    results = []
    for d in doc["disagreements"]:
        text = (
            f"{d['quantity'] or 'the answer'} {d['kind']}: terms {d['model']}, "
            f"implementation {d['implementation']} ({'、'.join(d['articles'])}); "
            f"case {json.dumps(d['case']['facts'], ensure_ascii=False, sort_keys=True)}"
        )
        results.append(
            {"ruleId": f"conform.{d['kind']}", "level": "error", "message": {"text": text}}
        )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "termcheck conform", "version": doc["termcheck"]}},
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
