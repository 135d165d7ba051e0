"""The price list (別記2): which applications are acceptable, executably and in Z3."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import z3
from hypothesis import given
from hypothesis import strategies as st

from termcheck import load_properties
from termcheck.checks import REGISTRY, pricelist
from termcheck.errors import InputError
from termcheck.model.schema import PriceList
from termcheck.model.spec import Spec
from termcheck.verify.properties import Property
from termcheck.verify.results import Result, Status

from strategies import with_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def props(spec: Spec) -> dict[str, Property]:
    return {p.id: p for p in load_properties(ROOT / "properties", spec)}


@pytest.fixture(scope="module")
def price_list(spec: Spec) -> PriceList:
    assert spec.document.price_list is not None
    return spec.document.price_list


def run(spec: Spec, prop: Property) -> Result:
    assert prop.check is not None
    return REGISTRY.runner(prop.kind, prop.check)(spec, prop, 50_000_000)


@pytest.mark.parametrize(
    ("application", "accepted"),
    [
        ({"basic": 100, "multi-factor-authentication": 100}, True),
        ({"basic": 100}, False),  # ※基本機能のみのお申込は、受け付けません
        ({"basic": 99, "multi-factor-authentication": 100}, False),  # 100IDから利用可
        ({"basic": 100, "private-backbone": 1}, True),  # 備考「-」: no minimum
        ({}, False),
        ({"basic": 100, "fax": 1}, False),
    ],
)
def test_refusals(price_list: PriceList, application: dict[str, int], accepted: bool) -> None:
    assert pricelist.acceptable(price_list, application) is accepted


quantities = st.sampled_from([0, 1, 2, 50, 99, 100, 101, 5000])


@given(st.data())
def test_z3_agrees_with_the_rules(price_list: PriceList, data: st.DataObject) -> None:
    application = {item.id: data.draw(quantities, label=item.id) for item in price_list.items}
    enc = pricelist.Encoding(price_list)
    solver = z3.Solver()
    solver.add(enc.acceptable(), *(enc.quantity[i] == q for i, q in application.items()))
    assert (solver.check() == z3.sat) is pricelist.acceptable(price_list, application)


def test_the_witness_is_basic_and_one_option(spec: Spec, props: dict[str, Property]) -> None:
    result = run(spec, props["price-list.acceptable-application-exists"])
    assert result.status is Status.PROVED and result.replayed is True
    assert result.evidence is not None
    (witness,) = result.evidence.data["applications"]
    assert witness == {"basic": 100, "external-service-integration": 100}


def test_shipped_price_list_properties(spec: Spec, props: dict[str, Property]) -> None:
    for prop in props.values():
        if prop.kind == "price-list":
            result = run(spec, prop)
            assert result.met, (prop.id, result.status, result.detail)
    finding = run(spec, props["price-list.options-need-basic"])
    assert finding.evidence is not None
    assert finding.evidence.data["applications"] == [{"external-service-integration": 100}]


def test_a_price_list_nothing_can_satisfy_is_vacuous(
    spec: Spec, props: dict[str, Property], price_list: PriceList
) -> None:
    only_basic = price_list.model_copy(update={"items": price_list.items[:1]})
    variant = with_document(spec, price_list=only_basic)
    assert run(variant, props["price-list.acceptable-application-exists"]).status is Status.VACUOUS
    orderable = run(variant, props["price-list.every-item-orderable"])
    assert orderable.status is Status.VIOLATED and orderable.replayed is True


def test_a_witness_the_rules_refuse_is_divergent(
    spec: Spec, props: dict[str, Property], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pricelist, "least", lambda item: 1)  # Z3 and the rules now part ways
    real = pricelist.refusals

    def strict(price_list: PriceList, application: dict[str, int]) -> list[tuple[str, str]]:
        short = [i for i, q in application.items() if 0 < q < 100]
        return real(price_list, application) + [("少ない", "too few")] * bool(short)

    monkeypatch.setattr(pricelist, "refusals", strict)
    result = run(spec, props["price-list.acceptable-application-exists"])
    assert result.status is Status.DIVERGENT and not result.met


def _least_order(prop: Property, item: str, ids: str) -> Property:
    return dataclasses.replace(prop, params={"item": item, "ids": ids})


def test_the_least_order_of_an_item_is_its_remark(spec: Spec, props: dict[str, Property]) -> None:
    # 備考「100IDから利用可」: accepted for 100 IDs, never for 99.
    prop = props["price-list.basic-from-100-ids"]
    proved = run(spec, prop)
    assert proved.status is Status.PROVED and proved.replayed is True
    # Read as 101: an order of 100 is accepted, fewer than the property says.
    below = run(spec, _least_order(prop, "basic", "101"))
    assert below.status is Status.VIOLATED and below.replayed is True
    assert below.evidence is not None
    assert below.evidence.data["applications"][0]["basic"] == 100
    # Read as 99: no acceptable application orders 99.
    above = run(spec, _least_order(prop, "basic", "99"))
    assert above.status is Status.VIOLATED and above.replayed is True
    # An item without a minimum (備考「-」) is accepted from one unit.
    assert run(spec, _least_order(prop, "private-backbone", "1")).status is Status.PROVED


@pytest.mark.parametrize(
    ("item", "ids", "field"),
    [("fax", "100", "with.item"), ("basic", "ten", "with.ids"), ("basic", "0", "with.ids")],
)
def test_a_least_order_property_with_a_bad_parameter_is_one_line(
    spec: Spec, props: dict[str, Property], item: str, ids: str, field: str
) -> None:
    prop = _least_order(props["price-list.basic-from-100-ids"], item, ids)
    with pytest.raises(InputError) as raised:
        run(spec, prop)
    message = str(raised.value)
    assert "price_list.toml:" in message and f"{prop.id}.{field}" in message
    assert "\n" not in message
