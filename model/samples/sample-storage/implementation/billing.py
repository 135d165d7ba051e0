"""The billing rules of the サンプルストレージサービス利用規約 (2026-04-01), by hand.

A SAMPLE: the agreement and its provider (サンプルクラウド株式会社) are fictional, written for
docs/tutorial.md. This is what a billing system for it would run, written from the terms
text with nothing but the standard library; termcheck replays every counterexample through
:func:`charges` and compares its figures with the formal reading in ../model.toml (the
formulas are never used here). It implements the adopted readings only.

It computes the fees, the tax, the cancellation fee and the notice deadline of 第8条. It
does not keep the holiday table: that notices are received on business days only
(第8条第2項) is a fact of the case, not a figure.

`charges(facts)` takes one customer's facts (dates as datetime.date, the plan and the
ending as their ids) and returns every figure it computes, by the quantity names of
model.toml.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

MONTHLY_FEES = {"light": 980, "standard": 2_980, "business": 9_800}  # 別記 (税抜)
MINIMUM_TERM_MONTHS = 6  # 第6条: 6ヶ月間
HANDLING_FEE = 3_000  # 第7条第1項第1号
FEE_CAP_MONTHS = 3  # 第7条第2項: 月額利用料の3ヶ月分
TAX_PERCENT = 10  # 第5条
NOTICE_DAYS = 14  # 第8条: 解約希望日の14日前までに
# 第7条第1項: 第8条の解約、第9条の解除 (第10条の廃止を除く).
FEE_GROUNDS = frozenset(
    {"customer", "unpaid-fees", "false-application", "insolvency", "unlawful-use", "antisocial"}
)


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _months(first: date, last: date) -> int:
    """Month steps from first's month to last's month."""
    return 12 * (last.year - first.year) + last.month - first.month


def minimum_term_end(start: date) -> date:
    """第6条 提供開始日から起算して6ヶ月間, the start day counted (民法第143条第2項): the day
    before the day of the sixth month after that bears the start day's number, or the last
    day of that month when it has no such day."""
    index = 12 * start.year + start.month - 1 + MINIMUM_TERM_MONTHS
    year, month = divmod(index, 12)
    month += 1
    if start.day > _days_in(year, month):
        return date(year, month, _days_in(year, month))
    return date(year, month, start.day) - timedelta(days=1)


def pro_rata(fee: int, days: int, days_in_month: int) -> int:
    """第4条第2項: 月額利用料×利用日数÷その月の日数, 1円未満切り捨て."""
    return fee * days // days_in_month


def with_tax(amount: int) -> int:
    """第5条: 10% added, 1円未満切り捨て (one invoice)."""
    return amount * (100 + TAX_PERCENT) // 100


def charges(facts: dict[str, Any]) -> dict[str, object]:
    """Every figure these rules compute for one customer."""
    start: date = facts["service_start"]
    end: date = facts["termination_date"]
    fee = MONTHLY_FEES[facts["plan"]]
    ending: str = facts.get("ending") or "customer"

    same_month = (start.year, start.month) == (end.year, end.month)
    if same_month:  # 提供開始日から解約日までの日数
        start_days = (end - start).days + 1
    else:
        start_days = _days_in(start.year, start.month) - start.day + 1
    first_fee = pro_rata(fee, start_days, _days_in(start.year, start.month))
    full = max(0, _months(start, end) - 1)
    end_days = 0 if same_month else end.day
    last_fee = pro_rata(fee, end_days, _days_in(end.year, end.month))
    billed = with_tax(first_fee) + full * with_tax(fee) + with_tax(last_fee)

    term_end = minimum_term_end(start)
    within = end < term_end
    # 第7条第1項第2号: 解約日の属する月の翌月から満了日の属する月まで (both counted).
    remaining = max(0, _months(end, term_end)) if within else 0
    applies = ending in FEE_GROUNDS and within
    cap = FEE_CAP_MONTHS * fee
    cancellation = min(HANDLING_FEE + remaining * fee, cap) if applies else 0
    deadline = end - timedelta(days=NOTICE_DAYS)  # 14日前の日まで (the adopted reading)
    figures: dict[str, object] = {
        "monthly_fee": fee,
        "minimum_term_end": term_end,
        "within_minimum_term": within,
        "same_month": same_month,
        "first_month_days": start_days,
        "first_month_fee": first_fee,
        "full_months": full,
        "last_month_days": end_days,
        "last_month_fee": last_fee,
        "fees": first_fee + full * fee + last_fee,
        "first_month_billed": with_tax(first_fee),
        "full_month_billed": with_tax(fee),
        "last_month_billed": with_tax(last_fee),
        "billed_fees": billed,
        "fee_applies": applies,
        "remaining_months": remaining,
        "fee_cap": cap,
        "cancellation_fee": cancellation,
        "cancellation_fee_billed": with_tax(cancellation),
        "total_charged": billed + with_tax(cancellation),
        "notice_deadline": deadline,
    }
    if facts.get("notice_arrival") is not None:
        figures["notice_timely"] = facts["notice_arrival"] <= deadline
    return figures
