"""Mutation adequacy: which changes to model.toml would every property let through?

A mutant is the model with one element changed. The catalogue has two parts, both
generated from the model, never listed by hand:

- the formulas (every quantity's formula and reading, every relation between facts, every
  guard, fact binding and choice of the lifecycle) get the slips of
  :mod:`termcheck.analyses.formula_mutations`: a number one up or down, a comparison made
  strict or loose, a branch swapped, a term dropped, a value added to or dropped from a
  set; and every quantity with readings adopts each of its other readings;
- the structure (documents, precedence, substitution, lifecycle, price list) gets, from
  its pydantic types, a number one up or down, a flag flipped, an enumeration switched to
  another of its values.

Each mutant is verified as `termcheck verify` would verify it; it is *killed* when some
property no longer meets its expectation. A mutant that *survives* every property is
either an equivalent change, which model.toml's [[equivalent_mutants]] explains with an
argument, or a property missing from properties/. Fail closed: a survivor without an
explanation, a mutant no property could decide (inconclusive, vacuous) and a mutant the
checker crashes on all fail the run.

Speed: a mutant of a quantity is checked only against the scenario properties that
depend on it (the vocabulary knows what each property reaches) and the built-in checks;
a mutant of the structure only against the built-in checks. The properties about the
mutated provision run first, and the first one broken ends the mutant's run.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from termcheck.analyses.formula_mutations import mutations as formula_mutations
from termcheck.errors import InputError, TermcheckError
from termcheck.model.schema import ModelDocument
from termcheck.model.spec import Spec
from termcheck.verify import pool
from termcheck.verify.properties import Property
from termcheck.verify.registry import Registry
from termcheck.verify.results import Options, Result, Status
from termcheck.verify.scenario import check_all


class Verdict(StrEnum):
    KILLED = "killed"  # some property no longer meets its expectation
    SURVIVED = "survived"  # every property still meets its expectation
    UNDECIDED = "undecided"  # no property unmet, but one inconclusive
    REJECTED = "rejected"  # the model's own validation refuses the mutant
    CRASHED = "crashed"  # verifying the mutant raised: a defect of the checker


@dataclass(frozen=True)
class Mutation:
    """One change to the model document: `path` is the field, `value` its new value.
    `quantity` names the quantity a formula mutation changes (None for the structure
    and for what every case rests on, such as a relation)."""

    id: str
    path: tuple[str | int, ...]
    value: object
    description: str
    quantity: str | None = None
    why: str | None = None  # the model's argument that the change is equivalent

    @property
    def field(self) -> str:
        """The field's name without list positions: "quantities.penalty.formula"."""
        return ".".join(str(part) for part in self.path if isinstance(part, str))

    @property
    def section(self) -> str:
        return str(self.path[0])


@dataclass(frozen=True)
class MutantResult:
    mutation: Mutation
    verdict: Verdict
    killed_by: str | None = None  # the first property that no longer met its expectation
    detail: str = ""

    @property
    def explained(self) -> bool:
        """Killed, refused by validation, or a survivor the model argues is equivalent."""
        if self.verdict is Verdict.SURVIVED:
            return self.mutation.why is not None
        return self.verdict not in (Verdict.UNDECIDED, Verdict.CRASHED)


# --- The catalogue ----------------------------------------------------------------------

# Parts of the document that are not a reading of the terms: who issued them, the review
# records, how counterexamples are told, and the names and citations of elements.
NOT_MUTATED_SECTIONS = frozenset(
    {
        "terms",
        "fingerprints",
        "not_modelled",
        "equivalent_mutants",
        "witness",
        "report",
        "implementation",
        "calendar",
        "enums",
        "facts",
    }
)
NOT_MUTATED_FIELDS = frozenset({"id", "article", "articles", "ja", "en", "phrase", "topic"})
FORMULA_SECTIONS = ("quantities", "relations")


def mutable_sections() -> list[str]:
    """The sections of model.toml the catalogue mutates, in document order."""
    return [
        info.alias or name
        for name, info in ModelDocument.model_fields.items()
        if name not in NOT_MUTATED_SECTIONS
    ]


def catalogue(spec: Spec) -> list[Mutation]:
    """Every mutation of `spec`'s model, in document order, each with the model's
    argument if it declares the change equivalent."""
    why = {entry.mutant: entry.why for entry in spec.document.equivalent_mutants}
    found = _unique_ids([*_formula_catalogue(spec), *_structure_catalogue(spec)])
    return [
        Mutation(m.id, m.path, m.value, m.description, m.quantity, why.get(m.id)) for m in found
    ]


def planned(spec: Spec, sections: frozenset[str] | None = None) -> list[Mutation]:
    """The mutations a run judges: the catalogue's, of `sections` only if given."""
    return [m for m in catalogue(spec) if sections is None or m.section in sections]


def _unique_ids(found: list[Mutation]) -> list[Mutation]:
    # An id names one mutant in the report, in [[equivalent_mutants]] and in a count: two
    # changes that read alike (the same slip in two entries named alike) get a number
    # in document order, so that neither hides the other.
    total: dict[str, int] = {}
    for mutation in found:
        total[mutation.id] = total.get(mutation.id, 0) + 1
    seen: dict[str, int] = {}
    unique: list[Mutation] = []
    for mutation in found:
        if total[mutation.id] == 1:
            unique.append(mutation)
            continue
        seen[mutation.id] = seen.get(mutation.id, 0) + 1
        unique.append(dataclasses.replace(mutation, id=f"{mutation.id} (#{seen[mutation.id]})"))
    return unique


def stale_explanations(spec: Spec) -> list[str]:
    """The [[equivalent_mutants]] entries that name no mutant of the catalogue: the
    formula they argue about was edited (a mutant's id carries its position), so the
    argument may no longer hold and must be reviewed."""
    known = {m.id for m in catalogue(spec)}
    return sorted(e.mutant for e in spec.document.equivalent_mutants if e.mutant not in known)


def _formula_catalogue(spec: Spec) -> Iterator[Mutation]:
    v = spec.vocabulary
    doc = spec.document
    for name, quantity in doc.quantities.items():
        entry = v.entries[name]
        for reading, tree in entry.formulas.items():
            path: tuple[str | int, ...] = (
                ("quantities", name, "formula")
                if not reading
                else ("quantities", name, "readings", reading, "formula")
            )
            label = f"quantities.{name}" + (f"[{reading}]" if reading else "")
            for change in formula_mutations(tree, v.enums):
                yield Mutation(
                    f"{label}: {change.description}", path, change.text, change.description, name
                )
        if quantity.readings is not None:
            for option in quantity.readings:
                if option != quantity.adopted:
                    yield Mutation(
                        f"quantities.{name}: adopt {option}",
                        ("quantities", name, "adopted"),
                        option,
                        f"adopt {option} instead of {quantity.adopted}",
                        name,
                    )
    for index, (relation_id, relation) in enumerate(v.relations):
        for change in formula_mutations(relation.expr, v.enums):
            yield Mutation(
                f"relations[{relation_id}]: {change.description}",
                ("relations", index, "formula"),
                change.text,
                change.description,
            )
    yield from _lifecycle_formulas(spec)


def _lifecycle_formulas(spec: Spec) -> Iterator[Mutation]:
    lifecycle = spec.document.lifecycle
    if lifecycle is None:
        return
    from termcheck.checks.lifecycle import machine

    m = machine(spec)
    assert m is not None
    enums = spec.vocabulary.enums
    for index, guard in enumerate(lifecycle.guards):
        for change in formula_mutations(m.guards[guard.id], enums):
            yield Mutation(
                f"lifecycle.guards[{guard.id}]: {change.description}",
                ("lifecycle", "guards", index, "formula"),
                change.text,
                change.description,
            )


def _structure_catalogue(spec: Spec) -> Iterator[Mutation]:
    data = spec.document.model_dump(mode="json", by_alias=True)
    for name, info in ModelDocument.model_fields.items():
        if name in NOT_MUTATED_SECTIONS or name in FORMULA_SECTIONS:
            continue
        key = info.alias or name
        yield from _mutations((key,), (key,), info.annotation, getattr(spec.document, name), data)


def _mutations(
    path: tuple[str | int, ...],
    label: tuple[str, ...],
    annotation: Any,
    value: object,
    data: dict[str, Any],
) -> Iterator[Mutation]:
    """The mutations of one value of the document: a table field by field, a list of
    tables entry by entry, a scalar or a list of enumeration values as itself."""
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            if name not in NOT_MUTATED_FIELDS:
                key = info.alias or name
                field_value = getattr(value, name)
                yield from _mutations(
                    (*path, key), (*label, key), info.annotation, field_value, data
                )
        return
    if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        names = [_entry_name(item) for item in value]
        for index, item in enumerate(value):
            name = names[index] if names.count(names[index]) == 1 else str(index)
            entry = (*label[:-1], f"{label[-1]}[{name}]")
            yield from _mutations((*path, index), entry, type(item), item, data)
        return
    yield from _scalar_mutations(path, ".".join(label), annotation, value)


def _entry_name(item: BaseModel) -> str:
    """How an entry of a list of tables is named in a mutant's id: its id or event."""
    for key in ("id", "event"):
        value = getattr(item, key, None)
        if value is not None:
            return str(value.value if isinstance(value, Enum) else value)
    return "?"


def _scalar_mutations(
    path: tuple[str | int, ...], label: str, annotation: Any, value: object
) -> Iterator[Mutation]:
    if isinstance(value, bool):
        yield Mutation(f"{label}={str(not value).lower()}", path, not value, f"{label} flipped")
        return
    if isinstance(value, int):
        for step in (-1, 1):
            yield Mutation(f"{label}={value + step}", path, value + step, f"{label} {step:+d}")
        return
    choices = _choices(annotation)
    if choices and not isinstance(value, list) and value is not None:
        current = value.value if isinstance(value, Enum) else value
        for choice in choices:
            if choice != current:
                yield Mutation(f"{label}={choice}", path, choice, f"{label}: {current} → {choice}")
        return
    members = _list_members(annotation)
    if members and isinstance(value, list):
        present = [m.value if isinstance(m, Enum) else m for m in value]
        for member in members:
            if member in present:
                kept = [m for m in present if m != member]
                yield Mutation(f"{label}-{member}", path, kept, f"{label} without {member}")
            else:
                yield Mutation(
                    f"{label}+{member}", path, [*present, member], f"{label} with {member}"
                )


def _choices(annotation: Any) -> list[str]:
    """The values a scalar field may take, if it is an enumeration or a Literal (also
    when optional)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _choices(options[0]) if len(options) == 1 else []
    if typing.get_origin(annotation) is typing.Annotated:
        return _choices(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if typing.get_origin(annotation) is typing.Literal:
        return [str(arg) for arg in typing.get_args(annotation)]
    return []


def _list_members(annotation: Any) -> list[str]:
    """The values an item of a list-of-enumeration field may take."""
    if typing.get_origin(annotation) is not list:
        return []
    (item,) = typing.get_args(annotation)
    if typing.get_origin(item) is typing.Annotated:
        item = typing.get_args(item)[0]
    return _choices(item)


# --- Applying and judging a mutation ----------------------------------------------------


def apply(spec: Spec, mutation: Mutation) -> Spec:
    """`spec` with the mutation applied and validated as `load_spec` validates a model
    (its formulas parsed and type-checked too); raises ValidationError or InputError."""
    data = copy.deepcopy(spec.document.model_dump(mode="json", by_alias=True, exclude_none=True))
    _assign(data, mutation.path, mutation.value)
    document = ModelDocument.model_validate(data)
    mutant = spec.with_document(document)
    if mutant.document.lifecycle is not None:
        from termcheck.checks.lifecycle import machine

        machine(mutant)  # its formulas are checked when the machine is built
    return mutant


def _assign(data: Any, path: tuple[str | int, ...], value: object) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


# --- Which properties can see a mutant ---------------------------------------------------


def reached(spec: Spec, prop: Property) -> frozenset[str]:
    """The quantities a scenario property depends on, however indirectly."""
    entries = spec.vocabulary.entries
    found: set[str] = set()
    pending = [name.rpartition(".")[2] for name in prop.names]
    while pending:
        name = pending.pop()
        if name in found or name not in entries:
            continue
        found.add(name)
        pending += list(entries[name].uses)
    return frozenset(found)


def observers(spec: Spec, properties: list[Property], mutation: Mutation) -> list[Property]:
    """The properties that can see the mutated element: a check that never reads an
    element gives the same result whatever it holds, so it need not run on its mutant.
    Built-in checks may read any part of the model (a quote's effective terms, the
    lifecycle's guards), so they always run."""
    if mutation.section not in FORMULA_SECTIONS:
        return [p for p in properties if p.kind != "scenario"]
    if mutation.quantity is None:  # a relation: every case rests on it
        return list(properties)
    return [p for p in properties if p.kind != "scenario" or mutation.quantity in reached(spec, p)]


# --- Judging a mutant ----------------------------------------------------------------------


def judge(
    spec: Spec,
    properties: list[Property],
    mutation: Mutation,
    rlimit: int,
    registry: Registry,
) -> MutantResult:
    """Verify the mutant against the properties that can see it; stop at the first
    property it breaks."""
    try:
        mutant = apply(spec, mutation)
    except ValidationError as exc:
        return MutantResult(mutation, Verdict.REJECTED, detail=_first_error(exc))
    except InputError as exc:
        return MutantResult(mutation, Verdict.REJECTED, detail=str(exc))
    undecided: list[Result] = []
    watching = observers(spec, properties, mutation)
    ordered = _about_first(watching, _article_of(spec, mutation))
    # The implementation follows the unmutated terms: it would "kill" every mutant.
    options = Options(rlimit=rlimit, implementation=False, readable=False)
    try:
        reloaded = _reload(mutant, ordered, registry)
    except InputError as exc:
        return MutantResult(mutation, Verdict.REJECTED, detail=str(exc))
    checks = check_all(mutant, reloaded, options, registry)
    while True:
        try:
            result = next(checks)
        except StopIteration:
            break
        except TermcheckError as exc:  # the checker finds the mutant malformed
            return MutantResult(mutation, Verdict.REJECTED, detail=str(exc))
        except Exception as exc:  # a valid model the checker cannot handle: its defect
            detail = f"{type(exc).__name__}: {exc}"
            return MutantResult(mutation, Verdict.CRASHED, None, detail)
        if result.status is Status.INCONCLUSIVE:
            undecided.append(result)
        elif result.status is Status.VACUOUS:
            # The unmutated model's properties all meet their expectation (mutate starts
            # from a passing verify), so none was vacuous: the mutant took away every case
            # the assumption asks about (a relation one day stricter), which is noticed.
            detail = "vacuous: the mutant leaves no case its assumption asks about"
            return MutantResult(mutation, Verdict.KILLED, result.prop.id, detail)
        elif not result.met:
            detail = f"{result.status.value}, expected {result.prop.expect}"
            return MutantResult(mutation, Verdict.KILLED, result.prop.id, detail)
    if undecided:
        names = ", ".join(f"{r.prop.id} ({r.status.value})" for r in undecided)
        return MutantResult(mutation, Verdict.UNDECIDED, detail=names)
    return MutantResult(mutation, Verdict.SURVIVED)


def _reload(mutant: Spec, properties: list[Property], registry: Registry) -> list[Property]:
    """The properties type-checked against the mutant: a constant the mutant changes may
    stand where the language needs a number known before solving."""
    from pathlib import Path

    from termcheck.verify.properties import load_property_file

    by_file: dict[str, list[Property]] = {}
    for path in sorted({p.path for p in properties}):
        by_file[path] = load_property_file(Path(path), mutant, registry)
    wanted = {p.id for p in properties}
    fresh = {p.id: p for loaded in by_file.values() for p in loaded if p.id in wanted}
    return [fresh[p.id] for p in properties]


def _article_of(spec: Spec, mutation: Mutation) -> str | None:
    """The provision the mutated element reads."""
    if mutation.quantity is not None:
        return spec.vocabulary.entries[mutation.quantity].article
    owner: Any = spec.document
    for part in mutation.path[:3]:
        if isinstance(owner, list) and isinstance(part, int):
            owner = owner[part]
        elif isinstance(owner, dict):
            owner = owner.get(part)
        else:
            owner = getattr(owner, str(part), None)
        article = getattr(owner, "article", None)
        if isinstance(article, str):
            return article
    return None


def _about_first(properties: list[Property], article: str | None) -> list[Property]:
    # Properties about the changed provision kill most mutants; asking them first makes
    # a killed mutant cost a few proofs instead of the whole run. The order changes
    # nothing else: a survivor still faces every property.
    about = [p for p in properties if article in p.articles]
    return about + [p for p in properties if article not in p.articles]


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"


class BaselineUnmet(Exception):
    """The unmutated model does not meet every property: mutants would be killed by
    what is already broken. Make `termcheck verify` pass first."""


def baseline(
    spec: Spec, properties: list[Property], rlimit: int, registry: Registry, jobs: int = 1
) -> list[str]:
    """The properties the unmutated model does not meet (there should be none)."""
    options = Options(rlimit=rlimit, implementation=False, readable=False)
    checked = check_all(spec, properties, options, registry, jobs=jobs)
    return [r.prop.id for r in checked if not r.met]


def run(
    spec: Spec,
    properties: list[Property],
    rlimit: int,
    registry: Registry,
    sections: frozenset[str] | None = None,
    jobs: int = 1,
) -> Iterator[MutantResult]:
    """Judge every mutation of the catalogue (of `sections` only, if given), in order;
    `jobs` mutants at once, each in a process of its own (the verdicts are the same)."""
    unmet = baseline(spec, properties, rlimit, registry, jobs)
    if unmet:
        raise BaselineUnmet(", ".join(unmet))

    def judged(mutation: Mutation) -> MutantResult:
        return judge(spec, properties, mutation, rlimit, registry)

    yield from pool.in_processes(judged, planned(spec, sections), jobs)


def exit_code(results: list[MutantResult]) -> int:
    """0 when every survivor is explained and every mutant decided, 1 otherwise."""
    return 0 if all(result.explained for result in results) else 1


def summary(results: list[MutantResult]) -> dict[str, int]:
    """The counts of a run. The verdicts partition the mutants (each counted once, so
    they add up to `mutants`); `explained` and `unexplained` partition the survivors;
    `failing` counts the mutants that fail the run: the unexplained survivors, the
    undecided and the crashed."""
    counts = {verdict.value: 0 for verdict in Verdict}
    for result in results:
        counts[result.verdict.value] += 1
    counts["mutants"] = len(results)
    survivors = [r for r in results if r.verdict is Verdict.SURVIVED]
    counts["unexplained"] = sum(1 for r in survivors if not r.explained)
    counts["explained"] = len(survivors) - counts["unexplained"]
    counts["failing"] = sum(1 for r in results if not r.explained)
    return counts


def to_document(results: list[MutantResult], stale: list[str] | None = None) -> dict[str, Any]:
    """The JSON form of a run: every mutant, the stale explanations, the counts and the
    exit code."""
    return {
        "exit_code": 1 if stale else exit_code(results),
        "stale_explanations": stale or [],
        "summary": summary(results),
        "mutants": [
            {
                "id": r.mutation.id,
                "field": r.mutation.field,
                "description": r.mutation.description,
                "verdict": r.verdict.value,
                "killed_by": r.killed_by,
                "why": r.mutation.why if r.verdict is Verdict.SURVIVED else None,
                "quantity": r.mutation.quantity,
                "explained": r.explained,
                "detail": r.detail or None,
            }
            for r in results
        ],
    }


__all__ = [
    "BaselineUnmet",
    "MutantResult",
    "Mutation",
    "Verdict",
    "apply",
    "baseline",
    "catalogue",
    "exit_code",
    "judge",
    "mutable_sections",
    "observers",
    "planned",
    "run",
    "summary",
    "to_document",
]
