"""Phrases: the words of the terms a model value formalises, held to the text and the value.

A fact or quantity of model.toml may quote the words it formalises (`phrase =
"その2ヶ月前までに"`). Two things can then go wrong without any formula changing:

- the text no longer has the phrase (a revision wrote 「その3ヶ月前までに」), so the value
  formalises words that are gone;
- the value no longer says what its phrase says (`notice_months` edited to 3 while the
  phrase, and the text, still say 2).

:func:`phrase_problems` finds both. Fingerprints notice that a provision changed; this
says which value it touches and shows the words side by side, so that a reviewer cannot
record a changed text (`termcheck fingerprints --update`) over a model that contradicts
it without saying so.

A phrase is looked for in the provisions its value cites, ignoring whitespace,
full-width forms (:func:`termcheck.model.articles.normalize`) and the bars of a
table row; 「…」 in a phrase stands for words left out
(「契約者が…解約したとき」). The numbers of a phrase
(「2ヶ月」, 「1年間」, 「金50,000円」, 「十二ヶ月」) are compared with a
constant's value; a year also reads as its months (「1年間」 is 12 months),
and numbers that name a provision (第N条, 第N項) are not figures.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from termcheck.model.articles import Article, article_index, normalize
from termcheck.model.spec import Spec

ProblemKind = Literal["gone", "number"]

# A figure in normalized text: ASCII digits (NFKC turned full-width ones into these),
# with thousands separators, or a kanji numeral up to 99. Not one that names a
# provision (第N条, 第N項, 第N号, 第N表).
_KANJI = "〇一二三四五六七八九十"
_FIGURE = re.compile(rf"(?<!第)(\d[\d,]*|[{_KANJI}]+)(?![\d{_KANJI}]*[条項号表])")
_YEAR = re.compile(r"年")
_CONTEXT = 12  # characters shown on each side of a changed span
_GAP = re.compile(r"…|\.\.\.")


def _wording(text: str) -> str:
    return normalize(text).replace("|", "")


@dataclass(frozen=True)
class PhraseProblem:
    """A value whose quoted phrase is gone from its provisions, or disagrees with it."""

    kind: ProblemKind
    name: str  # the fact or quantity
    articles: tuple[str, ...]
    headings: tuple[str, ...]
    phrase: str  # the words the model quotes
    value: int | None  # the constant's value, where it has one
    now: str | None  # the words the text has in the phrase's place (same shape), if any

    def sentence(self) -> str:
        where = "・".join(self.headings) or "・".join(self.articles)
        shown = f" = {self.value:,}" if self.value is not None else ""
        if self.kind == "number":
            return (
                f"{self.name}{shown}, but its phrase 「{self.phrase}」 ({where}) says "
                f"{_said(self.phrase)}: make the value and the phrase agree"
            )
        if self.now is not None:
            return (
                f"{self.name}{shown} quotes 「{self.phrase}」, but {where} now reads "
                f"「{self.now}」: review the value against the new wording, then update "
                "its phrase"
            )
        return (
            f"{self.name}{shown} quotes 「{self.phrase}」, which {where} does not have: "
            "quote the words it formalises, verbatim (whitespace aside; … for words left out)"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "articles": list(self.articles),
            "phrase": self.phrase,
            "value": self.value,
            "now": self.now,
        }


def figures(phrase: str) -> list[tuple[int, bool]]:
    """The figures of a phrase, each with whether a year follows it (「1年間」)."""
    text = normalize(phrase)
    found = []
    for match in _FIGURE.finditer(text):
        number = _number(match.group(1))
        if number is not None:
            found.append((number, bool(_YEAR.match(text, match.end()))))
    return found


def _number(token: str) -> int | None:
    if token[0].isdigit():
        digits = token.replace(",", "")
        return int(digits) if digits.isdigit() else None
    return _kanji(token)


def _kanji(token: str) -> int | None:
    """一 … 九十九 (and 〇 as a digit); None for what is not such a numeral."""
    digit = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    if "十" not in token:
        if len(token) == 1:
            return digit[token]
        return None
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (digit[tens] if tens else 1) * 10 + (digit[ones] if ones else 0)


def _said(phrase: str) -> str:
    shown = []
    for number, year in figures(phrase):
        shown.append(f"{number} (or {number * 12} months)" if year else f"{number}")
    return " or ".join(shown)


def _agrees(phrase: str, value: int) -> bool:
    found = figures(phrase)
    if not found:
        return True  # nothing to compare: 「翌月末」 says no figure
    return any(value == n or (year and value == 12 * n) for n, year in found)


def _shape(phrase: str, *, figures_open: bool) -> re.Pattern[str]:
    """The phrase as a pattern: its gaps (…) match any words, and with `figures_open`
    its figures any figure (「その2ヶ月前までに」 → その(figure)ヶ月前までに)."""
    pieces = []
    for part in _GAP.split(phrase):
        text = _wording(part)
        parts = []
        last = 0
        for match in _FIGURE.finditer(text) if figures_open else ():
            parts.append(re.escape(text[last : match.start()]))
            parts.append(rf"(?:\d[\d,]*|[{_KANJI}]+)")
            last = match.end()
        parts.append(re.escape(text[last:]))
        pieces.append("".join(parts))
    return re.compile(".*?".join(pieces), re.DOTALL)


def phrase_problems(spec: Spec) -> list[PhraseProblem]:
    """Every fact or quantity whose phrase is gone from the provisions it cites, or
    whose constant value disagrees with the figure of its phrase, in model order."""
    index = article_index(list(spec.articles))
    constants = spec.vocabulary.constants
    problems = []
    for entry in spec.vocabulary.entries.values():
        if not entry.phrase:
            continue
        cited = [index[a] for a in entry.articles if a in index]
        raw = constants.get(entry.id)
        value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        problem = _check(entry.id, entry.phrase, entry.articles, cited, value)
        if problem is not None:
            problems.append(problem)
    return problems


def _check(
    name: str, phrase: str, articles: tuple[str, ...], cited: list[Article], value: int | None
) -> PhraseProblem | None:
    headings = tuple(a.heading for a in cited)
    wording = [_wording(a.text) for a in cited]
    exact = _shape(phrase, figures_open=False)
    if any(exact.search(text) for text in wording):
        if value is not None and not _agrees(phrase, value):
            return PhraseProblem("number", name, articles, headings, phrase, value, None)
        return None
    shape = _shape(phrase, figures_open=True)
    now = next((m.group(0) for text in wording if (m := shape.search(text))), None)
    return PhraseProblem("gone", name, articles, headings, phrase, value, now)


def side_by_side(before: str, after: str) -> list[tuple[str, str]]:
    """The changed spans of two wordings, each with a little context: what a reviewer
    reads to see what a revision changed (「…その2ヶ月前…」 → 「…その3ヶ月前…」)."""
    old, new = normalize(before), normalize(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    spans = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        spans.append((_excerpt(old, i1, i2), _excerpt(new, j1, j2)))
    return spans


def _excerpt(text: str, start: int, end: int) -> str:
    first = max(0, start - _CONTEXT)
    last = min(len(text), end + _CONTEXT)
    return ("…" if first else "") + text[first:last] + ("…" if last < len(text) else "")
