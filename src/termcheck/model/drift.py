"""Article drift: the terms text changed under a model that was reviewed against it.

model.toml records, in its `[fingerprints]` table, the fingerprint of every provision
the model, the properties and `[[not_modelled]]` rest on, and the ids of all provisions
of the text. When terms.ja.md changes, the recorded and the current fingerprints part
ways and :func:`find_drift` names the provision, the model elements and the properties
that rest on it. `termcheck verify` fails on drift before it proves anything: a proof
about a model that may no longer say what the words say is not a pass.

After a reviewer has checked the model against the new wording, :func:`update` rewrites
the table (and only the table) of model.toml.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from termcheck.errors import InputError, Position
from termcheck.files import write_atomic
from termcheck.model.coverage import model_citations, not_modelled_citations, property_citations
from termcheck.model.schema import Fingerprints
from termcheck.model.spec import MODEL_FILE, Spec
from termcheck.verify.properties import Property

TABLE = "fingerprints"


class Kind(StrEnum):
    CHANGED = "changed"  # the wording differs from the recorded fingerprint
    UNRECORDED = "unrecorded"  # rested on, but no fingerprint was ever recorded
    ADDED = "added"  # a provision the recorded text did not have
    REMOVED = "removed"  # a recorded provision the text no longer has


@dataclass(frozen=True)
class Drift:
    kind: Kind
    article: str
    heading: str
    elements: tuple[str, ...]  # model elements (and [[not_modelled]] entries) resting on it
    properties: tuple[str, ...]
    recorded: str | None
    current: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "article": self.article,
            "heading": self.heading,
            "elements": list(self.elements),
            "properties": list(self.properties),
            "recorded": self.recorded,
            "current": self.current,
        }

    def sentence(self) -> str:
        """One line a reviewer can act on."""
        what = {
            Kind.CHANGED: "its wording changed since its fingerprint was recorded",
            Kind.UNRECORDED: "it is rested on but no fingerprint was recorded for it",
            Kind.ADDED: "it was added to the text since the fingerprints were recorded",
            Kind.REMOVED: "it was removed from the text since the fingerprints were recorded",
        }[self.kind]
        return f"{self.heading} ({self.article}): {what}"


def resting(spec: Spec, properties: list[Property]) -> dict[str, tuple[list[str], list[str]]]:
    """Each provision something rests on: (model elements, properties), sorted."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    citations = model_citations(spec) + not_modelled_citations(spec)
    for citation in citations + property_citations(properties):
        elements, props = found.setdefault(citation.article, (set(), set()))
        (props if citation.by_property else elements).add(citation.element)
    return {article: (sorted(e), sorted(p)) for article, (e, p) in found.items()}


def current_fingerprints(spec: Spec, properties: list[Property]) -> Fingerprints:
    """The table as it should read for the text as it is now."""
    rested_on = resting(spec, properties)
    return Fingerprints(
        provisions=[a.id for a in spec.articles],
        cited={a.id: a.fingerprint for a in spec.articles if a.id in rested_on},
    )


def find_drift(spec: Spec, properties: list[Property]) -> list[Drift]:
    """Every difference between the recorded fingerprints and the text, in text order
    (removed provisions last, in their recorded order)."""
    recorded = spec.document.fingerprints
    rested_on = resting(spec, properties)
    drift: list[Drift] = []
    for article in spec.articles:
        elements, props = rested_on.get(article.id, ([], []))
        kind: Kind | None = None
        before = recorded.cited.get(article.id) if recorded else None
        if recorded is not None and article.id not in recorded.provisions:
            kind = Kind.ADDED
        elif article.id in rested_on and before is None:
            kind = Kind.UNRECORDED
        elif article.id in rested_on and before != article.fingerprint:
            kind = Kind.CHANGED
        if kind is not None:
            drift.append(
                Drift(
                    kind,
                    article.id,
                    article.heading,
                    tuple(elements),
                    tuple(props),
                    before,
                    article.fingerprint,
                )
            )
    present = {a.id for a in spec.articles}
    for gone in recorded.provisions if recorded else []:
        if gone not in present:
            before = recorded.cited.get(gone) if recorded else None
            drift.append(Drift(Kind.REMOVED, gone, gone, (), (), before, None))
    return drift


# --- Writing the table ---------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]\[]+?)\s*\]\]?\s*(#.*)?$")
_COMMENT = """\
# The wording this model was reviewed against: `termcheck verify` fails when terms.ja.md
# no longer matches. Review the model against the new wording, then run
# `termcheck fingerprints --update`; do not edit this table by hand.
# `provisions`: every provision of the text (one added or removed is drift too);
# `cited`: the fingerprint of each provision the model, the properties and
# [[not_modelled]] rest on."""


def render_table(table: Fingerprints) -> str:
    """The `[fingerprints]` table as TOML, in a fixed layout."""
    lines = ["[fingerprints]", _COMMENT, "provisions = ["]
    row = "   "
    for article_id in table.provisions:
        item = f' "{article_id}",'
        if len(row) + len(item) > 88:
            lines.append(row)
            row = "   "
        row += item
    lines += [row, "]", "", "[fingerprints.cited]"]
    lines += [f'"{article_id}" = "{value}"' for article_id, value in table.cited.items()]
    return "\n".join(lines) + "\n"


def with_table(text: str, table: Fingerprints) -> str:
    """`text` (a model.toml) with its `[fingerprints]` table replaced by `table`, or the
    table appended; every byte outside the table stays as it was."""
    lines = text.splitlines(keepends=True)
    span = _table_span(lines)
    rendered = render_table(table)
    if span is None:
        ending = "" if text.endswith("\n") else "\n"
        return text + ending + "\n" + rendered
    first, last = span
    return "".join(lines[:first]) + rendered + "".join(lines[last:])


def _table_span(lines: list[str]) -> tuple[int, int] | None:
    """[first, last) of the lines of `[fingerprints]` and its sub-tables. Blank and
    comment lines right before the next table belong to that table and are kept."""
    first = next((i for i, line in enumerate(lines) if _table_of(line) == TABLE), None)
    if first is None:
        return None
    end = len(lines)
    for i in range(first + 1, len(lines)):
        name = _table_of(lines[i])
        if name is not None and name != TABLE and not name.startswith(TABLE + "."):
            end = i
            break
    last = end
    if end < len(lines):
        while last > first + 1 and _blank_or_comment(lines[last - 1]):
            last -= 1
    return first, last


def _table_of(line: str) -> str | None:
    match = _HEADER.match(line)
    return None if match is None else match.group(1).replace(" ", "").replace('"', "")


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def update(spec: Spec, properties: list[Property]) -> bool:
    """Rewrite the `[fingerprints]` table of the model's model.toml for the text as it
    is now; False when it was already current (nothing is written then)."""
    table = current_fingerprints(spec, properties)
    if spec.document.fingerprints == table:
        return False
    path = spec.directory / MODEL_FILE
    text = path.read_text(encoding="utf-8")
    updated = with_table(text, table)
    if not _only_table_changed(text, updated, table):
        # A layout this module does not expect (the table split across the file, say)
        # must not be "fixed" by a rewrite that touches anything else.
        raise InputError(
            "cannot rewrite [fingerprints] in place: keep it (and [fingerprints.cited]) "
            "together as one block, or delete both and run again to append them",
            Position(path),
            TABLE,
        )
    write_atomic(path, updated)
    return True


def _only_table_changed(before: str, after: str, table: Fingerprints) -> bool:
    try:
        old = tomllib.loads(before)
        new = tomllib.loads(after)
    except tomllib.TOMLDecodeError:
        return False
    old.pop(TABLE, None)
    written = new.pop(TABLE, None)
    return old == new and written == table.model_dump()
