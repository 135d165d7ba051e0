"""`termcheck init`: a model folder from a terms text that loads, verifies and lists every
provision for review, or one line and exit 2 and no folder at all."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from termcheck.cli import app
from termcheck.errors import InputError
from termcheck.model.articles import load_articles
from termcheck.model.terms_text import read_terms_text

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_TERMS = ROOT / "model" / "usen-gate02-iij-id" / "terms.ja.md"

# Plain text as a PDF extraction gives it: bullets before paragraph and item numbers, a
# page break inside an item and inside a sentence whose next word is a number, a title
# printed above its article (as statutes do), a table with tab-separated cells.
PLAIN = """\
テスト役務利用規約

令和7年10月1日制定
2026年4月1日改定

テスト株式会社

第1条 (目的)

本規約は、当社が提供する役務の利用条件を定めるものです。

第2条（解約）

契約者は、解約月を指定し、その

2 ヶ月前までに当社に通知するものとします。

- 2 当社は、次の各号のいずれかに該当するときは、契約を解除できます。

- (1) 料金の支払いを怠ったとき
- (2) 当社の業務を妨げるおそれが

あると当社が判断したとき

3 前項の解除は、損害賠償の請求を妨げません。

（料金）
第3条 契約者は、別記の料金を支払うものとします。

別記

1. 料金表

品目\t月額料金
基本\t1,000円
"""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(arg) for arg in args])


def one_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, result.stderr
    return lines[0]


def statuses(model: Path) -> dict[str, str]:
    result = run("coverage", model, "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["id"]: row["status"] for row in json.loads(result.stdout)["provisions"]}


def test_the_shipped_text_gives_a_folder_that_verifies(tmp_path: Path) -> None:
    model = tmp_path / "new-terms"
    made = run("init", model, "--terms", SHIPPED_TERMS)
    assert made.exit_code == 0, made.output
    assert "Markdown, as given" in made.stdout
    assert (model / "terms.ja.md").read_bytes() == SHIPPED_TERMS.read_bytes()
    toml = (model / "model.toml").read_text("utf-8")
    assert 'id = "new-terms"' in toml and 'version = "2025-12-25"' in toml

    verified = run("verify", model, "--format", "json")
    assert verified.exit_code == 0, verified.output
    assert '"starter.next-day-is-one-day-later"' in verified.stdout

    # Every provision is unreviewed but the first article, which the starter property
    # has to cite (a property must cite a provision); nothing else rests on the text.
    provisions = [a.id for a in load_articles(SHIPPED_TERMS)]
    listed = statuses(model)
    assert list(listed) == provisions
    assert {i for i, s in listed.items() if s != "unreviewed"} == {"1", "1-1"}

    # The starter pins its quantity: mutate finds no survivor either.
    mutated = run("mutate", model)
    assert mutated.exit_code == 0, mutated.output

    clean = run("fingerprints", model)
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.startswith("no drift")
    assert not [p.name for p in tmp_path.iterdir() if p.name != "new-terms"]


def test_plain_text_is_brought_into_the_layout(tmp_path: Path) -> None:
    text = tmp_path / "terms.txt"
    text.write_text(PLAIN, encoding="utf-8")
    model = tmp_path / "plain"
    made = run("init", model, "--terms", text)
    assert made.exit_code == 0, made.output
    assert "3 articles" in made.stdout and "converted from plain text" in made.stdout

    articles = {a.id: a for a in load_articles(model / "terms.ja.md")}
    assert list(articles) == [
        "1", "1-1", "2", "2-1", "2-2", "2-2-1", "2-2-2", "2-3", "3", "3-1",
        "appendix", "appendix-1",
    ]  # fmt: skip
    assert articles["3"].title == "料金"
    # The broken lines are joined: "2 ヶ月前" stays in paragraph 1, the page break
    # inside item (2) closes up, and the bullets are gone.
    assert (
        articles["2-1"].text
        == "契約者は、解約月を指定し、その2 ヶ月前までに当社に通知するものとします。"
    )
    assert articles["2-2-2"].text == "当社の業務を妨げるおそれがあると当社が判断したとき"
    assert "| 基本 | 1,000円 |" in articles["appendix-1"].text
    # Only the layout changed: the words, without whitespace, are the text's own.
    assert _same_words((model / "terms.ja.md").read_text("utf-8"), PLAIN)

    toml = (model / "model.toml").read_text("utf-8")
    assert 'title = "テスト役務利用規約"' in toml
    assert 'version = "2026-04-01"' in toml  # the latest date before the first article
    assert 'issuer = "テスト株式会社"' in toml
    assert run("verify", model).exit_code == 0
    assert {s for i, s in statuses(model).items() if i not in ("1", "1-1")} == {"unreviewed"}


def _same_words(written: str, given: str) -> bool:
    def letters(text: str) -> str:
        for layout in ("## ", "|", "---", "- ", "（料金）", "(料金)"):
            text = text.replace(layout, "")
        return "".join(text.split())

    return letters(written) == letters(given)


def test_converting_the_shipped_text_back_from_plain_changes_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(SHIPPED_TERMS.read_text("utf-8").replace("## ", ""), encoding="utf-8")
    converted = read_terms_text(plain)
    assert converted.converted
    assert converted.markdown == SHIPPED_TERMS.read_text("utf-8")


def test_options_set_the_terms_table(tmp_path: Path) -> None:
    model = tmp_path / "m"
    args = ("--id", "x-1", "--title", "題名", "--version", "2030-01-31")
    assert run("init", model, "--terms", SHIPPED_TERMS, *args).exit_code == 0
    toml = (model / "model.toml").read_text("utf-8")
    assert 'id = "x-1"' in toml and 'title = "題名"' in toml and 'version = "2030-01-31"' in toml


def test_an_empty_folder_is_used_and_force_replaces_a_full_one(tmp_path: Path) -> None:
    model = tmp_path / "m"
    model.mkdir()
    assert run("init", model, "--terms", SHIPPED_TERMS).exit_code == 0
    (model / "notes.txt").write_text("mine", encoding="utf-8")
    replaced = run("init", model, "--terms", SHIPPED_TERMS, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert "replaced" in replaced.stdout
    assert sorted(p.name for p in model.iterdir()) == ["model.toml", "properties", "terms.ja.md"]
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_a_folder_with_files_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "m"
    model.mkdir()
    (model / "notes.txt").write_text("mine", encoding="utf-8")
    line = one_line(run("init", model, "--terms", SHIPPED_TERMS))
    assert "m: the folder is not empty" in line and "--force" in line
    assert [p.name for p in model.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "missing.txt: no such file"),
        (b"\xef\xbb\xbf\xe7\xac\xac1\n\x81\x40\n", "bad.txt:2: not UTF-8 (byte 0x81)"),
        ("ただの文章です。\n".encode(), "bad.txt: no article found"),
        ("2026年1月1日\n\n第1条 本規約は\n".encode(), "bad.txt:3: 第1条 has no title"),
        (
            "2026年1月1日\n\n第1条 (目的)\n\n本文です。\n\n3 次の文です。\n".encode(),
            "bad.txt:7: 第1条: paragraph 3 out of order",
        ),
        ("第1条 (目的)\n\n本文です。\n".encode(), "no date of the terms found"),
        ("2026年1月1日\n\n第一条（目的）\n\n本文です。\n".encode(), "bad.txt:3: no article found"),
        (
            "2026年1月1日\n\n第1条（目的）\n\n本文です。\n\n附則\n\n施行します。\n".encode(),
            "bad.txt:7: 附則: terms.ja.md holds articles, 別記 and 別紙 only",
        ),
    ],
    ids=[
        "missing",
        "not-utf8",
        "no-article",
        "untitled",
        "paragraph-slip",
        "no-date",
        "kanji-number",
        "supplementary-provisions",
    ],
)
def test_a_bad_text_is_one_line_and_no_folder(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    text = tmp_path / ("missing.txt" if content is None else "bad.txt")
    if content is not None:
        text.write_bytes(content)
    line = one_line(run("init", tmp_path / "m", "--terms", text))
    assert expected in line, line
    assert not (tmp_path / "m").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_bad_version_is_refused(tmp_path: Path) -> None:
    line = one_line(run("init", tmp_path / "m", "--terms", SHIPPED_TERMS, "--version", "2026-2-30"))
    assert "--version" in line and "YYYY-MM-DD" in line


FRAGMENTS = [
    "",
    "",
    "第1条 (目的)",
    "第2条（定義）",
    "第3条 （解約） 契約者は、解約できます。",
    "（料金）",
    "第4条 契約者は、支払います。",
    "第5条",
    "本規約は、条件を定めます。",
    "契約者は、解約月を指定し、その",
    "2 ヶ月前までに通知します。",
    "2 当社は、解除できます。",
    "- 3 前項の規定は、適用しません。",
    "(1) 料金を怠ったとき",
    "- (2) 業務を妨げるおそれが",
    "あるとき",
    "別記",
    "別紙 【読替え表】",
    "1. 料金表",
    "品目\t月額料金",
    "基本\t1,000円",
    "2026年4月1日版",
    "## 第1条 (目的)",
    "  ",
    "\u3000第6条\u3000（雑則）",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_any_text_converts_or_is_refused_in_one_line(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        given_text = Path(folder) / "terms.txt"
        given_text.write_text("\n".join(lines), encoding="utf-8")
        try:
            converted = read_terms_text(given_text)
        except InputError as exc:
            assert "\n" not in str(exc) and "terms.txt" in str(exc)
            return
        # What init writes reads back as itself: Markdown is taken as it is.
        written = Path(folder) / "terms.ja.md"
        written.write_text(converted.markdown, encoding="utf-8")
        again = read_terms_text(written)
        assert again.markdown == converted.markdown
        assert again.articles == converted.articles


def test_the_working_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Renaming the new folder into place would leave the shell in a removed folder.
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    line = one_line(run("init", ".", "--terms", SHIPPED_TERMS, "--force"))
    assert "DIR is the folder you are working in" in line
    assert not list(here.iterdir())


def test_a_heading_it_did_not_take_is_pointed_out(tmp_path: Path) -> None:
    text = tmp_path / "terms.txt"
    text.write_text(
        "2026年1月1日\n\n第1条 (目的)\n\n本文です。\n\n第3条 (解約) 解約できます。\n",
        encoding="utf-8",
    )
    made = run("init", tmp_path / "m", "--terms", text)
    assert made.exit_code == 0, made.output
    assert "terms.txt:7 begins like an article heading but was kept as text" in made.stdout
    gap = tmp_path / "gap.txt"
    gap.write_text("2026年1月1日\n\n第1条 (目的)\n\n本文です。\n\n第3条 (解約)\n\n解約できます。\n")
    made = run("init", tmp_path / "n", "--terms", gap)
    assert "note: the text has no 第2条" in made.stdout
