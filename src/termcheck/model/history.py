"""The wording a model was reviewed against, recovered from version control.

`[fingerprints]` records a hash of each provision's wording, not the wording itself, so
that model.toml stays small and a reviewer's copy of the text is the only copy. When a
provision has drifted, the reviewer wants the old words beside the new: if the terms
text is under git, the newest committed version whose provision still has the recorded
fingerprint holds them. Without git (an exported folder, a shallow clone that lacks the
commit) there is nothing to show, and the drift message says only what changed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from termcheck.errors import InputError
from termcheck.model.articles import parse_articles

# How far back to look: a model is reviewed often, and a drift message must not wait
# on a long history.
MAX_COMMITS = 50
_TIMEOUT_SECONDS = 10


def reviewed_wording(text_path: Path, article_id: str, recorded: str) -> str | None:
    """The provision's text in the newest committed version of `text_path` whose
    fingerprint for it is `recorded`, or None if git cannot tell."""
    folder, name = text_path.parent, text_path.name
    commits = _git(folder, "log", f"-n{MAX_COMMITS}", "--format=%H", "--", name)
    for commit in (commits or "").split():
        old = _git(folder, "show", f"{commit}:./{name}")
        if old is None:
            continue
        try:
            articles = parse_articles(old, name)
        except (InputError, ValueError):
            continue  # a version the parser of today cannot read
        for article in articles:
            if article.id == article_id and article.fingerprint == recorded:
                return article.text
    return None


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
