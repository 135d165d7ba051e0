"""`termcheck audit`: billing records checked against the terms.

The compiled form of the formulas (termcheck.audit.compile) must mean what the concrete
interpreter means: on generated formulas of every construct (the generator of
test_language_meanings.py), on whole generated models (quantities, defaults, optional
facts, bounds and a relation, all generated), and on every shipped model and quote with
generated records, the compiled case gives every value the interpreter gives and refuses
exactly the cases it refuses. Then the command: the example records and their findings,
bad rows reported while the rest is checked, bad files and maps refused in one line with
nothing written, byte-identical reports however the work is divided (one process, a pool
of processes, a Dask cluster, CSV or Parquet, any block size).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from calendar import monthrange
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import ROOT, SHIPPED_MODEL
from termcheck.audit import audit_file, run
from termcheck.audit.check import ABSENT, Terms
from termcheck.audit.compile import compile_formula, from_inner, to_inner
from termcheck.audit.records import CsvRecords
from termcheck.audit.report import document, render
from termcheck.cli import app
from termcheck.errors import InputError, ScenarioError
from termcheck.language.evaluate import Context, EvaluationError, eval_concrete
from termcheck.language.parse import parse
from termcheck.language.typecheck import check
from termcheck.language.types import BOOL, DATE, INT, MONTH, YEN
from termcheck.model.spec import Spec, load_spec
from termcheck.model.vocabulary import Entry, Vocabulary
from termcheck.semantics.calendar import Month, month_of
from termcheck.semantics.case import evaluate
from test_language_meanings import CALENDAR, ORIGIN, SCOPE, facts, formulas

EXAMPLE = ROOT / "examples" / "records"
RUNNER = CliRunner()
# The CI profile keeps this file to seconds; the thorough one (TERMCHECK_PROFILE=thorough)
# runs each property test with its full count.
THOROUGH = settings().max_examples >= 1000


def _examples(ci: int) -> int:
    return settings().max_examples if THOROUGH else ci


# --- The compiled formulas mean what the interpreter means --------------------------------------

KINDS = {"int": INT, "yen": YEN, "date": DATE, "month": MONTH, "bool": BOOL}


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=_examples(70))
@given(data=st.data())
def test_compiled_formulas_agree_with_the_concrete_meaning(kind: str, data: st.DataObject) -> None:
    text = data.draw(formulas(kind, 3), label="formula")
    case = data.draw(facts(), label="facts")
    expr = parse(text, ORIGIN, "generated")
    assert check(expr, SCOPE, ORIGIN, "generated", KINDS[kind]) == KINDS[kind]
    compiled = compile_formula(expr, SCOPE.names, CALENDAR)
    try:
        expected = eval_concrete(expr, case.__getitem__, Context(CALENDAR))
    except EvaluationError:
        with pytest.raises(EvaluationError):
            compiled(case)
        return
    found = compiled(case)
    assert found == expected, compiled.source
    assert type(found) is type(expected)


@st.composite
def _calls(draw: st.DrawFn) -> tuple[str, str]:
    """Formulas of forms the shared generator leaves out: `implies` as a function (both
    arguments evaluated), parts of a month."""
    month = draw(formulas("month", 2))
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return f"implies({draw(formulas('bool', 2))}, {draw(formulas('bool', 2))})", "bool"
    if choice == 1:
        return f"year({month}) * 12 + month_number({month})", "int"
    if choice == 2:
        return (
            f"is_leap_year(year({month})) == (days_in_month(add_months({month}, 1)) == 29)",
            "bool",
        )
    return f"max({month}, m2, add_months(m1, -1))", "month"


@settings(max_examples=_examples(60))
@given(formula=_calls(), case=facts())
def test_compiled_calls_agree_with_the_concrete_meaning(
    formula: tuple[str, str], case: dict[str, object]
) -> None:
    text, kind = formula
    expr = parse(text, ORIGIN, "generated")
    assert check(expr, SCOPE, ORIGIN, "generated", KINDS[kind]) == KINDS[kind]
    compiled = compile_formula(expr, SCOPE.names, CALENDAR)
    try:
        expected = eval_concrete(expr, case.__getitem__, Context(CALENDAR))
    except EvaluationError:
        with pytest.raises(EvaluationError):
            compiled(case)
        return
    assert compiled(case) == expected


@pytest.mark.parametrize(
    "template",
    [
        'period_end(d1, {k}, "first-day-counts")',
        'period_end(d1, {k}, "first-day-excluded")',
        'shift_date(d1, {k} - 13, "last-day")',
        'shift_date(d1, {k} - 13, "next-day")',
        "last_day(add_months(month_of(d1), {k} - 13))",
        "days_between(d1, first_day(add_months(month_of(d1), {k})))",
    ],
)
def test_compiled_month_ends_agree_everywhere(template: str) -> None:
    # Month ends, year ends and leap days, exhaustively: where a generated case seldom
    # lands (a period whose reckoning day is the last day of its last month).
    days = [
        date(year, month, day)
        for year in (2023, 2024)
        for month in range(1, 13)
        for day in range(27, 32)
        if day <= monthrange(year, month)[1]
    ]
    for count in (1, 2, 11, 12, 13, 25):
        expr = parse(template.format(k=count), ORIGIN, "generated")
        check(expr, SCOPE, ORIGIN, "generated", None)
        compiled = compile_formula(expr, SCOPE.names, CALENDAR)
        for day in days:
            case = {"d1": day}
            expected = eval_concrete(expr, case.__getitem__, Context(CALENDAR))
            assert compiled(case) == expected, (template, count, day)


def test_month_values_cross_the_edge_as_indices() -> None:
    expr = parse('add_months(m1, -13) < month("2026-01")', ORIGIN, "generated")
    check(expr, SCOPE, ORIGIN, "generated", BOOL)
    compiled = compile_formula(expr, SCOPE.names, CALENDAR)
    assert compiled({"m1": Month(2027, 1)}) is True
    assert compiled({"m1": Month(2027, 2)}) is False
    assert to_inner(Month(2026, 3), MONTH) == Month(2026, 3).index
    assert from_inner(Month(2026, 3).index, MONTH) == Month(2026, 3)


# --- Whole cases: a generated model, every shipped model -----------------------------------------

GENERATED_TERMS = "# 生成された約款\n\n## 第1条（目的）\n\nこの約款は試験のためのものです。\n"
GENERATED_MODEL = """
[terms]
id = "generated"
title = "generated terms"
version = "2026-01-01"
sample = true

[calendar]
holidays = "jp"
closed = ["12-31", "01-02"]

[[enums]]
id = "ground"
ja = "事由"
en = "ground"
values = [
  { id = "a", article = "1", ja = "甲", en = "a" },
  { id = "b", article = "1", ja = "乙", en = "b" },
  { id = "c", article = "1", ja = "丙", en = "c" },
]

[[facts]]
id = "d1"
type = "date"
article = "1"
ja = "日1"
en = "day 1"
min = "2020-01-01"
max = "2030-12-31"

[[facts]]
id = "d2"
type = "date"
article = "1"
ja = "日2"
en = "day 2"
optional = true
min = "2020-01-01"
max = "2030-12-31"

[[facts]]
id = "m1"
type = "month"
article = "1"
ja = "月1"
en = "month 1"
min = "2020-01"
max = "2030-12"

[[facts]]
id = "m2"
type = "month"
article = "1"
ja = "月2"
en = "month 2"
min = "2020-01"
max = "2030-12"
default = "month_of(d1)"

[[facts]]
id = "y1"
type = "yen"
article = "1"
ja = "額1"
en = "amount 1"
min = 0
max = 1_000_000

[[facts]]
id = "y2"
type = "yen"
article = "1"
ja = "額2"
en = "amount 2"
min = 0
max = 1_000_000
optional = true

[[facts]]
id = "n1"
type = "count"
article = "1"
ja = "数1"
en = "count 1"
min = 0
max = 40

[[facts]]
id = "n2"
type = "int"
article = "1"
ja = "数2"
en = "count 2"
min = -5
max = 40
default = "n1"

[[facts]]
id = "b1"
type = "bool"
article = "1"
ja = "真偽"
en = "flag"
optional = true

[[facts]]
id = "g1"
type = "ground"
article = "1"
ja = "事由"
en = "ground"
default = '"a"'

[[relations]]
id = "generated"
article = "1"
ja = "生成された関係"
en = "a generated relation"
formula = "true"

[quantities.q_int]
type = "int"
article = "1"
ja = "数"
en = "count"
formula = "0"

[quantities.q_yen]
type = "yen"
article = "1"
ja = "額"
en = "amount"
formula = "0"

[quantities.q_date]
type = "date"
article = "1"
ja = "日"
en = "day"
formula = "d1"

[quantities.q_month]
type = "month"
article = "1"
ja = "月"
en = "month"
formula = "m1"

[quantities.q_bool]
type = "bool"
article = "1"
ja = "真偽"
en = "flag"
formula = "true"

[quantities.q_chain]
type = "yen"
article = "1"
ja = "連鎖"
en = "chain"
formula = "if q_bool and q_month >= month_of(q_date) then q_yen + 12 * y1 else max(q_yen, 0)"

[quantities.limit]
type = "count"
article = "1"
ja = "定数"
en = "a constant"
formula = "3"
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    folder = tmp_path_factory.mktemp("generated-model")
    (folder / "terms.ja.md").write_text(GENERATED_TERMS, encoding="utf-8")
    (folder / "model.toml").write_text(GENERATED_MODEL, encoding="utf-8")
    return load_spec(folder)


def _inside(entry: Entry, v: Vocabulary) -> st.SearchStrategy[object]:
    """Values of a fact within its bounds, its extremes often."""
    kind = entry.type.kind
    if kind in ("date", "month"):
        low, high = entry.days or (date(1900, 1, 1), date(2399, 12, 31))
        days = st.one_of(
            st.dates(max(low, date(2015, 1, 1)), min(high, date(2035, 12, 31))),
            st.sampled_from([low, high]),
        )
        return days if kind == "date" else days.map(month_of)
    if kind in ("int", "yen"):
        assert entry.bounds is not None
        low, high = entry.bounds.low, entry.bounds.high
        return st.one_of(
            st.integers(low, min(high, low + 500)),
            st.sampled_from(sorted({low, high, max(low, min(high, 100_000))})),
        )
    if kind == "bool":
        return st.booleans()
    return st.sampled_from(v.enums[entry.type.enum or ""])


def _outside(entry: Entry) -> st.SearchStrategy[object] | None:
    """Values of a fact just beyond its bounds (or None: a bool or an enumeration)."""
    kind = entry.type.kind
    if kind in ("date", "month"):
        low, high = entry.days or (date(1900, 1, 1), date(2399, 12, 31))
        beyond = [d for d in (low - timedelta(days=1), high + timedelta(days=1)) if d.year > 1]
        beyond += [date(1899, 12, 31), date(2400, 1, 1)]
        days = st.sampled_from(beyond)
        return days if kind == "date" else days.map(month_of)
    if kind in ("int", "yen") and entry.bounds is not None:
        return st.sampled_from([entry.bounds.low - 1, entry.bounds.high + 1])
    return None


@st.composite
def records_of(draw: st.DrawFn, v: Vocabulary) -> dict[str, object]:
    """A record's facts: each within its bounds; a fact that may be left out (optional,
    or with a default) sometimes is; now and then one fact beyond its bounds, or a
    required one left out."""
    record: dict[str, object] = {}
    for entry in v.facts:
        may_leave = entry.optional or entry.id in v.defaults
        record[entry.id] = None if may_leave and draw(st.booleans()) else draw(_inside(entry, v))
    spoil = draw(st.integers(0, 5))
    if spoil == 0:
        entry = draw(st.sampled_from(v.facts))
        beyond = _outside(entry)
        if beyond is not None:
            record[entry.id] = draw(beyond)
    elif spoil == 1:
        record[draw(st.sampled_from(v.facts)).id] = None
    return record


def _agree(terms: Terms, record: dict[str, object]) -> str:
    """The compiled case and the interpreter agree on `record`; says how it came out."""
    v = terms.vocabulary
    values = [
        None if record.get(n) is None else to_inner(record[n], v.entries[n].type)
        for n in terms.facts
    ]
    mask = sum(1 << i for i, value in enumerate(values) if value is not None)
    found = terms.function(mask)(*values)
    try:
        outcome = evaluate(v, {k: x for k, x in record.items() if x is not None}, terms.readings)
    except (ScenarioError, EvaluationError):
        assert found is None, (record, terms.source(mask))
        return "refused"
    assert found is not None, (record, terms.source(mask))
    for name, value in zip(terms.targets, found, strict=True):
        if not outcome.has(name):
            assert value is ABSENT, name
            continue
        concrete = from_inner(value, v.entries[name].type)
        assert concrete == outcome.value(name), (name, record)
        assert type(concrete) is type(outcome.value(name)), name
    return "possible"


def _targets(v: Vocabulary) -> list[str]:
    return [e.id for e in v.quantities if not e.type.is_set]


@settings(max_examples=_examples(30))
@given(data=st.data())
def test_compiled_cases_agree_with_evaluate_on_generated_models(
    generated: Spec, data: st.DataObject
) -> None:
    doc = generated.document
    quantities = dict(doc.quantities)
    for name, kind in (
        ("q_int", "int"),
        ("q_yen", "yen"),
        ("q_date", "date"),
        ("q_month", "month"),
        ("q_bool", "bool"),
    ):
        text = data.draw(formulas(kind, 2), label=name)
        quantities[name] = quantities[name].model_copy(update={"formula": text})
    relation = data.draw(st.one_of(st.just("true"), formulas("bool", 1)), label="relation")
    relations = [doc.relations[0].model_copy(update={"formula": relation})]
    try:
        spec = generated.with_document(
            doc.model_copy(update={"quantities": quantities, "relations": relations})
        )
    except InputError:
        assume(False)  # a formula the model's own checks refuse (a divisor's bounds, …)
        return
    v = spec.vocabulary
    terms = Terms("", v, {}, _targets(v))
    for record in data.draw(st.lists(records_of(v), min_size=1, max_size=12), label="records"):
        event(f"generated model: {_agree(terms, record)}")


SHIPPED = [
    "usen-gate02-iij-id",
    "usen-gate02-iij-id-rev2026",
    "samples/sample-storage",
    "revisions/automatic-renewal",
    "revisions/consumption-tax",
    "revisions/fee-change",
    "revisions/pro-rata-first-month",
]


@pytest.fixture(scope="module")
def shipped() -> dict[str, list[Terms]]:
    """The terms of each shipped model under each choice of its readings (and the
    effective terms of its quotes), compiled for every quantity."""
    from termcheck.checks import effective

    found: dict[str, list[Terms]] = {}
    for name in SHIPPED:
        spec = load_spec(ROOT / "model" / name)
        v = spec.vocabulary
        variants = [Terms("", v, {}, _targets(v))]
        for entry in v.with_readings:
            for option in entry.formulas:
                if option != entry.adopted:
                    variants.append(Terms("", v, {entry.id: option}, _targets(v)))
        for quote in effective.load_quotes(spec):
            p = effective.precedence.from_spec(spec)
            terms = effective.modelled_document(spec)
            decisions = [
                effective.decide(p, quote.document.quote.document, terms, topic)
                for topic in effective.topics(spec, quote)
            ]
            variant = effective.effective_spec(spec, quote, decisions).vocabulary
            variants.append(Terms(quote.name, variant, {}, _targets(variant)))
        found[name] = variants
    return found


@pytest.mark.parametrize("model", SHIPPED)
@settings(max_examples=_examples(12))
@given(data=st.data())
def test_compiled_cases_agree_with_evaluate_on_the_shipped_models(
    shipped: dict[str, list[Terms]], model: str, data: st.DataObject
) -> None:
    variants = shipped[model]
    terms = data.draw(st.sampled_from(variants), label="terms")
    for record in data.draw(st.lists(records_of(terms.vocabulary), min_size=4, max_size=12)):
        event(f"shipped model: {_agree(terms, record)}")


def test_the_generated_records_reach_possible_and_impossible_cases(
    shipped: dict[str, list[Terms]],
) -> None:
    # The agreement above must not be vacuous: both outcomes occur.
    terms = shipped["usen-gate02-iij-id"][0]
    possible = {
        "service_start": date(2026, 3, 15),
        "monthly_fee": 100_000,
        "termination_month": Month(2026, 10),
    }
    assert _agree(terms, possible) == "possible"
    assert _agree(terms, {**possible, "termination_month": Month(2026, 2)}) == "refused"
    assert _agree(terms, {**possible, "monthly_fee": -1}) == "refused"


# --- The command ----------------------------------------------------------------------------------


def _audit(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, ["audit", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _example(*extra: str) -> tuple[int, str, str]:
    return _audit(
        str(EXAMPLE / "records.csv"), "--map", str(EXAMPLE / "columns.toml"), "--jobs", "1", *extra
    )


def test_the_example_records_and_their_findings() -> None:
    code, out, _ = _example("--format", "json")
    assert code == 1
    doc = json.loads(out)
    found = [(f["row"], f["id"], f["kind"], f["quantity"] or f["column"]) for f in doc["findings"]]
    assert found == [
        (2, "C002", "differs", "penalty"),  # the penalty of 5 remaining months, short
        (2, "C002", "differs", "total_charged"),
        (3, "C003", "differs", "billed_months"),  # a billed month too many
        (3, "C003", "differs", "billed_fees"),
        (3, "C003", "differs", "total_charged"),
        (5, "C005", "differs", "penalty"),  # the quote's penalty, ignored
        (5, "C005", "differs", "total_charged"),
        (6, "C006", "impossible", "解約月"),  # terminated before the service started
        (7, "C007", "bad", "提供開始日"),  # 2026-02-30
        (8, "C008", "impossible", "月額料金"),  # beyond the fee's bounds
        (9, "C009", "bad", "解約月"),  # no termination month
        (10, "C010", "bad", "見積"),  # a quote the model does not have
    ]
    penalty = doc["findings"][0]
    assert (penalty["charged"], penalty["due"], penalty["difference"]) == (
        400_000,
        500_000,
        -100_000,
    )
    assert (penalty["unit"], penalty["article"], penalty["heading"]) == ("yen", "9-2", "第9条第2項")
    months = doc["findings"][2]
    assert (months["charged"], months["due"], months["unit"]) == (15, 14, "count")
    assert doc["findings"][5]["quote"] == "example-quote"
    assert "relation terminated-after-formation" in doc["findings"][7]["message"]
    assert doc["findings"][7]["heading"] == "第10条"
    assert "no day 30" in doc["findings"][8]["message"]
    summary = doc["summary"]
    assert (summary["records"], summary["conforming"], summary["with_findings"]) == (12, 4, 8)
    assert summary["kinds"]["differs"] == {"records": 3, "findings": 7}
    assert summary["kinds"]["bad"] == {"records": 3, "findings": 3}
    assert summary["articles"]["9-2"]["differs"] == 5
    assert summary["quantities"]["penalty"]["difference"] == 100_000
    assert doc["quotes"]["example-quote"]["sets"]["penalty"].startswith("if penalty_applies")


def test_every_format_is_deterministic(tmp_path: Path) -> None:
    for output_format in ("csv", "json", "markdown"):
        first = _example("--format", output_format)
        second = _example("--format", output_format)
        assert first == second
        assert first[1]
    code, out, _ = _example("--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12 and rows[0]["row"] == "2" and rows[0]["difference"] == "-100000"
    markdown = _example()[1]
    assert "| 第9条第2項 | 5 | 0 | 0 | 0 |" in markdown
    assert "400,000円" in markdown
    target = tmp_path / "report.md"
    code, out, err = _example("--out", str(target))
    assert code == 1 and out == "" and "12 records" in err
    assert target.read_text(encoding="utf-8") == markdown


def test_conforming_records_exit_zero(tmp_path: Path) -> None:
    records = tmp_path / "ok.csv"
    records.write_text(
        "service_start,monthly_fee,termination_month,penalty,total_charged\n"
        "2026-03-15,100000,2026-10,500000,1200000\n"
        "2026-03-15,100000,2027-06,0,1500000\n",
        encoding="utf-8",
    )
    code, out, _ = _audit(str(SHIPPED_MODEL), str(records), "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["summary"]["conforming"] == 2 and doc["findings"] == []
    assert sorted(doc["columns"]) == [
        "monthly_fee",
        "penalty",
        "service_start",
        "termination_month",
        "total_charged",
    ]


def test_bad_rows_are_reported_and_the_rest_is_checked(tmp_path: Path) -> None:
    records = tmp_path / "mixed.csv"
    records.write_text(
        "service_start,monthly_fee,termination_month,penalty,note\n"
        "2026-03-15,100000,2026-10,500000,ok\n"
        "2026/03/15,100000,2026-10,500000,a date written otherwise\n"
        "2026-03-15,10万,2026-10,500000,a fee in words\n"
        "2026-03-15,100000,2026-10\n"
        "\n"
        '2026-03-15,100000,2026-10,400000,"a note, with a comma\nand a line break"\n'
        "2026-03-15,100000,2026-10,abc,a charge that is no number\n",
        encoding="utf-8",
    )
    code, out, _ = _audit(str(records), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    found = [(f["row"], f["kind"], f["column"]) for f in doc["findings"]]
    assert found == [
        (2, "bad", "service_start"),
        (3, "bad", "monthly_fee"),
        (4, "bad", None),  # too few fields
        (5, "differs", "penalty"),  # the blank line is no record; the quoted line break is kept
        (6, "bad", "penalty"),
    ]
    assert doc["summary"]["records"] == 6
    assert doc["ignored_columns"] == ["note"]
    assert "has 3 fields; the header has 5" in doc["findings"][2]["message"]


def test_a_record_may_leave_out_an_optional_fact_but_not_a_charge_it_decides(
    tmp_path: Path,
) -> None:
    records = tmp_path / "liability.csv"
    records.write_text(
        "service_start,monthly_fee,termination_month,incident_date,liability_cap\n"
        "2026-03-15,100000,2026-10,2026-06-10,300000\n"
        "2026-03-15,100000,2026-10,,300000\n",
        encoding="utf-8",
    )
    code, out, _ = _audit(str(records), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    assert [(f["row"], f["kind"]) for f in doc["findings"]] == [(2, "undetermined")]
    assert "incident_date" in doc["findings"][0]["message"]


@pytest.mark.parametrize(
    ("map_text", "expected"),
    [
        (
            '[columns]\nservice_start = "no such column"\n',
            "columns.toml:2:1: columns.service_start",
        ),
        ('[columns]\nservice_begin = "提供開始日"\n', "columns.toml:2:1: columns.service_begin"),
        ('[columns]\npenalty_grounds = "事由"\n', "columns.toml:2:1: columns.penalty_grounds"),
        ('quote = "見積もり"\n[columns]\n', "columns.toml:1:1: quote"),
        ("bogus = 1\n", "columns.toml:1:1: bogus"),
        ("[columns\n", "columns.toml:1"),
        ('[columns]\nmonthly_fee = "月額料金"\n', "columns.toml:1:2: columns"),  # no service start
    ],
)
def test_a_bad_map_is_one_line_and_writes_nothing(
    tmp_path: Path, map_text: str, expected: str
) -> None:
    column_map = tmp_path / "columns.toml"
    column_map.write_text(map_text, encoding="utf-8")
    out = tmp_path / "report.json"
    code, stdout, stderr = _audit(
        str(EXAMPLE / "records.csv"), "--map", str(column_map), "--out", str(out)
    )
    assert code == 2, stderr
    assert stdout == "" and not out.exists()
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("termcheck: ")
    assert expected in stderr, stderr


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (None, "missing.csv", "missing.csv: RECORDS: no such file"),
        ("", "empty.csv", "empty.csv: empty file"),
        ("a,b\n1,2\n", "records.txt", "records.txt: RECORDS are .csv or .parquet"),
        ("a,b\n1,2\n", "nofacts.csv", "no column holds the fact service_start"),
        ("service_start,service_start\n", "twice.csv", "twice.csv:1:1: header"),
        (
            b"\xff\xfeservice_start\n",
            "binary.csv",
            "binary.csv:1:1: header: the header is not UTF-8",
        ),
        ("not parquet", "fake.parquet", "fake.parquet: not a Parquet file"),
    ],
)
def test_a_bad_records_file_is_one_line(
    tmp_path: Path, content: str | bytes | None, name: str, expected: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, stdout, stderr = _audit(str(path))
    assert code == 2 and stdout == ""
    assert len(stderr.strip().splitlines()) == 1
    assert expected in stderr, stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "xml"], "--format"),
        (["--jobs", "0"], "--jobs"),
        (["--dask", "not an address"], "--dask"),
        (["--reading", "penalty=strict"], "--reading"),
    ],
)
def test_bad_options_are_one_line(args: list[str], expected: str) -> None:
    code, _, stderr = _audit(str(EXAMPLE / "records.csv"), *args)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and expected in stderr


def test_the_extra_is_named_when_pyarrow_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib

    real = importlib.import_module

    def without_pyarrow(name: str, package: str | None = None) -> object:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_pyarrow)
    (tmp_path / "r.parquet").write_bytes(b"PAR1")
    code, _, stderr = _audit(str(tmp_path / "r.parquet"))
    assert code == 2 and "termcheck[audit]" in stderr


def test_other_commands_do_not_import_pyarrow_or_dask() -> None:
    script = (
        "import sys, termcheck.cli; "
        "print(sorted(m for m in ('pyarrow', 'distributed', 'dask', 'termcheck.audit') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


# --- However the work is divided, the same report -------------------------------------------------


def _report(spec: Spec, records: Path, **options: object) -> str:
    audit = audit_file(spec, records, map_path=EXAMPLE / "columns.toml", **options)  # type: ignore[arg-type]
    return render(document(audit), "json")


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example records many times over (with their quoted line breaks: each record's
    id cell quoted, spanning two lines), so that small blocks cut them in many places."""
    lines = (EXAMPLE / "records.csv").read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    path = tmp_path_factory.mktemp("many") / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header + "\n")
        for copy in range(40):
            for line in body:
                key, rest = line.split(",", 1)
                out.write(f'"{key}\n#{copy}",{rest}\n')
    return path


def test_any_block_size_gives_the_same_report(spec: Spec, many: Path) -> None:
    whole = _report(spec, many, jobs=1)
    assert json.loads(whole)["summary"]["records"] == 480
    assert _report(spec, many, jobs=1, block_bytes=97) == whole


def test_worker_processes_give_the_same_report(
    spec: Spec, many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not run.can_fork():
        pytest.skip("no forking here (another thread runs, or no fork on this system)")
    pools: list[int] = []
    real = run.Processes.__init__

    def counted(self: run.Processes, auditor: object, workers: int) -> None:
        pools.append(workers)
        real(self, auditor, workers)  # type: ignore[arg-type]

    monkeypatch.setattr(run.Processes, "__init__", counted)
    assert _report(spec, many, jobs=2, block_bytes=2048) == _report(spec, many, jobs=1)
    assert pools == [2]


def test_parquet_gives_the_same_findings_as_csv(spec: Spec, many: Path, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = list(csv.reader(many.open(encoding="utf-8", newline="")))
    table = pa.table({name: [row[i] or None for row in rows[1:]] for i, name in enumerate(rows[0])})
    parquet = tmp_path / "many.parquet"
    pq.write_table(table, parquet, row_group_size=100)
    from_csv = json.loads(_report(spec, many))
    from_parquet = json.loads(_report(spec, parquet, batch_rows=64))
    assert from_parquet["findings"] == from_csv["findings"]
    assert from_parquet["summary"] == from_csv["summary"]


def test_a_dask_cluster_gives_the_same_report(spec: Spec, many: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = _report(spec, many, dask=cluster.scheduler_address, block_bytes=4096)
        code, out, _ = _audit(
            str(many),
            "--map",
            str(EXAMPLE / "columns.toml"),
            "--format",
            "json",
            "--dask",
            cluster.scheduler_address,
        )
    assert on_dask == _report(spec, many, jobs=1)
    assert code == 1 and out == on_dask


def test_csv_blocks_end_where_records_end(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_bytes(b'a,b\n"x\n,y",1\n"""",2\nz,3')
    source = CsvRecords(path, block_bytes=3)
    assert source.header == ["a", "b"]
    blocks: Iterator[bytes] = source.blocks()
    assert b"".join(blocks) == b'"x\n,y",1\n"""",2\nz,3'
    source.close()
    source = CsvRecords(path, block_bytes=3)
    assert all(block.count(b'"') % 2 == 0 for block in source.blocks())
    source.close()


HEADER = "service_start,monthly_fee,termination_month,notice_arrival,ground,penalty"
PIECES = [
    "2026-03-15",
    "2026-02-30",
    "100000",
    "-1",
    "1e3",
    "2026-10",
    "2026-13",
    "customer",
    "nobody",
    "",
    ",",
    '"',
    '""',
    "\n",
    "\r\n",
    "\x00",
    "ü",
    " ",
    "9" * 30,
]


@settings(max_examples=_examples(40))
@given(
    body=st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    raw=st.binary(max_size=40),
    block=st.sampled_from([16, 64, 1 << 20]),
)
def test_garbage_records_never_crash(
    spec: Spec, tmp_path_factory: pytest.TempPathFactory, body: str, raw: bytes, block: int
) -> None:
    path = tmp_path_factory.mktemp("garbage") / "records.csv"
    path.write_bytes((HEADER + "\n" + body).encode("utf-8") + raw)
    try:
        audit = audit_file(spec, path, block_bytes=block)
    except InputError as exc:
        assert "\n" not in str(exc)  # a record that never ends: one line, exit 2
        return
    rows = [f.row for f in audit.result.findings]
    assert rows == sorted(rows)
    assert all(1 <= row <= audit.result.summary.records for row in rows)
    for output_format in ("csv", "json", "markdown"):
        render(document(audit), output_format).encode("utf-8")
