"""The text of the terms, split into provisions that the model can cite.

`model/<terms>/terms.ja.md` holds the agreement as Markdown: one `## ` heading per article
(`## 第N条 (見出し)`), then `## 別記` and `## 別紙 …`. Inside an article the
first paragraph has no number, later ones start with their number and a space ("2 …"),
and items (号) are lines "(1) …". Paragraphs are separated by blank lines.

Each provision gets a stable id ("N" for 第N条, "N-M" for its 第M項, "N-M-K" for that
paragraph's 第K号, "appendix-N", "attachment-N") so that
`model.toml` and the properties can cite it, and a fingerprint of its wording so that a
change to the text shows up wherever the provision is cited. The fingerprint ignores
whitespace: PDF extraction scatters spaces and line breaks (a number split from its
unit) that are not part of the wording.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from termcheck.errors import InputError, Position
from termcheck.model.tomlfile import read_text

__all__ = [
    "Article",
    "article_index",
    "fingerprint",
    "load_articles",
    "normalize",
    "parse_articles",
]


@dataclass(frozen=True)
class Article:
    """One provision: an article, a paragraph (項) or an item (号).

    `id` is what the model cites: "N" (第N条), "N-M" (第N条第M項), "N-M-K" (第N条第M項第K号),
    "appendix" / "appendix-2" (別記, 別記2), "attachment" / "attachment-1" (別紙, 別紙第1表).
    `text` is the provision's text as in the file, without its own number ("2 ", "(5) "),
    which `heading` carries instead; the paragraphs and items inside it keep theirs.
    """

    id: str
    kind: str
    heading: str
    title: str
    text: str
    line: int
    fingerprint: str


def normalize(text: str) -> str:
    """The wording of `text`: NFKC (full-width digits and parentheses become ASCII), and no
    whitespace at all, so that PDF spacing and line breaks do not change a fingerprint."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def fingerprint(text: str) -> str:
    """First 16 hex digits of the SHA-256 of the normalized wording."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()[:16]


# Numbers may be written with ASCII or full-width digits; int() reads both.
_DIGITS = "[0-9０-９]+"
_SPACE = "[ \u3000]"
_ARTICLE_HEADING = re.compile(rf"第({_DIGITS})条{_SPACE}*[（(](.+)[）)]")
_SUPPLEMENT_HEADING = re.compile(r"(別記|別紙)(.*)")
_PARAGRAPH_MARK = re.compile(rf"({_DIGITS}){_SPACE}+")
_ITEM_MARK = re.compile(rf"[（(]({_DIGITS})[）)]{_SPACE}*")
_APPENDIX_PART_MARK = re.compile(rf"({_DIGITS})\.{_SPACE}+")
_ATTACHMENT_PART_MARK = re.compile(rf"第({_DIGITS})表{_SPACE}+")

SectionKind = Literal["article", "appendix", "attachment"]


@dataclass
class _Section:
    """A `## ` heading and the lines under it, before they are split into provisions."""

    kind: SectionKind
    number: int  # the article number; 0 for 別記 and 別紙
    title: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)  # (line number, stripped text)

    @property
    def id(self) -> str:
        return str(self.number) if self.kind == "article" else self.kind

    @property
    def heading(self) -> str:
        return {"article": f"第{self.number}条", "appendix": "別記", "attachment": "別紙"}[
            self.kind
        ]


@dataclass
class _Node:
    """A paragraph, an appendix part or an item while its lines are being collected."""

    number: int
    line: int
    marker: str  # the number on the first line ("2 ", "(5) "); empty for paragraph 1
    lines: list[str] = field(default_factory=list)
    items: list[_Node] = field(default_factory=list)

    def own_text(self) -> str:
        """The lines without the provision's own number, which its heading carries."""
        return _join([self.lines[0][len(self.marker) :], *self.lines[1:]])


def _join(lines: list[str]) -> str:
    """Lines as one text: outer blank lines dropped, a run of blank lines kept as one, so
    the text reads as in the file without depending on how many blank lines it uses."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def parse_articles(text: str, path: str = "<terms>") -> list[Article]:
    """Split the terms into provisions, in document order: each article, then its
    paragraphs, each paragraph followed by its items. Text before the first heading (the
    date and the issuer) is not a provision and is skipped."""
    articles: list[Article] = []
    for section in _split_sections(text.removeprefix("\ufeff").splitlines(), path):
        articles.extend(_provisions(section, path))
    return articles


# A terms text larger than this is refused (docs/limits.md): agreements run to tens of
# kilobytes, and a text read whole must not exhaust memory.
MAX_TERMS_BYTES = 4_000_000


def load_articles(path: Path) -> list[Article]:
    """Read and parse a terms file; a file that cannot be read or holds no article is bad
    input rather than an empty agreement, since every citation would then dangle."""
    text = read_text(path, MAX_TERMS_BYTES)
    articles = parse_articles(text, str(path))
    if not any(a.kind == "article" and a.id.isdigit() for a in articles):
        raise InputError(
            "no article found: expected headings such as '## 第N条 (見出し)'",
            Position(path, 1, 1),
        )
    return articles


def article_index(articles: list[Article]) -> dict[str, Article]:
    """The provisions by id. Ids from one parse are unique; merging two parses is a bug."""
    index: dict[str, Article] = {}
    for article in articles:
        if article.id in index:
            raise ValueError(f"duplicate provision id {article.id!r}")
        index[article.id] = article
    return index


# --- sections -------------------------------------------------------------------------


def _split_sections(lines: list[str], path: str) -> list[_Section]:
    """Group the lines under their `## ` headings. A heading that is not an article, 別記
    or 別紙 is an error rather than preamble: a typo such as "## 第1 0条" would otherwise
    silently drop an article that the model cites."""
    sections: list[_Section] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if line.startswith("## "):
            section = _parse_heading(line[3:].strip(), number, path)
            _check_order(section, sections, path)
            sections.append(section)
        elif sections and line.startswith("#"):
            raise InputError(
                f"unexpected heading {line!r}: use '## 第N条 (…)', '## 別記' or '## 別紙'",
                Position(path, number, 1),
                sections[-1].heading,
            )
        elif sections:
            sections[-1].body.append((number, line))
    return sections


def _parse_heading(heading: str, line: int, path: str) -> _Section:
    match = _ARTICLE_HEADING.fullmatch(heading)
    if match:
        return _Section("article", int(match[1]), match[2].strip(), line)
    match = _SUPPLEMENT_HEADING.fullmatch(heading)
    if match:
        kind: SectionKind = "appendix" if match[1] == "別記" else "attachment"
        return _Section(kind, 0, match[2].strip(" \u3000【】()（）"), line)
    raise InputError(
        f"unrecognized heading {heading!r}: expected '第N条 (title)', '別記' or '別紙'",
        Position(path, line, 1),
        "heading",
    )


def _check_order(section: _Section, before: list[_Section], path: str) -> None:
    """Article numbers must rise and each section appear once: a duplicate or a step back
    is a copy or numbering slip that would make ids ambiguous."""
    for earlier in before:
        if earlier.id == section.id:
            raise InputError(
                f"duplicate {section.heading} (first at line {earlier.line})",
                Position(path, section.line, 1),
                section.heading,
            )
    previous = [s.number for s in before if s.kind == "article"]
    if section.kind == "article" and previous and section.number < previous[-1]:
        raise InputError(
            f"{section.heading} after 第{previous[-1]}条: articles must be in ascending order",
            Position(path, section.line, 1),
            section.heading,
        )


# --- paragraphs and items -------------------------------------------------------------


def _provisions(section: _Section, path: str) -> list[Article]:
    """The section as an article followed by its paragraphs (or parts) and their items."""
    if not any(text for _, text in section.body):
        raise InputError(
            f"{section.heading} has no text", Position(path, section.line, 1), section.heading
        )
    parts = _paragraphs(section, path) if section.kind == "article" else _parts(section, path)
    whole = _join([text for _, text in section.body])
    result = [_article(section.id, "article", section.heading, section, whole, section.line)]
    # An article of one paragraph is cited without it (第N条, 第N条第K号, never 第N条第1項);
    # the ids keep the paragraph, so that adding a second one moves no citation's id.
    single = section.kind == "article" and len(parts) == 1
    for part in parts:
        part_id = f"{section.id}-{part.number}"
        part_heading = section.heading + ("" if single else _part_suffix(section.kind, part.number))
        result.append(
            _article(part_id, "paragraph", part_heading, section, part.own_text(), part.line)
        )
        item_prefix = part_heading
        for item in part.items:
            result.append(
                _article(
                    f"{part_id}-{item.number}",
                    "item",
                    f"{item_prefix}第{item.number}号",
                    section,
                    item.own_text(),
                    item.line,
                )
            )
    return result


def _part_suffix(kind: SectionKind, number: int) -> str:
    return {"article": f"第{number}項", "appendix": str(number), "attachment": f"第{number}表"}[
        kind
    ]


def _article(id_: str, kind: str, heading: str, section: _Section, text: str, line: int) -> Article:
    return Article(id_, kind, heading, section.title, text, line, fingerprint(text))


def _paragraphs(section: _Section, path: str) -> list[_Node]:
    """Split an article into paragraphs and items.

    Only the next expected number ("2 " after paragraph 1) starts a paragraph, so a line
    that merely begins with a number inside a sentence (a PDF line break before
    "2 ヶ月前までに") stays text. A wrong number at the start of a block (after a blank
    line, where the format puts every paragraph) is a numbering slip and an error.
    """
    paragraphs: list[_Node] = []
    block_start = True
    for number, text in section.body:
        if not text:
            _append_blank(paragraphs)
            block_start = True
            continue
        expected = len(paragraphs) + 1
        mark = _PARAGRAPH_MARK.match(text)
        if mark and paragraphs and int(mark[1]) == expected:
            paragraphs.append(_Node(expected, number, mark[0], [text]))
        elif mark and block_start and int(mark[1]) >= 2:
            raise InputError(
                f"paragraph {int(mark[1])} out of order: expected paragraph {expected}"
                " (paragraph 1 carries no number)",
                Position(path, number, 1),
                section.heading,
            )
        elif not paragraphs:
            paragraphs.append(_Node(1, number, "", [text]))
        else:
            _add_line(paragraphs[-1], number, text, section, path)
        block_start = False
    return paragraphs


def _add_line(paragraph: _Node, number: int, text: str, section: _Section, path: str) -> None:
    """A line inside a paragraph: a new item, or more text of the paragraph (and of its
    last item). Items sit on consecutive lines, so a wrong item number is always an
    error rather than text."""
    paragraph.lines.append(text)
    mark = _ITEM_MARK.match(text)
    if mark:
        expected = len(paragraph.items) + 1
        if int(mark[1]) != expected:
            raise InputError(
                f"item ({int(mark[1])}) out of order: expected ({expected})",
                Position(path, number, 1),
                f"{section.heading}第{paragraph.number}項",
            )
        paragraph.items.append(_Node(expected, number, mark[0], [text]))
    elif paragraph.items:
        paragraph.items[-1].lines.append(text)


def _append_blank(paragraphs: list[_Node]) -> None:
    """Keep blank lines inside a paragraph (a 項 may run over two blocks); _join
    trims those that end up at its edges."""
    if paragraphs:
        paragraphs[-1].lines.append("")
        if paragraphs[-1].items:
            paragraphs[-1].items[-1].lines.append("")


def _parts(section: _Section, path: str) -> list[_Node]:
    """Split 別記 into its numbered parts ("1. …") or 別紙 into its tables ("第1表 …").
    Text before the first part belongs to the section alone. As with paragraphs, only the
    next number starts a part and a wrong number at a block start is an error."""
    pattern = _APPENDIX_PART_MARK if section.kind == "appendix" else _ATTACHMENT_PART_MARK
    parts: list[_Node] = []
    block_start = True
    for number, text in section.body:
        if not text:
            if parts:
                parts[-1].lines.append("")
            block_start = True
            continue
        mark = pattern.match(text)
        expected = len(parts) + 1
        if mark and int(mark[1]) == expected:
            parts.append(_Node(expected, number, mark[0], [text]))
        elif mark and block_start:
            raise InputError(
                f"part {int(mark[1])} out of order: expected {expected}",
                Position(path, number, 1),
                section.heading,
            )
        elif parts:
            parts[-1].lines.append(text)
        block_start = False
    return parts
