"""The vocabulary: every quantity a property may name, declared once.

Each entry has a name, a type, the provision it comes from and a Japanese and English
description. :mod:`termcheck.rules` implements every entry concretely and
:mod:`termcheck.encoding` symbolically; ``tests/test_crosscheck.py`` proves they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


class Ground(StrEnum):
    """Why a contract ends, by the article that allows it."""

    CUSTOMER = "customer"  # 第10条: the customer terminates (解約)
    NONPERFORMANCE = "nonperformance"  # 第11条第1項: rescission after a demand (催告)
    IMMEDIATE = "immediate"  # 第11条第2項: rescission without notice
    START_DELAY = "start-delay"  # 第11条第4項: the service cannot start for the customer
    ANTISOCIAL_STATUS = "antisocial-status"  # 第16条第2項
    ANTISOCIAL_CONDUCT = "antisocial-conduct"  # 第16条第3項


class NoticeReading(StrEnum):
    """Readings of 第10条 "解約月を指定し、その2ヶ月前までに" for a termination month M."""

    END_OF_MONTH = "end-of-month"  # the last day of M - 2 months
    FIRST_OF_MONTH = "first-of-month"  # the 1st of M - 2 months
    CLEAR_MONTHS = "clear-months"  # the last day of M - 3 months: two whole months between


class LiabilityReading(StrEnum):
    """Readings of 第13条 "契約者が当社に本サービスの対価として支払った1年間の総額"."""

    PAID_LAST_YEAR = "paid-last-year"  # fees billed for the 12 months up to the incident
    ANNUAL_FEE = "annual-fee"  # twelve monthly fees, whatever was billed so far


class Type(StrEnum):
    """Types of the property language; yen and counts never mix."""

    BOOL = "bool"
    INT = "int"  # a count: months, days, a year or a month number
    YEN = "yen"
    DATE = "date"
    MONTH = "month"
    GROUND = "ground"
    NOTICE_READING = "notice-reading"
    LIABILITY_READING = "liability-reading"
    GROUND_SET = "ground-set"


ENUM_TYPES: dict[Type, type[Enum]] = {
    Type.GROUND: Ground,
    Type.NOTICE_READING: NoticeReading,
    Type.LIABILITY_READING: LiabilityReading,
}


class Kind(StrEnum):
    INPUT = "input"  # a free variable of the scenario
    PARAMETER = "parameter"  # fixed by model.toml
    DERIVED = "derived"  # computed by the terms from the inputs


@dataclass(frozen=True)
class Quantity:
    name: str
    kind: Kind
    type: Type
    article: str
    ja: str
    en: str


def _q(name: str, kind: Kind, type_: Type, article: str, ja: str, en: str) -> Quantity:
    return Quantity(name, kind, type_, article, ja, en)


IN, P, D = Kind.INPUT, Kind.PARAMETER, Kind.DERIVED

QUANTITIES: tuple[Quantity, ...] = (
    # Scenario inputs.
    _q("service_start", IN, Type.DATE, "7-1", "提供開始日", "service start"),
    _q("monthly_fee", IN, Type.YEN, "7-1", "月額料金", "monthly fee"),
    _q("termination_month", IN, Type.MONTH, "10-1", "解約月", "termination month"),
    _q("notice_arrival", IN, Type.DATE, "10-1", "解約通知の到達日", "arrival of the notice"),
    _q("ground", IN, Type.GROUND, "9-2", "契約終了の事由", "termination ground"),
    _q(
        "notice_reading",
        IN,
        Type.NOTICE_READING,
        "10-1",
        "「2ヶ月前まで」の読み方",
        "reading of the notice period",
    ),
    _q("planned_start", IN, Type.DATE, "11-4", "利用開始予定日", "planned start"),
    _q("incident_date", IN, Type.DATE, "13-1", "損害発生日", "incident date"),
    _q(
        "liability_reading",
        IN,
        Type.LIABILITY_READING,
        "13-1",
        "「1年間の総額」の読み方",
        "reading of the liability cap",
    ),
    # Parameters of the model.
    _q(
        "minimum_term_months",
        P,
        Type.INT,
        "9-1",
        "最低利用期間の月数",
        "months of the minimum term",
    ),
    _q("notice_months", P, Type.INT, "10-1", "解約通知の期間（月）", "notice period in months"),
    _q(
        "penalty_grounds",
        P,
        Type.GROUND_SET,
        "9-2",
        "違約金が発生する事由",
        "grounds that trigger the penalty",
    ),
    # Derived quantities.
    _q("reckoning_day", D, Type.DATE, "9-1", "起算日", "reckoning day"),
    _q("billing_start", D, Type.DATE, "7-1", "課金開始日", "billing start"),
    _q("service_end", D, Type.DATE, "7-1", "提供終了日", "service end"),
    _q("billed_months", D, Type.INT, "7-1", "課金月数", "billed months"),
    _q("billed_fees", D, Type.YEN, "7-1", "利用料金の合計", "fees billed"),
    _q("minimum_term_end", D, Type.DATE, "9-1", "最低利用期間の満了日", "end of the minimum term"),
    _q(
        "within_minimum_term",
        D,
        Type.BOOL,
        "9-2",
        "最低利用期間内の解約",
        "ends within the minimum term",
    ),
    _q("remaining_months", D, Type.INT, "9-2", "残余期間の月数", "remaining months"),
    _q(
        "remaining_term_fees",
        D,
        Type.YEN,
        "9-2",
        "残余期間に対応する利用料金",
        "remaining-term fees",
    ),
    _q(
        "minimum_commitment",
        D,
        Type.YEN,
        "9-1",
        "最低利用期間の利用料金の総額",
        "fees of the whole minimum term",
    ),
    _q("penalty_applies", D, Type.BOOL, "9-2", "違約金の発生", "penalty applies"),
    _q("penalty", D, Type.YEN, "9-2", "違約金", "penalty"),
    _q("total_charged", D, Type.YEN, "9-2", "請求総額", "total charged"),
    _q("notice_deadline", D, Type.DATE, "10-1", "解約通知の期限", "notice deadline"),
    _q("notice_timely", D, Type.BOOL, "10-1", "解約通知が期限内", "notice timely"),
    _q("start_delay_deadline", D, Type.DATE, "11-4", "提供開始の猶予期限", "start-delay deadline"),
    _q(
        "start_delay_rescindable",
        D,
        Type.BOOL,
        "11-4",
        "第11条第4項の解除が可能",
        "rescission for start delay possible",
    ),
    _q("liability_cap", D, Type.YEN, "13-1", "損害賠償の限度額", "liability cap"),
)

del IN, P, D

BY_NAME: dict[str, Quantity] = {q.name: q for q in QUANTITIES}
INPUTS: tuple[Quantity, ...] = tuple(q for q in QUANTITIES if q.kind is Kind.INPUT)
PARAMETERS: tuple[Quantity, ...] = tuple(q for q in QUANTITIES if q.kind is Kind.PARAMETER)
DERIVED: tuple[Quantity, ...] = tuple(q for q in QUANTITIES if q.kind is Kind.DERIVED)

# The derived quantities whose value depends on a reading; a property naming one of them
# is checked under each reading with `--all-readings`.
READING_INPUT_OF: dict[str, str] = {
    "notice_deadline": "notice_reading",
    "notice_timely": "notice_reading",
    "liability_cap": "liability_reading",
}
