"""A terms text as terms.ja.md: Markdown taken as it is, plain text brought into its layout.

`termcheck init` starts a model from whatever text a reviewer has: the Markdown layout
of docs/model.md, or the plain text a PDF extraction gives. Plain text is converted
line by line, and only its layout changes, never a word:

- an article starts at a line `第N条 (見出し)` (the title may also stand alone on the
  line before a line `第N条 …`, as statutes print it); the line becomes `## 第N条 (見出し)`;
- `別記` and `別紙` start on a line of their own (`別紙 【読替え表】`);
- inside an article, a line `2 …` starts paragraph 2 and a line `(1) …` an item; list
  bullets that extraction tools put before them (`- (1)`) are dropped;
- a line that does not end a sentence (no 。 or closing bracket) and is followed by more
  text is a line break of the extraction: the lines are joined, so that the next
  line's first word can never be taken for a paragraph number (`その` / `2 ヶ月前`).

Fingerprints ignore whitespace (termcheck.model.articles), so joining lines and
dropping blank lines change no provision's fingerprint. Whatever the converter cannot
place is left for the parser of terms.ja.md to refuse, and its error is reported at the
line of the text the reviewer gave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from termcheck.errors import InputError, Position
from termcheck.model.articles import Article, parse_articles
from termcheck.paths import display

_DIGITS = "[0-9０-９]+"
_SPACE = "[ \t\u3000]"
_NUMBER = rf"第{_SPACE}*({_DIGITS}){_SPACE}*条"
# A heading line: the number, then the title in brackets (nested brackets allowed).
_HEADING = re.compile(rf"{_NUMBER}({_SPACE}*)([（(].+[）)])")
# A heading with the first words of the article on the same line: the title holds no
# bracket, so that a cross-reference (`第N条（…）に基づき`) is never split.
_HEADING_WITH_TEXT = re.compile(rf"{_NUMBER}({_SPACE}*)([（(][^（）()]+[）)]){_SPACE}*(\S.*)")
_UNTITLED = re.compile(rf"{_NUMBER}(?:{_SPACE}+(\S.*))?")
_TITLE_ALONE = re.compile(r"[（(][^（）()]+[）)]")
_SUPPLEMENT = re.compile(rf"(別記|別紙)(?:{_DIGITS})?(?:{_SPACE}*[【（(].*[】）)])?")
# Parts of a text that terms.ja.md has no section for.
_UNPLACED = re.compile(rf"(附則|別表)(?:{_DIGITS})?(?:{_SPACE}*[【（(].*[】）)])?")
_KANJI_NUMBER = re.compile(r"第[〇一二三四五六七八九十百]+条")
_MARKDOWN_HEADING = re.compile(rf"##{_SPACE}+(?:第{_DIGITS}条|別記|別紙)")
_PARAGRAPH = re.compile(rf"({_DIGITS}){_SPACE}+\S")
_ITEM = re.compile(rf"[（(]{_DIGITS}[）)]")
_BULLET = re.compile(r"^[-*•](?= \S)")
_BULLET_BEFORE_MARK = re.compile(rf"^[-*•]{_SPACE}+(?=[（(]?{_DIGITS})")
# What ends a sentence or a clause that a line may end on without being broken.
_CLOSING = "。．.」』）)】！？!?：:"


@dataclass(frozen=True)
class TermsText:
    """terms.ja.md for a given text, and how to tell the reviewer about its lines."""

    path: Path
    markdown: str
    articles: list[Article]
    converted: bool  # from plain text
    preamble: list[tuple[int, str]]  # (line of the given text, text) before the first heading
    source_lines: list[int] = field(repr=False)  # the given text's line of each line written
    # Lines of the given text that begin like an article heading but were kept as text
    # (their number does not follow the article before): worth a look.
    doubtful: tuple[int, ...] = ()

    def source_line(self, line: int) -> int:
        """The line of the given text that line `line` of terms.ja.md comes from."""
        return self.source_lines[min(max(line, 1), len(self.source_lines)) - 1]


def read_terms_text(path: Path) -> TermsText:
    """Read a terms text (Markdown or plain), as terms.ja.md; InputError with the file and
    line when it cannot be read, is not UTF-8 or holds no article."""
    lines = _decoded(path).split("\n")
    converted = not any(_MARKDOWN_HEADING.match(line.strip()) for line in lines)
    if converted:
        converter = _Converter(path)
        for number, line in enumerate(lines, start=1):
            converter.feed(number, line)
        markdown, source_lines = converter.finish()
        doubtful = tuple(converter.doubtful)
    else:
        doubtful = ()
        markdown = "\n".join(lines).rstrip("\n") + "\n"
        source_lines = list(range(1, len(lines) + 1))
    preamble = _preamble(markdown, source_lines)
    text = TermsText(path, markdown, [], converted, preamble, source_lines)
    try:
        articles = parse_articles(markdown, str(path))
    except InputError as exc:
        raise _at_source(exc, text) from None
    if not any(a.kind == "article" and a.id.isdigit() for a in articles):
        kanji = next(
            (i for i, line in enumerate(lines, 1) if _KANJI_NUMBER.match(line.strip())), None
        )
        if kanji is not None:
            raise InputError(
                "no article found: article numbers in kanji are not read; write each "
                "heading's number in digits ('第N条 (見出し)')",
                Position(path, kanji),
            )
        raise InputError(
            "no article found: expected lines '第N条 (見出し)' starting each article, or "
            "Markdown headings '## 第N条 (見出し)' (docs/model.md)",
            Position(path),
        )
    return TermsText(path, markdown, articles, converted, preamble, source_lines, doubtful)


def _decoded(path: Path) -> str:
    if path.is_dir():
        raise InputError(f"--terms: {display(path)!r} is a folder: pass the terms text file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            "no such file: pass the terms text (Markdown or plain text) with --terms",
            Position(path),
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read the terms text: {exc.strerror or exc}", Position(path)
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}): convert the text first, for example "
            "`iconv -f SHIFT_JIS -t UTF-8`",
            Position(path, line),
        ) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _preamble(markdown: str, source_lines: list[int]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for index, line in enumerate(markdown.split("\n")):
        if line.startswith("## "):
            break
        if line.strip():
            found.append((source_lines[min(index, len(source_lines) - 1)], line.strip()))
    return found


def _at_source(exc: InputError, text: TermsText) -> InputError:
    """The parser's error about the converted text, told at the line of the text given."""
    position = exc.position
    if not text.converted or position is None or position.line is None:
        return exc
    return InputError(exc.detail, Position(text.path, text.source_line(position.line)), exc.field)


@dataclass
class _Line:
    source: int
    text: str


class _Converter:
    """Plain text into the layout of terms.ja.md, one line at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.out: list[_Line] = []
        self.state = "preamble"  # or "article", "supplement"
        self.article = 0  # the number of the last article heading
        self.paragraphs = 0  # paragraphs of the current article so far
        self.last: _Line | None = None  # the last line of text of the current section
        self.last_is_item = False
        self.gap = False  # a blank line since the last line of text
        # A bracketed title waiting for its `第N条` line, and whether a blank line came
        # before it.
        self.title: tuple[_Line, bool] | None = None
        self.doubtful: list[int] = []

    # --- feeding ---------------------------------------------------------------------------

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip()
        if not line:
            self.gap = True
            return
        if self.title is not None and self._title_first(number, line):
            return
        self._release_title()
        if self._heading(number, line):
            return
        if self.state != "supplement" and _TITLE_ALONE.fullmatch(line) and self._at_boundary():
            self.title = (_Line(number, line), self.gap)
            self.gap = False
            return
        self._body(number, line)

    def _release_title(self) -> None:
        """A bracketed line that no `第N条` followed: text after all."""
        if self.title is None:
            return
        (title, gap_before), self.title = self.title, None
        gap_after, self.gap = self.gap, gap_before
        self._body(title.source, title.text)
        self.gap = gap_after

    def finish(self) -> tuple[str, list[int]]:
        self._release_title()
        texts = [line.text for line in self.out]
        sources = [line.source for line in self.out]
        while texts and not texts[-1]:
            texts.pop()
            sources.pop()
        return "\n".join(texts) + "\n", sources

    # --- headings --------------------------------------------------------------------------

    def _at_boundary(self) -> bool:
        """A heading can start here: not in the middle of a sentence."""
        return self.last is None or self.gap or self.last.text.endswith(tuple(_CLOSING))

    def _heading(self, number: int, line: str) -> bool:
        if self.state != "supplement" and self._at_boundary():
            match = _HEADING_WITH_TEXT.fullmatch(line)
            if match and self._next_article(match[1]):
                self._start_article(number, match[1], match[2], match[3])
                self._body(number, match[4])
                return True
            match = _HEADING.fullmatch(line)
            if match and int(match[1]) > self.article and _one_bracket(match[3]):
                self._start_article(number, match[1], match[2], match[3])
                return True
            match = _HEADING_WITH_TEXT.fullmatch(line) or _HEADING.fullmatch(line)
            if match and self.state == "article" and int(match[1]) > self.article:
                self.doubtful.append(number)
            match = _UNTITLED.fullmatch(line)
            if match and self._next_article(match[1]):
                raise InputError(
                    f"第{int(match[1])}条 has no title: write its heading as "
                    f"'第{int(match[1])}条 (見出し)', the title in brackets, on a line of its own",
                    Position(self.path, number),
                )
        unplaced = _UNPLACED.fullmatch(line)
        if unplaced and self.state != "preamble" and self._at_boundary():
            what = unplaced[1]
            todo = (
                "delete it, or move it above the first article"
                if what == "附則"
                else "head it 別記 or 別紙 instead"
            )
            raise InputError(
                f"{what}: terms.ja.md holds articles, 別記 and 別紙 only: {todo}",
                Position(self.path, number),
            )
        if (self.state == "supplement" or self._at_boundary()) and _SUPPLEMENT.fullmatch(line):
            self._section(number, "## " + line)
            self.state = "supplement"
            return True
        return False

    def _title_first(self, number: int, line: str) -> bool:
        """`（見出し）` on one line, `第N条 …` on the next: the layout of statutes."""
        assert self.title is not None
        match = _UNTITLED.fullmatch(line)
        headed = _HEADING.fullmatch(line) or _HEADING_WITH_TEXT.fullmatch(line)
        if match is None or int(match[1]) <= self.article or headed:
            return False
        (title, _), self.title = self.title, None
        self._start_article(title.source, match[1], "", title.text)
        if match[2]:
            self._body(number, match[2])
        return True

    def _next_article(self, digits: str) -> bool:
        return self.article == 0 or int(digits) == self.article + 1

    def _start_article(self, number: int, digits: str, space: str, title: str) -> None:
        self.article = int(digits)
        self.paragraphs = 0
        self.state = "article"
        self._section(number, f"## 第{digits}条{' ' if space else ''}{title}")

    def _section(self, number: int, heading: str) -> None:
        if self.out:
            self.out.append(_Line(number, ""))
        self.out += [_Line(number, heading), _Line(number, "")]
        self.last, self.last_is_item, self.gap = None, False, False

    # --- text ------------------------------------------------------------------------------

    def _body(self, number: int, line: str) -> None:
        if self.state == "preamble":
            self._emit(number, line, blank=self.gap and bool(self.out))
        elif self.state == "supplement" and "\t" in line:
            self._table_row(number, line)
        elif self.state == "supplement":
            self._emit(number, _BULLET.sub("", line, count=1).lstrip(), blank=self.gap)
        else:
            self._article_line(number, _BULLET_BEFORE_MARK.sub("", line, count=1))

    def _table_row(self, number: int, line: str) -> None:
        """Tab-separated cells (a table as extraction gives it) as a Markdown table row;
        the first row of a table is its header."""
        cells = [cell.strip() for cell in line.split("\t")]
        row = "|" + "|".join(f" {cell} " if cell else " " for cell in cells) + "|"
        if self.last is not None and self.last.text.startswith("|") and not self.gap:
            self._emit(number, row)
            return
        self._emit(number, row, blank=True)
        self._emit(number, "|" + "|".join("---" for _ in cells) + "|")

    def _article_line(self, number: int, line: str) -> None:
        last = self.last
        closed = last is None or last.text.endswith(tuple(_CLOSING))
        paragraph = _PARAGRAPH.match(line)
        if last is None:
            self.paragraphs = 1
            self._emit(number, line)
        elif _ITEM.match(line):
            self._emit(number, line)
            self.last_is_item = True
            return
        elif paragraph and (closed or (self.gap and self.last_is_item)):
            if int(paragraph[1]) == self.paragraphs + 1:
                self.paragraphs += 1
                self._emit(number, line, blank=True)
            else:
                # A number out of turn at a block's start: the parser names the slip.
                self._emit(number, line, blank=self.gap)
        elif not closed:
            last.text += " " if _latin(last.text[-1]) and _latin(line[0]) else ""
            last.text += line
            self.gap = False
            return
        else:
            self._emit(number, line)
        self.last_is_item = False

    def _emit(self, number: int, text: str, *, blank: bool = False) -> None:
        if blank and self.out and self.out[-1].text:
            self.out.append(_Line(number, ""))
        self.last = _Line(number, text)
        self.out.append(self.last)
        self.gap = False


def _one_bracket(title: str) -> bool:
    """The title is one bracketed group (brackets may nest inside it): `（料金（税込））`,
    not `(目的) 本規約は(…)`, which is a heading followed by the article's words."""
    depth = 0
    for index, char in enumerate(title):
        depth += (char in "（(") - (char in "）)")
        if depth == 0 and index < len(title) - 1:
            return False
    return depth == 0


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()
