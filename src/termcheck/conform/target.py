"""The implementation under test: a Python function, or any program speaking the protocol.

Both are asked one case at a time and answer the quantities they compute. Whatever goes
wrong on their side (an exception, a crash, a hang past the per-case limit, an answer
that is not a table of quantities) is an :class:`Answer` with a `failure`, which the
report shows as a finding: it is never a traceback in termcheck, and never a pass.

The protocol (``termcheck-conform/1``, docs/conform.md), JSON lines on the program's
stdin and stdout:

1. termcheck sends a hello: ``{"protocol": "termcheck-conform/1", "terms": {...},
   "facts": {name: type}, "quantities": {name: type}}``; the program answers
   ``{"protocol": "termcheck-conform/1"}``, optionally with ``"quantities": [names]``,
   the quantities it computes (then a case whose answer lacks one is a finding).
2. For each case: ``{"id": N, "facts": {name: value}}``; the answer is
   ``{"id": N, "quantities": {name: value}}``, or ``{"id": N, "error": "why"}`` when the
   program refuses the case.

Values: dates "YYYY-MM-DD", months "YYYY-MM", yen and counts as integers, booleans as
true/false, enumeration values by their id. An optional fact the case leaves out is
absent.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import queue
import shlex
import subprocess
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Protocol

from termcheck.errors import InputError
from termcheck.language.types import Type
from termcheck.model.spec import Spec
from termcheck.semantics import calendar
from termcheck.semantics.calendar import Month

PROTOCOL = "termcheck-conform/1"
# How long one case may take before the implementation counts as hung (seconds).
DEFAULT_CASE_TIMEOUT = 10.0
# After this many crashes or hangs the implementation is not restarted again.
MAX_RESTARTS = 5


@dataclass(frozen=True)
class Answer:
    """What the implementation answered for one case: its quantities, or what failed."""

    quantities: dict[str, object] | None
    failure: str = ""


class Target(Protocol):
    name: str
    declared: frozenset[str] | None  # the quantities it says it computes, if it says

    def answer(self, facts: Mapping[str, object]) -> Answer: ...

    def close(self) -> None: ...


# --- Values on the wire ----------------------------------------------------------------------


def encode_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Month):
        return str(value)
    return value


def decode_value(value: object, type_: Type) -> object:
    """A value of the protocol as the model's, or ValueError saying what was expected."""
    kind = type_.kind
    if kind == "date":
        if not isinstance(value, str):
            raise ValueError(f'a date is a string "YYYY-MM-DD", not {json.dumps(value)}')
        return calendar.parse_date(value)
    if kind == "month":
        if not isinstance(value, str):
            raise ValueError(f'a month is a string "YYYY-MM", not {json.dumps(value)}')
        return calendar.parse_month(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"a boolean is true or false, not {json.dumps(value)}")
        return value
    if kind in ("int", "yen"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(
                f"{'yen are' if kind == 'yen' else 'a count is'} an integer, "
                f"not {json.dumps(value)}"
            )
        return value
    if kind == "enum":
        if not isinstance(value, str):
            raise ValueError(f"an enumeration value is its id as a string, not {json.dumps(value)}")
        return value
    if kind == "set":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"a set is a list of ids, not {json.dumps(value)}")
        return frozenset(value)
    raise ValueError(f"no value of type {type_}")  # pragma: no cover


def hello(spec: Spec) -> dict[str, object]:
    v = spec.vocabulary
    return {
        "protocol": PROTOCOL,
        "terms": {"title": spec.document.terms.title, "version": spec.document.terms.version},
        "facts": {e.id: str(e.type) for e in v.facts},
        "quantities": {e.id: str(e.type) for e in v.derived},
    }


# --- A Python function -----------------------------------------------------------------------

Function = Callable[[dict[str, Any]], Mapping[str, object]]


class PythonTarget:
    """A function taking a case's facts (dates as datetime.date, months as objects with
    .year and .month, yen as int, enumeration values by id) and returning its quantities.

    It runs in a worker thread so that a call that never returns is a finding after the
    per-case limit, not a hang of termcheck; after one, later cases are not asked."""

    def __init__(self, name: str, function: Function, timeout: float) -> None:
        self.name = name
        self.function = function
        self.timeout = timeout
        self.declared: frozenset[str] | None = None
        self.hung = False

    def answer(self, facts: Mapping[str, object]) -> Answer:
        if self.hung:
            return Answer(None, f"{self.name} was not asked: it hung on an earlier case")
        box: list[Any] = []

        def call() -> None:
            try:
                box.append(("ok", self.function(dict(facts))))
            except BaseException as exc:  # not ours: every failure is a finding
                box.append(("raised", exc))

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self.hung = True
            return Answer(None, f"{self.name} did not answer within {self.timeout:g} s")
        outcome, value = box[0]
        if outcome == "raised":
            return Answer(None, f"{self.name} raised {type(value).__name__}: {value}")
        if not isinstance(value, Mapping):
            return Answer(
                None, f"{self.name} answered {type(value).__name__}, not a table of quantities"
            )
        return Answer(dict(value))

    def close(self) -> None:
        return


def python_target(reference: str, timeout: float, where: str = "--impl") -> PythonTarget:
    """`package.module:function`, or `path/to/file.py:function`; InputError if it cannot
    be loaded (the user's reference, so exit 2)."""
    module_name, sep, function_name = reference.rpartition(":")
    if not sep or not module_name or not function_name:
        raise InputError(
            f"{reference!r}: write package.module:function or path/file.py:function", field=where
        )
    try:
        if module_name.endswith(".py") or "/" in module_name:
            path = Path(module_name)
            if not path.is_file():
                raise InputError(f"{reference!r}: no file {module_name}", field=where)
            spec = importlib.util.spec_from_file_location(f"termcheck_conform_{path.stem}", path)
            if spec is None or spec.loader is None:
                raise InputError(f"{reference!r}: cannot load {module_name}", field=where)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
    except InputError:
        raise
    except BaseException as exc:
        raise InputError(
            f"{reference!r}: importing it raised {type(exc).__name__}: {exc}", field=where
        ) from None
    found = getattr(module, function_name, None)
    if not callable(found):
        raise InputError(
            f"{reference!r}: {module_name} has no function {function_name!r}", field=where
        )
    return PythonTarget(reference, found, timeout)


# --- A program ---------------------------------------------------------------------------------


class CommandTarget:
    """A program speaking the protocol on stdin/stdout; restarted after a crash or a hang
    (at most MAX_RESTARTS times), so one bad case does not hide the others."""

    def __init__(self, command: str, spec: Spec, timeout: float) -> None:
        self.name = command
        self.argv = shlex.split(command)
        if not self.argv:
            raise InputError(
                "--impl-cmd is empty: give the command that runs the implementation",
                field="--impl-cmd",
            )
        self.spec = spec
        self.timeout = timeout
        self.declared: frozenset[str] | None = None
        self.restarts = 0
        self.next_id = 0
        self.process: subprocess.Popen[str] | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.given_up = ""
        self._start()

    def _start(self) -> None:
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
            )
        except OSError as exc:
            raise InputError(
                f"cannot run {self.argv[0]!r}: {exc.strerror or exc}", field="--impl-cmd"
            ) from None
        self.lines = queue.Queue()
        self.stderr: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        threading.Thread(target=_pump, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(
            target=_collect, args=(self.process.stderr, self.stderr), daemon=True
        ).start()
        greeting = self._exchange(hello(self.spec))
        if isinstance(greeting, str):
            self._stop()
            self.given_up = f"{self.name}: the hello failed: {greeting}"
            return
        if greeting.get("protocol") != PROTOCOL:
            self._stop()
            spoken = json.dumps(greeting.get("protocol"))
            self.given_up = f"{self.name} speaks {spoken}, termcheck speaks {PROTOCOL}"
            return
        declared = greeting.get("quantities")
        if isinstance(declared, list) and all(isinstance(q, str) for q in declared):
            self.declared = frozenset(declared)

    def _exchange(self, message: Mapping[str, object]) -> dict[str, Any] | str:
        """Send one line, read one line: the parsed object, or what went wrong."""
        process = self.process
        assert process is not None and process.stdin is not None
        try:
            process.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
            process.stdin.flush()
        except (BrokenPipeError, OSError):
            return self._exited()
        try:
            line = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            return f"no answer within {self.timeout:g} s"
        if line is None:
            return self._exited()
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            return f"answered a line that is not JSON: {line.strip()[:120]!r}"
        if not isinstance(parsed, dict):
            return f"answered {line.strip()[:120]!r}, not a JSON object"
        return parsed

    def _exited(self) -> str:
        assert self.process is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)
        code = self.process.returncode
        tail = " ".join("".join(self.stderr).split())[-200:]
        return f"exited with code {code}" + (f" ({tail})" if tail else "")

    def answer(self, facts: Mapping[str, object]) -> Answer:
        if self.given_up:
            return Answer(None, self.given_up)
        self.next_id += 1
        case_id = self.next_id
        sent = {"id": case_id, "facts": {k: encode_value(v) for k, v in facts.items()}}
        reply = self._exchange(sent)
        if isinstance(reply, str):
            self._restart()
            return Answer(None, f"{self.name} {reply}")
        if reply.get("id") != case_id:
            self._restart()
            return Answer(
                None, f"{self.name} answered id {json.dumps(reply.get('id'))} to case {case_id}"
            )
        if "error" in reply:
            return Answer(None, f"{self.name} refused the case: {reply['error']}")
        found = reply.get("quantities")
        if not isinstance(found, dict):
            return Answer(None, f'{self.name} answered no "quantities" table')
        return self._decoded(found)

    def _decoded(self, found: dict[str, object]) -> Answer:
        entries = self.spec.vocabulary.entries
        values: dict[str, object] = {}
        for name, raw in sorted(found.items()):
            entry = entries.get(name)
            if entry is None or entry.kind == "fact":
                return Answer(
                    None, f"{self.name} answered {name!r}, which is no quantity of the model"
                )
            try:
                values[name] = decode_value(raw, entry.type)
            except ValueError as exc:
                return Answer(None, f"{self.name} answered {name} = {json.dumps(raw)}: {exc}")
        return Answer(values)

    def _restart(self) -> None:
        self._stop()
        if self.restarts >= MAX_RESTARTS:
            self.given_up = f"{self.name} was not asked again after {MAX_RESTARTS} restarts"
            return
        self.restarts += 1
        self._start()

    def _stop(self) -> None:
        process = self.process
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            process.wait(timeout=5)
        self.process = None

    def close(self) -> None:
        self._stop()


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _collect(stream: IO[str], into: list[str]) -> None:
    for line in stream:
        into.append(line)
        if len(into) > 50:
            del into[0]
