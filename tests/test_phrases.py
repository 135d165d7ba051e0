"""Phrases: a model value quoting words of the terms is held to the text and to the value."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from termcheck.cli import app
from termcheck.model.phrases import figures, phrase_problems, side_by_side
from termcheck.model.spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"
PROPERTIES = ROOT / "properties"
MODELS = sorted(p.parent for p in (ROOT / "model").rglob("model.toml"))


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("その2ヶ月前までに", [(2, False)]),
        ("その ２ ヶ月前までに", [(2, False)]),  # full-width, PDF spacing
        ("1年間", [(1, True)]),
        ("十二ヶ月", [(12, False)]),
        ("金50,000円", [(50_000, False)]),
        ("第10条、第11条第1項、第16条第2項", []),  # provisions, not figures
        ("利用開始予定日の属する月の翌月末", []),
    ],
)
def test_the_figures_of_a_phrase(phrase: str, expected: list[tuple[int, bool]]) -> None:
    assert figures(phrase) == expected


_KANJI = "〇一二三四五六七八九"


def _kanji(n: int) -> str:
    tens, ones = divmod(n, 10)
    if not tens:
        return _KANJI[ones]
    return ("" if tens == 1 else _KANJI[tens]) + "十" + (_KANJI[ones] if ones else "")


@given(st.integers(1, 99), st.sampled_from(["ヶ月", "日", "年間", "円"]))
def test_every_figure_reads_back_in_digits_and_kanji(n: int, unit: str) -> None:
    year = unit == "年間"
    assert figures(f"その{n}{unit}前") == [(n, year)]
    assert figures(f"その{_kanji(n)}{unit}前") == [(n, year)]
    assert figures(f"第{n}条") == []


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_every_shipped_value_quotes_its_text(model: Path) -> None:
    assert [p.sentence() for p in phrase_problems(load_spec(model))] == []


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "terms"
    shutil.copytree(SHIPPED, folder)
    return folder


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_a_value_that_no_longer_says_its_phrase_fails_verify(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    anchor = 'phrase = "その2ヶ月前までに"\ntopic = "notice"\nformula = "2"'
    assert anchor in text
    model.write_text(text.replace(anchor, anchor[:-3] + '"3"'), encoding="utf-8")
    code, out = _invoke("verify", str(folder), "--properties", str(PROPERTIES))
    assert code == 1
    assert "notice_months = 3, but its phrase 「その2ヶ月前までに」" in out and "says 2" in out
    assert "Nothing was proved" in out


def _git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_a_changed_number_in_the_text_shows_both_wordings_and_blocks_update(
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = _copy(tmp_path)
    _git(folder, "init", "-q")
    _git(folder, "add", ".")
    _git(folder, "commit", "-qm", "reviewed")
    terms = folder / "terms.ja.md"
    text = terms.read_text(encoding="utf-8")
    assert "その 2 ヶ月前までに" in text
    terms.write_text(text.replace("その 2 ヶ月前までに", "その 3 ヶ月前までに"), encoding="utf-8")

    code, out = _invoke("fingerprints", str(folder), "--properties", str(PROPERTIES))
    assert code == 1
    assert "was: 「…" in out and "その2ヶ月前までに" in out
    assert "now: 「…" in out and "その3ヶ月前までに" in out
    assert "notice_months = 2 quotes 「その2ヶ月前までに」, but 第10条 now reads" in out

    before = (folder / "model.toml").read_bytes()
    code, out = _invoke("fingerprints", str(folder), "--properties", str(PROPERTIES), "--update")
    assert code == 2 and len(out.strip().splitlines()) == 1
    assert "--accept-contradiction" in out and "nothing recorded" in out
    assert (folder / "model.toml").read_bytes() == before

    code, _ = _invoke(
        "fingerprints",
        str(folder),
        "--properties",
        str(PROPERTIES),
        "--update",
        "--accept-contradiction",
    )
    assert code == 0 and (folder / "model.toml").read_bytes() != before
    # Recorded, the text no longer drifts, but the model still contradicts it.
    code, out = _invoke("verify", str(folder), "--properties", str(PROPERTIES))
    assert code == 1 and "now reads 「その3ヶ月前までに」" in out


def test_a_phrase_the_text_does_not_have_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    model.write_text(
        text.replace('phrase = "最低利用期間の残余の期間"', 'phrase = "残りの月"'), encoding="utf-8"
    )
    problems = phrase_problems(load_spec(folder))
    assert [p.name for p in problems] == ["remaining_months"]
    assert "which 第9条第2項 does not have" in problems[0].sentence()


def test_side_by_side_shows_each_changed_span_with_context() -> None:
    far = "あ" * 20 + "その2ヶ月" + "い" * 20  # the "2" at index 22: 12 characters each side
    changed = far.replace("2", "3")
    assert side_by_side(far, changed) == [("…" + far[10:35] + "…", "…" + changed[10:35] + "…")]
    before = "解約月を指定し、その 2 ヶ月前までに通知"
    after = "解約月を指定し、その3ヶ月前までに通知"
    assert side_by_side(before, after) == [
        ("解約月を指定し、その2ヶ月前までに通知", "解約月を指定し、その3ヶ月前までに通知")
    ]
