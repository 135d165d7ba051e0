"""`termcheck diff`: what a change to the terms changes for customers.

Every format is rendered from one document (:func:`document`, built from
:func:`termcheck.analyses.diff.diff`'s result): JSON is that document as it is; Markdown and text
tell it to people, figures as people write them (2027年3月31日, 2,400,000円).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, TaskID

from termcheck import __version__
from termcheck.analyses.diff import (
    Change,
    DiffResult,
    ElementChange,
    QuantityDiff,
    Verdict,
    VerdictChange,
    WordingChange,
    compared_quantities,
    diff,
    wording_hunks,
)
from termcheck.cli._common import (
    CacheDirOption,
    JobsOption,
    NoCacheOption,
    app,
    cache_folder,
    fail,
    jobs_count,
    load_model,
    warn_cache,
)
from termcheck.errors import InputError
from termcheck.files import write_atomic
from termcheck.limits import rlimit_problem
from termcheck.model.spec import Spec
from termcheck.paths import default_properties_dir, display, project_root
from termcheck.report.present import Lang, for_json, for_people, from_json
from termcheck.report.story import story
from termcheck.semantics.calendar import HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR
from termcheck.smt.solving import SEED
from termcheck.verify.properties import Property, load_properties
from termcheck.verify.results import DEFAULT_RLIMIT

FORMATS = ("text", "json", "markdown")
Doc = dict[str, Any]


@app.command(name="diff")
def diff_command(
    old_model_dir: Annotated[Path, typer.Argument(help="the model folder of the old version")],
    new_model_dir: Annotated[Path, typer.Argument(help="the model folder of the new version")],
    properties: Annotated[
        Path | None,
        typer.Option(help="properties folder (default: the new model's own, else the project's)"),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="text|json|markdown",
            help="text (plain, the default), json or markdown",
        ),
    ] = None,
    out: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="PATH",
            help="write the report here instead; give it again for more files from one run, "
            "each in the format its suffix names (.json, .md, .txt)",
        ),
    ] = None,
    rlimit: Annotated[int, typer.Option(help="Z3 resource limit per check")] = DEFAULT_RLIMIT,
    jobs: JobsOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Compare two versions; exit 0 they agree, 1 they differ, 2 bad input, 3 undecided."""
    if output_format is not None and output_format not in FORMATS:
        fail(f"--format: {output_format!r} is not one of: {', '.join(FORMATS)}")
    targets = _targets(out or [], output_format)
    if problem := rlimit_problem(rlimit):
        fail(f"--rlimit: {problem}")
    processes = jobs_count(jobs)
    cache = cache_folder(cache_dir, no_cache)
    old = load_model(old_model_dir, "OLD_MODEL_DIR")
    new = load_model(new_model_dir, "NEW_MODEL_DIR")
    folder = properties
    if folder is None and (new.directory / "properties").is_dir():
        folder = new.directory / "properties"
    loaded = (_properties(old, folder, "OLD_MODEL_DIR"), _properties(new, folder, "NEW_MODEL_DIR"))
    with _DelayedProgress(total=len(compared_quantities(old, new)) + 1) as progress:
        result = diff(
            old, new, loaded, rlimit=rlimit, progress=progress.step, jobs=processes, cache=cache
        )
    warn_cache(result.cache_problem)
    doc = document(result)
    if not targets:
        typer.echo(render(doc, output_format or "text"), nl=False)
    texts = [(path, render(doc, fmt)) for path, fmt in targets]  # every one, before any write
    for path, text in texts:
        write_atomic(path, text)
    raise typer.Exit(result.exit_code)


SUFFIXES = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def _targets(paths: list[Path], output_format: str | None) -> list[tuple[Path, str]]:
    """Each --out with the format it is written in: --format's for a single one (text
    if none is given and its suffix names none), else the one its suffix names."""
    for path in paths:
        if not path.parent.is_dir():
            fail(f"--out: no folder {str(path.parent)!r} to write {path.name!r} into")
        if path.is_dir():
            fail(f"--out: {str(path)!r} is a folder: give a file in it")
    if len({path.resolve() for path in paths}) < len(paths):
        fail("--out: the same file is named twice; give each report a file of its own")
    if len(paths) == 1:
        return [(paths[0], output_format or SUFFIXES.get(paths[0].suffix.lower(), "text"))]
    if paths and output_format is not None:
        fail(
            "--format: give it with a single --out; with several, each file's suffix "
            f"({', '.join(SUFFIXES)}) names its format"
        )
    targets = []
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            fail(
                f"--out: {str(path)!r}: with several --out, name each file's format by its "
                f"suffix ({', '.join(SUFFIXES)})"
            )
        targets.append((path, SUFFIXES[path.suffix.lower()]))
    return targets


def _properties(spec: Spec, directory: Path | None, which: str) -> list[Property]:
    from termcheck.checks import REGISTRY  # the checks register on import

    try:
        return load_properties(directory or default_properties_dir(spec.directory), spec, REGISTRY)
    except InputError as exc:  # one line, as every input error: which model it was
        folder = directory is not None and exc.position is not None and exc.position.line is None
        flag = "--properties: " if folder else ""
        fail(f"{flag}{exc} (loading the properties against {which})")


# --- The document every format is rendered from ----------------------------------------------


def document(result: DiffResult) -> dict[str, Any]:
    """The diff as JSON-ready data: sorted, no timings, paths relative to the checkout."""
    quantities = result.quantities
    return {
        "termcheck": __version__,
        "old": _terms(result.old),
        "new": _terms(result.new),
        "exit_code": result.exit_code,
        "verdict": {0: "agree", 1: "differ", 3: "undecided"}[result.exit_code],
        "summary": {
            "quantities": len(quantities),
            **{v.value: sum(1 for q in quantities if q.verdict is v) for v in Verdict},
            "elements_changed": len(result.elements),
            "wording_changed": len(result.wording),
            "properties_changed": len(result.verdicts),
            "properties_undecided": len(result.undecided_properties),
            "drift": sum(len(d) for d in result.drift.values()),
        },
        "search": {
            "horizon": [HORIZON_FIRST_YEAR, HORIZON_LAST_YEAR],
            "bounds": {
                e.id: [e.bounds.low, e.bounds.high]
                for e in result.new.vocabulary.facts
                if e.bounds is not None and e.type.kind in ("yen", "int")
            },
            "rlimit": result.rlimit,
            "seed": SEED,
            "readings": {
                side: {e.id: e.adopted for e in spec.vocabulary.with_readings}
                for side, spec in (("old", result.old), ("new", result.new))
            },
        },
        "wording": [_wording_json(change) for change in result.wording],
        "elements": [_element_json(e) for e in result.elements],
        "quantities": [_quantity_json(result, q) for q in quantities],
        "only_old": list(result.only_old),
        "only_new": list(result.only_new),
        "names": _names(result),
        "enums": _enum_labels(result),
        "headline": list(result.new.document.report.headline),
        # The facts in the order the new version declares them: the order a customer is told.
        "facts": [e.id for e in result.new.vocabulary.facts],
        "properties": [_verdict_json(result, change) for change in result.verdicts],
        "undecided_properties": list(result.undecided_properties),
        "drift": {side: [d.as_json() for d in found] for side, found in result.drift.items()},
        "headings": _headings(result),
    }


def _headings(result: DiffResult) -> dict[str, str]:
    """第N条第M項 for "N-M": every provision the document names, as the texts head it."""
    named = {e.article for e in result.elements if e.article}
    named |= {a for q in result.quantities for a in q.quantity.articles}
    named |= {a for change in result.verdicts for a in change.prop.articles}
    named |= {w.id for w in result.wording}
    named |= {d.article for found in result.drift.values() for d in found}
    known = {a.id: a.heading for a in (*result.old.articles, *result.new.articles)}
    return {article: known.get(article, article) for article in sorted(named)}


def _names(result: DiffResult) -> dict[str, dict[str, str]]:
    """Every fact and quantity of either version, as people name it, with its type."""
    found: dict[str, dict[str, str]] = {}
    for spec in (result.old, result.new):
        for entry in spec.vocabulary.entries.values():
            found[entry.id] = {"ja": entry.ja, "en": entry.en, "type": entry.type.kind}
            if entry.type.enum is not None:
                found[entry.id]["enum"] = entry.type.enum
    return found


def _enum_labels(result: DiffResult) -> dict[str, dict[str, dict[str, str]]]:
    """Each value of each enumeration of either version as people name it."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for spec in (result.old, result.new):
        for info in spec.document.enums:
            labels = found.setdefault(info.id, {})
            for value in info.values:
                labels[value.id] = {"ja": value.ja, "en": value.en}
    return found


def _terms(spec: Spec) -> dict[str, str]:
    terms = spec.document.terms
    return {
        "id": terms.id,
        "title": terms.title,
        "version": terms.version,
        "model": repo_path(spec.directory),
    }


def repo_path(path: Path) -> str:
    """`path` relative to the checkout when inside it, whatever the working directory:
    reports are compared byte for byte."""
    try:
        return Path(path).resolve().relative_to(project_root().resolve()).as_posix()
    except ValueError:
        return display(Path(path))


def _wording_json(change: WordingChange) -> dict[str, Any]:
    hunks = (
        wording_hunks(change.old_text, change.new_text)
        if change.old_text is not None and change.new_text is not None
        else []
    )
    return {
        "id": change.id,
        "heading": change.heading,
        "title": change.title,
        "change": change.kind,
        "old_text": change.old_text,
        "new_text": change.new_text,
        "hunks": [[list(segment) for segment in hunk] for hunk in hunks],
    }


def _element_json(element: ElementChange) -> dict[str, Any]:
    return {
        "path": element.path,
        "article": element.article,
        "old": element.old,
        "new": element.new,
    }


def _quantity_json(result: DiffResult, diffed: QuantityDiff) -> dict[str, Any]:
    quantity = diffed.quantity
    order = {a.id: i for i, a in enumerate(result.new.articles)}
    articles = set(quantity.articles) | {e.article for e in diffed.elements if e.article}
    return {
        "name": quantity.id,
        "ja": quantity.ja,
        "en": quantity.en,
        "type": quantity.type.kind,
        "article": quantity.article,
        "verdict": diffed.verdict.value,
        "detail": diffed.detail or None,
        "inputs": list(diffed.inputs),
        "elements": [e.path for e in diffed.elements],
        "articles": sorted(articles, key=lambda a: (order.get(a, len(order)), a)),
        "never": [d.value for d in diffed.never],
        "changes": [_change_json(change, diffed) for change in diffed.changes],
    }


def _change_json(change: Change, diffed: QuantityDiff) -> dict[str, Any]:
    witness = change.witness
    inputs = {name: for_json(value) for name, value in sorted(witness.facts.items())}
    return {
        "direction": change.direction.value,
        "size": change.size,
        "held": {name: for_json(value) for name, value in sorted(change.held.items())},
        "witness": {
            "inputs": inputs,
            "values": {
                name: {
                    "old": for_json(witness.old.value(name)),
                    "new": for_json(witness.new.value(name)),
                }
                for name in witness.differing()
            },
        },
    }


def _verdict_json(result: DiffResult, change: VerdictChange) -> dict[str, Any]:
    prop = change.prop
    told, spec = (change.new, result.new) if change.new.counterexample else (change.old, result.old)
    return {
        "id": prop.id,
        "title_ja": prop.title_ja,
        "title_en": prop.title_en,
        "articles": list(prop.articles),
        "expected": prop.expect,
        "old": {"status": change.old.status.value, "met": change.old.met},
        "new": {"status": change.new.status.value, "met": change.new.met},
        "counterexample_of": "new" if told is change.new else "old",
        "story": {lang: story(spec, told, lang) for lang in ("ja", "en")},
    }


def render(doc: Doc, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return "\n".join(_Report(doc, markdown=output_format == "markdown").lines()) + "\n"


class _DelayedProgress:
    """Progress on stderr, only when it is a terminal and the diff has taken a second."""

    def __init__(self, total: int) -> None:
        self.console = Console(stderr=True, highlight=False)
        self.total = total
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.done = 0

    def __enter__(self) -> _DelayedProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def step(self, name: str) -> None:
        if self.progress is None and self._wanted():
            self.progress = Progress(console=self.console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("diff", total=self.total, completed=self.done)
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, completed=self.done, description=name)
        self.done += 1

    def _wanted(self) -> bool:
        return self.console.is_terminal and time.monotonic() - self.started > 1.0


# --- Telling the document to people ------------------------------------------------------------

DIRECTION_WORDS = {
    "size": {"up": ("増える", "more"), "down": ("減る", "less")},
    "time": {"up": ("遅くなる", "later"), "down": ("早くなる", "earlier")},
    "bool": {"up": ("いいえ → はい", "becomes yes"), "down": ("はい → いいえ", "becomes no")},
    "other": {"other": ("変わる", "changes")},
}
_TYPE_WORDS = {"date": "time", "month": "time", "yen": "size", "int": "size", "bool": "bool"}


class _Report:
    def __init__(self, doc: Doc, *, markdown: bool) -> None:
        self.doc = doc
        self.md = markdown
        self.headings: dict[str, str] = doc["headings"]
        self.names: dict[str, dict[str, str]] = doc["names"]

    def lines(self) -> list[str]:
        lines = [
            *self._head(),
            *self._wording(),
            *self._elements(),
            *self._quantities(),
            *self._properties(),
            *self._drift(),
        ]
        return lines if self.md else [_plain(line) for line in lines]

    # -- layout

    def _title(self, level: int, text: str) -> list[str]:
        if self.md:
            return ["#" * level + " " + text, ""]
        return [text, ""]

    def _code(self, text: str) -> str:
        return f"`{text}`" if self.md else text

    def _bold(self, text: str) -> str:
        return f"**{text}**" if self.md else text

    def _article(self, article_id: str | None) -> str:
        if article_id is None:
            return "—"
        return self.headings.get(article_id, article_id)

    # -- sections

    def _head(self) -> list[str]:
        doc, old, new = self.doc, self.doc["old"], self.doc["new"]
        counts, search = doc["summary"], doc["search"]
        verdict = {
            "agree": "同じ / the versions agree for every customer and every property",
            "differ": "異なる / the versions differ",
            "undecided": "判定不能 / undecided: see the inconclusive or divergent entries",
        }[doc["verdict"]]
        readings = "; ".join(
            f"{name}: {search['readings']['old'].get(name, '—')} → "
            f"{search['readings']['new'].get(name, '—')}"
            for name in sorted({*search["readings"]["old"], *search["readings"]["new"]})
        )
        lines = self._title(1, f"約款の差分 / Terms diff: {new['title']}")
        lines += [
            f"- 旧 / old: {old['version']} ({self._code(old['model'])})",
            f"- 新 / new: {new['version']} ({self._code(new['model'])})",
            f"- {self._bold('結論 / verdict')}: {verdict} (exit {doc['exit_code']})",
            f"- {counts['differ']} of {counts['quantities']} quantities differ for some customer, "
            f"{counts['agree']} are proved equal for every customer"
            + (
                f", {counts['inconclusive']} inconclusive, {counts['divergent']} divergent"
                if counts["inconclusive"] or counts["divergent"]
                else ""
            )
            + f"; {counts['properties_changed']} properties change verdict"
            + f"; {counts['wording_changed']} provisions reworded"
            + f"; {counts['elements_changed']} model elements changed",
            f"- Searched: every customer with dates in {search['horizon'][0]}–"
            f"{search['horizon'][1]}"
            + "".join(
                f", {self.label(name, 'en')} {low:,}–{high:,}"
                for name, (low, high) in sorted(search["bounds"].items())
            )
            + f"; each version read with the reading it adopts ({readings or 'none'}); "
            f"Z3 seed {search['seed']}, rlimit {search['rlimit']:,} per check.",
            "",
        ]
        return lines

    def _wording(self) -> list[str]:
        lines = self._title(2, "文言の変更 / Wording changed")
        if not self.doc["wording"]:
            return [*lines, "なし / none", ""]
        for entry in self.doc["wording"]:
            where = f"{entry['heading']}（{entry['title']}）"
            if entry["change"] != "changed":
                text = entry["new_text"] or entry["old_text"] or ""
                lines.append(f"- {where}: {entry['change']}: 「{_one_line(text)}」")
                continue
            for hunk in entry["hunks"]:
                before, after = self._hunk(hunk, 1), self._hunk(hunk, 2)
                lines.append(f"- {where}: 「{before}」→「{after}」")
        return [*lines, ""]

    def _hunk(self, hunk: list[list[str]], side: int) -> str:
        parts = []
        for segment in hunk:
            text = segment[side]
            if not text:
                continue
            parts.append(text if segment[0] == "equal" else self._bold(text))
        return "…" + "".join(parts) + "…"

    def _elements(self) -> list[str]:
        lines = self._title(2, "モデルの変更 / Model elements changed")
        rows = [
            (self._code(e["path"]), self._article(e["article"]), _show(e["old"]), _show(e["new"]))
            for e in self.doc["elements"]
        ]
        if not rows:
            return [*lines, "なし / none", ""]
        return [*lines, *self._table(("element", "article", "old", "new"), rows), ""]

    def _table(self, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
        if self.md:
            out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            return out + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
        return [
            "- " + "; ".join(f"{h}: {c}" for h, c in zip(header, row, strict=True)) for row in rows
        ]

    def _quantities(self) -> list[str]:
        lines = self._title(2, "顧客にとっての変化 / What changes for customers")
        agree = []
        for entry in self.doc["quantities"]:
            if entry["verdict"] == "agree":
                agree.append(entry)
                continue
            lines += self._quantity(entry)
        lines += self._title(3, "すべての顧客で同じ / The same for every customer (proved)")
        rows = [
            (f"{e['ja']} / {e['en']}", self._code(e["name"]), self._article(e["article"]))
            for e in agree
        ]
        lines += self._table(("quantity", "name", "article"), rows) if rows else ["なし / none"]
        return [*lines, ""]

    def _quantity(self, entry: Doc) -> list[str]:
        articles = "、".join(self._article(a) for a in entry["articles"])
        lines = self._title(3, f"{entry['ja']} / {entry['en']} ({self._code(entry['name'])})")
        lines.append(f"- {self._bold('verdict')}: {entry['verdict']}; articles: {articles}")
        if entry["elements"]:
            elements = ", ".join(self._code(path) for path in entry["elements"])
            lines.append(f"- rests on the changed elements: {elements}")
        if entry["detail"]:
            lines.append(f"- {self._bold('detail')}: {entry['detail']}")
        words = DIRECTION_WORDS[_TYPE_WORDS.get(entry["type"], "other")]
        for direction in entry["never"]:
            ja, en = words[direction]
            lines.append(f"- {self._bold(f'{ja} / {en}')}: never, for any customer (proved)")
        for change in entry["changes"]:
            lines += self._change(entry, change, words)
        return [*lines, ""]

    def _change(self, entry: Doc, change: Doc, words: dict[str, tuple[str, str]]) -> list[str]:
        ja, en = words[change["direction"]]
        size = change["size"]
        if size is None:
            head = f"- {self._bold(f'{ja} / {en}')}: for example"
        else:
            held = change["held"]
            scope = (
                "at "
                + ", ".join(
                    f"{self.label(n, 'en')} {self.people(v, n, 'en')}" for n, v in held.items()
                )
                if held
                else "over every customer"
            )
            largest = _size(entry["type"], size)
            head = f"- {self._bold(f'{ja} / {en}')}: by at most {largest} {scope}, for"
        witness = change["witness"]
        shown = {*self.doc["headline"], *entry["inputs"]}
        told = [n for n in self.doc["facts"] if n in shown and n in witness["inputs"]]
        lines = [head]
        for lang in ("ja", "en"):
            facts = ", ".join(
                f"{self.label(n, lang)} {self.people(witness['inputs'][n], n, lang)}"
                for n in told
                if n in witness["inputs"]
            )
            moved = self.moved(entry["name"], witness["values"][entry["name"]], lang)
            lines.append(f"  - {facts}: {moved}")
        also = [
            self.moved(name, values, "ja")
            for name, values in witness["values"].items()
            if name != entry["name"]
        ]
        if also:
            lines.append("  - ほかに変わるもの / also: " + "; ".join(also))
        return lines

    def _properties(self) -> list[str]:
        lines = self._title(2, "性質の判定の変化 / Property verdicts that change")
        if not self.doc["properties"] and not self.doc["undecided_properties"]:
            return [*lines, "なし / none", ""]
        for entry in self.doc["properties"]:
            old, new = entry["old"], entry["new"]
            lines += self._title(3, self._code(entry["id"]))
            lines.append(f"{entry['title_ja']} / {entry['title_en']}")
            lines.append("")
            lines.append(
                f"- expected: {entry['expected']}; 旧 / old: {old['status']}"
                f" ({'met' if old['met'] else 'unmet'}) → 新 / new: {new['status']}"
                f" ({'met' if new['met'] else 'unmet'})"
            )
            articles = "、".join(self._article(a) for a in entry["articles"])
            lines.append(f"- articles: {articles}")
            if entry["story"]["ja"]:
                lines.append(f"- counterexample under the {entry['counterexample_of']} version:")
                lines.append("")
                fence = ["```"] if self.md else []
                indent = "  " if self.md else "    "  # text: under the item's own indent
                # Inside a fence Markdown shows backticks as they are; plain text drops
                # the code marks the story gives formulas.
                told = entry["story"]["ja"] if self.md else map(_unquoted, entry["story"]["ja"])
                lines += [*fence, *(f"{indent}{line}" for line in told), *fence]
            lines.append("")
        for prop_id in self.doc["undecided_properties"]:
            lines.append(
                f"- {self._code(prop_id)}: undecided in a version (inconclusive or divergent)"
            )
        return [*lines, ""]

    def _drift(self) -> list[str]:
        lines = self._title(2, "ドリフト / Drift between each model and its text")
        found = [(side, entry) for side in ("old", "new") for entry in self.doc["drift"][side]]
        if not found:
            return [*lines, "なし / none: each model's fingerprints match its text"]
        for side, entry in found:
            rests = ", ".join([*entry["elements"], *entry["properties"]]) or "nothing yet"
            where = f"{entry['heading']} ({entry['article']})"
            lines.append(f"- {side}: {where} {entry['kind']}; rests on it: {rests}")
        return lines

    # -- words

    def label(self, name: str, lang: Lang) -> str:
        info = self.names.get(name)
        return name if info is None else info[lang]

    def people(self, value: object, name: str, lang: Lang) -> str:
        kind = self.names.get(name, {}).get("type", "")
        enum = self.names.get(name, {}).get("enum")
        if enum is not None:  # a value of an enumeration by the name the model gives it
            return str(self.doc["enums"].get(enum, {}).get(str(value), {}).get(lang, value))
        return for_people(from_json(value, kind), kind, lang)

    def moved(self, name: str, values: dict[str, object], lang: Lang) -> str:
        """ "違約金 0円 → 2,400,000円": a quantity under the old and the new version."""
        before = self.people(values["old"], name, lang)
        after = self.people(values["new"], name, lang)
        return f"{self.label(name, lang)} {before} → {after}"


def _unquoted(line: str) -> str:
    return line.replace("`", "")


def _plain(line: str) -> str:
    """A line of the Markdown layout as plain text: a list item's marker becomes its
    indent, so the text keeps the layout and has no Markdown in it."""
    stripped = line.lstrip(" ")
    if stripped.startswith("- "):
        return " " * (len(line) - len(stripped) + 2) + stripped[2:]
    return line


def _size(type_name: str, size: int) -> str:
    if type_name == "yen":
        return for_people(size, "yen")
    if type_name == "date":
        return f"{size}日 / {size} days"
    if type_name == "month":
        return f"{size}ヶ月 / {size} months"
    return str(size)


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "—" if value is None else str(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")
