"""What the built-in checks of documents, lifecycle and price list share.

Each such check builds its own Z3 problem from model.toml, but all of them use the
solvers of :mod:`termcheck.smt.solving` (fixed seeds, an `rlimit`, the time spent in
`check` counted) and end in a :class:`~termcheck.verify.results.Result` the same way: a
violation the executable side did not reproduce is `divergent`, never a pass; Z3's
`unknown` is `inconclusive` with its reason.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import z3

from termcheck.errors import InputError
from termcheck.model.spec import Spec
from termcheck.report.present import Lang
from termcheck.smt import solving
from termcheck.smt.solving import TimedSolver
from termcheck.verify.properties import Property
from termcheck.verify.results import Evidence, Result, Status, z3_reason_ja


class Undecided(Exception):
    """Z3 answered `unknown` (or ran out of its resource limit): the check cannot decide.
    `reason` is in English, `reason_ja` in Japanese (by default, Z3's reason quoted)."""

    def __init__(self, reason: str, reason_ja: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.reason_ja = reason_ja or z3_reason_ja(reason)


@dataclass
class Run:
    """One built-in check in progress: its property, its solver and its clock."""

    spec: Spec
    prop: Property
    rlimit: int
    solver: TimedSolver = field(init=False)
    started: float = field(init=False, default_factory=time.perf_counter)
    work: int = field(init=False, default_factory=solving.work_done)
    others: list[TimedSolver] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.solver = solving.solver(self.rlimit)

    def fresh_solver(self) -> TimedSolver:
        """Another solver with the same seed and limit; its time is counted on finish."""
        fresh = solving.solver(self.rlimit)
        self.others.append(fresh)
        return fresh

    def sat(self, *assumptions: Any, solver: TimedSolver | None = None) -> bool:
        """Is the problem satisfiable (under `assumptions`)? `unknown` raises Undecided."""
        chosen = solver or self.solver
        answer = chosen.check(*assumptions)
        if answer == z3.unknown:
            raise Undecided(chosen.reason_unknown())
        return bool(answer == z3.sat)

    def finish(
        self,
        status: Status,
        *,
        evidence: Evidence | None = None,
        replayed: bool | None = None,
        detail: str = "",
        detail_ja: str = "",
    ) -> Result:
        """The result: a violation the executable side did not reproduce is divergent.
        `detail` says in English what was found, `detail_ja` in Japanese."""
        if status is Status.VIOLATED and replayed is not True:
            status = Status.DIVERGENT
            if not detail:
                detail = "the executable side does not reproduce the counterexample"
                detail_ja = "実行可能な側が反例を再現しない"
        result = Result(self.prop, {}, status, evidence=evidence, replayed=replayed)
        result.tell(detail, detail_ja)
        result.seconds = time.perf_counter() - self.started
        result.solver_seconds = self.solver.seconds + sum(other.seconds for other in self.others)
        result.work = solving.work_done() - self.work
        return result

    def undecided(self, reason: str | Undecided, reason_ja: str = "") -> Result:
        """Inconclusive, for `reason` (English; `reason_ja` Japanese, by default Z3's
        reason quoted), or for what an Undecided says."""
        if isinstance(reason, Undecided):
            return self.finish(
                Status.INCONCLUSIVE, detail=reason.reason, detail_ja=reason.reason_ja
            )
        return self.finish(
            Status.INCONCLUSIVE, detail=reason, detail_ja=reason_ja or z3_reason_ja(reason)
        )

    def missing(self, section: str) -> InputError:
        """A property of a part of the model that this model does not have."""
        return self.spec.source.error(
            (section,),
            f"{self.prop.id} ({self.prop.path}:{self.prop.line}) needs [{section}] "
            "in model.toml; add it or remove the property",
        )

    def heading(self, article_id: str) -> str:
        """The way a reader of the terms names a provision (its heading in the text)."""
        return self.spec.heading(article_id)


def evidence(
    data: dict[str, Any],
    ja: list[str],
    en: list[str],
    events: tuple[tuple[date, str, str], ...] = (),
) -> Evidence:
    return Evidence(data=data, story={"ja": ja, "en": en}, events=events)


def by_lang(ja: str, en: str, lang: Lang) -> str:
    return ja if lang == "ja" else en
