"""What a change to the terms changes for customers: a semantic diff of two models.

For every quantity both versions declare (same name, same type), the two versions are
encoded over the same customer (the new encoding's facts are substituted by the old one's
where both declare them, component by component) and Z3 is asked whether the two values
can differ:

- unsat: the versions agree on that quantity for every scenario in the horizon;
- sat: for each direction of change (more or less yen, a later or earlier date, false
  to true or back), Z3's Optimize finds the largest change and a readable customer who
  gets it. Every such customer is replayed through each version's concrete meaning
  (:func:`termcheck.semantics.case.evaluate`); one it does not reproduce is `divergent`,
  an error, and is never reported as a difference;
- unknown (or Optimize unknown): `inconclusive`, never agreement.

The readings of ambiguous phrases are not customer facts: each version is read with the
reading it adopts, so that a change of the adopted reading shows as a change too. A case
compared is one both versions allow (their relations between facts both hold).

Besides the quantities, the diff names the provisions whose wording changed, the model
elements that changed (and which quantities rest on each), every property whose verdict
changes, and drift between each model and its own text (termcheck.drift).
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import z3

from termcheck.errors import ScenarioError
from termcheck.language.evaluate import EvaluationError, eval_concrete
from termcheck.model.articles import Article, normalize
from termcheck.model.coverage import REVIEW_TABLES, lineage
from termcheck.model.drift import Drift, find_drift
from termcheck.model.spec import Spec
from termcheck.model.vocabulary import Entry
from termcheck.semantics import calendar
from termcheck.semantics.case import Outcome, evaluate
from termcheck.smt import isolation, solving, symcal
from termcheck.smt.compile import SymValue
from termcheck.smt.encoding import SymbolicCase, components, constants, encode, equals, facts_of
from termcheck.verify import pool
from termcheck.verify.cache import (
    EntryStore,
    ResultCache,
    Uncacheable,
    digest_of,
    environment_digest,
)
from termcheck.verify.cache import decode as from_stored
from termcheck.verify.cache import encode as to_stored
from termcheck.verify.properties import Property
from termcheck.verify.results import DEFAULT_RLIMIT, Options, Result, Status
from termcheck.verify.scenario import check_all, mismatches
from termcheck.verify.witness import hints, readable

SIZED = ("yen", "int", "date", "month")
UNDECIDED_STATUSES = (Status.INCONCLUSIVE, Status.DIVERGENT)

Progress = Callable[[str], None]


class Verdict(StrEnum):
    AGREE = "agree"  # proved equal for every scenario
    DIFFER = "differ"  # a customer for whom they differ, replayed in the rules
    INCONCLUSIVE = "inconclusive"  # Z3 or Optimize answered unknown: never agreement
    DIVERGENT = "divergent"  # the rules did not reproduce Z3's customer: an error


class Direction(StrEnum):
    UP = "up"  # more yen, a larger count, a later date, false becoming true
    DOWN = "down"  # less, smaller, earlier, true becoming false
    OTHER = "other"  # a change of a value without an order


@dataclass(frozen=True)
class Witness:
    """A customer, with every figure both versions compute for them (concretely)."""

    facts: dict[str, object]
    old: Outcome
    new: Outcome
    compared: tuple[str, ...]  # the quantities both versions declare

    def differing(self) -> list[str]:
        return [n for n in self.compared if self.old.value(n) != self.new.value(n)]


@dataclass(frozen=True)
class Change:
    """The largest change of a quantity in one direction, and a customer who gets it."""

    direction: Direction
    size: int | None  # yen, a count, months or days; None for a change without a size
    witness: Witness
    # The facts the search was held to (a yen fact at its preferred value); empty: none.
    held: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ElementChange:
    """A model element (a leaf of model.toml) that differs between the versions."""

    path: str  # "quantities.minimum_term_months.formula", "quantities.notice_deadline.adopted"
    section: str
    article: str | None  # the provision the enclosing table cites
    old: object
    new: object


@dataclass
class QuantityDiff:
    quantity: Entry
    verdict: Verdict
    changes: list[Change] = field(default_factory=list)
    never: list[Direction] = field(default_factory=list)  # proved impossible
    elements: list[ElementChange] = field(default_factory=list)  # what it rests on
    inputs: tuple[str, ...] = ()  # the inputs it depends on
    detail: str = ""


@dataclass(frozen=True)
class WordingChange:
    """A provision whose wording differs (or that exists in one version only)."""

    id: str
    heading: str
    title: str
    kind: str  # "changed", "added", "removed"
    old_text: str | None
    new_text: str | None


@dataclass(frozen=True)
class VerdictChange:
    prop: Property
    old: Result
    new: Result


@dataclass
class DiffResult:
    old: Spec
    new: Spec
    wording: list[WordingChange]
    elements: list[ElementChange]
    quantities: list[QuantityDiff]
    only_old: list[str]  # quantities the new version no longer declares
    only_new: list[str]  # quantities the new version adds
    verdicts: list[VerdictChange]
    undecided_properties: list[str]
    drift: dict[str, list[Drift]]
    rlimit: int
    # Why the result cache could not be written (the diff itself is not affected).
    cache_problem: str | None = None

    @property
    def exit_code(self) -> int:
        """3 when anything is undecided or an error (never a verdict then), 1 when the
        versions differ for a customer or a property (or a model drifted from its
        words), 0 when they agree on everything."""
        undecided = (Verdict.INCONCLUSIVE, Verdict.DIVERGENT)
        if any(q.verdict in undecided for q in self.quantities) or self.undecided_properties:
            return 3
        drifted = any(self.drift.values())
        if any(q.verdict is Verdict.DIFFER for q in self.quantities) or self.verdicts or drifted:
            return 1
        return 0


class _Undecided(Exception):
    """Z3 or Optimize answered unknown (or the rlimit ran out)."""


class _Divergent(Exception):
    """The concrete meaning does not reproduce the customer Z3 found."""


# --- The whole diff ------------------------------------------------------------------------


def compared_quantities(old: Spec, new: Spec) -> list[str]:
    """The quantities that depend on a customer's facts in both versions, with the same
    type, in the new one's order. (A constant that changes, such as the minimum term's
    months, is a changed model element; what it changes for customers shows in the
    quantities computed from it.)"""
    before = old.vocabulary.entries
    return [
        e.id
        for e in new.vocabulary.derived
        if e.id in before and before[e.id].kind == "derived" and before[e.id].type == e.type
    ]


def diff(
    old: Spec,
    new: Spec,
    properties: tuple[list[Property], list[Property]] | None = None,
    *,
    rlimit: int = DEFAULT_RLIMIT,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: Path | None = None,
) -> DiffResult:
    """Compare two versions; `properties` are those loaded against each version (the
    same folder), or None to leave property verdicts out. With `jobs` > 1, the
    quantities, then each version's properties, are checked in that many processes;
    the result is the same for every `jobs`. With a `cache` folder, each version's
    property verdicts are reused from it and stored in it as `termcheck verify` does
    (termcheck.verify.cache): a version verify has just checked costs no solving."""
    with solving.steady_collection():
        return _diff(old, new, properties, rlimit, progress, jobs, cache)


def _diff(
    old: Spec,
    new: Spec,
    properties: tuple[list[Property], list[Property]] | None,
    rlimit: int,
    progress: Progress | None,
    jobs: int,
    cache: Path | None,
) -> DiffResult:
    tell = progress or (lambda _step: None)
    solving.seed_globally()
    elements = element_changes(old, new)
    names = compared_quantities(old, new)
    quantities = []
    compare = _QuantityComparison(old, new, rlimit)
    stored = None if cache is None else _ComparisonCache(cache, old, new, rlimit)
    problems: list[str] = []
    for name, compared in zip(names, _compared(compare, names, jobs, stored), strict=True):
        tell(name)
        compared.quantity = new.vocabulary.entries[name]  # the caller's own, not a copy
        if compared.verdict is not Verdict.AGREE:
            compared.elements = _elements_read(old, new, elements, name)
        quantities.append(compared)
    verdicts: list[VerdictChange] = []
    undecided: list[str] = []
    if properties is not None:
        tell("properties")
        verdicts, undecided = verdict_changes(
            check_version(old, properties[0], rlimit, jobs, cache, problems),
            check_version(new, properties[1], rlimit, jobs, cache, problems),
        )
    if stored is not None and stored.problem:
        problems.insert(0, stored.problem)
    props_old, props_new = properties if properties is not None else ([], [])
    return DiffResult(
        old=old,
        new=new,
        wording=wording_changes(old, new),
        elements=elements,
        quantities=quantities,
        only_old=[e.id for e in old.vocabulary.quantities if e.id not in new.vocabulary.entries],
        only_new=[e.id for e in new.vocabulary.quantities if e.id not in old.vocabulary.entries],
        verdicts=verdicts,
        undecided_properties=undecided,
        drift={"old": find_drift(old, props_old), "new": find_drift(new, props_new)},
        rlimit=rlimit,
        cache_problem=problems[0] if problems else None,
    )


# --- Two versions over one customer ---------------------------------------------------------


class _Pair:
    """The two versions as Z3 terms over one customer.

    The new version is encoded with its own facts, which are then substituted by the old
    version's where both declare the fact, component by component: every quantity of
    both versions is a term over the same variables, so a part both versions compute
    alike is the very same term (Z3 shares identical terms) and cancels out. Each version
    is read with the readings it adopts.
    """

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old_spec, self.new_spec = old, new
        self.compared = compared_quantities(old, new)
        self.old = encode(old.vocabulary, "old", {}, eager=True)
        own = encode(new.vocabulary, "new", {}, eager=True)
        before = old.vocabulary.entries
        shared = [
            (mine, theirs)
            for entry in new.vocabulary.facts
            if entry.id in before and before[entry.id].type == entry.type
            for mine, theirs in zip(
                components(own[entry.id]), components(self.old[entry.id]), strict=True
            )
        ]
        self.new = SymbolicCase(
            "new",
            own.readings,
            {name: _substitute(value, shared) for name, value in own.values.items()},
            [_substitute(c, shared) for c in own.domain],
            [_substitute(c, shared) for c in own.relations],
        )
        self.constraints = [*self.old.constraints(), *self.new.constraints()]
        self.constants = [frozenset(constants([c])) for c in self.constraints]
        self.anchor = calendar.parse_date(new.anchor)

    def split(self, terms: list[Any]) -> tuple[list[Any], list[Any]]:
        """(the constraints that bear on `terms`, the rest). The rest constrain facts the
        quantity cannot see, are satisfiable on their own, and are added back before a
        customer is read, so that the customer is complete."""
        wanted = constants(terms)
        taken = [False] * len(self.constraints)
        grew = True
        while grew:
            grew = False
            for index, names in enumerate(self.constants):
                if not taken[index] and names & wanted:
                    taken[index] = True
                    wanted |= names
                    grew = True
        relevant = [c for c, t in zip(self.constraints, taken, strict=True) if t]
        rest = [c for c, t in zip(self.constraints, taken, strict=True) if not t]
        return relevant, rest

    def facts_of(self, name: str) -> tuple[str, ...]:
        """The facts a quantity depends on in either version."""
        found = (
            self.old_spec.vocabulary.entries[name].facts
            | self.new_spec.vocabulary.entries[name].facts
        )
        return tuple(sorted(found))


def _substitute(value: SymValue, pairs: list[tuple[Any, Any]]) -> SymValue:
    if not pairs:
        return value
    if isinstance(value, symcal.SDate):
        year, month, day = (z3.substitute(part, *pairs) for part in components(value))
        return symcal.SDate(year, month, day)
    if isinstance(value, symcal.SMonth):
        return symcal.SMonth(z3.substitute(value.year, *pairs), z3.substitute(value.month, *pairs))
    return z3.substitute(value, *pairs) if z3.is_expr(value) else value


def _size(entry: Entry, old: SymValue, new: SymValue) -> Any:
    """How much larger (later) the new value is: yen, a count, months or days.

    Simplified once, so that a part both versions compute alike (the fees billed, in the
    total charged) cancels before the solver sees it: measured 2x faster on the worked
    example."""
    kind = entry.type.kind
    if kind == "date":
        return z3.simplify(symcal.days_between(old, new))
    if kind == "month":
        return z3.simplify(symcal.months_between(old, new))
    return z3.simplify(new - old)


def _differ(entry: Entry, old: SymValue, new: SymValue) -> Any:
    if entry.type.kind in SIZED:
        return _size(entry, old, new) != 0
    return z3.Not(equals(old, new))


def _directions(entry: Entry, old: SymValue, new: SymValue) -> list[tuple[Direction, Any]]:
    if entry.type.kind in SIZED:
        size = _size(entry, old, new)
        return [(Direction.UP, size > 0), (Direction.DOWN, size < 0)]
    if entry.type.kind == "bool":
        return [
            (Direction.UP, z3.And(z3.Not(old), new)),
            (Direction.DOWN, z3.And(old, z3.Not(new))),
        ]
    return [(Direction.OTHER, z3.Not(equals(old, new)))]


# --- One quantity ------------------------------------------------------------------------------


class _QuantityComparison:
    """Compares one quantity at a time, each from a fresh Z3 context
    (termcheck.smt.isolation): what Z3 settles within the rlimit then depends on that
    quantity alone, not on the terms the ones before it left behind, nor on the process
    that compares it (measured: without it, one diff's witnesses differed between three
    runs). Encoding both versions again costs about 0.05 s a quantity."""

    def __init__(self, old: Spec, new: Spec, rlimit: int) -> None:
        self.old, self.new, self.rlimit = old, new, rlimit

    def __call__(self, name: str) -> QuantityDiff:
        isolation.fresh_context()
        return _compare(_Pair(self.old, self.new), self.new.vocabulary.entries[name], self.rlimit)


def _compared(
    compare: _QuantityComparison, names: list[str], jobs: int, cache: _ComparisonCache | None
) -> Iterator[QuantityDiff]:
    """Each quantity compared, in the order of `names`: from the cache where it holds
    the comparison (replayed), else by Z3 (in `jobs` processes) and then stored."""
    hits = {} if cache is None else {n: found for n in names if (found := cache.load(n))}
    missing = [name for name in names if name not in hits]
    fresh = pool.in_processes(compare, missing, jobs)
    for name in names:
        if name in hits:
            yield hits[name]
            continue
        compared = next(fresh)
        if cache is not None:
            cache.store(compared)
        yield compared
    if cache is not None:
        cache.prune()


class _ComparisonCache(EntryStore):
    """Comparisons of quantities, keyed by termcheck, both versions' files, the rlimit and
    the quantity (termcheck.verify.cache). A hit is replayed as a fresh comparison is:
    each customer evaluated again in both versions from their facts, and the change the
    entry claims (direction, size) shown by the concrete meaning, else `divergent`."""

    def __init__(self, folder: Path, old: Spec, new: Spec, rlimit: int) -> None:
        before, problem = digest_of(old)
        after, problem_new = digest_of(new)
        super().__init__(folder, problem or problem_new)
        self.old, self.new = old, new
        self._common = f"{environment_digest()}\0{before}\0{after}\0{rlimit}\0diff"

    def key(self, name: str) -> str:
        return hashlib.sha256(f"{self._common}\0{name}".encode()).hexdigest()

    def store(self, compared: QuantityDiff) -> None:
        try:
            body = {
                "verdict": compared.verdict.value,
                "never": [d.value for d in compared.never],
                "inputs": list(compared.inputs),
                "detail": compared.detail,
                "changes": [
                    {
                        "direction": c.direction.value,
                        "size": c.size,
                        "held": to_stored(c.held),
                        "old": to_stored(dict(c.witness.old.facts)),
                        "new": to_stored(dict(c.witness.new.facts)),
                        "compared": list(c.witness.compared),
                    }
                    for c in compared.changes
                ],
            }
        except Uncacheable:
            return
        self.write(self.key(compared.quantity.id), body)

    def load(self, name: str) -> QuantityDiff | None:
        body = self.read(self.key(name))
        try:
            found = None if body is None else self._replayed(name, body)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
            found = None  # an entry that is not one: a miss
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _replayed(self, name: str, body: dict[str, Any]) -> QuantityDiff:
        entry = self.new.vocabulary.entries[name]
        result = QuantityDiff(
            entry,
            Verdict(body["verdict"]),
            never=[Direction(d) for d in body["never"]],
            inputs=tuple(body["inputs"]),
            detail=body["detail"],
        )
        try:
            for change in body["changes"]:
                old_facts, new_facts = from_stored(change["old"]), from_stored(change["new"])
                try:
                    witness = Witness(
                        {**old_facts, **new_facts},
                        evaluate(self.old.vocabulary, old_facts),
                        evaluate(self.new.vocabulary, new_facts),
                        tuple(change["compared"]),
                    )
                except ScenarioError as exc:
                    reason = f"the concrete meaning refuses the stored customer: {exc}"
                    raise _Divergent(reason) from None
                direction = Direction(change["direction"])
                _check_replay(entry, witness, direction, change["size"])
                held = from_stored(change["held"])
                result.changes.append(Change(direction, change["size"], witness, held))
        except _Divergent as exc:
            result.verdict = Verdict.DIVERGENT
            result.detail = str(exc)
            result.changes = []
        return result


def _compare(pair: _Pair, entry: Entry, rlimit: int) -> QuantityDiff:
    result = QuantityDiff(entry, Verdict.AGREE, inputs=pair.facts_of(entry.id))
    old, new = pair.old[entry.id], pair.new[entry.id]
    relevant, rest = pair.split([*components(old), *components(new)])
    try:
        if not _satisfiable([*relevant, _differ(entry, old, new)], rlimit):
            return result
        result.verdict = Verdict.DIFFER
        for direction, condition in _directions(entry, old, new):
            if not _satisfiable([*relevant, condition], rlimit):
                result.never.append(direction)
                continue
            result.changes += _largest_changes(
                pair, entry, direction, [*relevant, condition], rest, rlimit
            )
    except _Undecided as exc:
        result.verdict = Verdict.INCONCLUSIVE
        result.detail = str(exc)
        result.changes = []
    except _Divergent as exc:
        result.verdict = Verdict.DIVERGENT
        result.detail = str(exc)
        result.changes = []
    return result


def _held_facts(pair: _Pair) -> list[tuple[str, Any, object]]:
    """The yen facts with a preferred value: a yen difference is also searched with each
    held there, since over every fee the largest difference is only the fee's bound
    times a count."""
    v = pair.old_spec.vocabulary
    held: list[tuple[str, Any, object]] = []
    for entry in v.facts:
        prefer = v.prefer.get(entry.id)
        if entry.type.kind == "yen" and prefer is not None:
            value = _constant(pair.old_spec, prefer.expr)
            if isinstance(value, int):
                held.append((entry.id, pair.old[entry.id], value))
    return held


def _constant(spec: Spec, expr: Any) -> object:
    try:
        return eval_concrete(expr, spec.vocabulary.constants.__getitem__, spec.vocabulary.context())
    except (EvaluationError, KeyError):
        return None


def _largest_changes(
    pair: _Pair,
    entry: Entry,
    direction: Direction,
    changed: list[Any],
    rest: list[Any],
    rlimit: int,
) -> list[Change]:
    """The largest change in `direction` (`changed`: it happens), with its customer."""
    old, new = pair.old[entry.id], pair.new[entry.id]
    if entry.type.kind not in SIZED:
        witness = _witness(pair, changed, rest, rlimit)
        _check_replay(entry, witness, direction, None)
        return [Change(direction, None, witness)]
    size = _size(entry, old, new) * (1 if direction is Direction.UP else -1)
    holds: list[dict[str, object]] = [{}]
    if entry.type.kind == "yen":
        holds = [{name: value for name, _, value in _held_facts(pair)}, {}]
        if not holds[0]:
            holds = [{}]
    changes = []
    for held in holds:
        fixed = [pair.old[name] == value for name, value in held.items()]
        largest = _maximize([*changed, *fixed], size, rlimit)
        if largest is None:  # no change in this direction with these facts held
            continue
        witness = _witness(pair, [*changed, *fixed, size == largest], rest, rlimit)
        _check_replay(entry, witness, direction, largest)
        changes.append(Change(direction, largest, witness, held))
    return changes


def _satisfiable(constraints: list[Any], rlimit: int) -> bool:
    s = solving.solver(rlimit)
    s.add(*constraints)
    answer = s.check()
    if answer == z3.unknown:
        raise _Undecided(f"Z3 answered unknown: {s.reason_unknown()}")
    return bool(answer == z3.sat)


def _maximize(constraints: list[Any], objective: Any, rlimit: int) -> int | None:
    """The largest value of `objective` under `constraints` (None: unsatisfiable). The
    horizon and the facts' bounds keep it finite; an unbounded answer is an error."""
    optimizer = solving.optimizer(rlimit)
    optimizer.add(*constraints)
    handle = optimizer.maximize(objective)
    answer = optimizer.check()
    if answer == z3.unsat:
        return None
    if answer != z3.sat:
        raise _Undecided(f"Optimize answered unknown: {optimizer.reason_unknown()}")
    upper = optimizer.upper(handle)
    if not z3.is_int_value(upper):
        raise _Undecided(f"Optimize found no largest value (upper bound {upper})")
    reached = optimizer.model().eval(objective, model_completion=True)
    if not z3.is_int_value(reached) or reached.as_long() != upper.as_long():
        raise _Undecided(f"Optimize did not reach its bound {upper}")
    return int(upper.as_long())


# --- Readable customers -----------------------------------------------------------------------


def _witness(pair: _Pair, constraints: list[Any], rest: list[Any], rlimit: int) -> Witness:
    """A customer meeting `constraints`, steered toward one a reviewer can picture by the
    new version's preferences (termcheck.verify.witness), then every fact fixed, so that
    the customer does not depend on the solver's internal state."""
    s = solving.solver(rlimit)
    s.add(*constraints, *rest)
    cases = {"": pair.old}
    nothing: dict[str, frozenset[str]] = {"": frozenset()}
    # The version under review speaks first: its preferences (a notice on its deadline),
    # then the old version's.
    first = list(hints(pair.new_spec, {"": pair.new}, nothing, nothing, pair.anchor))
    try:
        model = readable(s, pair.old_spec, cases, nothing, nothing, pair.anchor, first)
    except RuntimeError as exc:
        raise _Undecided(f"the customer could not be settled: {exc}") from None
    old_facts = facts_of(pair.old, model, pair.old_spec.vocabulary)
    new_facts = facts_of(pair.new, model, pair.new_spec.vocabulary)
    try:
        witness = Witness(
            {**old_facts, **new_facts},
            evaluate(pair.old_spec.vocabulary, old_facts),
            evaluate(pair.new_spec.vocabulary, new_facts),
            tuple(pair.compared),
        )
    except ScenarioError as exc:
        raise _Divergent(f"the concrete meaning refuses the solver's customer: {exc}") from None
    disagreements = mismatches(pair.old_spec, "old", pair.old, model, witness.old)
    disagreements += mismatches(pair.new_spec, "new", pair.new, model, witness.new)
    if disagreements:
        raise _Divergent("Z3 and the concrete meaning disagree: " + "; ".join(disagreements))
    return witness


def _check_replay(entry: Entry, witness: Witness, direction: Direction, size: int | None) -> None:
    """The concrete meaning must show the change Z3 claims, in its direction and size."""
    old = witness.old.value(entry.id)
    new = witness.new.value(entry.id)
    if old == new:
        raise _Divergent(f"the concrete meaning gives {entry.id} = {old} in both versions")
    if size is None or entry.type.kind not in SIZED:
        if entry.type.kind == "bool" and (new is True) != (direction is Direction.UP):
            raise _Divergent(f"the concrete meaning changes {entry.id} from {old} to {new}")
        return
    measured = concrete_size(entry, old, new) * (1 if direction is Direction.UP else -1)
    if measured != size:
        raise _Divergent(
            f"the concrete meaning changes {entry.id} by {measured}, Z3 by {size} ({old} → {new})"
        )


def concrete_size(entry: Entry, old: Any, new: Any) -> int:
    """How much larger (later) `new` is than `old`, concretely."""
    if entry.type.kind == "date":
        return calendar.days_between(old, new)
    if entry.type.kind == "month":
        return calendar.months_between(old, new)
    return int(new - old)


# --- Model elements -------------------------------------------------------------------------


def element_changes(old: Spec, new: Spec) -> list[ElementChange]:
    """Every leaf of model.toml whose value differs, in the order of the old model (then
    the new one's additions). The review tables (fingerprints, not_modelled) are not part
    of the reading and are left out."""
    before = {path: (value, article) for path, value, article in _leaves(old)}
    after = {path: (value, article) for path, value, article in _leaves(new)}
    changes = []
    for path in [*before, *(p for p in after if p not in before)]:
        old_value, old_article = before.get(path, (None, None))
        new_value, new_article = after.get(path, (None, None))
        if old_value != new_value:
            section = path.split(".")[0].split("[")[0]
            changes.append(
                ElementChange(path, section, new_article or old_article, old_value, new_value)
            )
    return changes


def _leaves(spec: Spec) -> list[tuple[str, object, str | None]]:
    data = spec.document.model_dump(mode="json")
    for table in REVIEW_TABLES:
        data.pop(table, None)
    return list(_walk(data, "", None))


def _walk(node: object, path: str, article: str | None) -> Iterator[tuple[str, object, str | None]]:
    if isinstance(node, dict):
        cited = node.get("article")
        here = cited if isinstance(cited, str) else article
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else key, here)
    elif isinstance(node, list) and node and all(_has_id(item) for item in node):
        # Tables in an array are named by their id, so that inserting one does not
        # make every later one look changed.
        for item in node:
            assert isinstance(item, dict)
            yield from _walk(item, f"{path}[{item['id']}]", article)
    else:
        yield path, node, article


def _has_id(item: object) -> bool:
    return isinstance(item, dict) and isinstance(item.get("id"), str)


def _elements_read(
    old: Spec, new: Spec, elements: list[ElementChange], name: str
) -> list[ElementChange]:
    """The changed elements a quantity is computed from: the formulas of it and of every
    quantity it names (however indirectly), the facts it depends on, and what every case
    rests on (the relations between facts, the enumerations)."""
    reached: set[str] = set()
    for spec in (old, new):
        pending = [name]
        entries = spec.vocabulary.entries
        while pending:
            current = pending.pop()
            if current in reached or current not in entries:
                continue
            reached.add(current)
            pending += list(entries[current].uses)
    prefixes = {f"quantities.{n}" for n in reached} | {f"facts[{n}]" for n in reached}
    every_case = ("relations", "enums")
    return [
        e
        for e in elements
        if e.section in every_case
        or any(e.path == p or e.path.startswith((f"{p}.", f"{p}[")) for p in prefixes)
    ]


# --- Wording ---------------------------------------------------------------------------------


def wording_changes(old: Spec, new: Spec) -> list[WordingChange]:
    """The provisions whose wording differs, innermost only: when 第N条第M項 changed, so
    did 第N条, and saying so again would only repeat it."""
    before = {a.id: a for a in old.articles}
    after = {a.id: a for a in new.articles}
    changes = [
        _wording(before.get(a.id), a)
        for a in new.articles
        if a.id not in before or before[a.id].fingerprint != a.fingerprint
    ]
    changes += [_wording(a, None) for a in old.articles if a.id not in after]
    changed = {c.id for c in changes}
    return [c for c in changes if not any(c.id in lineage(o)[1:] for o in changed)]


def _wording(before: Article | None, after: Article | None) -> WordingChange:
    shown = after or before
    assert shown is not None
    kind = "added" if before is None else "removed" if after is None else "changed"
    return WordingChange(
        shown.id,
        shown.heading,
        shown.title,
        kind,
        before.text if before else None,
        after.text if after else None,
    )


Segment = tuple[str, str, str]  # (operation, old text, new text)


def wording_hunks(old_text: str, new_text: str, context: int = 12) -> list[list[Segment]]:
    """The changed places of two wordings, with a little text either side, compared
    without whitespace (as fingerprints are: PDF spacing is not wording)."""
    a, b = normalize(old_text), normalize(new_text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        hunk = [(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in group]
        hunks.append(hunk)
    return hunks


# --- Property verdicts -----------------------------------------------------------------------


def check_version(
    spec: Spec,
    properties: list[Property],
    rlimit: int,
    jobs: int = 1,
    cache: Path | None = None,
    problems: list[str] | None = None,
) -> list[Result]:
    """Every property of one version, as `termcheck verify` checks it (and with the
    same entries in a cache folder; why it could not be written goes to `problems`)."""
    from termcheck.checks import REGISTRY  # the checks register on import

    options = Options(rlimit=rlimit)
    stored = None if cache is None else ResultCache(cache, spec, options, properties)
    results = list(check_all(spec, properties, options, REGISTRY, jobs=jobs, cache=stored))
    if stored is not None and stored.problem and problems is not None:
        problems.append(stored.problem)
    return results


def verdict_changes(
    before: list[Result], after: list[Result]
) -> tuple[list[VerdictChange], list[str]]:
    """The properties whose verdict (status, or whether it met its expectation) differs,
    and those that are undecided in either version (inconclusive or divergent), which
    can be neither."""
    then_by_id = {r.prop.id: r for r in before}
    changes: list[VerdictChange] = []
    undecided: list[str] = []
    for now in after:
        then = then_by_id.get(now.prop.id)
        if then is None:
            continue
        if then.status in UNDECIDED_STATUSES or now.status in UNDECIDED_STATUSES:
            undecided.append(now.prop.id)
        elif (then.status, then.met) != (now.status, now.met):
            changes.append(VerdictChange(now.prop, then, now))
    return changes, undecided
