"""A new model folder from a terms text: what `termcheck init` writes.

The folder loads and verifies as written, and reads nothing of the terms yet: a starter
fact, quantity and property (`starter_…`) stand in for the reading until the reviewer
writes it, and every other provision is unreviewed for `termcheck coverage`. A property
must cite a provision (properties/*.toml), so the starter cites the first article, and
says so; model.toml's comments say what to replace.

The folder is written beside its final place and renamed into it, so that a failure at
any point leaves no half-written model where one is expected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from termcheck.errors import InputError, Position
from termcheck.model.articles import Article
from termcheck.model.drift import update
from termcheck.model.spec import MODEL_FILE, load_spec
from termcheck.model.terms_text import TermsText, read_terms_text
from termcheck.verify.properties import load_properties

TERMS_FILE = "terms.ja.md"
PROPERTIES = "properties"
STARTER_PROPERTIES = "starter.toml"

_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
_DATE_PATTERNS = (
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(令和|平成|昭和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
)
_TITLE_ENDINGS = ("規約", "約款", "規程", "契約条項", "利用条件")
_ISSUER_FORMS = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
)


@dataclass(frozen=True)
class Origin:
    """Where a value of [terms] came from, for the comment beside it."""

    value: str
    said: str  # "given with --version", "from line 3 of terms.txt", …


@dataclass(frozen=True)
class Scaffold:
    directory: Path
    terms: TermsText
    identifier: Origin
    title: Origin
    version: Origin
    issuer: Origin | None
    replaced: bool  # --force replaced a folder that held files


def init_model(
    directory: Path,
    terms_path: Path,
    *,
    identifier: str | None = None,
    title: str | None = None,
    version: str | None = None,
    force: bool = False,
) -> Scaffold:
    """Write a model folder for the terms at `terms_path` into `directory`."""
    occupied = _check_target(directory, force)
    terms = read_terms_text(terms_path)
    scaffold = Scaffold(
        directory,
        terms,
        _identifier(directory, identifier),
        _title(terms, title, directory, identifier),
        _version(terms, version),
        _issuer(terms),
        occupied,
    )
    target = directory.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    except OSError as exc:
        raise InputError(
            f"cannot create the model folder: {exc.strerror or exc}", Position(directory)
        ) from None
    try:
        staging.chmod(0o777 & ~_umask())  # a folder like any other, not mkdtemp's 0700
        _write(staging, scaffold)
        _move_into_place(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(
            f"cannot write the model folder: {exc.strerror or exc}", Position(directory)
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return scaffold


# --- Where it goes ---------------------------------------------------------------------------


def _check_target(directory: Path, force: bool) -> bool:
    """Whether `directory` holds files that --force will replace; refuses otherwise."""
    here = Path.cwd().resolve()
    if here == directory.resolve() or directory.resolve() in here.parents:
        # The folder is renamed into place: the shell would be left in a removed folder.
        raise InputError(
            "DIR is the folder you are working in: run init from outside it, or name a new folder",
            Position(directory),
        )
    if directory.exists() and not directory.is_dir():
        raise InputError(
            "is a file, not a folder: name a new folder for the model", Position(directory)
        )
    try:
        occupied = directory.is_dir() and any(directory.iterdir())
    except OSError as exc:
        raise InputError(
            f"cannot look into the folder: {exc.strerror or exc}", Position(directory)
        ) from None
    if occupied and not force:
        raise InputError(
            "the folder is not empty: name a new folder, or pass --force to replace it "
            "and everything in it",
            Position(directory),
        )
    return occupied


def _move_into_place(staging: Path, directory: Path) -> None:
    if directory.is_dir() and any(directory.iterdir()):
        # Moved aside before the new folder takes its name, removed only once it has.
        old = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old-", dir=directory.parent))
        os.replace(directory, old / directory.name)
        os.replace(staging, directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, directory)  # an empty folder is replaced; a missing one made


def _umask() -> int:
    # The umask can only be read by setting it; put it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current


# --- [terms] ---------------------------------------------------------------------------------


def _identifier(directory: Path, given: str | None) -> Origin:
    if given is not None:
        if not given.strip():
            raise InputError("--id: give a non-empty id, such as the folder's name")
        return Origin(given, "given with --id")
    name = directory.resolve().name
    return Origin(name, "the folder's name")


def _title(terms: TermsText, given: str | None, directory: Path, identifier: str | None) -> Origin:
    if given is not None:
        if not given.strip():
            raise InputError("--title: give the title of the terms, or leave the option out")
        return Origin(given, "given with --title")
    for line, text in terms.preamble:
        text = text.lstrip("# ")  # a Markdown title line
        if text.endswith(_TITLE_ENDINGS) and "。" not in text and len(text) <= 80:
            return Origin(text, f"from line {line} of {terms.path.name}")
    fallback = identifier or directory.resolve().name
    return Origin(fallback, "no title found before the first article: set it (or pass --title)")


def _version(terms: TermsText, given: str | None) -> Origin:
    """The date of the wording: given, else the latest date written before the first
    article (制定日 and 改定日: the wording is the latest revision's). A model cannot do
    without it (it anchors readable counterexamples), and today's date would make the
    folder depend on the day it was made."""
    if given is not None:
        if _date(given) is None:
            raise InputError(f"--version: {given!r} is not a date; write YYYY-MM-DD")
        return Origin(given, "given with --version")
    found: list[tuple[dt.date, int]] = []
    for line, text in terms.preamble:
        squeezed = "".join(unicodedata.normalize("NFKC", text).split())
        found += [(date, line) for date in _dates(squeezed)]
    if not found:
        raise InputError(
            "no date of the terms found before the first article: pass --version YYYY-MM-DD",
            Position(terms.path),
        )
    date, line = max(found)
    return Origin(date.isoformat(), f"from line {line} of {terms.path.name}")


def _dates(text: str) -> list[dt.date]:
    dates: list[dt.date] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groups()
            if parts[0] in _ERAS:
                year = _ERAS[parts[0]] + (1 if parts[1] == "元" else int(parts[1]))
                parts = (str(year), *parts[2:])
            try:
                dates.append(dt.date(int(parts[0]), int(parts[1]), int(parts[2])))
            except ValueError:
                continue
    return dates


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _issuer(terms: TermsText) -> Origin | None:
    for line, text in terms.preamble:
        if any(form in text for form in _ISSUER_FORMS) and "。" not in text and len(text) <= 60:
            return Origin(text, f"from line {line} of {terms.path.name}")
    return None


# --- The files -------------------------------------------------------------------------------


def _write(folder: Path, scaffold: Scaffold) -> None:
    first = next(a for a in scaffold.terms.articles if a.kind == "article")
    (folder / TERMS_FILE).write_text(scaffold.terms.markdown, encoding="utf-8")
    (folder / MODEL_FILE).write_text(model_toml(scaffold, first), encoding="utf-8")
    (folder / PROPERTIES).mkdir()
    (folder / PROPERTIES / STARTER_PROPERTIES).write_text(
        starter_properties(first), encoding="utf-8"
    )
    # What was written must load, and the text is recorded as the starting point of the
    # review: a provision added or removed later is drift.
    from termcheck.checks import REGISTRY  # the checks register on import

    spec = load_spec(folder)
    update(spec, load_properties(folder / PROPERTIES, spec, REGISTRY))


def _counted(terms: TermsText) -> str:
    articles = article_count(terms)
    return f"{articles} article{'s' * (articles != 1)}, {len(terms.articles)} provisions"


def article_count(terms: TermsText) -> int:
    """The articles (第N条) of the text, not counting 別記 and 別紙."""
    return sum(1 for a in terms.articles if a.kind == "article" and a.id.isdigit())


def _rule(title: str) -> str:
    return f"# --- {title} ".ljust(88, "-")


def _toml(text: str) -> str:
    # A JSON string is a TOML basic string: the same escapes.
    return json.dumps(text, ensure_ascii=False)


def model_toml(scaffold: Scaffold, first: Article) -> str:
    terms = scaffold.terms
    issuer = scaffold.issuer
    lines = [
        f"# The formal reading of {scaffold.title.value} ({scaffold.version.value}), started by",
        f"# `termcheck init` from {terms.path.name}: {_counted(terms)}.",
        *(
            ["# The text was plain text, converted: check the split with `termcheck articles`."]
            if terms.converted
            else []
        ),
        "#",
        "# Nothing below reads the terms yet. The starter fact, quantity and property",
        "# (`starter_…`, properties/starter.toml) only make the folder load and verify; replace",
        "# them with the terms' own as you model them, one provision at a time. docs/model.md",
        "# describes every section, docs/tutorial.md builds a whole model; `termcheck articles`",
        '# lists the provision ids that `article` cites ("N-M" is paragraph M of article N,',
        '# "N-M-K" its item K), `termcheck coverage` what nothing rests on yet.',
        "",
        "[terms]",
        f"id = {_toml(scaffold.identifier.value)}  # {scaffold.identifier.said}",
        f"title = {_toml(scaffold.title.value)}  # {scaffold.title.said}",
        "# The date of this wording (YYYY-MM-DD): readable counterexamples start from it.",
        f"version = {_toml(scaffold.version.value)}  # {scaffold.version.said}",
        (
            f"issuer = {_toml(issuer.value)}  # {issuer.said}"
            if issuer
            else '# issuer = "…"  # the company that issues the terms'
        ),
        f"text = {_toml(TERMS_FILE)}",
        "",
        "# The billing rules a system runs for these terms, if there are any: every",
        "# counterexample is replayed through them (docs/model.md).",
        "# [implementation]",
        '# python = "implementation/billing.py:charges"',
        "",
        "# Business days, if the terms count them: a stored holiday table and the days the",
        "# company is closed every year.",
        "# [calendar]",
        '# holidays = "jp"',
        '# closed = ["12-29", "12-30", "12-31", "01-02", "01-03"]',
        "",
        _rule("What a customer's case is"),
        "",
        "# [[enums]]: the values a fact can take by name (how a contract ends, a plan), each",
        "# citing the provision that gives it:",
        "# [[enums]]",
        '# id = "kind"',
        '# ja = "…"',
        '# en = "…"',
        "# [[enums.values]]",
        '# id = "first-kind"',
        '# article = "…"',
        '# ja = "…"',
        '# en = "…"',
        "",
        "# [[facts]]: the inputs of one customer's case (dates, fees, counts, an enum's id).",
        "# Bound every date: the solver considers every case within the bounds.",
        "[[facts]]",
        'id = "starter_date"',
        'type = "date"',
        f"article = {_toml(first.id)}  # the starter cites {first.heading}: replace it",
        'ja = "（仮）日付"',
        'en = "(starter) a date"',
        'min = "2000-01-01"',
        'max = "2090-12-31"',
        "",
        "# [[relations]]: what makes a case possible (a notice after the contract exists):",
        "# [[relations]]",
        '# id = "…"',
        '# article = "…"',
        '# ja = "…"',
        '# en = "…"',
        '# formula = "…"',
        "",
        _rule("What the terms decide"),
        "",
        "# [quantities.<id>]: a figure the terms decide, as a formula over facts and other",
        "# quantities (docs/properties.md has the language). A phrase that can be read more",
        "# than one way gets readings instead of a formula, one of them adopted:",
        "# [quantities.<id>.readings.<reading>] with ja, en, formula and the argument for it.",
        "[quantities.starter_next_day]",
        'type = "date"',
        f"article = {_toml(first.id)}",
        'ja = "（仮）翌日"',
        'en = "(starter) the next day"',
        'formula = "add_days(starter_date, 1)"',
        "",
        _rule("How a counterexample is told"),
        "",
        "# [witness]: what a readable counterexample looks like (`prefer`: formulas kept while",
        "# possible; `alike`: facts two customers share). [report]: what is told of a customer",
        "# (`headline`, `total`, [[report.charges]], [[report.timeline]], [[report.marks]]).",
        "",
        _rule("The structure, checked as such (docs/lifecycle.md)"),
        "",
        "# [[documents]], [[topics]] and [[prevails]] (which document governs what),",
        "# [substitution] (how an incorporated document is read), [lifecycle] (the contract's",
        "# states and events) and [price_list]: each optional.",
        "",
        _rule("The review"),
        "",
        "# [[not_modelled]]: a provision left out on purpose, and why; `termcheck coverage`",
        "# lists every provision that has neither a citation nor a reason as unreviewed.",
        "# [[not_modelled]]",
        '# article = "…"',
        '# reason = "…: nothing to compute"',
        "",
        "# [fingerprints] below is the text as `termcheck init` found it. Once you have",
        "# modelled a provision, `termcheck verify` stops until you have reviewed the model",
        "# against its wording and run `termcheck fingerprints --update`.",
    ]
    return "\n".join(lines) + "\n"


def starter_properties(first: Article) -> str:
    lines = [
        "# Properties of this model, one file per topic (docs/properties.md). This starter",
        "# only shows the form and makes `termcheck verify` pass on a new folder: a property",
        f"# must cite a provision, so it cites {first.heading}, which it does not read. Delete",
        "# it once a property of your own is here.",
        "",
        "[[property]]",
        'id = "starter.next-day-is-one-day-later"',
        f"articles = [{_toml(first.id)}]",
        'title_ja = "（仮）翌日は当日の1日後である"',
        'title_en = "(starter) The next day is one day later"',
        'assert = "days_between(starter_date, starter_next_day) == 1"',
        'expect = "holds"',
    ]
    return "\n".join(lines) + "\n"
