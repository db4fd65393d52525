"""The `relance` command: one Typer app, one module per noun.

Commands parse their arguments, call one service and print; errors raised by services
become a one-line message and an exit code (the traceback only with --debug).
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import TYPE_CHECKING, TextIO

from relance.interfaces.cli.commands import root

if TYPE_CHECKING:
    from relance.interfaces.cli.output import ExitCode

# Nothing else is imported here: each command imports what it uses (see commands.py), and
# the output helpers (Rich, Babel) only once something is printed.
app = root()


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
        _say("[bold yellow]warning:[/]", str(message))
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


def _say(label: str, message: str) -> None:
    from rich.markup import escape

    from relance.interfaces.cli.output import errors

    errors.print(label, escape(message), soft_wrap=True)


def _run(args: list[str], debug: bool) -> int:
    try:
        app.main(args=args, prog_name="relance")
    except SystemExit as done:  # Click exits with the command's code, usage errors included
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as exc:
        code = _exit_code(exc)
        if debug or code is None:
            raise
        message = exc.args[0] if isinstance(exc, LookupError) and exc.args else exc
        _say("[bold red]error:[/]", str(_database_failure(exc) or message))
        return int(code)
    return 0


def _exit_code(exc: Exception) -> ExitCode | None:
    """The exit code of an error a user can act on; None for a bug (a traceback)."""
    from relance.interfaces.cli.output import ExitCode

    format_errors = sys.modules.get("relance.adapters.formats.errors")
    if format_errors is not None and isinstance(exc, format_errors.FormatError):
        return ExitCode.BAD_INPUT
    if isinstance(exc, LookupError):  # an unknown customer, invoice, action or policy
        return ExitCode.NOT_FOUND
    if isinstance(exc, ValueError | OSError) or _database_failure(exc):
        return ExitCode.ERROR  # SetupError is a ValueError, LedgerUnreachable an OSError
    return None


def _database_failure(exc: Exception) -> str | None:
    """Why the database failed, in one line; None when `exc` is not a database failure."""
    storage = sys.modules.get("relance.adapters.storage.database")
    if storage is None:  # nothing opened a database
        return None
    failure: str | None = storage.database_failure(exc)
    return failure


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
