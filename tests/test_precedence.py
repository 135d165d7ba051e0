"""Precedence of documents, the substitution table, and a quote's effective terms.

The Z3 checks of the prevail relation are compared with graph search on random
relations over the shipped documents; the overlap analysis of the substitution table is
compared with brute force over every short text.
"""

from __future__ import annotations

import re
import shutil
from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from termcheck import load_properties
from termcheck.checks import REGISTRY, effective, precedence, substitution
from termcheck.cli import app
from termcheck.errors import InputError
from termcheck.model.schema import Prevail
from termcheck.model.spec import Spec, load_spec
from termcheck.verify.properties import Property
from termcheck.verify.results import Status

from strategies import with_document

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "model" / "usen-gate02-iij-id"


@pytest.fixture(scope="module")
def props(spec: Spec) -> dict[str, Property]:
    return {p.id: p for p in load_properties(ROOT / "properties", spec)}


def run(spec: Spec, prop: Property) -> object:
    assert prop.check is not None
    return REGISTRY.runner(prop.kind, prop.check)(spec, prop, 50_000_000)


# --- The shipped relation ------------------------------------------------------------------


def test_the_order_of_article_4(spec: Spec) -> None:
    p = precedence.from_spec(spec)
    assert precedence.governing(p, "penalty", ["quote", "terms"]) == ["quote"]
    assert precedence.governing(p, "penalty", ["terms", "carrier-general"]) == ["terms"]
    assert precedence.governing(p, "fees", ["price-list", "carrier-id-service"]) == ["price-list"]
    # 第4条 ranks the quote and the form together: neither governs the other.
    assert precedence.governing(p, "penalty", ["quote", "application"]) == ["quote", "application"]
    rows = precedence.chain(p, "quote", "carrier-backbone", "notice")
    assert [(r.over, r.under, r.article) for r in rows] == [
        ("quote", "terms", "4-1"),
        ("terms", "carrier-backbone", "4-1"),
    ]


def test_shipped_precedence_properties(spec: Spec, props: dict[str, Property]) -> None:
    expected = {
        "precedence.irreflexive": Status.PROVED,
        "precedence.asymmetric": Status.PROVED,
        "precedence.acyclic": Status.PROVED,
        "precedence.ordered-outside-groups": Status.PROVED,
        "precedence.same-rank-ordered": Status.VIOLATED,
        "precedence.parts-ordered": Status.VIOLATED,
        "precedence.one-governing-provision": Status.VIOLATED,
    }
    for prop_id, status in expected.items():
        result = run(spec, props[prop_id])
        assert result.status is status, (prop_id, result.detail)  # type: ignore[attr-defined]
        assert result.met  # type: ignore[attr-defined]
    same_rank = run(spec, props["precedence.same-rank-ordered"])
    assert same_rank.evidence.data["unordered"][0]["documents"] == ["quote", "application"]  # type: ignore[attr-defined]


# --- Z3 against graph search, on random relations -----------------------------------------

CHECKS = [
    "irreflexive",
    "asymmetric",
    "acyclic",
    "ordered-outside-groups",
    "same-rank-ordered",
    "parts-ordered",
    "one-governing-provision",
]


def _oracle(p: precedence.Precedence, check: str) -> bool:
    """Does the relation have the property? By graph search alone."""
    if check == "irreflexive":
        return all(r.over != r.under for r in p.rows)
    if check == "asymmetric":
        return not any(
            r.over == s.under and r.under == s.over and r.topics & s.topics
            for r in p.rows
            for s in p.rows
        )
    if check == "acyclic":
        return all(precedence.cycle(p, t) is None for t in p.topics)
    if check == "one-governing-provision":
        return all(precedence.ungoverned(p, t) is None for t in p.topics)
    kind = {"ordered-outside-groups": None, "same-rank-ordered": "same-rank"}.get(check, "parts")
    return not precedence.unordered(p, precedence._pairs(p, kind))  # type: ignore[arg-type]


@st.composite
def relations(draw: st.DrawFn, spec: Spec) -> Spec:
    """Random rows, or a long chain through the documents (closures need every step)."""
    documents = [d.id for d in spec.document.documents]
    topics = [t.id for t in spec.document.topics]
    if draw(st.booleans()):
        order = draw(st.permutations(documents))
        closing = draw(st.booleans())  # a chain that comes back to its start: a cycle
        pairs = list(zip(order, order[1:] + order[:1] if closing else order[1:], strict=False))
        return with_document(
            spec,
            prevails=[Prevail(over=a, under=b, article="4-1", topics="all") for a, b in pairs],
        )
    rows = draw(
        st.lists(
            st.builds(
                lambda over, under, chosen: Prevail(
                    over=over, under=under, article="4-1", topics=chosen or "all"
                ),
                st.sampled_from(documents),
                st.sampled_from(documents),
                st.lists(st.sampled_from(topics), unique=True, max_size=3),
            ),
            max_size=10,
        )
    )
    return with_document(spec, prevails=rows)


@settings(max_examples=max(40, settings.default.max_examples // 4))
@given(data=st.data(), check=st.sampled_from(CHECKS))
def test_z3_agrees_with_graph_search(
    spec: Spec, props: dict[str, Property], data: st.DataObject, check: str
) -> None:
    variant = data.draw(relations(spec))
    prop = next(p for p in props.values() if p.kind == "precedence" and p.check == check)
    result = run(variant, prop)
    assert result.status in (Status.PROVED, Status.VIOLATED), result.detail  # type: ignore[attr-defined]
    assert (result.status is Status.PROVED) == _oracle(precedence.from_spec(variant), check)  # type: ignore[attr-defined]


@pytest.mark.parametrize("closing", [False, True])
@pytest.mark.parametrize("check", CHECKS)
def test_a_chain_through_every_document(
    spec: Spec, props: dict[str, Property], check: str, closing: bool
) -> None:
    """The closure must follow a chain of six rows (and find the cycle that closes it).
    The price list stands alone here, so that no row through 本約款 skips a step."""
    documents = [
        d.model_copy(update={"part_of": None, "parts": None})
        if d.id in ("terms", "price-list")
        else d
        for d in spec.document.documents
    ]
    leaves = list(precedence.from_spec(with_document(spec, documents=documents)).documents)
    ends = leaves[1:] + leaves[:1] if closing else leaves[1:]
    pairs = zip(leaves, ends, strict=False)
    rows = [Prevail(over=a, under=b, article="4-1", topics="all") for a, b in pairs]
    variant = with_document(spec, documents=documents, prevails=rows)
    prop = next(p for p in props.values() if p.kind == "precedence" and p.check == check)
    result = run(variant, prop)
    assert result.status in (Status.PROVED, Status.VIOLATED), result.detail  # type: ignore[attr-defined]
    assert (result.status is Status.PROVED) == _oracle(precedence.from_spec(variant), check)  # type: ignore[attr-defined]


# --- model.toml [[documents]] errors --------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            'under = "carrier-terms"\narticle = "3-1"',
            'under = "carrier"\narticle = "3-1"',
            "prevails.2.under",
        ),
        ('part_of = "terms"', 'part_of = "term"', "documents.4.part_of"),
        (
            'speaks_to = ["fees", "orderable-items"]',
            'speaks_to = ["fees", "items"]',
            "documents.4.speaks_to",
        ),
        ('article = "attachment-2"', 'article = "attachment-9"', "substitution.rows.1.article"),
    ],
)
def test_a_bad_reference_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    model.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_spec(folder)
    assert caught.value.field is not None and caught.value.field.startswith(field)
    assert caught.value.position is not None and caught.value.position.line is not None


# --- The substitution table ------------------------------------------------------------------


def test_the_shipped_table(spec: Spec, props: dict[str, Property]) -> None:
    order = run(spec, props["precedence.substitution-order-independent"])
    assert order.status is Status.PROVED  # type: ignore[attr-defined]
    twice = run(spec, props["precedence.substitution-idempotent"])
    assert twice.status is Status.VIOLATED and twice.replayed is True  # type: ignore[attr-defined]
    assert twice.evidence.data["text"] == "IIJ ID サービス"  # type: ignore[attr-defined]
    assert twice.evidence.data["twice"] == "USEN GATE 02 USEN GATE 02 IIJ ID サービス"  # type: ignore[attr-defined]


TEXTS = ["".join(letters) for n in range(7) for letters in product("abc", repeat=n)]
words = st.text(alphabet="ab", min_size=1, max_size=3)


@given(
    st.lists(
        st.tuples(words, st.text(alphabet="abc", max_size=3)),
        min_size=1,
        max_size=3,
        unique_by=lambda row: row[0],
    )
)
def test_overlap_analysis_is_sound(rows: list[tuple[str, str]]) -> None:
    table = [
        substitution.Rule(original, substitute, "attachment-1") for original, substitute in rows
    ]
    if not substitution.order_conflicts(table):
        assert all(substitution.order_differs(text, table) is None for text in TEXTS)
    if not substitution.idempotence_conflicts(table):
        assert not any(substitution.twice_differs(text, table) for text in TEXTS)


def test_a_table_that_does_not_commute_has_a_witness() -> None:
    table = [
        substitution.Rule("ab", "x", "attachment-1"),
        substitution.Rule("bc", "y", "attachment-2"),
    ]
    assert substitution.order_conflicts(table)
    witness = next(
        t for t in substitution.candidates(table) if substitution.order_differs(t, table)
    )
    assert witness == "abc"  # "xc" one way, "ay" the other


# --- A quote's effective terms -------------------------------------------------------------------


def test_the_example_quote_governs_penalty_and_notice(spec: Spec) -> None:
    (quote,) = effective.load_quotes(spec)
    p = precedence.from_spec(spec)
    decisions = [effective.decide(p, "quote", "terms", topic) for topic in ("penalty", "notice")]
    assert all(d.governing == ("quote",) for d in decisions)
    variant = effective.effective_spec(spec, quote, decisions)
    penalty = variant.document.quantities["penalty"]
    assert penalty.formula == "if penalty_applies then 3 * monthly_fee else 0"
    assert variant.vocabulary.constants["notice_months"] == 1
    assert spec.vocabulary.constants["notice_months"] == 2  # the model itself is untouched


def test_a_quote_formula_is_checked_against_the_model(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    quote = folder / "quotes" / "example-quote.toml"
    text = quote.read_text(encoding="utf-8")
    quote.write_text(text.replace("3 * monthly_fee", "monthly_fee * monthly_fee"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        effective.load_quotes(load_spec(folder))
    assert "quantities.penalty.formula" in str(caught.value)
    assert "example-quote.toml:" in str(caught.value)


def test_effective_terms_break_the_remaining_fee_bound(
    spec: Spec, props: dict[str, Property]
) -> None:
    result = run(spec, props["precedence.effective-terms-properties"])
    assert result.status is Status.VIOLATED and result.replayed is True  # type: ignore[attr-defined]
    checked = result.evidence.data["quotes"][0]["properties"]  # type: ignore[attr-defined]
    assert checked["penalty.within-remaining-term-fees"] == "violated"
    assert checked["penalty.within-minimum-commitment"] == "proved"
    assert checked["notice.customer-can-end-within-two-months"] == "proved"


def test_a_quote_naming_an_unknown_document_is_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    quote = folder / "quotes" / "example-quote.toml"
    text = quote.read_text(encoding="utf-8")
    quote.write_text(text.replace('document = "quote"', 'document = "memo"'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        effective.load_quotes(load_spec(folder))
    assert caught.value.field == "quote.document"
    line = next(n for n, row in enumerate(text.splitlines(), 1) if 'document = "quote"' in row)
    assert caught.value.position is not None and caught.value.position.line == line


@pytest.mark.parametrize(
    "check", ["irreflexive", "asymmetric", "acyclic", "one-governing-provision"]
)
def test_a_witness_is_the_same_on_every_run(
    spec: Spec, props: dict[str, Property], check: str
) -> None:
    rows = [
        Prevail(over="carrier-terms", under="terms", article="3-1", topics=["fees"]),
        Prevail(over="terms", under="terms", article="4-1", topics="all"),
    ]
    variant = with_document(spec, prevails=[*spec.document.prevails, *rows])
    prop = next(p for p in props.values() if p.kind == "precedence" and p.check == check)
    first, second = run(variant, prop), run(variant, prop)
    assert first.status is Status.VIOLATED and first.replayed is True  # type: ignore[attr-defined]
    assert first.evidence == second.evidence  # type: ignore[attr-defined]


@pytest.mark.parametrize("terms_too", [True, False])
def test_a_modelled_document_that_speaks_to_no_topic_is_rejected_at_its_line(
    tmp_path: Path, terms_too: bool
) -> None:
    # Once loaded and then crashed the quote check (termcheck mutate found it): the
    # document model.toml reads stood only for its parts and had no rank to weigh.
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    old = 'parts = "same-rank"\n'
    assert text.count(old) == 1
    broken = text.replace(old, old + "modelled = true\n")
    if not terms_too:
        broken = broken.replace("modelled = true  #", "modelled = false  #")
    model.write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(folder)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    line = broken.splitlines().index("modelled = true") + 1
    (message,) = result.stderr.splitlines()
    assert f"model.toml:{line}:1: documents.0.modelled: " in message
    assert "'contract-documents' speaks to no topic" in message


def test_a_claim_said_twice_is_checked_once_on_a_quotes_terms(
    spec: Spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every property file twice (its ids renamed): the effective terms' check, also
    twice, solves each claim once per quote, so verify grows with the properties and not
    with their square; each copy is reported under its own id."""
    for path in sorted((ROOT / "properties").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
        renamed = re.sub(r'(?m)^id = "', 'id = "copy.', text)
        (tmp_path / f"copy-{path.name}").write_text(renamed, encoding="utf-8")
    doubled = {p.id: p for p in load_properties(tmp_path, spec)}
    solved: list[str] = []
    real = effective._check

    def counted(variant: Spec, prop: Property, rlimit: int, encodings: object) -> object:
        solved.append(prop.id)
        return real(variant, prop, rlimit, encodings)  # type: ignore[arg-type]

    monkeypatch.setattr(effective, "_check", counted)
    effective._CHECKED.clear()
    first = run(spec, doubled["precedence.effective-terms-properties"])
    again = run(spec, doubled["copy.precedence.effective-terms-properties"])
    claims = [p.removeprefix("copy.") for p in solved]
    assert claims and len(claims) == len(set(claims))  # each claim solved once, for both
    shown = first.evidence.data["quotes"][0]["properties"]  # type: ignore[attr-defined]
    assert shown["copy.penalty.within-remaining-term-fees"] == "violated"
    assert shown["penalty.within-remaining-term-fees"] == "violated"
    assert again.evidence.data == first.evidence.data  # type: ignore[attr-defined]
