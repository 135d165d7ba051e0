"""What checking a property ends in: a status, and the evidence for it.

A property ends as `proved`, `violated` (with a counterexample the model's concrete
meaning and the implementation replay), `inconclusive` (Z3 said unknown, or ran out of
its resource limit), `vacuous` (its assumption cannot be met) or `divergent` (the
counterexample did not replay: an error in the model or the implementation). Only a
proof meets `holds`, and only a replayed counterexample meets `finding`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from termcheck.semantics.case import Outcome

if TYPE_CHECKING:
    from termcheck.verify.properties import Property

DEFAULT_RLIMIT = 50_000_000
SEED = 0


class Status(StrEnum):
    PROVED = "proved"
    VIOLATED = "violated"
    INCONCLUSIVE = "inconclusive"
    VACUOUS = "vacuous"
    DIVERGENT = "divergent"


UNDECIDED = (Status.INCONCLUSIVE, Status.VACUOUS)


@dataclass(frozen=True)
class Counterexample:
    """The cases of a refutation, each with every value the model computes for it."""

    outcomes: dict[str, Outcome]  # by case name; "" for a property about one case


@dataclass(frozen=True)
class Evidence:
    """A counterexample or witness that is not a set of cases: a trace of a contract, a
    conflict between documents, an acceptable application.

    `data` is what JSON carries; `story` the lines people read, by language; `events`
    the dated events a timeline shows (date, Japanese label, English label).
    """

    data: dict[str, Any]
    story: dict[str, list[str]]
    events: tuple[tuple[date, str, str], ...] = ()


@dataclass
class Result:
    prop: Property
    readings: dict[str, str]  # reading-bearing quantity -> the reading it was fixed to
    status: Status
    counterexample: Counterexample | None = None
    evidence: Evidence | None = None
    replayed: bool | None = None
    detail: str = ""  # what the check found or how it proved it, in English
    detail_ja: str = ""  # the same in Japanese
    seconds: float = 0.0
    solver_seconds: float = 0.0
    work: int = 0
    other_readings: list[Result] = field(default_factory=list)

    @property
    def met(self) -> bool:
        """Did the property end as expected? `holds` wants a proof; `finding` wants a
        replayed counterexample (a finding that no longer shows does not meet it)."""
        if self.prop.expect == "holds":
            return self.status is Status.PROVED
        return self.status is Status.VIOLATED and self.replayed is True

    def tell(self, en: str, ja: str) -> None:
        """Set the detail in both languages."""
        self.detail, self.detail_ja = en, ja

    def detail_in(self, lang: str) -> str:
        """The detail in `lang` (English where no Japanese was given)."""
        return (self.detail_ja or self.detail) if lang == "ja" else self.detail

    @property
    def reading_dependent(self) -> bool:
        return any(other.status is not self.status for other in self.other_readings)


# Z3's reasons for `unknown`, in Japanese; any other reason is quoted as Z3 gives it.
_Z3_REASONS_JA = {
    "max. resource limit exceeded": "資源の上限（rlimit）に達した",
    "timeout": "時間切れ",
    "canceled": "中断された",
    "interrupted from keyboard": "中断された",
}


def z3_reason_ja(reason: str) -> str:
    """Why Z3 answered `unknown`, for a Japanese reader."""
    known = _Z3_REASONS_JA.get(reason.strip())
    if not known and not reason.strip():
        return "Z3が判定できなかった"
    return f"Z3が判定できなかった（{known}）" if known else f"Z3が判定できなかった（`{reason}`）"


@dataclass(frozen=True)
class Options:
    rlimit: int = DEFAULT_RLIMIT
    readings: dict[str, str] = field(default_factory=dict)  # overrides of the adopted ones
    all_readings: bool = False
    # Replay counterexamples through the model's implementation too (off for mutants,
    # which the implementation of the unmutated terms cannot follow).
    implementation: bool = True
    # Make a counterexample readable (termcheck.verify.witness), or replay Z3's own model
    # (off for mutants: only the verdict counts there, and the search for a readable
    # witness on a mutant's non-linear terms ran a minute per solver call, which Z3's
    # rlimit does not bound).
    readable: bool = True


def exit_code(results: list[Result]) -> int:
    """The CI contract: 0 all met, 1 one unmet, 3 inconclusive or vacuous (and none unmet)."""
    if any(not r.met and r.status not in UNDECIDED for r in results):
        return 1
    if any(r.status in UNDECIDED for r in results):
        return 3
    return 0
