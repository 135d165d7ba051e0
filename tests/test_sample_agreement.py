"""The sample agreement (model/samples/sample-storage): termcheck reads a second agreement.

The サンプルストレージサービス利用規約 of the fictional サンプルクラウド株式会社 was written for
docs/tutorial.md in a shape the shipped agreement does not have: a six-month minimum term
counted from the service-start day, pro-rata first and last months, 10% tax rounded down
per invoice, a flat handling fee plus remaining months under a cap, a notice deadline in
calendar days and notices received on business days only. These tests check that it
verifies, that its figures are the ones a person computes by hand, that its reports cite
its own articles, and that the engine knows nothing of it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from termcheck.checks import REGISTRY
from termcheck.model.articles import load_articles
from termcheck.model.drift import find_drift
from termcheck.model.spec import Spec, load_spec
from termcheck.render import render
from termcheck.report.document import document
from termcheck.semantics.case import evaluate
from termcheck.verify.properties import Property, load_properties
from termcheck.verify.results import Options, Result, Status
from termcheck.verify.scenario import check_all

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "model" / "samples" / "sample-storage"
REPORTS = ROOT / "reports" / "samples" / "sample-storage"
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"

FINDINGS = {
    "fee.leaving-early-never-costs-more-than-staying",
    "fee.handling-fee-always-recoverable",
    "notice.deadline-is-a-business-day",
    "notice.readings.fourteenth-day-vs-clear-days",
    "term.readings.start-day-counts-vs-excluded",
}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(SAMPLE)


@pytest.fixture(scope="module")
def properties(spec: Spec) -> list[Property]:
    return load_properties(SAMPLE / "properties", spec, REGISTRY)


@pytest.fixture(scope="module")
def results(spec: Spec, properties: list[Property]) -> list[Result]:
    return list(check_all(spec, properties, Options(), REGISTRY))


# --- It verifies --------------------------------------------------------------------------------


def test_the_sample_is_marked_as_one(spec: Spec) -> None:
    assert spec.document.terms.sample
    text = (SAMPLE / "terms.ja.md").read_text(encoding="utf-8")
    assert "架空のサンプル" in text and "サンプルクラウド株式会社" in text


def test_every_property_is_met(results: list[Result]) -> None:
    unmet = [(r.prop.id, r.status, r.detail) for r in results if not r.met]
    assert not unmet
    assert 10 <= len(results) <= 20


def test_the_findings_are_shown_by_replayed_counterexamples(results: list[Result]) -> None:
    violated = {r.prop.id for r in results if r.status == Status.VIOLATED}
    assert violated == FINDINGS
    for result in results:
        if result.prop.id in FINDINGS:
            assert result.replayed and result.counterexample is not None, result.prop.id
        else:
            assert result.status == Status.PROVED, result.prop.id


def test_the_text_has_not_drifted_from_the_model(spec: Spec, properties: list[Property]) -> None:
    assert find_drift(spec, properties) == []


# --- Hand-computed customers ----------------------------------------------------------------


def figures(spec: Spec, readings: dict[str, str] | None = None, **facts: Any) -> dict[str, Any]:
    outcome = evaluate(spec.vocabulary, facts, readings)
    return dict(outcome.values)


def test_a_mid_month_customer_leaving_within_the_term(spec: Spec) -> None:
    # Standard (2,980円), 2026-04-15 to 2026-08-20, notice on Thursday 2026-08-06.
    got = figures(
        spec,
        service_start=date(2026, 4, 15),
        plan="standard",
        termination_date=date(2026, 8, 20),
        notice_arrival=date(2026, 8, 6),
    )
    # April: 30 - 15 + 1 = 16 days; 2,980 × 16 / 30 = 1,589.33 → 1,589円 (第4条第2項).
    assert got["first_month_days"] == 16 and got["first_month_fee"] == 1_589
    # May, June, July in full: 3 × 2,980 = 8,940円.
    assert got["full_months"] == 3 and got["full_month_fees"] == 8_940
    # August: 20 days of 31; 2,980 × 20 / 31 = 1,922.58 → 1,922円.
    assert got["last_month_days"] == 20 and got["last_month_fee"] == 1_922
    assert got["fees"] == 1_589 + 8_940 + 1_922 == 12_451
    # Tax per invoice, rounded down (第5条): 1,747.9 → 1,747; 3,278 a month; 2,114.2 → 2,114.
    assert got["first_month_billed"] == 1_747
    assert got["full_month_invoices"] == 3 * 3_278
    assert got["last_month_billed"] == 2_114
    assert got["billed_fees"] == 1_747 + 9_834 + 2_114 == 13_695
    # 第6条, the start day counted: 2026-04-15 + 6 months ends on 2026-10-14.
    assert got["minimum_term_end"] == date(2026, 10, 14) and got["within_minimum_term"]
    # 第7条: 3,000 + 2 months (September, October) × 2,980 = 8,960 > cap 3 × 2,980 = 8,940.
    assert got["remaining_months"] == 2 and got["fee_cap"] == 8_940
    assert got["cancellation_fee"] == 8_940
    assert got["cancellation_fee_billed"] == 9_834  # 8,940 × 1.1, exact
    assert got["total_charged"] == 13_695 + 9_834 == 23_529
    # 第8条: 14 days before 2026-08-20 is 2026-08-06; the notice arrives that day.
    assert got["notice_deadline"] == date(2026, 8, 6) and got["notice_timely"]


def test_a_one_day_light_customer_pays_the_cap(spec: Spec) -> None:
    # Light (980円), starts and ends on 2026-04-15.
    got = figures(
        spec, service_start=date(2026, 4, 15), plan="light", termination_date=date(2026, 4, 15)
    )
    # One day of 30: 980 / 30 = 32.67 → 32円; with tax 35.2 → 35円.
    assert got["same_month"] and got["first_month_days"] == 1
    assert got["first_month_fee"] == 32 and got["billed_fees"] == 35
    # 3,000 + 6 months (May to October) × 980 = 8,880, capped at 3 × 980 = 2,940円, less
    # than the handling fee alone (the finding fee.handling-fee-always-recoverable).
    assert got["remaining_months"] == 6 and got["cancellation_fee"] == 2_940
    assert got["cancellation_fee_billed"] == 3_234  # 2,940 × 1.1, exact
    assert got["total_charged"] == 35 + 3_234 == 3_269


def test_a_leap_year_business_customer_after_the_term(spec: Spec) -> None:
    # Business (9,800円), 2028-02-01 (a leap year) to 2028-08-15.
    got = figures(
        spec, service_start=date(2028, 2, 1), plan="business", termination_date=date(2028, 8, 15)
    )
    # February 2028 has 29 days, all used: the whole monthly fee.
    assert got["first_month_days"] == 29 and got["first_month_fee"] == 9_800
    # March to July in full; August 15 of 31 days: 9,800 × 15 / 31 = 4,741.9 → 4,741円.
    assert got["full_months"] == 5 and got["last_month_fee"] == 4_741
    assert got["fees"] == 9_800 + 5 * 9_800 + 4_741 == 63_541
    # Six invoices of 10,780円 and one of 4,741 × 1.1 = 5,215.1 → 5,215円.
    assert got["billed_fees"] == 6 * 10_780 + 5_215 == 69_895
    # The term from 2028-02-01 ends on 2028-07-31: no cancellation fee.
    assert got["minimum_term_end"] == date(2028, 7, 31) and not got["within_minimum_term"]
    assert got["cancellation_fee"] == 0 and got["total_charged"] == 69_895


def test_the_two_readings_of_the_minimum_term_differ_by_a_day(spec: Spec) -> None:
    facts = {
        "service_start": date(2026, 4, 15),
        "plan": "standard",
        "termination_date": date(2026, 10, 14),
    }
    counted = figures(spec, **facts)
    excluded = figures(spec, {"minimum_term_end": "start-day-excluded"}, **facts)
    assert counted["minimum_term_end"] == date(2026, 10, 14) and counted["cancellation_fee"] == 0
    # Under 民法第140条 the term ends a day later, so October 14 is within it: 3,000円, no
    # remaining months (the term-end month is the termination month), 3,300円 with tax.
    assert excluded["minimum_term_end"] == date(2026, 10, 15)
    assert excluded["cancellation_fee"] == 3_000 and excluded["cancellation_fee_billed"] == 3_300


def test_the_implementation_computes_the_same_figures(spec: Spec) -> None:
    from termcheck.verify.implementation import disagreements, of_model

    implementation = of_model(spec)
    assert implementation is not None
    for start, plan, end, ending in [
        (date(2026, 4, 15), "standard", date(2026, 8, 20), "customer"),
        (date(2026, 4, 15), "light", date(2026, 4, 15), "insolvency"),
        (date(2028, 2, 1), "business", date(2028, 8, 15), "customer"),
        (date(2026, 1, 31), "standard", date(2026, 3, 1), "service-discontinued"),
    ]:
        facts = {"service_start": start, "plan": plan, "termination_date": end, "ending": ending}
        outcome = evaluate(spec.vocabulary, facts)
        assert disagreements(spec, implementation, outcome) == []


def test_a_notice_on_a_day_the_company_is_closed_is_not_a_case(spec: Spec) -> None:
    from termcheck.errors import ScenarioError

    facts = {
        "service_start": date(2026, 4, 15),
        "plan": "standard",
        "termination_date": date(2027, 1, 15),
    }
    with pytest.raises(ScenarioError, match="notice-on-a-business-day"):
        evaluate(spec.vocabulary, {**facts, "notice_arrival": date(2026, 12, 30)})  # 第2条第4号


# --- The reports cite the sample's own articles ---------------------------------------------

# A citation in a report: （第7条第1項第2号） in Japanese, (第7条第1項第2号) in English, or
# （別記）; the heading of a quoted provision: > **第4条第2項（利用料金）** (in English with
# ASCII parentheses: > **第4条第2項 (利用料金)**).
CITATION = re.compile(r"[（(]((?:第\d+条(?:第\d+項)?(?:第\d+号)?)|別記)[）)]")
QUOTED = re.compile(r"^> \*\*(\S+?) ?[（(](.+?)[）)]\*\*$", re.MULTILINE)


def _sample_articles() -> dict[str, tuple[str, str]]:
    """Each provision of the sample: id → (heading, title)."""
    return {a.id: (a.heading, a.title) for a in load_articles(SAMPLE / "terms.ja.md")}


def _check_markdown(text: str, where: str) -> None:
    articles = _sample_articles()
    headings = {heading for heading, _ in articles.values()}
    cited = CITATION.findall(text)
    assert cited, f"{where} cites nothing"
    assert set(cited) <= headings, f"{where}: {sorted(set(cited) - headings)}"
    titles = {heading: title for heading, title in articles.values()}
    quoted = QUOTED.findall(text)
    assert quoted, f"{where} quotes no provision"
    for heading, title in quoted:
        assert titles.get(heading) == title, f"{where}: {heading}（{title}）"
    for other in ("USEN", "IIJ", "特定協定事業者"):
        assert other not in text, f"{where} names the shipped agreement: {other}"


def _check_json(doc: dict[str, Any], where: str) -> None:
    ids = set(_sample_articles())
    assert set(doc["articles"]) <= ids, where
    for entry in doc["properties"]:
        assert set(entry["articles"]) <= ids, f"{where}: {entry['id']}"
    for name, info in doc["names"].items():
        assert info["article"] in ids, f"{where}: {name}"
    assert doc["terms"]["sample"] is True


def test_the_fresh_reports_cite_only_the_samples_articles(
    spec: Spec, results: list[Result], properties: list[Property]
) -> None:
    doc = document(spec, results, timings=False, properties=properties)
    for lang in ("ja", "en"):
        _check_markdown(render(doc, "markdown", lang), f"markdown/{lang}")
    _check_json(json.loads(render(doc, "json", "ja")), "json")


def test_the_stored_reports_cite_only_the_samples_articles() -> None:
    for lang in ("ja", "en"):
        path = REPORTS / f"report.{lang}.md"
        _check_markdown(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    path = REPORTS / "report.json"
    _check_json(json.loads(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)))


def test_the_citation_check_can_fail() -> None:
    # A report quoting the shipped agreement's 第10条 or its title fails the check.
    with pytest.raises(AssertionError):
        _check_markdown("（第13条第1項）\n> **第13条第1項（損害賠償額の制限）**\n", "test")
    with pytest.raises(AssertionError):
        _check_markdown("（第6条第1項）\n> **第6条第1項（利用契約申込みの承諾）**\n", "test")


# --- The engine knows nothing of the sample -------------------------------------------------

SAMPLE_WORDS = [
    "サンプルクラウド",
    "サンプルストレージ",
    "sample-storage",
    "unpaid-fees",
    "service-discontinued",
    "false-application",
    "cancellation_fee",
    "handling_fee",
]


def test_nothing_under_src_names_the_sample() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in sorted((ROOT / "src" / "termcheck").rglob("*"))
        if path.is_file() and path.suffix in (".py", ".txt", ".toml", ".md", ".json")
        for word in SAMPLE_WORDS
        if word in path.read_text(encoding="utf-8")
    ]
    assert not found


def test_the_sample_shares_no_article_text_with_the_shipped_agreement() -> None:
    ours = {a.fingerprint for a in load_articles(SAMPLE / "terms.ja.md")}
    shipped = {a.fingerprint for a in load_articles(SHIPPED / "terms.ja.md")}
    assert not ours & shipped
