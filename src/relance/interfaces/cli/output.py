"""What every command shares: the console, exit codes, output formats, money and dates.

Rich and Babel are imported when something is printed for people: a command whose output is
JSON or CSV, or a table piped to a file or another program, imports neither Rich's console
nor (for JSON and CSV) Babel.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import IntEnum, StrEnum
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from relance.core.locales import letter_locale  # tables write amounts as letters do
from relance.core.money import Money
from relance.interfaces.cli.machine import records, write_csv, write_json
from relance.interfaces.cli.tables import show_table

if TYPE_CHECKING:
    from rich.console import Console


class LazyConsole:
    """Rich's console, made the first time something is printed for people through it."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._rich: Console | None = None

    def rich(self) -> Console:
        """The Rich console itself (a progress bar needs it), made on first use."""
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(stderr=self._stderr, highlight=False)
        return self._rich

    def print(self, *objects: Any, **options: Any) -> None:
        """Print for people, Rich markup and all (see `rich.console.Console.print`)."""
        self.rich().print(*objects, **options)

    @property
    def file(self) -> IO[str]:
        """Where the console writes: stdout (or stderr) as it is now."""
        if self._rich is not None:
            return self._rich.file
        return sys.stderr if self._stderr else sys.stdout

    @property
    def width(self) -> int:
        """The terminal's width in cells."""
        return self.rich().width

    @property
    def is_terminal(self) -> bool:
        """Whether Rich writes for a terminal. Output that is plainly not one (no isatty, no
        FORCE_COLOR or TTY_COMPATIBLE to say otherwise) is told without importing Rich:
        Rich itself answers False then."""
        if self._rich is None and not {"FORCE_COLOR", "TTY_COMPATIBLE"} & os.environ.keys():
            try:
                if not self.file.isatty():
                    return False
            except (AttributeError, ValueError):  # no isatty, or a closed file
                return False
        return self.rich().is_terminal


console = LazyConsole()
errors = LazyConsole(stderr=True)


def escape(text: str) -> str:
    """`text` to print through the console as it is: brackets not read as Rich markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class ExitCode(IntEnum):
    """What `relance` returns to the shell."""

    OK = 0
    ERROR = 1
    USAGE = 2
    BAD_INPUT = 3
    NOT_FOUND = 4
    BLOCKED = 5


class Format(StrEnum):
    """How a listing is printed: a table for people, CSV or JSON for programs."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="RELANCE_DB",
        help="SQLite file or PostgreSQL URL (default: ./relance.sqlite).",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output: table, csv or json.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV.")]


def listing(command: Callable[..., None]) -> Callable[..., None]:
    """Give a listing command the output options every listing has, after its own:
    --format, --json and --csv. The command is called with `shown`, the format chosen."""
    own = inspect.signature(command, eval_str=True)
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in (
            ("fmt", FormatOption, Format.TABLE),
            ("as_json", JsonFlag, False),
            ("as_csv", CsvFlag, False),
        )
    ]
    kept = [p for p in own.parameters.values() if p.name != "shown"]

    @functools.wraps(command)
    def with_output_options(
        *args: Any, fmt: Format, as_json: bool, as_csv: bool, **kwargs: Any
    ) -> None:
        command(*args, shown=chosen(fmt, as_json, as_csv), **kwargs)

    # Typer reads the options from the signature and its annotations
    signature = own.replace(parameters=[*kept, *added])
    with_output_options.__signature__ = signature  # type: ignore[attr-defined]
    with_output_options.__annotations__ = {
        p.name: p.annotation for p in signature.parameters.values()
    }
    return with_output_options


def chosen(fmt: Format, as_json: bool = False, as_csv: bool = False) -> Format:
    """The output format, the --json/--csv shortcuts winning over --format."""
    if as_json:
        return Format.JSON
    if as_csv:
        return Format.CSV
    return fmt


def parse_day(text: str | None, default: date) -> date:
    """A command-line date (ISO 2026-11-23 or 23/11/2026), or `default` when absent."""
    if not text:
        return default
    from relance.adapters.formats.localized import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def parse_rate(text: str) -> Decimal:
    """A command-line rate in percent a year (`8`, `12,15`, `12.15 %`); wrong usage otherwise."""
    try:
        return Decimal(text.replace(",", ".").rstrip("% "))
    except InvalidOperation as exc:
        raise typer.BadParameter(f"not a rate: {text!r}") from exc


def parse_amount(text: str, currency: str, option: str = "--amount") -> Money:
    """A positive command-line amount (`250`, `250.00`, `1 234,56`); wrong usage otherwise."""
    from relance.adapters.formats.ledger_csv import parse_money

    try:
        amount = parse_money(text, currency)
    except ValueError as exc:
        raise typer.BadParameter(f"not an amount: {text!r} ({exc})", param_hint=option) from exc
    if amount.amount <= 0:
        raise typer.BadParameter(f"not a positive amount: {text!r}", param_hint=option)
    return amount


def money_text(amount: Money, language: str = "fr") -> str:
    """`1 234,56 €` in French, `£1,234.56` in English (the letters' locales)."""
    from babel.numbers import format_currency

    return format_currency(amount.amount, amount.currency, locale=letter_locale(language))


def date_text(day: date, language: str = "fr") -> str:
    """`19 févr. 2018` / `19 Feb 2018`: short, unambiguous in tables."""
    from babel.dates import format_date

    return format_date(day, format="medium", locale=letter_locale(language))


def rate_text(rate: Decimal, language: str = "fr") -> str:
    """A percentage with the locale's decimal mark: `12,15 %` in French, `12.15 %` in English."""
    from babel.numbers import format_decimal

    text = format_decimal(rate, format="0.00##", locale=letter_locale(language))
    return f"{text}\u00a0%" if language == "fr" else f"{text} %"


def instant_text(at: datetime) -> str:
    """When something was recorded (not the business day it is about), in the user's local
    time to the minute: `2026-11-30 14:05`."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().strftime("%Y-%m-%d %H:%M")


def days_text(days: int | None) -> str:
    """Days overdue in a table: negative before the due date, blank once paid (None)."""
    return "" if days is None else str(days)


def print_json(data: Any) -> None:
    """Machine output: `data` as JSON on stdout, straight through `json` (never Rich)."""
    write_json(data)


def emit(
    fmt: Format,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    display: Sequence[Sequence[str]] | None = None,
    right: Sequence[str] = (),
) -> None:
    """Print rows as a table for people, or CSV/JSON for programs.

    `display` holds the rows formatted for people; CSV and JSON get `rows` as values.
    """
    if fmt is Format.JSON:
        write_json(records(columns, rows))
    elif fmt is Format.CSV:
        write_csv(columns, rows)
    else:
        shown = display if display is not None else [[str(v) for v in row] for row in rows]
        show_table(console, columns, shown, title=title, right=right)


def fail(message: str, code: ExitCode = ExitCode.ERROR) -> typer.Exit:
    """Print an error to stderr and return the exit to raise."""
    errors.print(f"[bold red]error:[/] {message}")
    return typer.Exit(int(code))
