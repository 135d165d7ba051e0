"""Load a model: model.toml and its terms text, validated, with its vocabulary.

Every failure becomes one :class:`~termcheck.errors.InputError` naming the file, the
line and the field. The articles a model cites must exist in its terms text; every name a
section uses must be declared; every formula must type-check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from termcheck.errors import InputError, Position
from termcheck.model.articles import Article, article_index, load_articles
from termcheck.model.lifecycle_formulas import LifecycleFormulas, check_lifecycle
from termcheck.model.schema import DocumentInfo, Lifecycle, ModelDocument
from termcheck.model.tomlfile import TomlFile, load_toml
from termcheck.model.vocabulary import Entry, Vocabulary, build

MODEL_FILE = "model.toml"
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Spec:
    """A loaded, validated model: the document, its articles, its vocabulary, and where
    it came from."""

    directory: Path
    document: ModelDocument
    articles: tuple[Article, ...]
    source: TomlFile
    vocabulary: Vocabulary = field(repr=False)
    lifecycle: LifecycleFormulas | None = field(default=None, repr=False)

    def article(self, article_id: str) -> Article:
        return article_index(list(self.articles))[article_id]

    def heading(self, article_id: str) -> str:
        """第N条第M項 for "N-M": the way a reader of the terms names a provision."""
        for article in self.articles:
            if article.id == article_id:
                return article.heading
        return article_id

    def enum_label(self, enum: str | None, value: object, lang: str = "ja") -> str:
        """A value of an enumeration by the name the model gives it (契約者による解約);
        the value itself when the model names it not."""
        for info in self.document.enums:
            if info.id == enum:
                for item in info.values:
                    if item.id == value:
                        return item.ja if lang == "ja" else item.en
        return str(value)

    def entry(self, name: str) -> Entry:
        """A fact or quantity, also by a case's name (`a.penalty`)."""
        return self.vocabulary.entries[name.rpartition(".")[2]]

    @property
    def anchor(self) -> str:
        """The date readable counterexamples start from (the terms' date by default)."""
        return self.document.witness.anchor or self.document.terms.version

    def with_document(self, document: ModelDocument) -> Spec:
        """This model with another document (a quote's effective terms, a mutant):
        checked and given its own vocabulary, so that nothing stale survives."""
        check_document(self.source, document, list(self.articles))
        return _assemble(self.directory, document, self.articles, self.source)


def load_spec(directory: Path) -> Spec:
    """Load `directory`/model.toml and its terms text; raises InputError on any defect."""
    if not directory.is_dir():
        raise InputError(
            "model directory not found; pass the folder that holds model.toml",
            Position(directory),
        )
    source = load_toml(directory / MODEL_FILE)
    document = validate(source)
    try:
        found = (directory / document.terms.text).is_file()
    except OSError as exc:  # a name the system refuses (too long, say)
        raise source.error(("terms", "text"), f"cannot open: {exc.strerror}") from None
    if not found:
        raise source.error(("terms", "text"), f"no such file {document.terms.text!r}")
    articles = load_articles(directory / document.terms.text)
    check_document(source, document, articles)
    return _assemble(directory, document, tuple(articles), source)


def _assemble(
    directory: Path, document: ModelDocument, articles: tuple[Article, ...], source: TomlFile
) -> Spec:
    """The vocabulary and the lifecycle's formulas, each checked, in one Spec."""
    vocabulary = build(document, source, directory)
    lifecycle = (
        None
        if document.lifecycle is None
        else check_lifecycle(document.lifecycle, vocabulary, source)
    )
    return Spec(directory, document, articles, source, vocabulary, lifecycle)


def validate(source: TomlFile) -> ModelDocument:
    try:
        return ModelDocument.model_validate(source.data)
    except ValidationError as exc:
        # A misspelt key shows up twice: as unknown, and as the key it should have been,
        # missing. The unknown one is what the reviewer typed, so report it first.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        loc = tuple(part for part in first["loc"] if isinstance(part, str | int))
        loc = _drop_union_tags(loc) + tuple(first.get("ctx", {}).get("at", ()))
        raise source.error(loc, _describe(first)) from None


def _drop_union_tags(loc: Loc) -> Loc:
    # pydantic names the member of a union it tried ("str", "list[str]"): not a key.
    return tuple(part for part in loc if not (isinstance(part, str) and "[" in part))


def _describe(error: object) -> str:
    assert isinstance(error, dict)
    kind = error.get("type", "")
    message = str(error.get("msg", "invalid value"))
    if kind == "extra_forbidden":
        return "unknown key; check its spelling against docs/model.md"
    if kind == "missing":
        return "required key is missing"
    if kind == "termcheck_rule":  # the message names the value and what is allowed
        return message
    given = error.get("input")
    if given is not None and not isinstance(given, dict | list):
        return f"{message} (got {given!r})"
    return message


def check_document(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    """The rules beyond each field's own: citations resolve, names are unique and known,
    the structural sections are consistent. Raises InputError at the field."""
    _check_citations(source, document, articles)
    _check_not_modelled(source, document, articles)
    _check_documents(source, document)
    _check_topics_of_quantities(source, document)
    if document.lifecycle is not None:
        _check_lifecycle(source, document, document.lifecycle)
    if document.price_list is not None:
        items = [item.id for item in document.price_list.items]
        _unique(source, ("price_list", "items"), items)
        _known(source, ("price_list", "refused_alone"), document.price_list.refused_alone, items)
    if document.implementation is not None:
        path = document.implementation.python.split(":")[0]
        if not (source.path.parent / path).is_file():
            raise source.error(
                ("implementation", "python"), f"no such file {path!r} beside model.toml"
            )


def citations(document: ModelDocument) -> Iterator[tuple[Loc, str]]:
    """Every article the reading cites, with where (the review tables are not the reading)."""
    for name in type(document).model_fields:
        if name in ("not_modelled", "fingerprints", "equivalent_mutants"):
            continue
        yield from _articles_in(getattr(document, name), (name,))


def _articles_in(node: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            value = getattr(node, name)
            where = (*loc, info.alias or name)
            if name in ("article", "articles") and isinstance(value, str):
                yield where, value
            elif name in ("article", "articles") and isinstance(value, list):
                yield from (((*where, i), cited) for i, cited in enumerate(value))
            else:
                yield from _articles_in(value, where)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _articles_in(item, (*loc, i))
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _articles_in(item, (*loc, key))


def _check_citations(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    known = article_index(articles)
    for loc, article_id in citations(document):
        if article_id not in known:
            raise source.error(
                loc,
                f"cites article {article_id!r}, which is not in {document.terms.text}; "
                "run `termcheck articles` to list the ids",
            )


def _check_not_modelled(source: TomlFile, document: ModelDocument, articles: list[Article]) -> None:
    known = article_index(articles)
    seen: set[str] = set()
    for i, entry in enumerate(document.not_modelled):
        if entry.article not in known:
            raise source.error(
                ("not_modelled", i, "article"),
                f"names article {entry.article!r}, which is not in {document.terms.text}; "
                "run `termcheck articles` to list the ids",
            )
        if entry.article in seen:
            raise source.error(("not_modelled", i, "article"), "this article is listed twice")
        seen.add(entry.article)


def _unique(source: TomlFile, loc: Loc, ids: list[str]) -> None:
    for i, value in enumerate(ids):
        if value in ids[:i]:
            raise source.error((*loc, i, "id"), f"id {value!r} is used twice")


def _known(source: TomlFile, loc: Loc, value: str, known: list[str]) -> None:
    if value not in known:
        listed = ", ".join(known) if known else "none are declared"
        raise source.error(loc, f"{value!r} is not one of: {listed}")


def _check_documents(source: TomlFile, document: ModelDocument) -> None:
    ids = [d.id for d in document.documents]
    topics = [t.id for t in document.topics]
    _unique(source, ("documents",), ids)
    _unique(source, ("topics",), topics)
    parents = {d.part_of for d in document.documents if d.part_of is not None}
    modelled = [i for i, d in enumerate(document.documents) if d.modelled]
    if len(modelled) > 1:
        raise source.error(("documents", modelled[1], "modelled"), "only one document is modelled")
    for i, entry in enumerate(document.documents):  # names first: they explain the rest
        if entry.part_of is not None:
            _known(source, ("documents", i, "part_of"), entry.part_of, ids)
    for i, entry in enumerate(document.documents):
        loc: Loc = ("documents", i)
        if entry.part_of is not None and entry.id in _ancestors(document.documents, entry.part_of):
            raise source.error((*loc, "part_of"), f"{entry.id!r} would be a part of itself")
        if (entry.parts is None) == (entry.id in parents):
            message = "say how its parts stand" if entry.parts is None else "it has no parts"
            raise source.error((*loc, "parts"), f"{entry.id!r}: {message}")
        for topic in entry.speaks_to if isinstance(entry.speaks_to, list) else []:
            _known(source, (*loc, "speaks_to"), topic, topics)
    for i, prevail in enumerate(document.prevails):
        _known(source, ("prevails", i, "over"), prevail.over, ids)
        _known(source, ("prevails", i, "under"), prevail.under, ids)
        for topic in prevail.topics if isinstance(prevail.topics, list) else []:
            _known(source, ("prevails", i, "topics"), topic, topics)


def _check_topics_of_quantities(source: TomlFile, document: ModelDocument) -> None:
    topics = [t.id for t in document.topics]
    for name, quantity in document.quantities.items():
        if quantity.topic is not None:
            _known(source, ("quantities", name, "topic"), quantity.topic, topics)


def _ancestors(documents: list[DocumentInfo], start: str) -> list[str]:
    parent_of = {d.id: d.part_of for d in documents}
    chain: list[str] = []
    current: str | None = start
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain


def _check_lifecycle(source: TomlFile, document: ModelDocument, lifecycle: Lifecycle) -> None:
    states = [s.id for s in lifecycle.states]
    guards = [g.id for g in lifecycle.guards]
    _unique(source, ("lifecycle", "states"), states)
    _unique(source, ("lifecycle", "guards"), guards)
    _known(source, ("lifecycle", "initial"), lifecycle.initial, states)
    enums = {e.id: [v.id for v in e.values] for e in document.enums}
    if lifecycle.grounds is not None:
        _known(source, ("lifecycle", "grounds"), lifecycle.grounds, list(enums))
    facts = [f.id for f in document.facts]
    for fact in lifecycle.facts:
        _known(source, ("lifecycle", "facts", fact), fact, facts)
    named = {lifecycle.initial}
    for transition in lifecycle.transitions:
        named |= {*transition.source, *([transition.target] if transition.target else [])}
    if named <= set(states):  # a misspelt state explains the rest: reported below
        _check_termination_month_after_notice(source, lifecycle)
    events = [t.event for t in lifecycle.transitions]
    for i, transition in enumerate(lifecycle.transitions):
        loc: Loc = ("lifecycle", "transitions", i)
        if transition.event in events[:i]:
            raise source.error((*loc, "event"), f"event {transition.event!r} is used twice")
        for state in transition.source:
            _known(source, (*loc, "from"), state, states)
        if transition.target is not None:
            _known(source, (*loc, "to"), transition.target, states)
        if transition.guard is not None:
            _known(source, (*loc, "guard"), transition.guard, guards)
        if transition.ground is not None:
            if transition.effect != "end":
                raise source.error(
                    (*loc, "ground"), "only a transition that ends the contract has a ground"
                )
            if lifecycle.grounds is None:
                raise source.error(
                    (*loc, "ground"),
                    "name the enumeration of grounds in [lifecycle] `grounds` first",
                )
            _known(source, (*loc, "ground"), transition.ground, enums[lifecycle.grounds])
        if transition.choice is not None and transition.actor != "customer":
            raise source.error((*loc, "choice"), "only the customer's transitions have a choice")
    for i, forbidden in enumerate(lifecycle.forbidden):
        _known(source, ("lifecycle", "forbidden", i, "state"), forbidden.state, states)


def _check_termination_month_after_notice(source: TomlFile, lifecycle: Lifecycle) -> None:
    """Moving the termination month needs one to be named first: such a transition
    leaves only states a notice alone leads into."""
    entering: dict[str, list[str]] = {}
    for transition in lifecycle.transitions:
        if transition.target is not None:
            entering.setdefault(transition.target, []).append(transition.effect)
    noticed = {
        state
        for state, effects in entering.items()
        if state != lifecycle.initial and all(e == "give-notice" for e in effects)
    }
    for i, transition in enumerate(lifecycle.transitions):
        outside = [state for state in transition.source if state not in noticed]
        if outside and transition.effect == "move-termination-month":
            raise source.error(
                ("lifecycle", "transitions", i, "effect"),
                "effect 'move-termination-month' belongs to a transition from a state a "
                f"notice leads into, but {outside[0]!r} is entered without a notice",
            )
