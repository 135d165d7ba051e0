"""Seeded faults: would the verifier catch the mistakes people make in terms like these?

Each fault is a copy of model.toml with one value changed (in a temporary folder), or a
mistake in the executable rules (a function of termcheck.rules or termcheck.calendar
replaced), and, where a developer would make the same mistake in both implementations,
the matching piece of termcheck.encoding or termcheck.symcal too. Each runs in a fresh
process, so a patch never leaks into the next fault:

    python benchmarks/faults.py FAULT_ID [--examples N]   # one fault, JSON on stdout
    python benchmarks/faults.py --list                    # the catalogue

and is judged three ways:

1. verify: every property, proved or refuted with Z3, counterexamples replayed in the
   rules (what `termcheck verify` does); caught when the gate would not pass.
2. cross-check: the Z3-versus-rules agreement tests of tests/test_crosscheck.py, run as
   functions with a fixed number of examples; caught when an assertion fails.
3. Hypothesis alone: the `holds` properties tested on the rules only (no Z3), with random
   customers from tests/strategies.py, for as long as verify and the cross-check took
   together; caught when an example meets a property's assumption and breaks its assertion.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_MODEL = ROOT / "model" / "usen-gate02-iij-id"
SHIPPED_PROPERTIES = ROOT / "properties"


@dataclass(frozen=True)
class Fault:
    id: str
    what: str
    where: str  # "model", "rules" or "rules+encoding"
    edit: Callable[[str], str] | None = None  # model.toml text -> faulty text
    patch: Callable[[], None] | None = None  # applied in the fault's own process


# --- Editing model.toml ---------------------------------------------------------------------


def set_key(section: str, key: str, value: str) -> Callable[[str], str]:
    """Replace `key = …` in the table `[section]` (or the [[readings]] entry whose id is
    `section`)."""

    def edit(text: str) -> str:
        lines = text.splitlines()
        inside = False
        for index, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped == f"[{section}]"
            elif stripped == f'id = "{section}"':
                inside = True
            if inside and re.match(rf"{re.escape(key)}\s*=", stripped):
                lines[index] = f"{key} = {value}"
                return "\n".join(lines) + "\n"
        raise KeyError(f"[{section}] {key}")

    return edit


def add_key(section: str, key: str, value: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        header = f"[{section}]\n"
        if header not in text:
            raise KeyError(section)
        return text.replace(header, f"{header}{key} = {value}\n", 1)

    return edit


def chain(*edits: Callable[[str], str]) -> Callable[[str], str]:
    def edit(text: str) -> str:
        for step in edits:
            text = step(text)
        return text

    return edit


SHIPPED_GROUNDS = ["customer", "nonperformance", "antisocial-status"]


def grounds(*names: str) -> Callable[[str], str]:
    return set_key("penalty", "grounds", json.dumps(list(names)))


# --- Mistakes in the rules ----------------------------------------------------------------
# Each function below is a patch: it replaces one piece of the implementation with the
# faulty version a developer could plausibly write, and is applied in a fresh process.


def _rules() -> Any:
    from termcheck import rules

    return rules


def _term_end_first_of_month() -> None:
    rules, cal = _rules(), _calendar()
    original = rules.minimum_term_end
    rules.minimum_term_end = lambda spec, start: cal.month_of(original(spec, start)).first_day


def _term_first_day_not_counted() -> None:
    rules, cal = _rules(), _calendar()

    def minimum_term_end(spec: Any, start: date) -> date:
        # 初日不算入 (民法第140条) applied although 第9条 names its own 起算日.
        reckoning = rules.reckoning_day(start)
        end: date = cal.period_end(reckoning, spec.minimum_term_months, first_day_counts=False)
        return end

    rules.minimum_term_end = minimum_term_end


def _term_one_month_long() -> None:
    rules, cal = _rules(), _calendar()

    def minimum_term_end(spec: Any, start: date) -> date:
        reckoning = rules.reckoning_day(start)
        end: date = cal.month_of(reckoning).shift(spec.minimum_term_months).last_day
        return end

    rules.minimum_term_end = minimum_term_end


def _calendar() -> Any:
    from termcheck import calendar

    return calendar


def _shift_without_carry(self: Any, months: int) -> Any:
    # The year advances by whole years only: December + 1 month stays in the same year.
    return type(self)(self.year + months // 12, (self.month - 1 + months) % 12 + 1)


def _year_wrap_rules() -> None:
    _calendar().Month.shift = _shift_without_carry


def _year_wrap_both() -> None:
    import z3

    from termcheck import symcal

    _year_wrap_rules()

    def shift(self: Any, months: int) -> Any:
        years, rest = divmod(months, 12)
        wraps = self.month + rest > 12
        return symcal.SMonth(
            self.year + years, z3.If(wraps, self.month + rest - 12, self.month + rest)
        )

    symcal.SMonth.shift = shift  # type: ignore[method-assign]


def _every_fourth_year_leap_rules() -> None:
    cal = _calendar()

    def days(self: Any) -> int:
        if self.month == 2:
            return 29 if self.year % 4 == 0 else 28
        return 30 if self.month in (4, 6, 9, 11) else 31

    cal.Month.days = property(days)
    cal.is_leap_year = lambda year: year % 4 == 0


def _every_fourth_year_leap_both() -> None:
    from termcheck import symcal

    _every_fourth_year_leap_rules()
    symcal.is_leap_year = lambda year: year % 4 == 0


def _remaining_counts_end_month(spec: Any, service_start: date, end: date) -> int:
    rules, cal = _rules(), _calendar()
    term_first = cal.month_of(rules.reckoning_day(service_start))
    term_last = cal.month_of(rules.minimum_term_end(spec, service_start))
    if cal.month_of(end) > term_last:
        return 0
    after = max(cal.month_of(end), term_first.shift(-1))
    # The termination month is billed (第7条) and counted again as remaining.
    return int(cal.months_between(after, term_last)) + 1


def _charged_twice_rules() -> None:
    _rules().remaining_months = _remaining_counts_end_month


def _charged_twice_both() -> None:
    import z3

    from termcheck import encoding, symcal
    from termcheck.spec import PenaltyBasis

    _charged_twice_rules()
    original = encoding._derive

    def derive(spec: Any, v: dict[str, Any]) -> None:
        original(spec, v)
        term = spec.minimum_term_months
        end_month = v["service_end"].month_of
        term_first = v["reckoning_day"].month_of
        term_last = term_first.shift(term - 1)
        after = symcal.max_month(end_month, term_first.shift(-1))
        remaining = z3.If(
            end_month.index <= term_last.index, symcal.months_between(after, term_last) + 1, 0
        )
        codes = [v["ground"] == encoding.enum_code(g) for g in sorted(spec.penalty_grounds)]
        applies = z3.And(z3.Or(*codes) if codes else z3.BoolVal(False), remaining > 0)
        fee = v["monthly_fee"]
        v["remaining_months"] = remaining
        v["remaining_term_fees"] = encoding.times_fee(remaining, fee, term + 1)
        v["penalty_applies"] = applies
        basis = spec.document.penalty
        fixed = basis.basis is PenaltyBasis.FIXED_MONTHS and basis.months is not None
        owed = basis.months * fee if fixed else v["remaining_term_fees"]
        v["penalty"] = z3.If(applies, owed, 0)
        v["total_charged"] = v["billed_fees"] + v["penalty"]

    encoding._derive = derive


def _billing_from_service_start() -> None:
    _rules().billing_start = lambda spec, start: start


def _billed_months_short() -> None:
    rules, cal = _rules(), _calendar()
    rules.billed_months = lambda start, end: max(
        0, cal.months_between(cal.month_of(start), cal.month_of(end))
    )


def _swapped_deadline(month: Any, months: int, reading: Any) -> date:
    from termcheck.vocabulary import NoticeReading

    if reading is NoticeReading.END_OF_MONTH:
        return month.shift(-months).first_day  # type: ignore[no-any-return]
    if reading is NoticeReading.FIRST_OF_MONTH:
        return month.shift(-months).last_day  # type: ignore[no-any-return]
    return month.shift(-months - 1).last_day  # type: ignore[no-any-return]


def _readings_swapped_rules() -> None:
    _rules().notice_deadline = _swapped_deadline


def _readings_swapped_both() -> None:
    from termcheck import encoding, symcal
    from termcheck.vocabulary import NoticeReading

    _readings_swapped_rules()

    def derive_notice(spec: Any, v: dict[str, Any]) -> None:
        month, months, reading = v["termination_month"], spec.notice_months, v["notice_reading"]
        deadline = symcal.select_date(
            reading == encoding.enum_code(NoticeReading.END_OF_MONTH),
            month.shift(-months).first_day,
            symcal.select_date(
                reading == encoding.enum_code(NoticeReading.FIRST_OF_MONTH),
                month.shift(-months).last_day,
                month.shift(-months - 1).last_day,
            ),
        )
        v["notice_deadline"] = deadline
        v["notice_timely"] = v["notice_arrival"] <= deadline

    encoding._derive_notice = derive_notice


def _deadline_day_excluded_rules() -> None:
    _rules().notice_timely = lambda arrival, deadline: arrival < deadline


def _deadline_day_excluded_both() -> None:
    from termcheck import encoding

    _deadline_day_excluded_rules()
    original = encoding._derive_notice

    def derive_notice(spec: Any, v: dict[str, Any]) -> None:
        original(spec, v)
        v["notice_timely"] = v["notice_arrival"] < v["notice_deadline"]

    encoding._derive_notice = derive_notice


def _notice_one_month_short() -> None:
    rules = _rules()
    original = rules.notice_deadline
    rules.notice_deadline = lambda month, months, reading: original(month, months - 1, reading)


def _penalty_on_immediate_too() -> None:
    from termcheck.vocabulary import Ground

    rules = _rules()
    rules.penalty_applies = lambda spec, ground, remaining: (
        (ground in spec.penalty_grounds or ground is Ground.IMMEDIATE) and remaining > 0
    )


def _penalty_one_month_more() -> None:
    rules = _rules()
    original = rules.penalty

    def penalty(spec: Any, ground: Any, remaining: int, fee: int) -> int:
        owed = original(spec, ground, remaining, fee)
        return int(owed + fee) if owed else 0

    rules.penalty = penalty


def _liability_window(
    spec: Any, reading: Any, incident: date, first: date, end: date, fee: int
) -> int:
    from termcheck.vocabulary import LiabilityReading

    cal = _calendar()
    months = spec.document.liability.months
    if reading is LiabilityReading.ANNUAL_FEE:
        return int(months * fee)
    last = min(cal.month_of(incident), cal.month_of(end))
    window_first = max(cal.month_of(incident).shift(-months), cal.month_of(first))  # 13 months
    return max(0, int(cal.months_between(window_first, last)) + 1) * fee


def _liability_thirteen_rules() -> None:
    _rules().liability_cap = _liability_window


def _liability_thirteen_both() -> None:
    import z3

    from termcheck import encoding, symcal
    from termcheck.vocabulary import LiabilityReading

    _liability_thirteen_rules()

    def derive_liability(spec: Any, v: dict[str, Any]) -> None:
        months = spec.document.liability.months
        fee = v["monthly_fee"]
        incident = v["incident_date"].month_of
        last = symcal.min_month(incident, v["service_end"].month_of)
        first = symcal.max_month(incident.shift(-months), v["billing_start"].month_of)
        count = z3.If(first.index <= last.index, symcal.months_between(first, last) + 1, 0)
        paid = encoding.times_fee(count, fee, months + 1)
        annual = v["liability_reading"] == encoding.enum_code(LiabilityReading.ANNUAL_FEE)
        v["liability_cap"] = z3.If(annual, months * fee, paid)

    encoding._derive_liability = derive_liability


def _start_delay_first_of_month() -> None:
    rules, cal = _rules(), _calendar()
    rules.start_delay_deadline = lambda spec, planned: (
        cal.month_of(planned).shift(spec.document.start_delay.months_after_planned_month).first_day
    )


def _service_end_first_of_month() -> None:
    _rules().service_end = lambda month: month.first_day


def _reckoning_day_is_service_start() -> None:
    rules, cal = _rules(), _calendar()
    rules.reckoning_day = lambda start: start
    rules.minimum_term_end = lambda spec, start: cal.period_end(
        start, spec.minimum_term_months, first_day_counts=True
    )


FAULTS: tuple[Fault, ...] = (
    # model.toml, edited
    Fault(
        "model.term-11-months",
        "minimum term of 11 months (off by one month)",
        "model",
        set_key("minimum_term", "months", "11"),
    ),
    Fault(
        "model.term-13-months",
        "minimum term of 13 months (off by one month)",
        "model",
        set_key("minimum_term", "months", "13"),
    ),
    Fault("model.notice-0-months", "notice of 0 months", "model", set_key("notice", "months", "0")),
    Fault("model.notice-1-month", "notice of 1 month", "model", set_key("notice", "months", "1")),
    Fault(
        "model.billing-at-service-start",
        "billing starts at the service start",
        "model",
        set_key("billing", "start", '"service-start"'),
    ),
    Fault(
        "model.penalty-13-months",
        "penalty basis of 13 fixed months",
        "model",
        chain(set_key("penalty", "basis", '"fixed-months"'), add_key("penalty", "months", "13")),
    ),
    Fault(
        "model.trigger-plus-immediate",
        "trigger set with 第11条第2項 added",
        "model",
        grounds(*SHIPPED_GROUNDS, "immediate"),
    ),
    Fault(
        "model.trigger-minus-nonperformance",
        "trigger set without 第11条第1項",
        "model",
        grounds("customer", "antisocial-status"),
    ),
    Fault(
        "model.trigger-conduct-for-status",
        "第16条第3項 listed instead of 第16条第2項",
        "model",
        grounds("customer", "nonperformance", "antisocial-conduct"),
    ),
    Fault(
        "model.notice-reading-first-of-month",
        "adopted notice reading swapped to the 1st",
        "model",
        set_key("notice_reading", "adopted", '"first-of-month"'),
    ),
    Fault(
        "model.liability-reading-annual",
        "adopted liability reading swapped",
        "model",
        set_key("liability_reading", "adopted", '"annual-fee"'),
    ),
    Fault(
        "model.liability-13-months",
        "liability cap over 13 months",
        "model",
        set_key("liability", "months", "13"),
    ),
    Fault(
        "model.start-delay-2-months",
        "start-delay grace to the end of the 2nd month",
        "model",
        set_key("start_delay", "months_after_planned_month", "2"),
    ),
    Fault(
        "model.start-delay-same-month",
        "start-delay grace to the end of the planned month",
        "model",
        set_key("start_delay", "months_after_planned_month", "0"),
    ),
    # the rules (and the encoding, where the same mistake would be made twice)
    Fault(
        "rules.term-end-first-of-month",
        "minimum term ends on the 1st of its last month (the wrong end of the month)",
        "rules",
        patch=_term_end_first_of_month,
    ),
    Fault(
        "rules.term-first-day-not-counted",
        "初日不算入 applied to the named 起算日",
        "rules",
        patch=_term_first_day_not_counted,
    ),
    Fault(
        "rules.term-one-month-long",
        "minimum term runs one month long (off by one)",
        "rules",
        patch=_term_one_month_long,
    ),
    Fault(
        "rules.year-wrap",
        "month shift forgets the year carry (Dec + 1 = Jan same year)",
        "rules",
        patch=_year_wrap_rules,
    ),
    Fault(
        "both.year-wrap",
        "month shift forgets the year carry, in rules and in Z3",
        "rules+encoding",
        patch=_year_wrap_both,
    ),
    Fault(
        "rules.leap-every-fourth-year",
        "every fourth year is a leap year (2100-02-29)",
        "rules",
        patch=_every_fourth_year_leap_rules,
    ),
    Fault(
        "both.leap-every-fourth-year",
        "every fourth year is a leap year, in rules and Z3",
        "rules+encoding",
        patch=_every_fourth_year_leap_both,
    ),
    Fault(
        "rules.termination-month-charged-twice",
        "termination month billed and counted as remaining",
        "rules",
        patch=_charged_twice_rules,
    ),
    Fault(
        "both.termination-month-charged-twice",
        "termination month charged twice, in rules and Z3",
        "rules+encoding",
        patch=_charged_twice_both,
    ),
    Fault(
        "rules.billing-at-service-start",
        "rules bill from the service start",
        "rules",
        patch=_billing_from_service_start,
    ),
    Fault(
        "rules.billed-months-short",
        "billed months miss one month",
        "rules",
        patch=_billed_months_short,
    ),
    Fault(
        "rules.notice-readings-swapped",
        "end-of-month and first-of-month readings swapped",
        "rules",
        patch=_readings_swapped_rules,
    ),
    Fault(
        "both.notice-readings-swapped",
        "notice readings swapped, in rules and Z3",
        "rules+encoding",
        patch=_readings_swapped_both,
    ),
    Fault(
        "rules.deadline-day-excluded",
        "a notice on the deadline day is late",
        "rules",
        patch=_deadline_day_excluded_rules,
    ),
    Fault(
        "both.deadline-day-excluded",
        "a notice on the deadline day is late, in rules and Z3",
        "rules+encoding",
        patch=_deadline_day_excluded_both,
    ),
    Fault(
        "rules.notice-one-month-short",
        "notice counted one month short",
        "rules",
        patch=_notice_one_month_short,
    ),
    Fault(
        "rules.penalty-on-immediate",
        "penalty also on 第11条第2項 (wrong trigger set)",
        "rules",
        patch=_penalty_on_immediate_too,
    ),
    Fault(
        "rules.penalty-one-month-more",
        "penalty of the remaining months plus one",
        "rules",
        patch=_penalty_one_month_more,
    ),
    Fault(
        "rules.liability-13-months",
        "liability window of 13 months",
        "rules",
        patch=_liability_thirteen_rules,
    ),
    Fault(
        "both.liability-13-months",
        "liability window of 13 months, in rules and Z3",
        "rules+encoding",
        patch=_liability_thirteen_both,
    ),
    Fault(
        "rules.start-delay-first-of-month",
        "start-delay deadline on the 1st, not the month's end",
        "rules",
        patch=_start_delay_first_of_month,
    ),
    Fault(
        "rules.service-end-first-of-month",
        "service ends on the 1st of the termination month",
        "rules",
        patch=_service_end_first_of_month,
    ),
    Fault(
        "rules.reckoning-from-service-start",
        "minimum term reckoned from the service start itself",
        "rules",
        patch=_reckoning_day_is_service_start,
    ),
)
CONTROL = Fault("none", "no fault (control: nothing may be caught)", "-")
BY_ID = {fault.id: fault for fault in (CONTROL, *FAULTS)}


# --- Judging one fault (in its own process) -------------------------------------------------


def _model_copy(fault: Fault, into: Path) -> Path:
    folder = into / "model"
    shutil.copytree(SHIPPED_MODEL, folder)
    if fault.edit is not None:
        path = folder / "model.toml"
        path.write_text(fault.edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def judge(fault: Fault, examples: int) -> dict[str, Any]:
    if fault.patch is not None:
        fault.patch()
    from termcheck.errors import TermcheckError
    from termcheck.properties import load_properties
    from termcheck.spec import load_spec

    with tempfile.TemporaryDirectory() as scratch:
        try:
            spec = load_spec(_model_copy(fault, Path(scratch)))
            properties = load_properties(SHIPPED_PROPERTIES, spec)
        except TermcheckError as exc:  # a fault the model's validation refuses
            return {"id": fault.id, "rejected": str(exc)}
        verify = _verify(spec, properties)
        crosscheck = _crosscheck(spec, examples)
        budget = verify["seconds"] + crosscheck["seconds"]
        alone = _hypothesis_alone(spec, properties, budget)
    return {"id": fault.id, "verify": verify, "crosscheck": crosscheck, "hypothesis": alone}


def _verify(spec: Any, properties: list[Any]) -> dict[str, Any]:
    from termcheck.check import Options, check_all, exit_code

    started = time.perf_counter()
    results = []
    try:
        results = list(check_all(spec, properties, Options()))
    except Exception as exc:  # a crash fails the gate too: caught, but not gracefully
        return _caught(started, f"crash: {type(exc).__name__}: {exc}", "crash")
    unmet = [r for r in results if not r.met]
    code = exit_code(results)
    if code == 0:
        return {"caught": False, "by": None, "seconds": time.perf_counter() - started}
    first = unmet[0]
    return _caught(started, f"{first.prop.id} ({first.status.value})", f"exit {code}")


def _caught(started: float, by: str, how: str) -> dict[str, Any]:
    return {"caught": True, "by": by, "how": how, "seconds": time.perf_counter() - started}


def _crosscheck(spec: Any, examples: int) -> dict[str, Any]:
    """The agreement tests of tests/test_crosscheck.py with a fixed example budget."""
    from hypothesis import HealthCheck, Phase, settings

    sys.path.insert(0, str(ROOT / "tests"))
    import test_crosscheck as crosscheck  # type: ignore[import-not-found]
    from termcheck.vocabulary import NoticeReading

    budget = settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: time to the first failure
        suppress_health_check=list(HealthCheck),
    )

    def agreement(test: Any) -> Callable[[], None]:
        return lambda: budget(test)(spec=spec)

    def boundary(reading: NoticeReading) -> Callable[[], None]:
        return lambda: crosscheck.test_year_boundary_deadlines_agree(spec, reading)

    checks = [
        (
            "shipped model",
            agreement(crosscheck.test_encoding_agrees_with_rules_on_the_shipped_model),
        ),
        ("model variants", agreement(crosscheck.test_encoding_agrees_with_rules_on_model_variants)),
    ]
    checks += [(f"year boundary ({r.value})", boundary(r)) for r in NoticeReading]
    started = time.perf_counter()
    for name, check in checks:
        try:
            check()
        except Exception as exc:
            return _caught(started, f"{name}: {_first_line(exc)}", type(exc).__name__)
    return {"caught": False, "by": None, "seconds": time.perf_counter() - started}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__


def _hypothesis_alone(spec: Any, properties: list[Any], budget: float) -> dict[str, Any]:
    """The `holds` properties on the rules only, round after round, until `budget` seconds."""
    holds = [p for p in properties if p.kind == "scenario" and p.expect == "holds"]
    started = time.perf_counter()
    examples = 0
    for round_number in _rounds():
        for index, prop in enumerate(holds):
            if time.perf_counter() - started >= budget:
                return {"caught": False, "by": None, "seconds": budget, "examples": examples}
            try:
                _property_test(spec, prop, round_number * 1000 + index)()
            except Exception as exc:
                found = _caught(started, prop.id, f"{type(exc).__name__}: {_first_line(exc)}")
                found["examples"] = examples + CHUNK
                return found
            examples += CHUNK
    raise AssertionError("unreachable")


CHUNK = 25  # examples per property per round; a round visits every property


def _property_test(spec: Any, prop: Any, seed_value: int) -> Callable[[], None]:
    """One round of a property-based test of `prop` on the rules."""
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from hypothesis import strategies as st

    sys.path.insert(0, str(ROOT / "tests"))
    from termcheck.check import pinned_readings, replay_scenarios
    from termcheck.errors import ScenarioError

    from strategies import scenarios  # type: ignore[import-not-found]

    names = tuple(prop.scenarios) or ("",)
    pinned = set(pinned_readings(prop))

    @settings(
        max_examples=CHUNK,
        database=None,
        deadline=None,
        phases=(Phase.generate,),  # no shrinking: time to the first failure
        suppress_health_check=list(HealthCheck),
    )
    @seed(seed_value)
    @given(data=st.data())
    def test(data: st.DataObject) -> None:
        customers = _customers(data, scenarios(), names, pinned)
        try:
            assumed, asserted = replay_scenarios(spec, prop, customers)
        except ScenarioError:
            return
        if assumed:
            assert asserted, f"{prop.id}: {customers}"

    return test


def _rounds() -> Iterator[int]:
    number = 0
    while True:
        yield number
        number += 1


def _customers(
    data: Any, strategy: Any, names: tuple[str, ...], pinned: set[str]
) -> dict[str, Any]:
    """One customer per scenario name. Later customers copy each input of the first with
    probability 1/2, so that assumptions equating two customers' inputs are met often."""
    first = data.draw(strategy)
    drawn = {names[0]: first}
    for name in names[1:]:
        other = data.draw(strategy)
        keep = {field: data.draw(_booleans()) for field in _INPUT_FIELDS}
        drawn[name] = replace(other, **{f: getattr(first, f) for f, k in keep.items() if k})
    if pinned:  # the adopted reading, as verify pins it
        drawn = {name: replace(s, **{r: None for r in pinned}) for name, s in drawn.items()}
    return drawn


def _booleans() -> Any:
    from hypothesis import strategies as st

    return st.booleans()


_INPUT_FIELDS = (
    "service_start",
    "monthly_fee",
    "termination_month",
    "ground",
    "notice_arrival",
    "notice_reading",
    "planned_start",
    "incident_date",
    "liability_reading",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fault", nargs="?", help="a fault id (see --list)")
    parser.add_argument("--examples", type=int, default=150, help="cross-check examples per test")
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    args = parser.parse_args()
    if args.list or args.fault is None:
        for fault in (CONTROL, *FAULTS):
            print(f"{fault.id:42} {fault.where:15} {fault.what}")
        return
    if args.fault not in BY_ID:
        parser.error(f"no fault {args.fault!r}; see --list")
    print(json.dumps(judge(BY_ID[args.fault], args.examples), sort_keys=True))


if __name__ == "__main__":
    main()
