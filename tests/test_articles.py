"""The terms file and its parser: structure, wording, fingerprints and positioned errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from termcheck.errors import InputError
from termcheck.model.articles import (
    Article,
    article_index,
    fingerprint,
    load_articles,
    normalize,
    parse_articles,
)

TERMS = Path(__file__).resolve().parents[1] / "model" / "usen-gate02-iij-id" / "terms.ja.md"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return load_articles(TERMS)


@pytest.fixture(scope="module")
def index(articles: list[Article]) -> dict[str, Article]:
    return article_index(articles)


# --- the shipped terms: structure ------------------------------------------------------

# Paragraph count per article and item count per paragraph, as in the 2025-12-25 terms.
PARAGRAPHS = {n: 1 for n in range(1, 19)} | {6: 4, 7: 3, 9: 2, 11: 4, 12: 2, 14: 2, 16: 3}
ITEMS = {"6-3": 7, "11-2": 8, "16-2": 6, "16-3": 5}


def test_sections_are_articles_1_to_18_then_appendix_and_attachment(
    articles: list[Article],
) -> None:
    tops = [a.id for a in articles if a.kind == "article"]
    assert tops == [str(n) for n in range(1, 19)] + ["appendix", "attachment"]


def test_every_article_has_its_paragraphs_and_items(index: dict[str, Article]) -> None:
    for number, count in PARAGRAPHS.items():
        ids = {i for i in index if i.startswith(f"{number}-") and i.count("-") == 1}
        assert ids == {f"{number}-{p}" for p in range(1, count + 1)}, number
    items = {i.rsplit("-", 1)[0] for i, a in index.items() if a.kind == "item"}
    assert items == set(ITEMS)
    for paragraph, count in ITEMS.items():
        assert f"{paragraph}-{count}" in index
        assert f"{paragraph}-{count + 1}" not in index


def test_document_order_article_then_paragraphs_then_items(articles: list[Article]) -> None:
    ids = [a.id for a in articles]
    start = ids.index("6")
    assert ids[start : start + 6] == ["6", "6-1", "6-2", "6-3", "6-3-1", "6-3-2"]
    assert ids[ids.index("6-3-7") + 1] == "6-4"
    assert ids[-6:] == [
        "appendix",
        "appendix-1",
        "appendix-2",
        "attachment",
        "attachment-1",
        "attachment-2",
    ]
    assert [a.line for a in articles] == sorted(a.line for a in articles)


def test_headings_titles_and_kinds(index: dict[str, Article]) -> None:
    assert (index["9"].kind, index["9"].heading, index["9"].title) == (
        "article",
        "第9条",
        "最低利用期間",
    )
    assert (index["9-2"].kind, index["9-2"].heading) == ("paragraph", "第9条第2項")
    assert index["9-2"].title == "最低利用期間"
    assert (index["6-3-5"].kind, index["6-3-5"].heading) == ("item", "第6条第3項第5号")
    assert index["17"].title == "準拠法"  # full-width parentheses in the heading
    assert index["appendix-2"].heading == "別記2"
    assert index["attachment-1"].heading == "別紙第1表"
    assert index["attachment"].title == "読替え表"


def test_lines_point_at_the_provision(index: dict[str, Article]) -> None:
    lines = TERMS.read_text(encoding="utf-8").splitlines()
    assert lines[index["9"].line - 1] == "## 第9条 (最低利用期間)"
    assert lines[index["9-1"].line - 1].startswith("本サービスの最低利用期間は")
    assert lines[index["9-2"].line - 1].startswith("2 前項に定める")
    assert lines[index["6-3-5"].line - 1].startswith("(5) 利用申込者が、当社の電気通信")
    assert lines[index["appendix-2"].line - 1] == "2. 料金表 （すべて税抜き表示）"
    assert lines[index["attachment-2"].line - 1] == "第2表 対象となるサービスの読替え"


# --- the shipped terms: wording --------------------------------------------------------


@pytest.mark.parametrize(
    ("id_", "start"),
    [
        ("9-2", "前項に定める最低利用期間内に、第 10 条（契約者が行う利用契約の解約）に基づき"),
        (
            "9-1",
            "本サービスの最低利用期間は提供開始日から、提供開始日の翌月 1 日を起算日として 1 年間",
        ),
        ("10-1", "契約者は、自ら利用契約の解約を行う場合、解約月を指定し、その 2 ヶ月前までに"),
        (
            "11-4",
            "当社は、当社と契約者が合意の上決定した、利用開始予定日の属する月の翌月末を過ぎても",
        ),
        ("13-1", "本サービスの利用に関し当社が損害賠償責任を負う場合"),
        ("16-3-5", "その他前各号に準ずる行為"),
        ("7-1", "本サービスの料金は、本サービスの提供開始日の翌月 1 日から"),
        ("6-3", "当社は、前 2 項の規定にかかわらず、次の場合には"),
        ("11-2-8", "当社ならびに特定協定事業者の業務を阻害する"),
        ("appendix-2", "料金表 （すべて税抜き表示）"),
    ],
)
def test_provision_text_starts_verbatim(index: dict[str, Article], id_: str, start: str) -> None:
    assert index[id_].text.startswith(start)


def test_item_split_by_the_pdf_is_joined(index: dict[str, Article]) -> None:
    item = index["6-3-5"].text
    assert "ると当社が判断したとき" in item
    # The source really reads "おそれがある" + "ると…" across the PDF break; kept verbatim.
    assert item.endswith("不正使用等を行うおそれがあるると当社が判断したとき。")
    assert "\n" not in item


def test_paragraph_1_of_article_6_holds_both_sentences(index: dict[str, Article]) -> None:
    text = index["6-1"].text
    assert text.startswith(
        "当社は、利用契約の申込みがあったときは、受け付けた順序に従って承諾します。"
    )
    assert text.endswith("ただし、当社の業務の遂行上支障があるときは、この限りではありません。")
    assert not index["6-2"].text.startswith("ただし")


def test_texts_compose(index: dict[str, Article]) -> None:
    paragraph = index["11-2"].text
    assert "(1) 銀行取引停止処分を受けたとき" in paragraph  # items keep their numbers inside
    assert paragraph.endswith("不利益となる行為をするおそれのあるとき")
    assert index["11-2-1"].text == "銀行取引停止処分を受けたとき"
    article = index["9"].text
    assert index["9-1"].text in article
    assert "2 " + index["9-2"].text in article


def test_exact_texts(index: dict[str, Article]) -> None:
    assert index["17-1"].text == "本約款の準拠法は、日本国の法令とします。"
    assert index["13-1"].text == (
        "本サービスの利用に関し当社が損害賠償責任を負う場合、契約者が当社に本サービスの対価として"
        "支払った1年間の総額を限度額として賠償責任を負うものとします。"
    )
    assert (
        index["6-3-6"].text
        == "利用申込者が暴力団等反社会的勢力に所属、または関係していると判明したとき"
    )


def test_appendix_and_attachment_verbatim(index: dict[str, Article]) -> None:
    first = index["appendix-1"].text
    assert "<https://www.iiij.ad.jp/svcsol/agreement/>" in first
    assert "「IIJインターネットサービス契約約款」" in first
    assert "・ 個別規程 IIJ プライベートバックボーンサービス" in first
    prices = index["appendix-2"].text
    assert "| 基本機能 | 個別見積 | 個別見積 | 100IDから利用可 |" in prices
    assert "| 外部サービス連携オプション | | | 100IDから利用可 |" in prices
    assert "| プライベートバックボーンサービス | | | - |" in prices
    assert "※基本機能のみのお申込は、受け付けません。" in prices
    assert prices.endswith("（以下余白）")
    assert "当社の提供するサービスにおいて 読替えて適用される表記" in index["attachment-1"].text
    assert "| 株式会社インターネットイニシアティブ | 株式会社USEN ICT Solutions |" in (
        index["attachment-1"].text
    )
    assert "| IIJ ID サービス | USEN GATE 02 IIJ ID サービス |" in index["attachment-2"].text
    assert index["attachment-2"].text.endswith("(以下余白)")


def test_no_pdf_list_markers_left() -> None:
    for number, line in enumerate(TERMS.read_text(encoding="utf-8").splitlines(), start=1):
        assert not line.startswith(("- ", " ", "\t")), number
        assert line == line.rstrip(), number


# Distinctive phrases of the seed (`../shared/seeds/000_9815b9a61932e7be.txt`), normalized.
SEED_PHRASES = [
    "株式会社インターネットイニシアティブ（以下「特定協定事業者」といいます。）",
    "別紙読替え表を参照するほか当社が再販事業者であることを前提として適宜読替えて適用する",
    "「御見積書」・「御申込書」、「本約款」、「特定協定事業者約款」の順に優先して適用する",
    "「御申込書」に記載の申込日に遡って",
    "提供終了日が属する月の末日まで発生する",
    "翌月 1 日を起算日として 1 年間とします",
    "最低利用期間の残余の期間に対応する利用料金に相当する額を違約金として支払う",
    "当社に書面が到達したことをもって通知がされたものとみなします",
    "利用開始予定日の属する月の翌月末を過ぎても、契約者都合によって",
    "支払った1年間の総額を限度額として賠償責任を負う",
    "個人情報の保護に関する法律(平成15年法律第57号)",
    "東京地方裁判所または東京簡易裁判所を第一審の専属的合意管轄裁判所とします",
    "統合Windows認証マルチリージョンオプション",
    "対応する特定協定事業者約款の表記",
]


def test_seed_phrases_survive(articles: list[Article]) -> None:
    wording = "".join(normalize(a.text) for a in articles if a.kind == "article")
    for phrase in SEED_PHRASES:
        assert normalize(phrase) in wording, phrase


def test_preamble_kept_but_not_a_provision(articles: list[Article]) -> None:
    lines = TERMS.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["2025年12月25日版", "", "株式会社USEN ICT Solutions"]
    assert all("2025年12月25日版" not in a.text for a in articles)


# --- fingerprints ----------------------------------------------------------------------

ARTICLE_9 = """\
## 第9条 (最低利用期間)

本サービスの最低利用期間は提供開始日から、提供開始日の翌月 1 日を起算日として 1 年間とします。

2 前項に定める最低利用期間内に解約された場合、違約金として支払うものとします。
"""


def test_normalize_drops_whitespace_and_folds_width() -> None:
    assert normalize("翌月 1 日\n を\u3000起算日") == "翌月1日を起算日"
    assert normalize("第１０条（解約）") == "第10条(解約)"


def test_fingerprint_ignores_whitespace() -> None:
    original = article_index(parse_articles(ARTICLE_9))
    respaced = ARTICLE_9.replace("翌月 1 日", "翌月1日").replace("として 1 年間", "として\n1年間")
    changed = article_index(parse_articles(respaced))
    assert changed["9-1"].fingerprint == original["9-1"].fingerprint
    assert changed["9"].fingerprint == original["9"].fingerprint
    assert len(original["9-1"].fingerprint) == 16
    assert original["9-1"].fingerprint == fingerprint(original["9-1"].text)


def test_fingerprint_changes_with_wording() -> None:
    original = article_index(parse_articles(ARTICLE_9))
    changed = article_index(parse_articles(ARTICLE_9.replace("1 年間", "2 年間")))
    assert changed["9-1"].fingerprint != original["9-1"].fingerprint
    assert changed["9"].fingerprint != original["9"].fingerprint
    assert changed["9-2"].fingerprint == original["9-2"].fingerprint


def test_shipped_fingerprints_are_distinct_per_text(articles: list[Article]) -> None:
    by_text = {normalize(a.text): a.fingerprint for a in articles}
    assert len(set(by_text.values())) == len(by_text)


# --- parsing rules ---------------------------------------------------------------------


def test_digit_inside_a_sentence_does_not_start_a_paragraph() -> None:
    text = """\
## 第10条 (解約)

契約者は、解約月を指定し、その2 ヶ月前までに通知するものとします。
解約月の
10 日以内に処理します。

2 当社は、前 2 項の規定にかかわらず、
5 ヶ月後に解約できます。
"""
    index = article_index(parse_articles(text))
    # "10 日" is not the next paragraph number, so it stays in paragraph 1.
    assert index["10-1"].text.endswith("10 日以内に処理します。")
    # Nor is "5 ヶ月" in the middle of a block; "前 2 項" is not at a line start at all.
    assert index["10-2"].text == "当社は、前 2 項の規定にかかわらず、\n5 ヶ月後に解約できます。"
    assert [a.id for a in parse_articles(text)] == ["10", "10-1", "10-2"]


def test_paragraph_number_with_full_width_space_or_digit() -> None:
    text = "## 第1条 (a)\n\n一。\n\n２\u3000二。\n"
    index = article_index(parse_articles(text))
    assert index["1-2"].text == "二。"
    assert index["1-2"].heading == "第1条第2項"


def test_items_after_blank_lines_and_continuations() -> None:
    text = "## 第2条 (a)\n\n次のとき。\n\n(1) 一の\nつづき\n\n(2) 二\n"
    index = article_index(parse_articles(text))
    assert index["2-1-1"].text == "一の\nつづき"
    assert index["2-1-2"].text == "二"
    assert index["2-1-2"].line == 8


def test_text_before_the_first_heading_is_preamble() -> None:
    text = "# 約款\n\n2025年版\n\n3 これは前文\n\n## 第1条 (a)\n\n本文。\n"
    assert [a.id for a in parse_articles(text)] == ["1", "1-1"]


# --- malformed input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("## 第1条 (a)\n\n一。\n\n3 三。\n", 5, "paragraph 3 out of order"),
        ("## 第1条 (a)\n\n一。\n\n2 二。\n\n2 二。\n", 7, "paragraph 2 out of order"),
        ("## 第1条 (a)\n\n2 二。\n", 3, "paragraph 2 out of order"),
        ("## 第1条 (a)\n\n一。\n\n## 第1条 (b)\n\n一。\n", 5, "duplicate 第1条"),
        ("## 第2条 (a)\n\n一。\n\n## 第1条 (b)\n\n一。\n", 5, "ascending"),
        ("## 第1条 (a)\n\n次のとき。\n(1) 一\n(3) 三\n", 5, "item (3) out of order"),
        ("## 第1条 (a)\n\n次のとき。\n(2) 二\n", 4, "item (2) out of order"),
        ("## 第1条 (a)\n\n\n## 第2条 (b)\n\n二。\n", 1, "has no text"),
        ("前文\n\n## 第1条\n\n一。\n", 3, "unrecognized heading"),
        ("## 第1条 (a)\n\n一。\n\n### 注\n", 5, "unexpected heading"),
        ("## 別記\n\n1. 一\n\n3. 三\n", 5, "part 3 out of order"),
        ("## 別紙\n\n第2表 二\n", 3, "part 2 out of order"),
        ("## 別記\n\n一\n\n## 別記\n\n二\n", 5, "duplicate 別記"),
    ],
)
def test_malformed_input_is_reported_at_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_articles(text, "terms.ja.md")
    position = caught.value.position
    assert position is not None
    assert (str(position.path), position.line) == ("terms.ja.md", line)
    assert words in str(caught.value)
    assert f"terms.ja.md:{line}" in str(caught.value)


def test_load_reports_unreadable_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_articles(tmp_path / "missing.md")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"## \xfe\xff\n")
    with pytest.raises(InputError, match=r"binary.md:1:4: not UTF-8 \(byte 0xfe\)"):
        load_articles(binary)
    empty = tmp_path / "empty.md"
    empty.write_text("2025年12月25日版\n\n## 別記\n\n一\n", encoding="utf-8")
    with pytest.raises(InputError, match="no article") as caught:
        load_articles(empty)
    assert caught.value.position is not None
    assert caught.value.position.path == empty


def test_article_index_rejects_duplicate_ids() -> None:
    one = parse_articles("## 第1条 (a)\n\n一。\n")
    with pytest.raises(ValueError, match="duplicate"):
        article_index(one + one)
