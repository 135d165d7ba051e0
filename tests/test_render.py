"""The reports for people (Markdown, HTML) and machines (JUnit, SARIF), all rendered from
the one report document: what they say, how they escape, where they point."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from pydantic import TypeAdapter, ValidationError

from termcheck import check_all, load_properties
from termcheck.model.spec import Spec
from termcheck.render import html, junit, markdown, render, sarif
from termcheck.render.document import customers, value
from termcheck.render.timeline import customer_rows
from termcheck.report.document import document, to_json
from termcheck.report.schema import ReportDocument
from termcheck.semantics.case import evaluate
from termcheck.verify.properties import Property
from termcheck.verify.results import Counterexample, Evidence, Options, Result, Status

from strategies import cases

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_PROPERTIES = ROOT / "properties"
TWO_CUSTOMERS = "penalty.conduct-as-status"


@pytest.fixture(scope="module")
def properties(spec: Spec) -> list[Property]:
    return load_properties(SHIPPED_PROPERTIES, spec)


@pytest.fixture(scope="module")
def results(spec: Spec, properties: list[Property]) -> list[Result]:
    return list(check_all(spec, properties, Options()))


@pytest.fixture(scope="module")
def doc(spec: Spec, results: list[Result]) -> dict[str, Any]:
    return document(spec, results, timings=False)


def entry_of(doc: dict[str, Any], property_id: str) -> dict[str, Any]:
    return next(e for e in doc["properties"] if e["id"] == property_id)


def with_entry(doc: dict[str, Any], property_id: str, **changes: Any) -> dict[str, Any]:
    """A copy of the document with one property's outcome changed."""
    changed = copy.deepcopy(doc)
    entry_of(changed, property_id).update(changes)
    return changed


class Dom(HTMLParser):
    """The ids (with their text) and the class counts of an HTML page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.classes: dict[str, int] = {}
        self._open: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in (found.get("class") or "").split():
            self.classes[name] = self.classes.get(name, 0) + 1
        if found.get("id"):
            self.ids[str(found["id"])] = ""
            self._open.append(str(found["id"]))

    def handle_data(self, data: str) -> None:
        if self._open:
            self.ids[self._open[-1]] += data

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag in ("dd", "p"):
            self._open.pop()


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_tells_the_summary_first(doc: dict[str, Any]) -> None:
    text = markdown.render(doc, "ja")
    summary = text.index("## 概要")
    # The summary, then the defects by title, before any property is told in full.
    glance = text.index("**約款の欠陥（金銭・権利が保障されない）（")
    assert summary < glance < text.index("## 約款の欠陥（金銭・権利が保障されない）（")
    assert text.index("## 目次") > text.index("## 証明された性質")
    for label, key in (
        ("証明済み", "proved"),
        ("既知の指摘", "findings"),
        ("期待に反する", "unmet"),
    ):
        assert f"| {label} | {doc['summary'][key]} |" in text
    assert "すべての性質が期待どおり（終了コード 0）" in text


def test_markdown_quotes_every_article_a_property_rests_on(doc: dict[str, Any]) -> None:
    text = markdown.render(doc, "ja")
    for entry in doc["properties"]:
        assert f"### {markdown.escape(entry['title_ja'])}" in text
        for article_id in entry["articles"]:
            article = doc["articles"][article_id]
            first_line = article["text"].splitlines()[0].strip()
            assert f"> {markdown.escape(first_line)}" in text, (entry["id"], article_id)


def test_markdown_draws_each_customer_of_a_two_customer_counterexample(
    doc: dict[str, Any],
) -> None:
    entry = entry_of(doc, TWO_CUSTOMERS)
    text = markdown.render(with_only(doc, TWO_CUSTOMERS), "ja")
    assert text.count("#### 契約者") == len(customers(entry)) == 2
    assert text.count("| 月 | 料金 | 出来事 |") == 2
    first, second = customers(entry)
    # The finding in figures as people write them: one penalty, and none.
    assert f"違約金 {value(doc, first, 'penalty'):,}円" in text
    assert "違約金なし" in text and second["derived"]["penalty"] == 0
    start = value(doc, first, "service_start")
    assert f"{start.year}年{start.month}月{start.day}日 提供開始日（第7条第1項）" in text
    assert "■" in text and "▲" in text


def test_markdown_in_english_keeps_the_japanese_title_beside(doc: dict[str, Any]) -> None:
    text = markdown.render(with_only(doc, TWO_CUSTOMERS), "en")
    entry = entry_of(doc, TWO_CUSTOMERS)
    assert f"### {markdown.escape(entry['title_en'])}" in text
    assert f"*{markdown.escape(entry['title_ja'])}*" in text
    assert "#### Customer a" in text and "| Month | Charge | Events |" in text
    told = text.split("#### Customer a")[1].split("Legend:")[0]
    assert "¥" in told and "円" not in told and "Service start" in told and "monthly fee" in told


def with_only(doc: dict[str, Any], *ids: str) -> dict[str, Any]:
    narrowed = copy.deepcopy(doc)
    narrowed["properties"] = [e for e in narrowed["properties"] if e["id"] in ids]
    return narrowed


# --- HTML --------------------------------------------------------------------------------


def test_html_summary_counts_have_stable_ids(doc: dict[str, Any]) -> None:
    dom = Dom(html.render(doc, "ja"))
    for key in ("properties", "proved", "findings", "unmet", "inconclusive", "vacuous"):
        assert dom.ids[f"count-{key}"] == str(doc["summary"][key])
    assert dom.ids["count-divergent"] == str(doc["summary"]["divergent"])


def test_html_draws_one_timeline_per_counterexample_customer(doc: dict[str, Any]) -> None:
    dom = Dom(html.render(doc, "en"))
    drawn = sum(len(customers(e)) for e in doc["properties"])
    assert drawn >= 9
    dated = sum(1 for e in doc["properties"] if e["evidence"] and e["evidence"]["events"])
    assert dom.classes["timeline"] == drawn + dated
    assert dom.classes["customer"] == drawn
    assert dom.classes["property"] == len(doc["properties"])


def test_html_is_one_self_contained_file(doc: dict[str, Any]) -> None:
    page = html.render(doc, "ja")
    lowered = page.lower()
    # Nothing is fetched: no script, stylesheet, font, image or frame from anywhere. (The
    # terms may quote a web address as text; that loads nothing.)
    for needle in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", 'href="http'):
        assert needle not in lowered, needle
    assert '<meta name="viewport"' in page and "@media print" in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="ja">')


def test_html_escapes_every_string_from_the_model_and_properties(doc: dict[str, Any]) -> None:
    hostile = "<script>alert('x')</script> & <b>"
    changed = with_entry(
        with_only(doc, TWO_CUSTOMERS),
        TWO_CUSTOMERS,
        title_ja=hostile,
        title_en=hostile,
        reason=hostile,
        detail=hostile,
    )
    changed["terms"]["title"] = hostile
    changed["articles"]["9-2"]["text"] = hostile
    changed["enums"]["ground"]["values"]["antisocial-status"]["ja"] = hostile
    for lang in ("ja", "en"):
        page = html.render(changed, lang)
        assert "<script>" not in page and "<b>" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in page


def test_markdown_escapes_markup_from_the_model(doc: dict[str, Any]) -> None:
    changed = with_entry(with_only(doc, TWO_CUSTOMERS), TWO_CUSTOMERS, title_ja="a|b *c* <d>")
    assert "### a\\|b \\*c\\* \\<d\\>" in markdown.render(changed, "ja")


# --- Evidence (non-scenario checks) --------------------------------------------------------


def evidence_doc(spec: Spec, prop: Property, events: tuple[tuple[date, str, str], ...]) -> Any:
    evidence = Evidence(
        data={"conflict": ["quote", "terms"]},
        story={"ja": ["御見積書が本約款に優先する"], "en": ["The quote prevails over the terms"]},
        events=events,
    )
    result = Result(prop, {}, Status.VIOLATED, evidence=evidence, replayed=True)
    return document(spec, [result], timings=False)


def test_evidence_is_told_as_its_story_and_its_events(
    spec: Spec, properties: list[Property]
) -> None:
    events = ((date(2026, 1, 1), "申込", "application"), (date(2026, 6, 30), "解除", "rescission"))
    doc = evidence_doc(spec, properties[0], events)
    text = markdown.render(doc, "ja")
    assert "御見積書が本約款に優先する" in text
    assert "| 2026年1月 | 2026年1月1日 申込 |" in text
    assert "| 2026年6月 | 2026年6月30日 解除 |" in text
    assert "The quote prevails over the terms" in markdown.render(doc, "en")
    dom = Dom(html.render(doc, "en"))
    assert dom.classes["timeline"] == dom.classes["events-only"] == 1
    assert "The quote prevails over the terms" in junit.render(doc)


def test_evidence_without_events_draws_no_timeline(spec: Spec, properties: list[Property]) -> None:
    doc = evidence_doc(spec, properties[0], ())
    assert Dom(html.render(doc, "ja")).classes.get("timeline", 0) == 0
    assert "御見積書が本約款に優先する" in html.render(doc, "ja")


# --- The timeline agrees with the rules -----------------------------------------------------


@given(case=cases())
def test_timeline_marks_exactly_the_months_charged(
    spec: Spec, properties: list[Property], case: dict[str, object]
) -> None:
    outcome = evaluate(spec.vocabulary, case)
    result = Result(
        properties[0],
        {},
        Status.VIOLATED,
        counterexample=Counterexample({"": outcome}),
        replayed=True,
    )
    doc = document(spec, [result], timings=False)
    entry = doc["properties"][0]
    rows = customer_rows(doc, entry, customers(entry)[0], "ja")
    months = {kind: sum(r.span for r in rows if r.kind == kind) for kind in ("fee", "penalty")}
    owed = sum(r.span for r in rows if r.kind in ("penalty", "waived"))
    assert months["fee"] == outcome.value("billed_months")
    assert owed == outcome.value("remaining_months")
    assert (months["penalty"] > 0) == outcome.value("penalty_applies")
    for before, after in pairwise(rows):
        assert after.first == before.last.shift(1)  # every month told, in order
    for row in rows:
        for event in row.events:
            assert (row.first.year, row.first.month) == (event.day.year, event.day.month)


# --- JUnit ---------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_property(doc: dict[str, Any]) -> None:
    suites = ET.fromstring(junit.render(doc))
    cases = suites.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == [e["id"] for e in doc["properties"]]
    assert [c.get("classname") for c in cases] == [Path(e["file"]).stem for e in doc["properties"]]
    assert {"billing", "notice", "penalty", "start_delay"} <= {c.get("classname") for c in cases}
    assert suites.get("tests") == str(len(cases)) and suites.get("failures") == "0"
    for case, entry in zip(cases, doc["properties"], strict=True):
        assert case.find("failure") is None and case.find("error") is None
        out = case.find("system-out")
        if entry["expected"] == "finding":
            assert out is not None and out.text is not None
            assert " ".join(entry["reason"].split())[:60] in out.text
            assert entry["title_ja"] in out.text and entry["title_en"] in out.text
        else:
            assert out is None
        assert case.get("time") is None  # no timings: the same bytes every run


@pytest.mark.parametrize(
    ("status", "met", "element"),
    [
        ("proved", False, "failure"),  # a finding that no longer shows
        ("inconclusive", False, "error"),
        ("vacuous", False, "error"),
        ("divergent", False, "error"),
    ],
)
def test_junit_fails_or_errs_when_an_expectation_is_not_met(
    doc: dict[str, Any], status: str, met: bool, element: str
) -> None:
    changed = with_entry(
        doc, TWO_CUSTOMERS, status=status, met=met, detail="rlimit" if status != "proved" else None
    )
    suites = ET.fromstring(junit.render(changed))
    case = next(c for c in suites.iter("testcase") if c.get("name") == TWO_CUSTOMERS)
    found = case.find(element)
    assert found is not None and found.text and changed["terms"]["id"]
    assert suites.get("failures" if element == "failure" else "errors") == "1"


# --- SARIF ---------------------------------------------------------------------------------


def test_sarif_has_one_stable_rule_per_property(doc: dict[str, Any]) -> None:
    log = json.loads(sarif.render(doc))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [e["id"] for e in doc["properties"]]
    for rule, entry in zip(rules, doc["properties"], strict=True):
        assert rule["shortDescription"]["text"] == entry["title_en"]
        assert entry["title_ja"] in rule["fullDescription"]["text"]


def test_sarif_locates_findings_in_the_properties_and_the_terms(doc: dict[str, Any]) -> None:
    (run,) = json.loads(sarif.render(doc))["runs"]
    findings = [e for e in doc["properties"] if e["expected"] == "finding"]
    assert [r["ruleId"] for r in run["results"]] == [e["id"] for e in findings]
    terms_lines = (ROOT / doc["terms"]["text"]).read_text(encoding="utf-8").splitlines()
    for result, entry in zip(run["results"], findings, strict=True):
        assert result["level"] == "note"
        place = result["locations"][0]["physicalLocation"]
        assert place["artifactLocation"]["uri"] == entry["file"]
        assert (ROOT / entry["file"]).is_file()
        assert place["region"]["startLine"] == entry["line"]
        lines = (ROOT / entry["file"]).read_text(encoding="utf-8").splitlines()
        assert lines[entry["line"] - 1].strip() == "[[property]]"
        assert len(result["relatedLocations"]) == len(entry["articles"])
        for related, article_id in zip(result["relatedLocations"], entry["articles"], strict=True):
            where = related["physicalLocation"]
            assert where["artifactLocation"]["uri"] == doc["terms"]["text"]
            text = doc["articles"][article_id]["text"].splitlines()[0].strip()
            assert text in terms_lines[where["region"]["startLine"] - 1]


@pytest.mark.parametrize(
    ("status", "met", "level"),
    [("proved", False, "error"), ("divergent", False, "error"), ("inconclusive", False, "warning")],
)
def test_sarif_levels(doc: dict[str, Any], status: str, met: bool, level: str) -> None:
    changed = with_entry(doc, TWO_CUSTOMERS, status=status, met=met)
    (run,) = json.loads(sarif.render(changed))["runs"]
    result = next(r for r in run["results"] if r["ruleId"] == TWO_CUSTOMERS)
    assert result["level"] == level


def test_sarif_fingerprints_follow_the_rule_not_the_counterexample(doc: dict[str, Any]) -> None:
    (run,) = json.loads(sarif.render(doc))["runs"]
    prints = [r["partialFingerprints"]["termcheckProperty/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    moved = with_entry(doc, TWO_CUSTOMERS, line=999, counterexample=[])
    (again,) = json.loads(sarif.render(moved))["runs"]
    assert [r["partialFingerprints"] for r in again["results"]] == [
        r["partialFingerprints"] for r in run["results"]
    ]
    unmet = with_entry(doc, TWO_CUSTOMERS, status="proved", met=False)
    (broken,) = json.loads(sarif.render(unmet))["runs"]
    assert [r["partialFingerprints"] for r in broken["results"]] != [
        r["partialFingerprints"] for r in run["results"]
    ]


# --- Every format ----------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["markdown", "html", "json", "junit", "sarif"])
def test_no_report_carries_an_absolute_machine_path(
    doc: dict[str, Any], output_format: str
) -> None:
    for lang in ("ja", "en"):
        text = render(doc, output_format, lang)
        assert str(ROOT) not in text and "/home/" not in text and "/tmp/" not in text
        assert text == render(doc, output_format, lang)


def test_the_document_has_exactly_the_shape_of_its_schema(
    spec: Spec, results: list[Result], doc: dict[str, Any]
) -> None:
    # report.json's consumers read termcheck.report.schema; a field the schema does not
    # list, or lacks, fails here (the schema forbids extra keys).
    adapter = TypeAdapter(ReportDocument)
    adapter.validate_python(json.loads(to_json(doc)))
    timed = document(spec, results, timings=True)
    adapter.validate_python(json.loads(to_json(timed)))
    broken = json.loads(to_json(doc))
    broken["properties"][0]["told"] = {}
    with pytest.raises(ValidationError, match=r"properties\.0\.told"):
        adapter.validate_python(broken)
    del broken["properties"][0]["told"], broken["properties"][0]["status"]
    with pytest.raises(ValidationError, match=r"properties\.0\.status"):
        adapter.validate_python(broken)
