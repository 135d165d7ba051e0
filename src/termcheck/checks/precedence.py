"""The documents of a contract and which of them prevails.

model.toml lists the documents (`[[documents]]`), the topics they can set (`[[topics]]`)
and the rows of the prevail relation (`[[prevails]]`), each with its article. A document
with parts stands for each of its parts, so the rows are first expanded to the documents
that speak. The relation is then built twice from the same rows:

- executably (:func:`prevails`, :func:`governing`, :func:`cycle`): graph search, what a
  person does with the terms' order of precedence in hand;
- in Z3 (:class:`Encoding`): documents and topics as integer codes, the relation as a
  formula over them, its transitive closure unrolled over the (few) documents, so every
  check is quantifier-free and decided.

The built-in checks of kind "precedence" ask Z3 for a violation; one it finds is
replayed on the executable side before it is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import Any, Literal, TypedDict

import z3

from termcheck.checks._registry import REGISTRY
from termcheck.checks.structural import Run, Undecided, evidence
from termcheck.model.schema import EVERY_TOPIC, DocumentInfo
from termcheck.model.spec import Spec
from termcheck.verify.properties import Property
from termcheck.verify.results import Result, Status

GroupKind = Literal["same-rank", "parts"]


@dataclass(frozen=True)
class Row:
    """`over` prevails over `under` on `topics`, by `article` ([[prevails]] entry `index`)."""

    over: str
    under: str
    topics: frozenset[str]
    article: str
    index: int


@dataclass(frozen=True)
class Group:
    """A document with parts: its speaking members and how they stand."""

    id: str
    kind: GroupKind
    members: frozenset[str]
    article: str


@dataclass(frozen=True)
class Precedence:
    """The relation of one model, expanded to the documents that speak."""

    documents: tuple[str, ...]  # documents that can set some topic, in model order
    topics: tuple[str, ...]
    speaks: dict[str, frozenset[str]]
    rows: tuple[Row, ...]
    groups: tuple[Group, ...]
    names: dict[str, tuple[str, str]]  # document or topic id -> (ja, en)
    articles: dict[str, str]  # document id -> its article

    def name(self, item: str, lang: str) -> str:
        ja, en = self.names[item]
        return ja if lang == "ja" else en

    @cached_property
    def _edges(self) -> dict[str, dict[str, list[str]]]:
        by_topic: dict[str, dict[str, list[str]]] = {t: {} for t in self.topics}
        for row in self.rows:
            for topic in row.topics:
                by_topic[topic].setdefault(row.over, []).append(row.under)
        return by_topic

    def successors(self, document: str, topic: str) -> list[str]:
        return self._edges[topic].get(document, [])

    def common_group(self, a: str, b: str) -> Group | None:
        """The innermost document with parts that holds both `a` and `b`."""
        holding = [g for g in self.groups if a in g.members and b in g.members]
        return min(holding, key=lambda g: len(g.members), default=None)


def from_spec(spec: Spec) -> Precedence:
    doc = spec.document
    topics = tuple(t.id for t in doc.topics)
    speaking = {
        d.id: frozenset(topics if d.speaks_to == EVERY_TOPIC else d.speaks_to)
        for d in doc.documents
    }
    documents = tuple(d for d in speaking if speaking[d])
    names = {d.id: (d.ja, d.en) for d in doc.documents} | {t.id: (t.ja, t.en) for t in doc.topics}
    rows = tuple(
        Row(over, under, frozenset(topics if p.topics == EVERY_TOPIC else p.topics), p.article, i)
        for i, p in enumerate(doc.prevails)
        for over in _members(doc.documents, p.over, speaking)
        for under in _members(doc.documents, p.under, speaking)
    )
    groups = tuple(
        Group(d.id, d.parts, frozenset(_members(doc.documents, d.id, speaking)), d.article)
        for d in doc.documents
        if d.parts is not None
    )
    return Precedence(
        documents,
        topics,
        {d: speaking[d] for d in documents},
        rows,
        groups,
        names,
        {d.id: d.article for d in doc.documents},
    )


def _members(
    documents: list[DocumentInfo], root: str, speaking: dict[str, frozenset[str]]
) -> list[str]:
    """`root` and its parts, at any depth, that can set some topic; in model order."""
    inside = {root}
    grew = True
    while grew:  # parts may be listed before their document
        added = {d.id for d in documents if d.part_of in inside} - inside
        inside |= added
        grew = bool(added)
    return [d.id for d in documents if d.id in inside and speaking[d.id]]


# --- The executable side ------------------------------------------------------------------


def prevails(p: Precedence, a: str, b: str, topic: str) -> bool:
    """Does `a` prevail over `b` on `topic`, directly or through other documents?"""
    seen: set[str] = set()
    frontier = [a]
    while frontier:
        current = frontier.pop()
        for nxt in p.successors(current, topic):
            if nxt == b:
                return True
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def chain(p: Precedence, a: str, b: str, topic: str) -> list[Row]:
    """The rows of a shortest chain by which `a` prevails over `b` on `topic` ([]: none)."""
    came_by: dict[str, Row] = {}
    frontier = [a]
    while frontier:
        current = frontier.pop(0)
        for row in p.rows:
            if row.over != current or topic not in row.topics or row.under in came_by:
                continue
            came_by[row.under] = row
            if row.under == b:
                rows = [row]
                while rows[-1].over != a:
                    rows.append(came_by[rows[-1].over])
                return list(reversed(rows))
            frontier.append(row.under)
    return []


def ordered(p: Precedence, a: str, b: str, topic: str) -> bool:
    return prevails(p, a, b, topic) or prevails(p, b, a, topic)


def governing(p: Precedence, topic: str, present: Iterable[str]) -> list[str]:
    """The documents among `present` that set `topic` and that no other one present
    overrides: exactly one when the terms settle which governs."""
    speakers = [d for d in present if topic in p.speaks.get(d, frozenset())]
    return [
        d
        for d in speakers
        if not any(prevails(p, other, d, topic) for other in speakers if other != d)
    ]


def cycle(p: Precedence, topic: str) -> list[str] | None:
    """Some documents d0, d1, …, d0 each prevailing over the next on `topic`, if any."""
    for start in p.documents:
        found = _back_to(p, start, topic)
        if found is not None:
            return found
    return None


def _back_to(p: Precedence, start: str, topic: str) -> list[str] | None:
    """A shortest path of rows from `start` back to itself (breadth first)."""
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        current = frontier.pop(0)
        for nxt in p.successors(current, topic):
            if nxt == start:
                chain = [current]
                while chain[-1] != start:
                    chain.append(parents[chain[-1]])
                return [*reversed(chain), start]
            if nxt not in parents:
                parents[nxt] = current
                frontier.append(nxt)
    return None


def unordered(p: Precedence, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Each (a, b, topic) of `pairs` where both set the topic and neither prevails."""
    return [
        (a, b, topic)
        for a, b in pairs
        for topic in p.topics
        if topic in p.speaks[a] and topic in p.speaks[b] and not ordered(p, a, b, topic)
    ]


def ungoverned(p: Precedence, topic: str) -> list[str] | None:
    """A smallest set of documents setting `topic` of which not exactly one governs."""
    speakers = [d for d in p.documents if topic in p.speaks[d]]
    for size in range(1, len(speakers) + 1):
        for chosen in combinations(speakers, size):
            if len(governing(p, topic, chosen)) != 1:
                return list(chosen)
    return None


def row_holds(p: Precedence, row: int, a: str, b: str, topic: str) -> bool:
    chosen = p.rows[row]
    return chosen.over == a and chosen.under == b and topic in chosen.topics


# --- In Z3 ------------------------------------------------------------------------------------


class Encoding:
    """The relation as formulas over integer codes (model order) of documents and of the
    one topic variable `t` a check asks about."""

    def __init__(self, p: Precedence) -> None:
        self.p = p
        self.code = {d: i for i, d in enumerate(p.documents)}
        self.topic_code = {x: i for i, x in enumerate(p.topics)}
        self.t = z3.Int("t")
        self.t_domain = z3.And(self.t >= 0, self.t < len(p.topics))
        self._on: dict[frozenset[str], Any] = {}
        self._closures: dict[str, dict[str, Any]] = {}

    def document(self, name: str) -> tuple[Any, Any]:
        """A fresh document variable and its domain."""
        var = z3.Int(name)
        return var, z3.And(var >= 0, var < len(self.p.documents))

    def on(self, topics: frozenset[str]) -> Any:
        """`t` is one of `topics`."""
        if topics not in self._on:
            if len(topics) == len(self.p.topics):
                self._on[topics] = z3.BoolVal(True)
            else:
                self._on[topics] = z3.Or(*(self.t == self.topic_code[x] for x in sorted(topics)))
        return self._on[topics]

    def row_holds(self, r: Any, a: Any, b: Any) -> Any:
        """Row number `r` says `a` prevails over `b` on `t`."""
        return z3.Or(
            *(
                z3.And(
                    r == i, a == self.code[row.over], b == self.code[row.under], self.on(row.topics)
                )
                for i, row in enumerate(self.p.rows)
            ),
            z3.BoolVal(False),
        )

    def speaks(self, d: Any) -> Any:
        """`d` can set `t`."""
        return z3.Or(
            *(z3.And(d == self.code[doc], self.on(self.p.speaks[doc])) for doc in self.code),
            z3.BoolVal(False),
        )

    def _direct(self, source: str, target: str) -> Any | None:
        on = [self.on(r.topics) for r in self.p.rows if r.over == source and r.under == target]
        return z3.Or(*on) if on else None

    def _direct_rows(self) -> dict[tuple[str, str], Any | None]:
        # The same for every source: built once, not once per closure.
        cached: dict[tuple[str, str], Any | None] | None = getattr(self, "_direct_cache", None)
        if cached is None:
            docs = self.p.documents
            cached = {(c, y): self._direct(c, y) for c in docs for y in docs}
            self._direct_cache = cached
        return cached

    def closure_from(self, source: str) -> dict[str, Any]:
        """For each document y: `source` prevails over y on `t`, through up to n-1 rows
        (a longer path repeats a document, so it contains a shorter one)."""
        if source not in self._closures:
            docs = self.p.documents
            direct = self._direct_rows()
            false = z3.BoolVal(False)
            reach = {y: direct[source, y] if direct[source, y] is not None else false for y in docs}
            for _ in range(len(docs) - 2):
                reach = {
                    y: z3.Or(
                        reach[y],
                        *(
                            z3.And(reach[c], step)
                            for c in docs
                            if (step := direct[c, y]) is not None
                        ),
                    )
                    for y in docs
                }
            self._closures[source] = reach
        return self._closures[source]

    def prevails(self, a: Any, b: Any) -> Any:
        """`a` prevails over `b` on `t` (the transitive closure of the rows)."""
        return z3.Or(
            *(
                z3.And(a == self.code[x], b == self.code[y], self.closure_from(x)[y])
                for x in self.p.documents
                for y in self.p.documents
            )
        )

    def pair_in(self, a: Any, b: Any, pairs: Iterable[tuple[str, str]]) -> Any:
        return z3.Or(
            *(z3.And(a == self.code[x], b == self.code[y]) for x, y in pairs), z3.BoolVal(False)
        )


def _least(run: Run, term: Any, bound: int) -> int:
    """The least value `term` >= 0 can take, given a satisfiable problem and `term` <= bound
    (bisection)."""
    low, high = 0, bound
    while low < high:
        middle = (low + high) // 2
        if run.sat(term <= middle):
            high = middle
        else:
            low = middle + 1
    return low


def _fix_least(run: Run, terms: list[Any], bound: int) -> None:
    """Fix each term, in order, to its least value: one witness, the same on every run
    (a Z3 model depends on the process's history, not only on the problem)."""
    for term in terms:
        run.solver.add(term == _least(run, term, bound))


def _bound(p: Precedence) -> int:
    """An upper bound of every code and row number."""
    return max(len(p.documents), len(p.topics), len(p.rows))


def _value(model: z3.ModelRef, term: Any) -> int:
    return int(model.eval(term, model_completion=True).as_long())


# --- Built-in checks -------------------------------------------------------------------------


def _start(spec: Spec, prop: Property, rlimit: int) -> tuple[Run, Precedence, Encoding]:
    run = Run(spec, prop, rlimit)
    if not spec.document.documents:
        raise run.missing("documents")
    p = from_spec(spec)
    return run, p, Encoding(p)


@REGISTRY.register("precedence", "irreflexive")
def check_irreflexive(spec: Spec, prop: Property, rlimit: int) -> Result:
    """No row lets a document prevail over itself."""
    run, p, enc = _start(spec, prop, rlimit)
    a, a_ok = enc.document("a")
    t = enc.t
    r = z3.Int("r")
    run.solver.add(a_ok, enc.t_domain, enc.row_holds(r, a, a))
    try:
        if not run.sat():
            return run.finish(Status.PROVED, **_for_all(p))
        _fix_least(run, [t, a, r], _bound(p))
        run.sat()
        model = run.solver.model()
    except Undecided as exc:
        return run.undecided(exc)
    doc, topic, row = (
        p.documents[_value(model, a)],
        p.topics[_value(model, t)],
        _value(model, r),
    )
    replayed = row_holds(p, row, doc, doc, topic)
    return run.finish(
        Status.VIOLATED,
        evidence=_rows_evidence(run, p, [row], topic, [doc, doc]),
        replayed=replayed,
        detail=f"{doc} prevails over itself on {topic}",
        detail_ja=f"{p.name(topic, 'ja')}について{p.name(doc, 'ja')}が自らに優先する",
    )


@REGISTRY.register("precedence", "asymmetric")
def check_asymmetric(spec: Spec, prop: Property, rlimit: int) -> Result:
    """No two rows let two documents each prevail over the other on one topic."""
    run, p, enc = _start(spec, prop, rlimit)
    a, a_ok = enc.document("a")
    b, b_ok = enc.document("b")
    t = enc.t
    r1, r2 = z3.Ints("r1 r2")
    run.solver.add(a_ok, b_ok, enc.t_domain, enc.row_holds(r1, a, b), enc.row_holds(r2, b, a))
    try:
        if not run.sat():
            return run.finish(Status.PROVED, **_for_all(p))
        _fix_least(run, [t, a, b, r1, r2], _bound(p))
        run.sat()
        model = run.solver.model()
    except Undecided as exc:
        return run.undecided(exc)
    first, second = p.documents[_value(model, a)], p.documents[_value(model, b)]
    topic = p.topics[_value(model, t)]
    rows = [_value(model, r1), _value(model, r2)]
    replayed = row_holds(p, rows[0], first, second, topic) and row_holds(
        p, rows[1], second, first, topic
    )
    return run.finish(
        Status.VIOLATED,
        evidence=_rows_evidence(run, p, rows, topic, [first, second, first]),
        replayed=replayed,
        detail=f"{first} and {second} each prevail over the other on {topic}",
        detail_ja=f"{p.name(topic, 'ja')}について{p.name(first, 'ja')}と{p.name(second, 'ja')}が"
        "互いに優先する",
    )


@REGISTRY.register("precedence", "acyclic")
def check_acyclic(spec: Spec, prop: Property, rlimit: int) -> Result:
    """No chain of rows leads from a document back to itself on one topic.

    One query over cycles of every length 1..n (n documents): a longer cycle repeats a
    document and so contains a shorter one, so unsat is a proof for all lengths.
    """
    run, p, enc = _start(spec, prop, rlimit)
    n = len(p.documents)
    t = enc.t
    docs = [enc.document(f"c{i}") for i in range(n + 1)]
    rows = z3.Ints(" ".join(f"r{i}" for i in range(n)))
    length = z3.Int("length")
    run.solver.add(enc.t_domain, length >= 1, length <= n, *(ok for _, ok in docs))
    for i in range(n):
        run.solver.add(z3.Implies(i < length, enc.row_holds(rows[i], docs[i][0], docs[i + 1][0])))
    run.solver.add(z3.Or(*(z3.And(length == k, docs[0][0] == docs[k][0]) for k in range(1, n + 1))))
    try:
        if not run.sat():
            return run.finish(
                Status.PROVED, **_for_all(p, f"長さ1〜{n}行の循環", f"cycles of 1 to {n} rows")
            )
        # The shortest cycle reads best; then every choice is fixed, for the same bytes.
        _fix_least(run, [length, t, *(d for d, _ in docs), *rows], _bound(p))
        run.sat()
        model = run.solver.model()
    except Undecided as exc:
        return run.undecided(exc)
    k = _value(model, length)
    topic = p.topics[_value(model, t)]
    path = [p.documents[_value(model, docs[i][0])] for i in range(k + 1)]
    used = [_value(model, rows[i]) for i in range(k)]
    replayed = all(row_holds(p, used[i], path[i], path[i + 1], topic) for i in range(k)) and (
        cycle(p, topic) is not None
    )
    return run.finish(
        Status.VIOLATED,
        evidence=_rows_evidence(run, p, used, topic, path),
        replayed=replayed,
        detail=f"a cycle of {k} rows on {topic}",
        detail_ja=f"{p.name(topic, 'ja')}について{k}行の循環がある",
    )


def _pairs(p: Precedence, kind: GroupKind | None) -> list[tuple[str, str]]:
    """The pairs of documents whose innermost common group is of `kind` (None: no group)."""
    found = []
    for a, b in combinations(p.documents, 2):
        group = p.common_group(a, b)
        if (group.kind if group else None) == kind:
            found.append((a, b))
    return found


def _unordered(run: Run, p: Precedence, enc: Encoding, pairs: list[tuple[str, str]]) -> Result:
    """Every pair in `pairs` that can set a common topic is ordered on it; on a violation,
    every unordered (pair, topic) is listed (Z3 enumerates them, blocking each found)."""
    a, a_ok = enc.document("a")
    b, b_ok = enc.document("b")
    t = enc.t
    run.solver.add(a_ok, b_ok, enc.t_domain, enc.pair_in(a, b, pairs))
    run.solver.add(enc.speaks(a), enc.speaks(b))
    run.solver.add(z3.Not(enc.prevails(a, b)), z3.Not(enc.prevails(b, a)))
    found: list[tuple[str, str, str]] = []
    try:
        while run.sat():
            model = run.solver.model()
            codes = [_value(model, v) for v in (a, b, t)]
            found.append((p.documents[codes[0]], p.documents[codes[1]], p.topics[codes[2]]))
            run.solver.add(z3.Not(z3.And(a == codes[0], b == codes[1], t == codes[2])))
    except Undecided as exc:
        return run.undecided(exc)
    if not found:
        return run.finish(
            Status.PROVED,
            detail=f"{len(pairs)} pairs of documents, {len(p.topics)} topics",
            detail_ja=f"文書の組{len(pairs)}組・事項{len(p.topics)}件について",
        )
    replayed = sorted(found) == sorted(unordered(p, pairs))
    return run.finish(
        Status.VIOLATED,
        evidence=_unordered_evidence(run, p, found),
        replayed=replayed,
        **_unordered_count(len({(x, y) for x, y, _ in found})),
    )


@REGISTRY.register("precedence", "ordered-outside-groups")
def check_ordered_outside_groups(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Two documents that are not parts of one document and can set one topic are ordered."""
    run, p, enc = _start(spec, prop, rlimit)
    return _unordered(run, p, enc, _pairs(p, None))


@REGISTRY.register("precedence", "same-rank-ordered")
def check_same_rank_ordered(spec: Spec, prop: Property, rlimit: int) -> Result:
    """Documents an article names at one rank are ordered between themselves."""
    run, p, enc = _start(spec, prop, rlimit)
    return _unordered(run, p, enc, _pairs(p, "same-rank"))


@REGISTRY.register("precedence", "parts-ordered")
def check_parts_ordered(spec: Spec, prop: Property, rlimit: int) -> Result:
    """The parts of one document that can set one topic are ordered between themselves."""
    run, p, enc = _start(spec, prop, rlimit)
    return _unordered(run, p, enc, _pairs(p, "parts"))


@REGISTRY.register("precedence", "one-governing-provision")
def check_one_governing(spec: Spec, prop: Property, rlimit: int) -> Result:
    """For every topic and every set of documents that set it, exactly one governs.

    The witness is a smallest such set; the evidence also names every topic on which
    some set of documents has no single governing one.
    """
    run, p, enc = _start(spec, prop, rlimit)
    t = enc.t
    present = {d: z3.Bool(f"present.{d}") for d in p.documents}
    setting = {d: z3.And(present[d], enc.speaks(z3.IntVal(enc.code[d]))) for d in p.documents}
    governs = {
        d: z3.And(
            setting[d],
            *(z3.Not(z3.And(setting[e], enc.closure_from(e)[d])) for e in p.documents if e != d),
        )
        for d in p.documents
    }
    count = z3.Sum(*(z3.If(g, 1, 0) for g in governs.values()))
    run.solver.add(enc.t_domain, z3.Or(*setting.values()), count != 1)
    size = z3.Sum(*(z3.If(v, 1, 0) for v in present.values()))
    topics: list[str] = []
    try:
        if not run.sat():
            return run.finish(
                Status.PROVED, **_for_all(p, "文書のどの組合せでも", "every set of documents")
            )
        # The smallest set, then the earliest documents and topic, reads best.
        run.solver.push()
        run.solver.add(size == _least(run, size, len(p.documents)))
        # Each set of documents has its own weight: the earliest documents win ties.
        weight = z3.Sum(*(z3.If(v, 2 ** enc.code[d], 0) for d, v in present.items()))
        _fix_least(run, [weight], 2 ** len(p.documents))
        _fix_least(run, [t], len(p.topics))
        run.sat()
        model = run.solver.model()
        chosen = [d for d in p.documents if z3.is_true(model.eval(present[d], True))]
        topic = p.topics[_value(model, t)]
        run.solver.pop()
        while run.sat():  # every topic concerned
            code = _value(run.solver.model(), t)
            topics.append(p.topics[code])
            run.solver.add(t != code)
    except Undecided as exc:
        return run.undecided(exc)
    topics.sort(key=p.topics.index)
    setting_docs = [d for d in chosen if topic in p.speaks[d]]
    winners = governing(p, topic, chosen)
    replayed = len(winners) != 1 and topics == [x for x in p.topics if ungoverned(p, x) is not None]
    return run.finish(
        Status.VIOLATED,
        evidence=_governing_evidence(run, p, topic, setting_docs, winners, topics),
        replayed=replayed,
        detail=f"{len(winners)} documents govern {topic} together",
        detail_ja=f"{p.name(topic, 'ja')}について{len(winners)}つの文書が同時に優先する",
    )


# --- Evidence -------------------------------------------------------------------------------


class Detail(TypedDict):
    """A detail in English and Japanese, as keywords of Run.finish."""

    detail: str
    detail_ja: str


def _unordered_count(pairs: int) -> Detail:
    if pairs == 1:
        en = "1 pair of documents is not ordered"
    else:
        en = f"{pairs} pairs of documents are not ordered"
    return {"detail": en, "detail_ja": f"優劣の定まらない文書の組が{pairs}つある"}


def _for_all(p: Precedence, more_ja: str = "", more_en: str = "") -> Detail:
    """What a proof covered."""
    en = f"{len(p.documents)} documents, {len(p.topics)} topics, {len(p.rows)} rows"
    ja = f"文書{len(p.documents)}件・事項{len(p.topics)}件・優先関係{len(p.rows)}行について"
    return {
        "detail": en + (f"; {more_en}" if more_en else ""),
        "detail_ja": ja + (f"、{more_ja}" if more_ja else ""),
    }


def _rows_evidence(run: Run, p: Precedence, rows: list[int], topic: str, path: list[str]) -> Any:
    data = {
        "topic": topic,
        "documents": path,
        "rows": [
            {
                "over": p.rows[r].over,
                "under": p.rows[r].under,
                "article": p.rows[r].article,
                "prevails_entry": p.rows[r].index,
            }
            for r in rows
        ],
    }
    lines: dict[str, list[str]] = {"ja": [], "en": []}
    for lang in ("ja", "en"):
        lines[lang].append(("事項: " if lang == "ja" else "topic: ") + p.name(topic, lang))
        for r in rows:
            row = p.rows[r]
            over, under = p.name(row.over, lang), p.name(row.under, lang)
            where = run.heading(row.article)
            lines[lang].append(
                f"  {over} ＞ {under}（{where}）"
                if lang == "ja"
                else f"  {over} prevails over {under} ({where})"
            )
    return evidence(data, lines["ja"], lines["en"])


def _unordered_evidence(run: Run, p: Precedence, found: list[tuple[str, str, str]]) -> Any:
    by_pair: dict[tuple[str, str], list[str]] = {}
    for a, b, topic in found:
        by_pair.setdefault((a, b), []).append(topic)
    entries = []
    ja: list[str] = []
    en: list[str] = []
    for (a, b), topics in sorted(by_pair.items(), key=lambda kv: _pair_order(p, kv[0])):
        topics.sort(key=p.topics.index)
        group = p.common_group(a, b)
        articles = sorted({p.articles[a], p.articles[b], *([group.article] if group else [])})
        entries.append(
            {
                "documents": [a, b],
                "group": group.id if group else None,
                "topics": topics,
                "articles": articles,
            }
        )
        where = "、".join(run.heading(x) for x in articles)
        every = len(topics) == len(p.topics)
        ja.append(
            f"{p.name(a, 'ja')} と {p.name(b, 'ja')} の優劣が定まらない: "
            + ("すべての事項" if every else "、".join(p.name(x, "ja") for x in topics))
            + f"（{where}）"
        )
        en.append(
            f"{p.name(a, 'en')} and {p.name(b, 'en')} are not ordered on "
            + ("any topic" if every else ", ".join(p.name(x, "en") for x in topics))
            + f" ({where})"
        )
    return evidence({"unordered": entries}, ja, en)


def _pair_order(p: Precedence, pair: tuple[str, str]) -> tuple[int, int]:
    return p.documents.index(pair[0]), p.documents.index(pair[1])


def _governing_evidence(
    run: Run,
    p: Precedence,
    topic: str,
    documents: list[str],
    winners: list[str],
    topics: list[str],
) -> Any:
    articles = sorted({p.articles[d] for d in documents} | {r.article for r in p.rows})
    where = "、".join(run.heading(x) for x in articles)
    data = {
        "topic": topic,
        "documents": documents,
        "governing": winners,
        "articles": articles,
        "topics_concerned": topics,
    }
    names_ja = "、".join(p.name(d, "ja") for d in documents)
    names_en = ", ".join(p.name(d, "en") for d in documents)
    ja = [
        f"{p.name(topic, 'ja')}を {names_ja} が定めるとき、"
        f"優先するものが{len(winners)}つある: "
        + "、".join(p.name(d, "ja") for d in winners)
        + f"（{where}）",
        "同じことが起きる事項: " + "、".join(p.name(x, "ja") for x in topics),
    ]
    en = [
        f"when {names_en} all set {p.name(topic, 'en')}, {len(winners)} of them govern: "
        f"{', '.join(p.name(d, 'en') for d in winners)} ({where})",
        "topics where this can happen: " + ", ".join(p.name(x, "en") for x in topics),
    ]
    return evidence(data, ja, en)
