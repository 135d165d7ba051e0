"""A substitution table: how an incorporated document (a carrier's terms) is read.

Each row replaces every occurrence of its `original` by its `substitute`, scanning left
to right without overlaps (Python's ``str.replace``, :func:`apply_row`). Two questions
about the table, for every text and not only the samples of model.toml:

- order: applying the rows in any order gives the same text;
- idempotence: applying the table twice gives what applying it once gives.

How they are decided: by overlap analysis, a decision procedure argued below, and not
by Z3. Measured on Z3 5.4: ``str.replace_all`` makes the solver give up at once
("incomplete (theory seq)") on both questions, even for texts of bounded length, and
nested first-occurrence ``str.replace`` exhausts its resource limit.

Two nonempty words x and y *interfere* when one is a factor of the other, or a nonempty
proper suffix of one is a prefix of the other: exactly when some text has an occurrence
of x and an occurrence of y that share a character.

Lemma (greedy matching). After replacing every occurrence of p by a nonempty r, every
occurrence of p in the result shares a character with an inserted r. (Otherwise it lies
in text the scan left alone and overlaps no match it chose; the scan, resuming after the
last match before it, would have matched it or something overlapping it.)

Claim 1 (order). If the originals pairwise do not interfere, no original interferes with
the substitute of another row, and no substitute is empty, then any two rows commute.
The occurrences of p_j after applying row i are then exactly those of the text itself
(they cannot touch an inserted r_i, and p_i matches never touch p_j occurrences), at the
same places relative to the untouched text, so both orders replace the same matches.

Claim 2 (idempotence). If moreover no original interferes with any substitute (its own
row's included), the result of the table holds no original at all (by the lemma, one
would touch an inserted substitute), so a second application changes nothing.

When a condition fails the procedure does not guess: it tries the texts built from the
interfering words (each word, each two words joined or overlapped) and reports one that
shows the difference, replayed with ``str.replace``; if none does, the check is
inconclusive, never a pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import permutations, product

from termcheck.checks._registry import REGISTRY
from termcheck.checks.structural import Run, evidence
from termcheck.model.schema import SubstitutionRow
from termcheck.model.spec import Spec
from termcheck.verify.properties import Property
from termcheck.verify.results import Evidence, Result, Status


@dataclass(frozen=True)
class Rule:
    original: str
    substitute: str
    article: str


def rules(rows: Sequence[SubstitutionRow]) -> tuple[Rule, ...]:
    return tuple(Rule(r.original, r.substitute, r.article) for r in rows)


# --- The executable side: applying the table ------------------------------------------------


def apply_row(text: str, rule: Rule) -> str:
    return text.replace(rule.original, rule.substitute)


def apply_table(text: str, table: Sequence[Rule]) -> str:
    """The rows in the order given, each to the text the previous one produced."""
    for rule in table:
        text = apply_row(text, rule)
    return text


def order_differs(text: str, table: Sequence[Rule]) -> tuple[str, str] | None:
    """Two orders of the rows that read `text` differently, as their results."""
    results = {apply_table(text, order) for order in permutations(table)}
    if len(results) > 1:
        first, second = sorted(results)[:2]
        return first, second
    return None


def twice_differs(text: str, table: Sequence[Rule]) -> bool:
    once = apply_table(text, table)
    return apply_table(once, table) != once


# --- The decision procedure -----------------------------------------------------------------


def overlaps(x: str, y: str) -> list[int]:
    """The lengths k of the nonempty proper suffixes of x that are prefixes of y."""
    return [k for k in range(1, min(len(x), len(y))) if x.endswith(y[:k])]


def interfere(x: str, y: str) -> bool:
    """Can an occurrence of x and one of y share a character in some text?"""
    return x in y or y in x or bool(overlaps(x, y)) or bool(overlaps(y, x))


@dataclass(frozen=True)
class Conflict:
    """A pair of words whose interference the claims exclude: `what` says which."""

    what: str  # "original/original", "original/substitute", "empty substitute"
    first: str
    second: str


def order_conflicts(table: Sequence[Rule]) -> list[Conflict]:
    """The conditions of claim 1 that fail."""
    found = [Conflict("empty substitute", r.original, "") for r in table if not r.substitute]
    for i, j in permutations(range(len(table)), 2):
        a, b = table[i], table[j]
        if i < j and interfere(a.original, b.original):
            found.append(Conflict("original/original", a.original, b.original))
        if b.substitute and interfere(a.original, b.substitute):
            found.append(Conflict("original/substitute", a.original, b.substitute))
    return found


def idempotence_conflicts(table: Sequence[Rule]) -> list[Conflict]:
    """The conditions of claim 2 that fail (claim 1's included)."""
    own = [
        Conflict("original/substitute", r.original, r.substitute)
        for r in table
        if r.substitute and interfere(r.original, r.substitute)
    ]
    return own + order_conflicts(table)


def candidates(table: Sequence[Rule], extra: Sequence[str] = ()) -> Iterator[str]:
    """Texts where interfering words meet: each word, each two joined or overlapped."""
    words = sorted({w for r in table for w in (r.original, r.substitute) if w}, key=len)
    yield from words
    for x, y in product(words, repeat=2):
        for k in overlaps(x, y):
            yield x + y[k:]
        yield x + y
    yield from extra


# --- Built-in checks ------------------------------------------------------------------------


def _table(run: Run) -> tuple[tuple[Rule, ...], list[str]]:
    table = run.spec.document.substitution
    if table is None:
        raise run.missing("substitution")
    return rules(table.rows), list(table.samples)


@REGISTRY.register("precedence", "substitution-order-independent")
def check_order_independent(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Applied in any order, the rows of the table give the same text (claim 1)."""
    run = Run(spec, prop, rlimit)
    table, samples = _table(run)
    conflicts = order_conflicts(table)
    if not conflicts:
        return run.finish(
            Status.PROVED,
            evidence=_samples_evidence(
                run, table, samples, "どの順序で適用しても同じ文になる", "every order reads alike"
            ),
            detail=f"decided by overlap analysis for every text ({len(table)} rows)",
            detail_ja=f"語の重なりの分析により、どの文についても決定（{len(table)}行）",
        )
    for text in candidates(table, samples):
        if order_differs(text, table) is not None:
            return run.finish(
                Status.VIOLATED,
                evidence=_witness_evidence(run, table, text, samples, conflicts, "order"),
                replayed=order_differs(text, table) is not None,
                detail="the rows do not commute",
                detail_ja="行の適用順で結果が変わる",
            )
    return run.undecided(*_undecided(conflicts))


@REGISTRY.register("precedence", "substitution-idempotent")
def check_idempotent(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Applying the table to its own result changes nothing (claim 2)."""
    run = Run(spec, prop, rlimit)
    table, samples = _table(run)
    conflicts = idempotence_conflicts(table)
    if not conflicts:
        return run.finish(
            Status.PROVED,
            evidence=_samples_evidence(
                run,
                table,
                samples,
                "二度適用しても変わらない",
                "a second application changes nothing",
            ),
            detail=f"decided by overlap analysis for every text ({len(table)} rows)",
            detail_ja=f"語の重なりの分析により、どの文についても決定（{len(table)}行）",
        )
    for text in candidates(table, samples):
        if twice_differs(text, table):
            return run.finish(
                Status.VIOLATED,
                evidence=_witness_evidence(run, table, text, samples, conflicts, "twice"),
                replayed=twice_differs(text, table),
                detail="applying the table twice changes the text",
                detail_ja="表を二度適用すると文が変わる",
            )
    return run.undecided(*_undecided(conflicts))


def _undecided(conflicts: list[Conflict]) -> tuple[str, str]:
    """Why overlap analysis could not decide (en, ja)."""
    pairs = "; ".join(f"{c.what}: {c.first!r} / {c.second!r}" for c in conflicts)
    pairs_ja = "、".join(f"「{c.first}」と「{c.second}」" for c in conflicts)
    return (
        f"overlap analysis cannot decide ({pairs}) and no text tried shows a difference",
        f"語の重なりの分析では決まらず（{pairs_ja}）、試したどの文にも違いが出ない",
    )


# --- Evidence -------------------------------------------------------------------------------


def _sample_rows(table: Sequence[Rule], samples: Sequence[str]) -> list[dict[str, object]]:
    rows = []
    for text in samples:
        once = apply_table(text, table)
        rows.append(
            {
                "text": text,
                "once": once,
                "twice": apply_table(once, table),
                "every_order_agrees": order_differs(text, table) is None,
            }
        )
    return rows


def _conflicts_json(conflicts: list[Conflict]) -> list[dict[str, str]]:
    return [{"what": c.what, "first": c.first, "second": c.second} for c in conflicts]


def _samples_evidence(
    run: Run, table: Sequence[Rule], samples: Sequence[str], claim_ja: str, claim_en: str
) -> Evidence:
    rows = _sample_rows(table, samples)
    data = {
        "procedure": "overlap analysis (termcheck.substitution)",
        "rows": [_rule_json(r) for r in table],
        "interfering": [],
        "samples": rows,
    }
    where = _where(run, table)
    ja = [f"読替え表（{where}）の語はどの二つも重なり得ない: {claim_ja}"]
    en = [f"no two words of the substitution table ({where}) can overlap: {claim_en}"]
    for row in rows:
        ja.append(f"  「{row['text']}」→「{row['once']}」")
        en.append(f"  {_q(row['text'])} → {_q(row['once'])}")
    return evidence(data, ja, en)


def _witness_evidence(
    run: Run,
    table: Sequence[Rule],
    text: str,
    samples: Sequence[str],
    conflicts: list[Conflict],
    question: str,
) -> Evidence:
    once = apply_table(text, table)
    twice = apply_table(once, table)
    orders = order_differs(text, table)
    data = {
        "procedure": "overlap analysis (termcheck.substitution)",
        "rows": [_rule_json(r) for r in table],
        "interfering": _conflicts_json(conflicts),
        "text": text,
        "once": once,
        "twice": twice,
        "orders": list(orders) if orders else None,
        "samples": _sample_rows(table, samples),
    }
    where = _where(run, table)
    if question == "twice":
        ja = [
            f"読替え表（{where}）を二度適用すると結果が変わる:",
            f"  原文:   「{text}」",
            f"  1回目: 「{once}」",
            f"  2回目: 「{twice}」",
        ]
        en = [
            f"applying the substitution table ({where}) twice changes the text:",
            f"  text:   {_q(text)}",
            f"  once:   {_q(once)}",
            f"  twice:  {_q(twice)}",
        ]
    else:
        assert orders is not None
        ja = [
            f"読替え表（{where}）の行の適用順で結果が変わる: 「{text}」",
            *(f"  「{result}」" for result in orders),
        ]
        en = [
            f"the order of the rows ({where}) changes the reading of {_q(text)}:",
            *(f"  {_q(result)}" for result in orders),
        ]
    for c in conflicts:
        ja.append(f"  重なる語: 「{c.first}」と「{c.second}」")
        en.append(f"  overlapping words: {_q(c.first)} and {_q(c.second)}")
    changed = [row for row in _sample_rows(table, samples) if row["twice"] != row["once"] != text]
    for row in changed:
        ja.append(f"  例: 「{row['text']}」→「{row['once']}」→「{row['twice']}」")
        en.append(f"  sample: {_q(row['text'])} → {_q(row['once'])} → {_q(row['twice'])}")
    return evidence(data, ja, en)


def _q(text: object) -> str:
    """An English quotation of a Japanese text."""
    return f"\u201c{text}\u201d"


def _rule_json(rule: Rule) -> dict[str, str]:
    return {"original": rule.original, "substitute": rule.substitute, "article": rule.article}


def _where(run: Run, table: Sequence[Rule]) -> str:
    return "、".join(dict.fromkeys(run.heading(r.article) for r in table))
