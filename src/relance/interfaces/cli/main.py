"""The `relance` command: one Typer app, one module per noun.

Commands parse their arguments, call one service and print; errors raised by services
become a one-line message and an exit code (the traceback only with --debug).
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import TextIO

import typer
from rich.markup import escape

from relance.adapters.formats.errors import FormatError
from relance.interfaces.cli import demo, dunning, files, law, ledger, letters, pauses, reports
from relance.interfaces.cli.output import ExitCode, errors

app = typer.Typer(
    name="relance",
    help="relance: collects overdue customer invoices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ledger.register(app)
reports.register(app)
demo.register(app)
dunning.register(app)
pauses.register(app)
law.register(app)
letters.register(app)
files.register(app)


# The ledger, letters, e-mails and exports hold customers' personal data: whatever relance
# creates is readable by its owner only (files 0600, folders 0700).
PRIVATE_UMASK = 0o077


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on `argv` and return the exit code (the console script's entry point)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    previous = os.umask(PRIVATE_UMASK)
    try:
        with warnings.catch_warnings():
            # relance's own warnings (a password about to travel unencrypted...) are said
            # every time, as one line on stderr; other libraries' keep Python's defaults
            warnings.filterwarnings("always", category=UserWarning, module="relance")
            warnings.showwarning = _show_warning
            return _run(args, debug)
    finally:
        os.umask(previous)


_python_showwarning = warnings.showwarning


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    if category.__module__.startswith("relance."):
        errors.print("[bold yellow]warning:[/]", escape(str(message)), soft_wrap=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def _run(args: list[str], debug: bool) -> int:
    try:
        app(args=args, prog_name="relance")
    except SystemExit as done:  # Typer exits with the command's code, usage errors included
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else int(ExitCode.ERROR))
    except FormatError as exc:
        if debug:
            raise
        errors.print("[bold red]error:[/]", escape(str(exc)), soft_wrap=True)
        return int(ExitCode.BAD_INPUT)
    except LookupError as exc:  # an unknown customer, invoice, action or policy
        if debug:
            raise
        message = exc.args[0] if exc.args else str(exc)
        errors.print("[bold red]error:[/]", escape(str(message)), soft_wrap=True)
        return int(ExitCode.NOT_FOUND)
    except (ValueError, OSError) as exc:  # SetupError is a ValueError
        if debug:
            raise
        errors.print("[bold red]error:[/]", escape(str(exc)), soft_wrap=True)
        return int(ExitCode.ERROR)
    except Exception as exc:
        if debug or not _is_database_error(exc):
            raise
        # the server went away or refused mid-command: one line, the transaction rolled back
        errors.print("[bold red]error:[/]", escape(_database_reason(exc)), soft_wrap=True)
        return int(ExitCode.ERROR)
    return int(ExitCode.OK)


def _is_database_error(exc: Exception) -> bool:
    if "sqlalchemy" not in sys.modules:  # nothing opened a database
        return False
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)


def _database_reason(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return "the database failed: " + (text[0] if text else type(exc).__name__)


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
