"""Text and choice options read without pydantic, as Typer itself reads them.

Typer (0.2x) checks each option's value through a pydantic `TypeAdapter` built when the
command runs: importing pydantic and building the adapters took a fifth of the CPU of
`relance queue`. Most of relance's options are text (`--db`, `--date`) or a choice among an
enum's values (`--format`), and for those pydantic only wraps Typer's own reading: a text
is the text given, a choice is matched by `typer._param_types.coerce_cli_choice`. So these
parameters are given that reading directly, with the same error message; numbers, paths,
lists and anything unusual keep Typer's. With a Typer that reads its values another way
(no `_runtime_param`), nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

try:  # Typer's internals: a Typer without them keeps its own reading
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer._param_types import coerce_cli_choice
except ImportError:  # pragma: no cover - older or newer Typer
    RuntimeParam = None  # type: ignore[assignment,misc]


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class PlainValue(RuntimeParam):
        """A text option's value as given, a flag's as set; a choice's value matched to the
        enum's."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            annotation = self.annotation
            if isinstance(value, annotation):
                return value  # a text, a flag, or a default already of the enum
            if isinstance(value, str) and issubclass(annotation, Enum):
                try:
                    return coerce_cli_choice(
                        value,
                        choices=tuple(annotation),
                        case_sensitive=self.parameter_info.case_sensitive,
                        ctx=ctx,
                    )
                except ValueError as exc:  # worded as Typer words it through pydantic
                    raise BadParameter(f"Value error, {exc}", ctx=ctx, param=param) from exc
            # anything else (bytes, a number as default…): Typer's own reading
            typers = build_runtime_param(param.type_descriptor)
            return typers._coerce_value(value, param=param, ctx=ctx)


def _is_plain(param: Any) -> bool:
    """Whether `param` is a Typer parameter of text, choice or flag, not yet read, with no
    parser of its own."""
    if getattr(param, "_runtime_param", False) is not None:
        return False  # not a Typer parameter, or its reading is already built
    described = param.type_descriptor
    annotation = described.annotation
    plain_type = annotation in (str, bool) or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    )
    return (
        plain_type
        and described.file_annotation is None
        and described.parameter_info.parser is None
        and not param.multiple
        and param.nargs == 1
    )


def read_plainly(commands: Iterable[Any], ctx: Any) -> None:
    """Give every text, choice and flag parameter of `commands` (their help option and
    their subcommands' included) the plain reading above, instead of a pydantic adapter.

    `ctx` is the context the commands run under: it names their help option."""
    if RuntimeParam is None:  # pragma: no cover - a Typer without those internals
        return
    for command in commands:
        for param in command.get_params(ctx):
            if _is_plain(param):
                described = param.type_descriptor
                param._runtime_param = PlainValue(described.parameter_info, described.annotation)
        read_plainly(getattr(command, "commands", {}).values(), ctx)
