"""A result as a short story people read: each case's facts, its dated events and the
figures the property speaks of, each with its article.

What a case's story tells comes from the model ([report] in model.toml): its headline
facts and the dated quantities of its timeline. The engine knows no agreement's words.
"""

from __future__ import annotations

from datetime import date

from termcheck.model.spec import Spec
from termcheck.report.present import Lang, for_people
from termcheck.semantics.case import Outcome
from termcheck.verify.results import Result


def label(spec: Spec, name: str, lang: Lang) -> str:
    """A fact's or quantity's name for people, in their language."""
    entry = spec.vocabulary.entries.get(name)
    return name if entry is None else entry.label(lang)


def named_quantities(result: Result) -> set[str]:
    """The facts and quantities the property names (without their case)."""
    return {name.rpartition(".")[2] for name in result.prop.names}


def timeline(
    spec: Spec, outcome: Outcome, mentioned: set[str], lang: Lang
) -> list[tuple[date, str]]:
    """The dated events of one case, sorted by date, each with its article."""
    events: list[tuple[date, int, str]] = []
    for order, item in enumerate(spec.document.report.timeline):
        if not item.always and item.name not in mentioned:
            continue
        value = outcome.value(item.name)
        if not isinstance(value, date):
            continue
        entry = spec.vocabulary.entries[item.name]
        events.append((value, order, f"{entry.label(lang)}（{spec.heading(entry.article)}）"))
    return [(day, text) for day, _, text in sorted(events)]


def written(spec: Spec, name: str, outcome: Outcome, lang: Lang) -> str:
    """A fact's or quantity's value as people write it; a value of an enumeration by
    the name the model gives it."""
    entry = spec.vocabulary.entries[name]
    value = outcome.value(name)
    if entry.type.kind == "enum" and value is not None:
        return spec.enum_label(entry.type.enum, value, lang)
    return for_people(value, entry.type.kind, lang)


def figures(spec: Spec, outcome: Outcome, mentioned: set[str], lang: Lang) -> list[str]:
    """The undated quantities the property speaks of, as people write them."""
    entries = spec.vocabulary.entries
    order = list(entries)
    lines = []
    for name in sorted(mentioned, key=order.index):
        entry = entries[name]
        if entry.type.kind == "date" or entry.type.is_set or entry.kind == "constant":
            continue
        shown = written(spec, name, outcome, lang)
        lines.append(f"{entry.label(lang)}: {shown}（{spec.heading(entry.article)}）")
    return lines


def headline(spec: Spec, outcome: Outcome, lang: Lang) -> str:
    """The facts told first of every case ([report] headline)."""
    entries = spec.vocabulary.entries
    return ("、" if lang == "ja" else ", ").join(
        f"{entries[name].label(lang)} {written(spec, name, outcome, lang)}"
        for name in spec.document.report.headline
    )


def case_name(name: str, lang: Lang) -> str:
    """契約者 / 契約者a (Customer / Customer a)."""
    base = "契約者" if lang == "ja" else "Customer"
    if not name:
        return base
    return f"{base}{name}" if lang == "ja" else f"{base} {name}"


def story(spec: Spec, result: Result, lang: Lang = "ja") -> list[str]:
    """A counterexample as a short dated story, one line per event or figure."""
    if result.evidence is not None:
        return list(result.evidence.story[lang])
    if result.counterexample is None:
        return []
    mentioned = named_quantities(result)
    lines: list[str] = []
    for name, outcome in sorted(result.counterexample.outcomes.items()):
        lines.append(f"{case_name(name, lang)}: {headline(spec, outcome, lang)}")
        for day, text in timeline(spec, outcome, mentioned, lang):
            lines.append(f"  {for_people(day, 'date', lang)}  {text}")
        lines += [f"  {line}" for line in figures(spec, outcome, mentioned, lang)]
    prop = result.prop
    if prop.assume_text.strip() != "true":
        lines.append(("前提: " if lang == "ja" else "assuming: ") + _formula(prop.assume_text))
    verdict = " は成り立たない" if lang == "ja" else " does not hold"
    lines.append(("主張: " if lang == "ja" else "claim: ") + _formula(prop.assert_text) + verdict)
    return lines


def _formula(text: str) -> str:
    """A formula on one line, as code (`…`): it is not prose in either language."""
    return "`" + " ".join(text.split()) + "`"
