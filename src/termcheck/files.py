"""Writing files so that a reader never sees half of one.

Each file is written to a temporary file in the same folder and moved over the target
with :func:`os.replace`, which is atomic on one file system: an interrupted run leaves the
old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from termcheck.errors import InputError, Position
from termcheck.paths import display


def write_atomic(path: Path, text: str) -> None:
    """Write `text` (UTF-8, as given: no newline translation) to `path` atomically.

    The folder is created if missing. The new file keeps the old one's permissions, or
    gets the usual ones (0666 less the umask) rather than the temporary file's 0600.
    Raises InputError naming the path when the file system refuses.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = _mode_for(path)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(text.encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise InputError(
            f"cannot write the report: {exc.strerror or exc}", Position(display(path))
        ) from exc


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # The umask can only be read by setting it; put it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current
