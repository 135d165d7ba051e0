"""The words of the reports, in Japanese and English: headings, statuses, verdicts.

Kept apart from the layout so that the Markdown and HTML reports say the same thing in
the same words.
"""

from __future__ import annotations

from termcheck.report.present import Lang
from termcheck.report.schema import PropertyEntry

_WORDS: dict[str, tuple[str, str]] = {
    "report": ("検証レポート", "Verification report"),
    "summary": ("概要", "Summary"),
    "terms": ("約款", "Terms"),
    "version": ("版", "Version"),
    "model": ("モデル", "Model"),
    "properties": ("性質", "Properties"),
    "property": ("性質", "Property"),
    "articles": ("根拠条項", "Articles"),
    "status": ("結果", "Result"),
    "expected": ("期待", "Expected"),
    "met": ("判定", "Verdict"),
    "kind": ("種別", "Kind"),
    "reason": ("指摘の理由", "Why this finding is accepted"),
    "detail": ("詳細", "Detail"),
    "assume": ("前提", "Assuming"),
    "assert": ("主張", "Claim"),
    "readings": ("読み方", "Readings"),
    "other_readings": ("他の読み方での結果", "Under the other readings"),
    "reading_dependent": ("読み方によって結果が変わる", "The result depends on the reading"),
    "counterexample": ("反例", "Counterexample"),
    "evidence": ("根拠となる事例", "Evidence"),
    "customer": ("契約者", "Customer"),
    "month": ("月", "Month"),
    "charge": ("料金", "Charge"),
    "events": ("出来事", "Events"),
    "legend": ("凡例", "Legend"),
    "location": ("定義", "Defined at"),
    "contents": ("目次", "Contents"),
    "none": ("なし", "none"),
    "count": ("件数", "count"),
}

SUMMARY_KEYS = ("properties", "proved", "findings", "unmet", "inconclusive", "vacuous", "divergent")
_SUMMARY: dict[str, tuple[str, str]] = {
    "properties": ("性質", "properties"),
    "proved": ("証明済み", "proved"),
    "findings": ("既知の指摘", "known findings"),
    "unmet": ("期待に反する", "unmet"),
    "inconclusive": ("判定不能", "inconclusive"),
    "vacuous": ("前提が成り立たない", "vacuous"),
    "divergent": ("モデルと規則の不一致", "divergent"),
}

_STATUS: dict[str, tuple[str, str]] = {
    "proved": ("証明済み", "proved"),
    "violated": ("反例あり", "refuted by a counterexample"),
    "inconclusive": ("判定不能（Z3が決められなかった）", "inconclusive (Z3 could not decide)"),
    "vacuous": ("前提が成り立たない", "vacuous (the assumption can never be met)"),
    "divergent": (
        "モデルと規則の不一致（反例が規則で再現しない）",
        "divergent (the rules do not replay the counterexample)",
    ),
}

_EXPECT: dict[str, tuple[str, str]] = {
    "holds": ("常に成り立つ", "holds"),
    "finding": ("既知の指摘（反例が出る）", "known finding (a counterexample shows)"),
}

_MET = {True: ("期待どおり", "as expected"), False: ("期待に反する", "NOT as expected")}

# The groups the properties are told in, most urgent first.
# A met finding is told by its category (termcheck.verify.properties.CATEGORIES).
GROUPS = (
    "unmet",
    "undecided",
    "defect",
    "ambiguity",
    "inconsistency",
    "undefined",
    "observation",
    "example",
    "proved",
)
FINDING_GROUPS = frozenset(GROUPS[2:-1])
# The groups a report's first screen lists by title; the others it counts.
GLANCE_LISTED = ("unmet", "undecided", "defect")
_GROUP: dict[str, tuple[str, str]] = {
    "unmet": ("期待に反する性質", "Properties that did not meet their expectation"),
    "undecided": ("判定できなかった性質", "Properties that could not be decided"),
    "defect": (
        "約款の欠陥（金銭・権利が保障されない）",
        "Defects of the terms (money or rights not guaranteed)",
    ),
    "ambiguity": (
        "解釈の分かれ（読み方により結果が異なる）",
        "Ambiguities (the readings disagree)",
    ),
    "inconsistency": ("規定間の不整合", "Inconsistencies between provisions"),
    "undefined": ("約款が定めていない場合", "Cases the terms leave undefined"),
    "observation": ("留意点", "Observations"),
    "example": ("例示（約款についての指摘ではない）", "Examples (not findings about the terms)"),
    "proved": ("証明された性質", "Proved properties"),
}
# The short name of what a result is, for the contents table.
_KIND: dict[str, tuple[str, str]] = {
    "unmet": ("期待に反する", "unmet"),
    "undecided": ("判定不能", "undecided"),
    "defect": ("欠陥", "defect"),
    "ambiguity": ("解釈の分かれ", "ambiguity"),
    "inconsistency": ("不整合", "inconsistency"),
    "undefined": ("定めなし", "undefined"),
    "observation": ("留意点", "observation"),
    "example": ("例示", "example"),
    "proved": ("証明", "proved"),
}

_EXIT: dict[int, tuple[str, str]] = {
    0: ("すべての性質が期待どおり", "Every property met its expectation"),
    1: ("期待に反する性質がある", "A property did not meet its expectation"),
    2: ("入力に誤りがある", "Bad input"),
    3: ("判定できない性質がある", "A property could not be decided"),
}

# ■ fees, ▲ penalty: the marks of a month in a timeline, with what they mean.
MARKS: dict[str, str] = {"fee": "■", "free": "□", "penalty": "▲", "waived": "△", "": ""}
_MARK: dict[str, tuple[str, str]] = {
    "fee": ("利用料金を課金", "fees billed"),
    "free": ("提供中・課金なし", "service provided, not billed"),
    "penalty": ("残余期間（違約金の対象）", "remaining term (charged as penalty)"),
    "waived": ("残余期間（違約金なし）", "remaining term (no penalty)"),
}
MARK_KINDS = ("fee", "free", "penalty", "waived")


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "ja" else pair[1]


def word(key: str, lang: Lang) -> str:
    return _pick(_WORDS[key], lang)


def summary_label(key: str, lang: Lang) -> str:
    return _pick(_SUMMARY[key], lang)


def status_label(status: str, lang: Lang) -> str:
    return _pick(_STATUS[status], lang)


def expect_label(expect: str, lang: Lang) -> str:
    return _pick(_EXPECT[expect], lang)


def met_label(met: bool, lang: Lang) -> str:
    return _pick(_MET[met], lang)


def group_label(group: str, lang: Lang) -> str:
    return _pick(_GROUP[group], lang)


def kind_label(group: str, lang: Lang) -> str:
    return _pick(_KIND[group], lang)


def exit_label(code: int, lang: Lang) -> str:
    text = _pick(_EXIT[code], lang)
    return f"{text}（終了コード {code}）" if lang == "ja" else f"{text} (exit code {code})"


def mark_label(kind: str, lang: Lang, legend: dict[str, dict[str, str]] | None = None) -> str:
    """What a mark means: the model's own words where its [report.legend] gives them."""
    own = (legend or {}).get(kind)
    return own[lang] if own is not None else _pick(_MARK[kind], lang)


def customer_name(scenario: str | None, lang: Lang) -> str:
    """契約者 / 契約者a (Customer / Customer a)."""
    base = word("customer", lang)
    if not scenario:
        return base
    return f"{base}{scenario}" if lang == "ja" else f"{base} {scenario}"


def paren(text: str, lang: Lang) -> str:
    """A parenthetical as each language writes it: （第N条） or (第N条)."""
    return f"（{text}）" if lang == "ja" else f" ({text})"


def months(count: int, lang: Lang) -> str:
    if lang == "ja":
        return f"{count}ヶ月"
    return f"{count} month" if count == 1 else f"{count} months"


def reason(entry: PropertyEntry, lang: Lang) -> str | None:
    """Why a finding is accepted, in the reader's language where the property gives it."""
    text = entry["reason_ja"] if lang == "ja" else None
    text = text or entry["reason"]
    return " ".join(str(text).split()) if text else None


def detail(entry: PropertyEntry, lang: Lang) -> str | None:
    """What the check found or how it proved it, in the reader's language (English where
    a check gives no Japanese)."""
    text = entry.get("detail_ja") if lang == "ja" else None
    text = text or entry["detail"]
    return " ".join(str(text).split()) if text else None


# The words of the terminal text of `termcheck verify`: short, for a table and one line
# per property, where the reports above can afford whole sentences.
_TERMINAL: dict[str, tuple[str, str]] = {
    "col_property": ("性質", "property"),
    "col_articles": ("根拠条項", "articles"),
    "col_status": ("結果", "status"),
    "col_expected": ("期待", "expected"),
    "col_met": ("判定", "met"),
    "col_time": ("時間", "time"),
    "met_yes": ("可", "yes"),
    "met_no": ("否", "NO"),
    "line_met": ("期待どおり", "met"),
    "line_unmet": ("期待に反する", "NOT MET"),
    "reading_dependent": ("（読み方次第）", " (reading-dependent)"),
    "unmet": ("期待に反する性質", "unmet"),
    "proved_unexpectedly": (
        "証明された。既知の指摘のはずが、もう反例が出ない",
        "proved, but a finding was expected (it no longer shows)",
    ),
    "violated_unexpectedly": ("反例あり（常に成り立つはず）", "violated (expected to hold)"),
    "see_above": ("。反例は上に示す", ": see its counterexample above"),
    "reason": ("指摘の理由: ", "reason: "),
    "wrote": ("書き出し: ", "wrote "),
    "separator": ("；", "; "),
}
_TERMINAL_STATUS: dict[str, tuple[str, str]] = {
    "proved": ("証明済み", "proved"),
    "violated": ("反例あり", "violated"),
    "inconclusive": ("判定不能", "inconclusive"),
    "vacuous": ("前提不成立", "vacuous"),
    "divergent": ("規則と不一致", "divergent"),
}
_TERMINAL_EXPECT: dict[str, tuple[str, str]] = {
    "holds": ("常に成立", "holds"),
    "finding": ("既知の指摘", "finding"),
}


def terminal_word(key: str, lang: Lang) -> str:
    return _pick(_TERMINAL[key], lang)


def terminal_status(status: str, lang: Lang) -> str:
    return _pick(_TERMINAL_STATUS[status], lang)


def terminal_expect(expect: str, lang: Lang) -> str:
    return _pick(_TERMINAL_EXPECT[expect], lang)


def status_line(status: str, expect: str, *, met: bool, lang: Lang) -> str:
    """A property's verdict on one line, where the terminal is too narrow for the table."""
    verdict = terminal_word("line_met" if met else "line_unmet", lang)
    if lang == "ja":
        return f"{status}、期待: {expect}、{verdict}"
    return f"{status}, expected {expect}, {verdict}"


def accepted_heading(count: int, lang: Lang) -> str:
    if lang == "ja":
        return (
            f"既知の指摘（{count}件。期待どおりの反例で、いずれも規則で再現済み。"
            "反例は --verbose で示す）:"
        )
    return (
        f"accepted findings ({count}; expected refutations, each replayed; "
        "--verbose tells their counterexamples):"
    )


def reading_dependent_heading(lang: Lang) -> str:
    if lang == "ja":
        return "読み方によって結果が変わる性質（採用した読み方では期待どおり）:"
    return "reading-dependent (met under the adopted readings):"


def under_readings(readings: dict[str, str], status: str, lang: Lang) -> str:
    """The verdict under another reading: "under q=r: violated" / 「q=r の読み方では反例あり」."""
    named = ", ".join(f"{k}={v}" for k, v in sorted(readings.items()))
    if lang == "ja":
        return f"{named} の読み方では{terminal_status(status, lang)}"
    return f"under {named}: {terminal_status(status, lang)}"


def summary_line(counts: dict[str, int], lang: Lang) -> str:
    """The summary: 100 properties: 72 proved, … / 性質100件: 証明済み72、…"""
    if lang == "ja":
        rest = "、".join(f"{summary_label(k, lang)}{counts[k]}" for k in SUMMARY_KEYS[1:])
        return f"性質{counts['properties']}件: {rest}"
    rest = ", ".join(f"{counts[k]} {summary_label(k, lang)}" for k in SUMMARY_KEYS[1:])
    return f"{counts['properties']} properties: {rest}"
