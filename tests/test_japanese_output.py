"""Japanese reports are Japanese throughout: grounds, readings, lifecycle proofs, section
names and reasons, with ids only where they are ids.

The check: take what a reader reads (no code spans, no <code> or <pre>, no markup), drop
the ids (anything with a digit or `-_./=:` in it) and the words the terms themselves
write in Latin letters (their proper nouns), and no two English words may remain side by
side. A single word may (ID, a unit); a sentence may not.
"""

from __future__ import annotations

import copy
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from termcheck import check_all, load_properties
from termcheck.cli import app
from termcheck.cli.verify import Detail, print_verify
from termcheck.model.spec import Spec, load_spec
from termcheck.render import html as html_report
from termcheck.render import markdown
from termcheck.report.document import document
from termcheck.report.story import story
from termcheck.verify.results import Result

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"
SAMPLE = ROOT / "model" / "samples" / "sample-storage"

# The tool's own name, which a Japanese sentence names as it is.
OWN_NAMES = frozenset({"termcheck", "Z3"})

_TOKEN = re.compile(r"[!-~]+")  # a run of printable ASCII, without spaces
# A word: letters (an apostrophe, a plural "(s)"), between quotes, brackets, punctuation.
_WORD = re.compile(r"[(\"'\[“‘]*([A-Za-z]+(?:'[A-Za-z]+)?(?:\(s\))?)[)\"'\]”’,.:;!?]*")


def terms_words(model: Path) -> frozenset[str]:
    """The words in Latin letters of a model's terms text (its proper nouns)."""
    spec = load_spec(model)
    text = (spec.directory / spec.document.terms.text).read_text(encoding="utf-8")
    return frozenset(re.findall(r"[A-Za-z]+", text)) | OWN_NAMES


def english_runs(text: str, allowed: frozenset[str]) -> list[str]:
    """Every run of two or more English words in `text` (plain text, one line a unit):
    words side by side, separated by spaces only."""
    runs: list[str] = []
    for line in text.splitlines():
        current: list[str] = []
        end = 0
        for token in _TOKEN.finditer(line):
            found = _WORD.fullmatch(token.group())
            is_word = found is not None and found.group(1) not in allowed
            adjacent = line[end : token.start()].strip(" ") == ""
            if not (is_word and adjacent):
                if len(current) >= 2:
                    runs.append(" ".join(current))
                current = []
            if is_word:
                current.append(token.group())
            end = token.end()
        if len(current) >= 2:
            runs.append(" ".join(current))
    return runs


def readable_markdown(text: str) -> str:
    """What a reader of the Markdown reads, without code and markup."""
    text = re.sub(r"```.*?```", "\n", text, flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return re.sub(r"[*#|>]", " ", text)


def readable_html(page: str) -> str:
    """What a reader of the page reads: the text between tags (each tag breaks a run),
    without style, code or preformatted text."""
    page = re.sub(r"<(style|pre|code)\b.*?</\1>", "\n", page, flags=re.DOTALL)
    page = re.sub(r"<(?:strong|em|time)\b[^>]*>|</(?:strong|em|time)>", "", page)
    page = re.sub(r"<[^>]*>", "\n", page)
    return html.unescape(page)


def readable_text(out: str) -> str:
    """Terminal text: box drawing as breaks, without the formulas quoted in backticks
    (the model's own language, wrapped over several lines where they are long)."""
    out = re.sub(r"`[^`]*`", " ", out)
    return re.sub(r"[\u2500-\u257f]", "\n", out)


Run = tuple[Spec, list[Result], dict[str, Any]]


def _run(model: Path, properties: Path) -> Run:
    spec = load_spec(model)
    results = list(check_all(spec, load_properties(properties, spec)))
    return spec, results, dict(document(spec, results, timings=False))


@pytest.fixture(scope="module")
def shipped_run() -> Run:
    return _run(SHIPPED, ROOT / "properties")


@pytest.fixture(scope="module")
def sample_run() -> Run:
    return _run(SAMPLE, SAMPLE / "properties")


@pytest.fixture(scope="module")
def shipped(shipped_run: Run) -> dict[str, Any]:
    return shipped_run[2]


@pytest.fixture(scope="module")
def sample(sample_run: Run) -> dict[str, Any]:
    return sample_run[2]


def _english(doc: dict[str, Any], model: Path) -> dict[str, list[str]]:
    allowed = terms_words(model)
    found = {
        "markdown": english_runs(readable_markdown(markdown.render(doc, "ja")), allowed),
        "html": english_runs(readable_html(html_report.render(doc, "ja")), allowed),
    }
    return {fmt: sorted(set(runs)) for fmt, runs in found.items() if runs}


def test_the_shipped_report_in_japanese_has_no_english_prose(shipped: dict[str, Any]) -> None:
    assert _english(shipped, SHIPPED) == {}


def test_the_sample_report_in_japanese_has_no_english_prose(sample: dict[str, Any]) -> None:
    assert _english(sample, SAMPLE) == {}


def test_every_detail_has_its_japanese(shipped: dict[str, Any], sample: dict[str, Any]) -> None:
    missing = [
        entry["id"]
        for doc in (shipped, sample)
        for entry in doc["properties"]
        if entry["detail"] and not entry.get("detail_ja")
    ]
    assert missing == []


def test_the_english_report_keeps_the_japanese_title(shipped: dict[str, Any]) -> None:
    # Only the Japanese report drops the other language's title.
    entry = shipped["properties"][0]
    assert f"*{markdown.escape(entry['title_ja'])}*" in markdown.render(shipped, "en")
    assert f"*{markdown.escape(entry['title_en'])}*" not in markdown.render(shipped, "ja")


@pytest.mark.parametrize("which", ["shipped", "sample"])
def test_the_terminal_stories_and_details_in_japanese_have_no_english_prose(
    which: str, request: pytest.FixtureRequest
) -> None:
    # What the terminal text tells of each result, from the checks: its detail and story.
    spec, results, _ = request.getfixturevalue(f"{which}_run")
    allowed = terms_words(spec.directory)
    found = {
        result.prop.id: runs
        for result in results
        if (
            runs := english_runs(
                readable_markdown("\n".join([result.detail_in("ja"), *story(spec, result, "ja")])),
                allowed,
            )
        )
    }
    assert found == {}


def test_the_text_output_in_japanese_has_no_english_prose() -> None:
    out = CliRunner().invoke(app, ["verify", "--lang", "ja", "--verbose"], env={"COLUMNS": "100"})
    assert out.exit_code == 0, out.output
    assert english_runs(readable_text(out.output), terms_words(SHIPPED)) == []


# --- The check can fail ------------------------------------------------------------------------


@pytest.mark.parametrize("detail", ["quiet", "normal", "verbose"])
def test_the_check_catches_the_english_text_output(shipped_run: Run, detail: Detail) -> None:
    # The same results told in English: the table, the headings and the summary are caught.
    spec, results, _ = shipped_run
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None)
    print_verify(spec, results, timings=False, lang="en", console=console, detail=detail)
    runs = english_runs(readable_text(buffer.getvalue()), terms_words(SHIPPED))
    assert any(run.startswith("known findings") for run in runs), runs
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, color_system=None)
    print_verify(spec, results, timings=False, lang="ja", console=console, detail=detail)
    assert english_runs(readable_text(buffer.getvalue()), terms_words(SHIPPED)) == []


def test_the_check_catches_an_english_detail(shipped: dict[str, Any]) -> None:
    # A Japanese detail lost: the report falls back to the English one, and the check fails.
    changed = copy.deepcopy(shipped)
    entry = next(e for e in changed["properties"] if e.get("detail_ja"))
    entry["detail_ja"] = None
    found = _english(changed, SHIPPED)
    assert set(found) == {"markdown", "html"}
    words = entry["detail"].split()
    assert any(" ".join(words[:2]) in run for run in found["markdown"]), found


def test_the_check_catches_an_english_story_line(shipped: dict[str, Any]) -> None:
    changed = copy.deepcopy(shipped)
    entry = next(e for e in changed["properties"] if e.get("evidence"))
    entry["evidence"]["story"]["ja"].append("the wait repeats forever")
    found = _english(changed, SHIPPED)
    assert "the wait repeats forever" in found.get("html", []), found


def test_the_heuristic() -> None:
    allowed = frozenset({"USEN", "GATE", "IIJ", "ID"})
    assert english_runs("k=1のk帰納法で証明: proved by k-induction", allowed) == ["proved by"]
    assert english_runs("有界モデル検査: a path of 3 event(s) from here", allowed) == [
        "a path of",
        "event(s) from here",
    ]
    # Proper nouns of the terms, ids, single words and formulas are not prose.
    assert english_runs("USEN GATE 02 IIJ ID の基本機能 100ID", allowed) == []
    assert english_runs("読み方: paid-last-year（支払済み）、lifecycle.well-formed", allowed) == []
    assert english_runs("主張: billed_fees + penalty == minimum_commitment", allowed) == []
    # Words apart (a line each, or Japanese between them) are not a run.
    assert english_runs("ID\nnone", allowed) == []
    assert english_runs("notice の none", allowed) == []
    assert readable_markdown("- 主張: `a and b` は成り立たない").count("and") == 0
    assert english_runs(readable_html("<li>one</li><li>two</li>"), allowed) == []
    assert english_runs(readable_html("<p><strong>詳細</strong>: not ordered</p>"), allowed) == [
        "not ordered"
    ]
