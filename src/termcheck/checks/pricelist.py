"""A price list: which applications the company accepts, as constraints.

An application orders items of the list in some quantity each (0: not ordered). model.toml
[price_list] records the rows as written and the one rule of its note on what may not be
ordered alone; from them:

- an item with a minimum number of IDs (`minimum_ids`, from its remark) is ordered for
  at least that many; an item without one has no minimum, one unit will do;
- an application orders at least one item;
- the item `refused_alone` is never ordered alone.

:func:`refusals` applies these to one application (the executable side); the built-in
checks of kind "price-list" ask Z3 about every application. Every constraint only bounds
quantities from below and otherwise depends on which items are ordered, so an item set
is acceptable exactly when it is acceptable with each item at its least quantity: the
executable side can therefore search all item sets exhaustively to replay Z3's answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

import z3

from termcheck.checks._registry import REGISTRY
from termcheck.checks.structural import Run, Undecided, evidence
from termcheck.errors import InputError, Position
from termcheck.model.schema import PriceItem, PriceList
from termcheck.model.spec import Spec
from termcheck.verify.properties import Property
from termcheck.verify.results import Evidence, Result, Status

Application = dict[str, int]  # item id -> quantity (IDs, or units for an item without minimum)


def least(item: PriceItem) -> int:
    """The least quantity an item can be ordered in."""
    return item.minimum_ids if item.minimum_ids is not None else 1


def refusals(price_list: PriceList, application: Application) -> list[tuple[str, str]]:
    """Why the application is not accepted (ja, en); empty when it is."""
    items = {item.id: item for item in price_list.items}
    ordered = [i for i, quantity in application.items() if quantity > 0]
    found: list[tuple[str, str]] = []
    for item_id in sorted(application):
        if item_id not in items:
            found.append((f"{item_id} は料金表にない", f"{item_id} is not in the price list"))
    for item_id in ordered:
        item = items.get(item_id)
        if item is not None and application[item_id] < least(item):
            found.append(
                (
                    f"{item.ja}は{least(item)}IDから（{item.remark}）",
                    f"{item.en} is ordered from {least(item)} IDs ({item.remark})",
                )
            )
    if any(quantity < 0 for quantity in application.values()):
        found.append(("数量が負", "a negative quantity"))
    if not ordered:
        found.append(("品目がない", "nothing is ordered"))
    alone = items[price_list.refused_alone]
    if ordered == [alone.id]:
        found.append((f"{alone.ja}のみのお申込は受け付けない", f"{alone.en} alone is not accepted"))
    return found


def acceptable(price_list: PriceList, application: Application) -> bool:
    return not refusals(price_list, application)


def item_sets(price_list: PriceList) -> Iterator[Application]:
    """Every set of items, each at its least quantity, smallest sets first."""
    items = price_list.items
    for size in range(len(items) + 1):
        for chosen in combinations(items, size):
            yield {item.id: (least(item) if item in chosen else 0) for item in items}


# --- In Z3 ------------------------------------------------------------------------------------


class Encoding:
    def __init__(self, price_list: PriceList) -> None:
        self.price_list = price_list
        self.quantity = {item.id: z3.Int(f"quantity.{item.id}") for item in price_list.items}

    def ordered(self, item_id: str) -> Any:
        return self.quantity[item_id] > 0

    def acceptable(self) -> Any:
        """The constraints of the price list, over the quantities."""
        items = self.price_list.items
        alone = self.price_list.refused_alone
        return z3.And(
            *(self.quantity[i.id] >= 0 for i in items),
            *(z3.Implies(self.ordered(i.id), self.quantity[i.id] >= least(i)) for i in items),
            z3.Or(*(self.ordered(i.id) for i in items)),
            z3.Implies(
                self.ordered(alone), z3.Or(*(self.ordered(i.id) for i in items if i.id != alone))
            ),
        )

    def application(self, model: z3.ModelRef) -> Application:
        return {
            item_id: int(model.eval(q, model_completion=True).as_long())
            for item_id, q in self.quantity.items()
        }

    def readable(self, run: Run) -> Application:
        """The readable application (:meth:`smallest`) of the problem as it stands."""
        self.smallest(run)
        run.sat()
        return self.application(run.solver.model())

    def smallest(self, run: Run) -> None:
        """Fix a readable application: the basic function (the item never ordered alone)
        if it can be there, the fewest items, the earliest rows, the least quantities."""
        base = self.ordered(self.price_list.refused_alone)
        if run.sat(base):
            run.solver.add(base)
        count = z3.Sum(*(z3.If(self.ordered(i), 1, 0) for i in self.quantity))
        run.solver.add(count == _least(run, count, len(self.quantity)))
        for item in self.price_list.items:
            q = self.quantity[item.id]
            run.solver.add(q == least(item) if run.sat(q > 0) else q == 0)


def _least(run: Run, term: Any, bound: int) -> int:
    return next(k for k in range(bound + 1) if run.sat(term <= k))


# --- Built-in checks --------------------------------------------------------------------------


def _start(spec: Spec, prop: Property, rlimit: int) -> tuple[Run, PriceList, Encoding]:
    run = Run(spec, prop, rlimit)
    price_list = spec.document.price_list
    if price_list is None:
        raise run.missing("price_list")
    return run, price_list, Encoding(price_list)


@REGISTRY.register("price-list", "acceptable-application-exists")
def check_acceptable_exists(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Some application is acceptable (non-vacuity); the smallest one is the witness."""
    run, price_list, enc = _start(spec, prop, rlimit)
    run.solver.add(enc.acceptable())
    try:
        if not run.sat():
            return run.finish(
                Status.VACUOUS,
                detail="no application satisfies the price list",
                detail_ja="料金表を満たす申込みがない",
            )
        witness = enc.readable(run)
    except Undecided as exc:
        return run.undecided(exc)
    return _witnessed(
        run, price_list, [witness], "受け付けられる申込みの例", "an acceptable application"
    )


@REGISTRY.register("price-list", "every-item-orderable")
def check_every_item_orderable(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Every item of the price list is part of some acceptable application."""
    run, price_list, enc = _start(spec, prop, rlimit)
    run.solver.add(enc.acceptable())
    witnesses: list[Application] = []
    try:
        for item in price_list.items:
            run.solver.push()
            run.solver.add(enc.ordered(item.id))
            if not run.sat():
                run.solver.pop()
                replayed = not any(
                    acceptable(price_list, a) and a[item.id] > 0 for a in item_sets(price_list)
                )
                return run.finish(
                    Status.VIOLATED,
                    evidence=_item_evidence(run, price_list, item),
                    replayed=replayed,
                    detail=f"no acceptable application orders {item.id}",
                    detail_ja=f"受け付けられる申込みで{item.ja}を含むものがない",
                )
            witnesses.append(enc.readable(run))
            run.solver.pop()
    except Undecided as exc:
        return run.undecided(exc)
    labels = [(item.ja, item.en) for item in price_list.items]
    return _witnessed(
        run,
        price_list,
        witnesses,
        "各品目を含む申込みの例",
        "an application with each item",
        labels,
    )


@REGISTRY.register("price-list", "refused-alone")
def check_refused_alone(spec: Spec, prop: Property, rlimit: int) -> Result:
    """※: an application of the item `refused_alone` and nothing else is never accepted."""
    run, price_list, enc = _start(spec, prop, rlimit)
    alone = price_list.refused_alone
    run.solver.add(enc.acceptable(), enc.ordered(alone))
    run.solver.add(*(z3.Not(enc.ordered(i.id)) for i in price_list.items if i.id != alone))
    try:
        if not run.sat():
            return run.finish(
                Status.PROVED,
                detail=f"every quantity of {alone} alone",
                detail_ja=f"{_item(price_list, alone).ja}のみの申込みは"
                "どの数量でも受け付けられない",
            )
        witness = enc.application(run.solver.model())
    except Undecided as exc:
        return run.undecided(exc)
    return run.finish(
        Status.VIOLATED,
        evidence=_applications_evidence(
            run, price_list, [witness], "受け付けられてしまう申込み", "accepted"
        ),
        replayed=acceptable(price_list, witness),
        detail=f"{alone} alone is accepted",
        detail_ja=f"{_item(price_list, alone).ja}のみの申込みが受け付けられる",
    )


@REGISTRY.register("price-list", "options-need-basic")
def check_options_need_basic(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Every acceptable application includes the item that may not be ordered alone (the
    basic function): the options are options of it."""
    run, price_list, enc = _start(spec, prop, rlimit)
    basic = price_list.refused_alone
    run.solver.add(enc.acceptable(), z3.Not(enc.ordered(basic)))
    try:
        if not run.sat():
            return run.finish(
                Status.PROVED,
                detail=f"every acceptable application orders {basic}",
                detail_ja=f"受け付けられるどの申込みも{_item(price_list, basic).ja}を含む",
            )
        witness = enc.readable(run)
    except Undecided as exc:
        return run.undecided(exc)
    return run.finish(
        Status.VIOLATED,
        evidence=_applications_evidence(
            run,
            price_list,
            [witness],
            "基本機能なしで受け付けられる申込み",
            "accepted without the basic function",
        ),
        replayed=acceptable(price_list, witness) and witness[basic] == 0,
        detail=f"an application without {basic} is acceptable",
        detail_ja=f"{_item(price_list, basic).ja}を含まない申込みが受け付けられる",
    )


@REGISTRY.register("price-list", "least-order", ("item", "ids"))
def check_least_order(spec: Spec, prop: Property, rlimit: int) -> Result:
    """The item `item` is accepted for `ids` (a whole number) and never for fewer: its
    least order is what the property reads in the price list (a remark such as a minimum
    number of IDs), so a revision that moves the minimum must say so here too."""
    run, price_list, enc = _start(spec, prop, rlimit)
    item, ids = _least_order_params(price_list, prop)
    quantity = enc.quantity[item.id]
    run.solver.add(enc.acceptable())
    try:
        if run.sat(quantity > 0, quantity < ids):
            run.solver.add(quantity > 0, quantity < ids)
            fewer = enc.readable(run)
            return run.finish(
                Status.VIOLATED,
                evidence=_applications_evidence(
                    run,
                    price_list,
                    [fewer],
                    f"{ids}未満で受け付けられる申込み",
                    f"accepted below {ids}",
                ),
                replayed=acceptable(price_list, fewer) and 0 < fewer[item.id] < ids,
                detail=f"{item.id} is accepted for {fewer[item.id]}, fewer than {ids}",
                detail_ja=f"{item.ja}が{ids}未満の{fewer[item.id]}で受け付けられる",
            )
        run.solver.add(quantity == ids)
        if not run.sat():
            return run.finish(
                Status.VIOLATED,
                evidence=_item_evidence(run, price_list, item),
                replayed=not any(
                    acceptable(price_list, a) and a[item.id] > 0 and least(item) <= ids
                    for a in item_sets(price_list)
                ),
                detail=f"no acceptable application orders {ids} of {item.id}",
                detail_ja=f"{item.ja}を{ids}で含む受け付けられる申込みがない",
            )
        witness = enc.readable(run)
    except Undecided as exc:
        return run.undecided(exc)
    if least(item) != ids:  # the executable side's least order must be the proved one
        result = run.finish(Status.PROVED, replayed=False)
        result.status = Status.DIVERGENT
        result.tell(
            f"the executable side's least order of {item.id} is {least(item)}, not {ids}",
            f"実行可能な側では{item.ja}の最小数量が{ids}ではなく{least(item)}",
        )
        return result
    return _witnessed(
        run, price_list, [witness], f"{ids}で受け付けられる申込みの例", f"an application with {ids}"
    )


def _least_order_params(price_list: PriceList, prop: Property) -> tuple[PriceItem, int]:
    where = Position(prop.path, prop.line)
    known = {i.id: i for i in price_list.items}
    item_id, text = prop.params["item"], prop.params["ids"]
    if item_id not in known:
        listed = ", ".join(known)
        raise InputError(
            f"{item_id!r} is not an item of the price list: {listed}", where, f"{prop.id}.with.item"
        )
    if not text.isdigit() or not 0 < int(text) <= 10**9:
        raise InputError(
            f"{text!r} is not a whole number from 1 to 1,000,000,000", where, f"{prop.id}.with.ids"
        )
    return known[item_id], int(text)


def _witnessed(
    run: Run,
    price_list: PriceList,
    witnesses: list[Application],
    ja: str,
    en: str,
    labels: list[tuple[str, str]] | None = None,
) -> Result:
    """A proof whose witnesses the executable side must accept too."""
    shown = _applications_evidence(run, price_list, witnesses, ja, en, labels)
    rejected = [w for w in witnesses if not acceptable(price_list, w)]
    if rejected:
        result = run.finish(Status.PROVED, evidence=shown, replayed=False)
        result.status = Status.DIVERGENT
        result.tell(
            "the executable side refuses the witness: "
            + "; ".join(en for w in rejected for _, en in refusals(price_list, w)),
            "実行可能な側がこの例を受け付けない: "
            + "、".join(ja for w in rejected for ja, _ in refusals(price_list, w)),
        )
        return result
    return run.finish(
        Status.PROVED,
        evidence=shown,
        replayed=True,
        detail=f"witness: {_describe(price_list, witnesses[0], 'en')}",
        detail_ja=f"受け付けられる申込みの例: {_describe(price_list, witnesses[0], 'ja')}",
    )


# --- Evidence ---------------------------------------------------------------------------------


def _describe(price_list: PriceList, application: Application, lang: str) -> str:
    parts = []
    for item in price_list.items:
        quantity = application.get(item.id, 0)
        if quantity <= 0:
            continue
        name = item.ja if lang == "ja" else item.en
        counted = item.minimum_ids is not None
        if lang == "ja":
            parts.append(f"{name} {quantity}ID" if counted else name)
        else:
            parts.append(f"{name}, {quantity} IDs" if counted else name)
    return ("、" if lang == "ja" else "; ").join(parts)


def _item(price_list: PriceList, item_id: str) -> PriceItem:
    return next(item for item in price_list.items if item.id == item_id)


def _applications_evidence(
    run: Run,
    price_list: PriceList,
    applications: list[Application],
    ja: str,
    en: str,
    labels: list[tuple[str, str]] | None = None,
) -> Evidence:
    """The applications, one a line; `labels` name what each one shows."""
    where = run.heading(price_list.article)
    data = {"applications": [{k: v for k, v in a.items() if v > 0} for a in applications]}
    heads = labels or [("", "")] * len(applications)
    lines_ja = [f"{ja}（{where}）:"]
    lines_en = [f"{en} ({where}):"]
    for (head_ja, head_en), a in zip(heads, applications, strict=True):
        lines_ja.append(f"  {head_ja + ': ' if head_ja else ''}{_describe(price_list, a, 'ja')}")
        lines_en.append(f"  {head_en + ': ' if head_en else ''}{_describe(price_list, a, 'en')}")
    return evidence(data, lines_ja, lines_en)


def _item_evidence(run: Run, price_list: PriceList, item: PriceItem) -> Evidence:
    where = run.heading(price_list.article)
    return evidence(
        {"item": item.id},
        [f"{item.ja}を含む申込みはどれも受け付けられない（{where}）"],
        [f"no application ordering the {item.en} is accepted ({where})"],
    )
