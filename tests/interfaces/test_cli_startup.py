"""Start-up: `relance --help` and a listing import only what they use.

Each check runs a fresh Python process and reads its `sys.modules`: the libraries that read
files (XML, PDF, OFX), draw letters (ReportLab, Jinja) or send mail (smtplib) are imported
by the commands that use them, never by the CLI itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from relance.interfaces.cli.commands import COMMANDS, all_commands
from relance.interfaces.cli.main import run

# Libraries only some commands need (top-level module names).
HEAVY = {"reportlab", "pypdf", "lxml", "smtplib", "facturx", "ofxtools", "mt940", "jinja2",
         "qrcode", "openpyxl", "schwifty", "phonenumbers", "charset_normalizer", "requests"}  # fmt: skip


def imported_after(code: str) -> set[str]:
    """The top-level modules a fresh interpreter holds after running `code`."""
    script = (
        "import io, contextlib, json, sys\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_imports_no_format_pdf_or_smtp_library() -> None:
    loaded = imported_after("import relance.interfaces.cli.main")
    assert loaded & (HEAVY | {"sqlalchemy", "alembic", "rich", "babel"}) == set()


def test_help_lists_every_command_without_importing_them() -> None:
    loaded = imported_after(
        "from relance.interfaces.cli.main import run\nassert run(['--help']) == 0"
    )
    assert loaded & (HEAVY | {"sqlalchemy", "alembic"}) == set()
    assert not any(m.startswith("relance.services") for m in loaded)


def test_a_listing_imports_the_database_but_nothing_for_letters_or_files(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--name", "Atelier Durand"]) == 0
    loaded = imported_after(
        f"from relance.interfaces.cli.main import run\nassert run(['queue', '--db', {str(db)!r}]) == 0"
    )
    assert "sqlalchemy" in loaded  # the check is about something
    assert loaded & (HEAVY | {"alembic"}) == set()  # a current schema needs no migration tool


def test_every_command_is_listed_and_every_listed_command_exists() -> None:
    registered = all_commands()
    assert set(registered) == set(COMMANDS), (
        "add each new command to SECTIONS in src/relance/interfaces/cli/commands.py"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_answers_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([name, "--help"]) == 0
    assert f"relance {name}" in capsys.readouterr().out


def test_an_unknown_command_is_wrong_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agin"]) == 2
    assert "No such command 'agin'" in capsys.readouterr().err
