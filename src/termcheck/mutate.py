"""Mutation adequacy: which changes to model.toml would every property let through?

A mutant is the model with one element changed: a number one up or one down, a flag
flipped, an enumeration switched to another of its values, a ground added to or removed
from the penalty's trigger set, another reading adopted. The catalogue is generated from
the structure of the model document (its pydantic types), section by section and entry
by entry, in document order, so a field added to model.toml is mutated without anyone
listing it. Review records (fingerprints, not_modelled), the terms' identity and the
names and citations of elements are not mutated.

Each mutant is verified as `termcheck verify` would verify it; it is *killed* when some
property no longer meets its expectation. A mutant that *survives* every property is
either a harmless change, whose catalogue entry says `why`, or a property missing from
properties/. Fail closed: a survivor without a `why`, a mutant no property could decide
(inconclusive, vacuous) and a mutant the checker crashes on all fail the run.

Speed: the unmutated model is verified once, property by property, on a copy of the
document that records which sections each property reads (:func:`baseline`). A mutant
of a section is then checked only against the properties that read it: a deterministic
check that never read a section gives the same result whatever the section holds. The
properties about the mutated provision run first, and the first one broken ends the
mutant's run. One process; the encodings are rebuilt for every mutant.
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum, StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from termcheck.check import Options, Result, Status, check_all
from termcheck.errors import InputError, TermcheckError
from termcheck.properties import Property
from termcheck.spec import ModelDocument, PenaltyBasis, Spec, check_document

# Why a surviving mutant is not a defect, by the field it changes: each of these fields
# records something the scenarios do not compute with, so no property can notice it.
# A survivor of any other field is a property missing from properties/.
WHY_BY_FIELD: dict[str, str] = {
    "penalty.overridable_by": (
        "records that a quote or application form may set its own penalty (第9条第2項"
        "ただし書); the scenarios compute the penalty of these terms, which is the same "
        "whether or not a quote may replace it"
    ),
    "notice.form": (
        "the form of the notice (当社所定の書面) decides whether a notice counts at all, "
        "not when it is due; the scenarios take a notice that counts and ask whether it "
        "arrived in time"
    ),
    "notice.effective": (
        "the scenarios' notice date is the day the notice takes effect (到達日 under "
        "民法第97条); whether that is its arrival or its dispatch is what the model records "
        "for reviewers, and no quantity is computed from the other day"
    ),
}


class Verdict(StrEnum):
    KILLED = "killed"  # some property no longer meets its expectation
    SURVIVED = "survived"  # every property still meets its expectation
    UNDECIDED = "undecided"  # no property unmet, but one inconclusive or vacuous
    REJECTED = "rejected"  # the model's own validation refuses the mutant
    CRASHED = "crashed"  # verifying the mutant raised: a defect of the checker


@dataclass(frozen=True)
class Mutation:
    """One change to the model document: `path` is the field, `value` its new value."""

    id: str
    path: tuple[str | int, ...]
    value: object
    description: str
    # Other fields the change needs to stay a valid model (a fixed penalty needs months).
    companions: tuple[tuple[tuple[str | int, ...], object], ...] = ()

    @property
    def field(self) -> str:
        """The field's name without list positions: "penalty.grounds", "readings.adopted"."""
        return ".".join(str(part) for part in self.path if isinstance(part, str))

    @property
    def why(self) -> str | None:
        return WHY_BY_FIELD.get(self.field)


@dataclass(frozen=True)
class MutantResult:
    mutation: Mutation
    verdict: Verdict
    killed_by: str | None = None  # the first property that no longer met its expectation
    detail: str = ""

    @property
    def explained(self) -> bool:
        """Killed, refused by validation, or a survivor whose change is not a defect."""
        if self.verdict is Verdict.SURVIVED:
            return self.mutation.why is not None
        return self.verdict not in (Verdict.UNDECIDED, Verdict.CRASHED)


# --- The catalogue ----------------------------------------------------------------------


# Parts of the document that are not a reading of the terms: who issued them, the review
# records, and the names and citations of elements (load_spec checks every citation).
NOT_MUTATED_SECTIONS = frozenset({"terms", "fingerprints", "not_modelled"})
NOT_MUTATED_FIELDS = frozenset({"id", "article", "articles", "ja", "en"})


def mutable_sections() -> list[str]:
    """The sections of model.toml the catalogue mutates, in document order."""
    return [
        info.alias or name
        for name, info in ModelDocument.model_fields.items()
        if name not in NOT_MUTATED_SECTIONS
    ]


def catalogue(spec: Spec) -> list[Mutation]:
    """Every mutation of `spec`'s model, in document order."""
    data = spec.document.model_dump(mode="json", by_alias=True)
    found: list[Mutation] = []
    for name, info in ModelDocument.model_fields.items():
        if name in NOT_MUTATED_SECTIONS:
            continue
        if name == "readings":
            found += _reading_mutations(data)
            continue
        key = info.alias or name
        found += _mutations((key,), (key,), info.annotation, getattr(spec.document, name), data)
    return found


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
    yield from _scalar_mutations(path, ".".join(label), annotation, value, data)


def _entry_name(item: BaseModel) -> str:
    """How an entry of a list of tables is named in a mutant's id: its id or event."""
    for key in ("id", "event"):
        value = getattr(item, key, None)
        if value is not None:
            return str(value.value if isinstance(value, Enum) else value)
    return "?"


def _scalar_mutations(
    path: tuple[str | int, ...], label: str, annotation: Any, value: object, data: dict[str, Any]
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
                yield Mutation(
                    f"{label}={choice}",
                    path,
                    choice,
                    f"{label}: {current} → {choice}",
                    _companions(path, choice, data),
                )
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


def _companions(
    path: tuple[str | int, ...], choice: str, data: dict[str, Any]
) -> tuple[tuple[tuple[str | int, ...], object], ...]:
    # A penalty of a fixed number of months needs that number: the whole minimum term,
    # the fixed penalty a drafter would write for "the remaining fees". Going back to the
    # remaining-term basis drops it.
    if path == ("penalty", "basis"):
        if choice == PenaltyBasis.FIXED_MONTHS.value:
            return ((("penalty", "months"), data["minimum_term"]["months"]),)
        return ((("penalty", "months"), None),)
    return ()


def _reading_mutations(data: dict[str, Any]) -> Iterator[Mutation]:
    for index, reading in enumerate(data["readings"]):
        for option in reading["options"]:
            if option["id"] != reading["adopted"]:
                yield Mutation(
                    f"readings.{reading['id']}.adopted={option['id']}",
                    ("readings", index, "adopted"),
                    option["id"],
                    f"{reading['id']}: adopt {option['id']} instead of {reading['adopted']}",
                )


# --- Applying and judging a mutation ----------------------------------------------------


def apply(spec: Spec, mutation: Mutation) -> Spec:
    """`spec` with the mutation applied and validated as `load_spec` validates a model;
    raises ValidationError or InputError."""
    data = copy.deepcopy(spec.document.model_dump(mode="json", by_alias=True))
    for path, value in ((mutation.path, mutation.value), *mutation.companions):
        _assign(data, path, value)
    document = ModelDocument.model_validate(data)
    check_document(spec.source, document, list(spec.articles))
    return replace(spec, document=document)


def _assign(data: Any, path: tuple[str | int, ...], value: object) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


# --- Which sections each property reads ---------------------------------------------------

EVERY_SECTION = "*"


@dataclass(frozen=True)
class Baseline:
    """The unmutated model verified property by property: which sections of the document
    each property read, and the properties it did not meet (there should be none)."""

    reads: dict[str, frozenset[str]]
    unmet: tuple[str, ...]

    def observers(self, properties: list[Property], mutation: Mutation) -> list[Property]:
        """The properties that can see the mutated section.

        A check is deterministic: one that never read a section on the original model
        follows the same path, and gives the same result, whatever that section holds.
        So it need not run on a mutant of that section.
        """
        section = str(mutation.path[0])
        return [
            p
            for p in properties
            if {section, EVERY_SECTION} & self.reads.get(p.id, {EVERY_SECTION})
        ]


def baseline(spec: Spec, properties: list[Property], rlimit: int) -> Baseline:
    """Verify the model once per property (no encodings shared, so that every property
    builds, and is seen to read, what it needs), recording the sections it reads."""
    reads: dict[str, frozenset[str]] = {}
    unmet: list[str] = []
    for prop in properties:
        seen: set[str] = set()
        recording = replace(spec, document=_recording(spec.document, seen))
        for result in check_all(recording, [prop], Options(rlimit=rlimit)):
            if not result.met:
                unmet.append(prop.id)
        reads[prop.id] = frozenset(seen)
    return Baseline(reads, tuple(unmet))


def _recording(document: ModelDocument, seen: set[str]) -> ModelDocument:
    """A copy of `document` that notes in `seen` every section read from it.

    Reading a section by name notes that section; anything that may read the document
    whole (model_dump, iteration, comparison, hashing) notes every section.
    """
    sections = frozenset(ModelDocument.model_fields)

    class Recording(type(document)):  # type: ignore[misc]
        def __getattribute__(self, name: str) -> Any:
            if name in sections:
                seen.add(name)
            elif not name.startswith("_"):
                seen.add(EVERY_SECTION)
            return super().__getattribute__(name)

        def __iter__(self) -> Any:
            seen.add(EVERY_SECTION)
            return super().__iter__()

        def __eq__(self, other: object) -> bool:
            seen.add(EVERY_SECTION)
            return bool(super().__eq__(other))

        def __hash__(self) -> int:
            seen.add(EVERY_SECTION)
            return hash(id(self))

    values = {name: document.__dict__[name] for name in sections}
    copied: ModelDocument = Recording.model_construct(**values)
    return copied


# --- Judging a mutant ----------------------------------------------------------------------


def judge(
    spec: Spec,
    properties: list[Property],
    mutation: Mutation,
    rlimit: int,
    known: Baseline | None = None,
) -> MutantResult:
    """Verify the mutant against the properties that can see it (all of them without a
    baseline); stop at the first property it breaks."""
    try:
        mutant = apply(spec, mutation)
    except ValidationError as exc:
        return MutantResult(mutation, Verdict.REJECTED, detail=_first_error(exc))
    except InputError as exc:
        return MutantResult(mutation, Verdict.REJECTED, detail=str(exc))
    undecided: list[Result] = []
    watching = known.observers(properties, mutation) if known else properties
    ordered = _about_first(watching, _article_of(spec, mutation))
    checks = check_all(mutant, ordered, Options(rlimit=rlimit))
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
        if result.status in (Status.INCONCLUSIVE, Status.VACUOUS):
            undecided.append(result)
        elif not result.met:
            detail = f"{result.status.value}, expected {result.prop.expect}"
            return MutantResult(mutation, Verdict.KILLED, result.prop.id, detail)
    if undecided:
        names = ", ".join(f"{r.prop.id} ({r.status.value})" for r in undecided)
        return MutantResult(mutation, Verdict.UNDECIDED, detail=names)
    return MutantResult(mutation, Verdict.SURVIVED)


def _article_of(spec: Spec, mutation: Mutation) -> str | None:
    """The provision the mutated element reads (each section and reading cites one)."""
    owner: Any = spec.document
    for part in mutation.path[:2]:
        owner = owner[part] if isinstance(part, int) else getattr(owner, part, None)
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


def run(
    spec: Spec, properties: list[Property], rlimit: int, sections: frozenset[str] | None = None
) -> Iterator[MutantResult]:
    """Judge every mutation of the catalogue (of `sections` only, if given), in order."""
    known = baseline(spec, properties, rlimit)
    if known.unmet:
        raise BaselineUnmet(", ".join(known.unmet))
    for mutation in catalogue(spec):
        if sections is None or mutation.path[0] in sections:
            yield judge(spec, properties, mutation, rlimit, known)


def exit_code(results: list[MutantResult]) -> int:
    """0 when every survivor is explained and every mutant decided, 1 otherwise."""
    return 0 if all(result.explained for result in results) else 1


def summary(results: list[MutantResult]) -> dict[str, int]:
    counts = {verdict.value: 0 for verdict in Verdict}
    for result in results:
        counts[result.verdict.value] += 1
    counts["mutants"] = len(results)
    counts["unexplained"] = sum(1 for result in results if not result.explained)
    return counts


def to_document(results: list[MutantResult]) -> dict[str, Any]:
    """The JSON form of a run: every mutant, the counts and the exit code."""
    return {
        "exit_code": exit_code(results),
        "summary": summary(results),
        "mutants": [
            {
                "id": r.mutation.id,
                "field": r.mutation.field,
                "description": r.mutation.description,
                "verdict": r.verdict.value,
                "killed_by": r.killed_by,
                "why": r.mutation.why if r.verdict is Verdict.SURVIVED else None,
                "explained": r.explained,
                "detail": r.detail or None,
            }
            for r in results
        ],
    }


__all__ = [
    "WHY_BY_FIELD",
    "Baseline",
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
    "run",
    "summary",
    "to_document",
]
