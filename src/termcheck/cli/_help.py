"""Help that reads well: value names instead of Python types, and the values an option
takes from the model listed in the option's help.

typer shows each option's Python type where a value name belongs (`--json <bool>`,
`--only <list[str]>`). A flag takes no value, and a repeatable option takes one value at a
time, named after the option.

What `--reading` (or a fact flag of `calc`) accepts is the model's, and help is drawn
before a model is named on the command line: the help lists the values of the project's
default model when it loads, and says which model they are from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.markup import escape
from typer.core import TyperCommand

from termcheck.model.spec import Spec, load_spec
from termcheck.paths import default_model_dir, display


def readable_metavars(command: Any, ctx: Any) -> None:
    """Replace the type-named metavars typer would show for `command`'s options."""
    params = [*getattr(command, "params", [])]
    get_help_option = getattr(command, "get_help_option", None)
    if get_help_option is not None:
        params.append(get_help_option(ctx))
    for param in params:
        kind = getattr(param, "param_type_name", "")
        if kind == "argument" and getattr(param, "nargs", 1) != 1:
            _repeated_argument(param, ctx)
        if param is None or kind != "option" or param.metavar is not None:
            continue
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        elif getattr(param, "multiple", False):
            longest = max(param.opts, key=len).lstrip("-")
            param.metavar = longest.upper().replace("-", "_")


def _repeated_argument(param: Any, ctx: Any) -> None:
    """`<list[Path]>` for an argument given one or more times: `<path>…`."""
    shown = getattr(param, "display_type_rich", None)
    if shown is None:  # a typer that names no type
        return
    listed = re.fullmatch(r"<list\[(\w+)\]>", str(shown(ctx) or ""))
    if listed is not None:
        readable = f"<{listed.group(1).lower()}>…"

        def display_type_rich(ctx: Any = None) -> str:
            return readable

        param.display_type_rich = display_type_rich


def _default_spec() -> Spec | None:
    # Help must show even when the default model does not load (help is how one learns
    # to name another): then the help only says where the values come from.
    try:
        return load_spec(default_model_dir())
    except Exception:
        return None


def readings_listed(spec: Spec) -> str:
    """notice_deadline=end-of-month|first-of-month|clear-months; …"""
    return "; ".join(
        f"{entry.id}={'|'.join(entry.formulas)}" for entry in spec.vocabulary.with_readings
    )


def model_help(
    facts: Callable[[Spec], list[tuple[str, str]]] | None = None,
) -> type[TyperCommand]:
    """A command class whose help lists, from the default model, the readings that
    `--reading` takes and, given `facts` (a flag and its values for each fact), the
    fact flags the command takes."""

    class ModelHelp(TyperCommand):
        def format_help(self, ctx: Any, formatter: Any) -> None:
            saved = self.epilog, [(param, getattr(param, "help", None)) for param in self.params]
            try:
                self._describe(_default_spec())
                super().format_help(ctx, formatter)
            finally:
                self.epilog = saved[0]
                for param, text in saved[1]:
                    param.help = text  # type: ignore[attr-defined]

        def _describe(self, spec: Spec | None) -> None:
            source = "the model" if spec is None else f"the model {display(spec.directory)}"
            for param in self.params:
                if param.name != "reading":
                    continue
                listed = readings_listed(spec) if spec is not None else ""
                values = f"from {source}: {listed or 'none'}" if spec else f"from {source}"
                param.help = f"{param.help or ''} ({values})"  # type: ignore[attr-defined]
            if facts is None:
                return
            head = f"Facts, from {source} (--model DIR --facts lists another's):"
            rows = [f"{flag} {values}" for flag, values in facts(spec)] if spec else []
            # One fact a line (older typer joins single line breaks with spaces).
            listed = "\n".join(escape(row) for row in rows) if rows else "see --facts"
            epilog = f"{escape(head)}\n\n{listed}"
            self.epilog = f"{self.epilog}\n\n{epilog}" if self.epilog else epilog

    return ModelHelp
