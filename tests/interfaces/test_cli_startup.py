"""Start-up: `relance --help` and a listing import only what they use.

Each check runs a fresh Python process and reads its `sys.modules`: the libraries that read
files (XML, PDF, OFX), draw letters (ReportLab, Jinja) or send mail (smtplib) are imported
by the commands that use them, never by the CLI itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write
from typer._click import exceptions as click_errors

from relance.interfaces.cli.commands import COMMANDS, all_commands
from relance.interfaces.cli.main import app, run

# Libraries only some commands need (top-level module names).
HEAVY = {"reportlab", "pypdf", "lxml", "smtplib", "facturx", "ofxtools", "mt940", "jinja2",
         "qrcode", "openpyxl", "schwifty", "phonenumbers", "charset_normalizer", "requests"}  # fmt: skip


def modules_after(code: str) -> tuple[set[str], str]:
    """The modules a fresh interpreter holds after running `code` (stdout a pipe, not a
    terminal), and what `code` printed."""
    script = (
        "import io, contextlib, json, sys\n"
        "with contextlib.redirect_stdout(io.StringIO()) as printed:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "print(json.dumps([sorted(sys.modules), printed.getvalue()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    modules, printed = json.loads(done.stdout.splitlines()[-1])
    return set(modules), printed


def imported_after(code: str) -> set[str]:
    """The top-level modules a fresh interpreter holds after running `code`."""
    return {module.split(".")[0] for module in modules_after(code)[0]}


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


@pytest.fixture(scope="module")
def small_queue(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ledger whose run queued a step for each of two customers."""
    folder = tmp_path_factory.mktemp("queue")
    db = str(folder / "ledger.sqlite")
    customers = write(folder / "c.csv", "ref;name\nDUP;Dupont SA\nMAR;Martin SARL\n")
    invoices = write(folder / "i.csv", "numero;client;date;echeance;montant\n"
                     "F1;DUP;01/09/2026;01/10/2026;120,00\nF2;MAR;01/09/2026;01/10/2026;80,00\n")  # fmt: skip
    assert run(["init", "--db", db, "--name", "Atelier Durand"]) == 0
    assert run(["import", "customers", str(customers), "--db", db]) == 0
    assert run(["import", "invoices", str(invoices), "--db", db]) == 0
    assert run(["run", "--db", db, "--date", "2026-11-23"]) == 0
    return db


# What listing the queue has no use for: pydantic (Typer's reading of values: text and
# choices are read plainly), the engine that decides and the matching of bank credits (the
# queue's records are in core.actions and core.queued), what composes a letter (a table
# formats amounts with core.locales), the contact log's storage, and Rich's console (a
# table piped to a program is plain text).
NOT_FOR_THE_QUEUE = {
    "pydantic", "relance.core.engine", "relance.core.customer_step", "relance.core.match_book",
    "relance.core.waiting_credits", "stdnum", "relance.core.letter",
    "relance.adapters.storage.repository_pauses", "relance.core.plans", "rich.console",
    "rich.table", "rich.markup", "typer._adapters",
}  # fmt: skip


def test_listing_the_queue_imports_only_what_the_listing_uses(small_queue: str) -> None:
    loaded, printed = modules_after(
        f"from relance.interfaces.cli.main import run\nassert run(['queue', '--db', {small_queue!r}]) == 0"
    )
    assert "DUP" in printed and "MAR" in printed  # the table was printed: the check is fair
    assert {"relance.services.dunning", "babel.numbers"} <= loaded
    assert loaded & NOT_FOR_THE_QUEUE == set()


def test_the_queue_as_json_imports_neither_rich_s_console_nor_babel(small_queue: str) -> None:
    loaded, printed = modules_after(
        "from relance.interfaces.cli.main import run\n"
        f"assert run(['queue', '--db', {small_queue!r}, '--json']) == 0"
    )
    assert [row["customer"] for row in json.loads(printed)] == ["DUP", "MAR"]
    assert not any(m.startswith(("rich.console", "rich.text", "babel", "pydantic")) for m in loaded)


def test_every_command_is_listed_and_every_listed_command_exists() -> None:
    registered = all_commands()
    assert set(registered) == set(COMMANDS), (
        "add each new command to SECTIONS in src/relance/interfaces/cli/commands.py"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_answers_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([name, "--help"]) == 0
    assert f"relance {name}" in capsys.readouterr().out


def test_a_command_s_help_is_plain_text_its_paragraphs_reflowed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Plain as the root's help: no Rich box, and a docstring's line breaks are not kept
    # (Rich kept them, then wrapped again: ragged lines of one or two words).
    monkeypatch.setenv("COLUMNS", "80")
    assert run(["run", "--help"]) == 0
    said = capsys.readouterr().out
    assert any("unless --replay. While another run" in line for line in said.splitlines())
    assert "╭" not in said
    assert run(["send", "--help"]) == 0
    assert "TOML file with an [smtp] table." in capsys.readouterr().out


def test_an_unknown_command_is_wrong_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agin"]) == 2
    assert "No such command 'agin'" in capsys.readouterr().err


def _leaf_commands(commands: Iterable[Any]) -> Iterator[Any]:
    for command in commands:
        yield command
        yield from _leaf_commands(getattr(command, "commands", {}).values())


def _read(reading: Any, value: Any, param: Any, ctx: Any) -> Any:
    """What a reading makes of `value`: the value, or the message a user is shown."""
    try:
        return reading._coerce_value(value, param=param, ctx=ctx)
    except click_errors.BadParameter as exc:
        return ("error", exc.format_message())


def test_text_and_choices_are_read_without_pydantic_exactly_as_typer_reads_them() -> None:
    from typer._click import Context
    from typer._coercion import build_runtime_param

    from relance.interfaces.cli.plain_values import PlainValue, read_plainly

    commands = list(_leaf_commands(all_commands().values()))
    ctx = Context(app)
    read_plainly(commands, ctx)
    kinds: set[str] = set()
    for command in commands:
        for param in command.get_params(ctx):
            reading = getattr(param, "_runtime_param", None)
            if not isinstance(reading, PlainValue):
                continue
            annotation = param.type_descriptor.annotation
            if isinstance(annotation, type) and issubclass(annotation, Enum):
                samples: list[Any] = [*annotation, *(m.value for m in annotation)]
                samples += [str(m.value).upper() for m in annotation] + ["nope", " csv"]
            else:
                samples = [True, False] if annotation is bool else ["x", "", " a b ", "=1+1"]
            typers = build_runtime_param(param.type_descriptor)  # with pydantic
            for value in samples:
                assert _read(reading, value, param, ctx) == _read(typers, value, param, ctx)
            kinds.add(annotation.__name__)
    assert {"str", "bool", "Format"} <= kinds  # the check saw each kind


def test_a_csv_import_loads_none_of_the_readers_of_other_kinds_of_file(tmp_path: Path) -> None:
    db, customers = tmp_path / "ledger.sqlite", tmp_path / "clients.csv"
    assert run(["init", "--db", str(db), "--name", "Atelier Durand"]) == 0
    write(customers, "ref,name\nDUPONT,Dupont SARL\n")
    loaded = imported_after(
        "from relance.interfaces.cli.main import run\n"
        f"assert run(['import', 'customers', {str(customers)!r}, '--db', {str(db)!r}]) == 0"
    )
    assert "sqlalchemy" in loaded  # the import ran
    assert loaded & {"ofxtools", "pypdf", "lxml", "facturx", "mt940"} == set()


def test_each_import_kind_is_found_by_loading_only_its_own_modules() -> None:
    from relance.interfaces.cli.commands import IMPORT_KINDS

    every = all_commands()["import"].commands
    assert set(IMPORT_KINDS) == set(every)  # no kind forgotten, none that does not exist


def test_a_listing_on_sqlite_does_not_load_the_postgresql_dialect(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    assert run(["init", "--db", str(db), "--name", "Atelier Durand"]) == 0
    loaded, _ = modules_after(
        f"from relance.interfaces.cli.main import run\nassert run(['queue', '--db', {str(db)!r}]) == 0"
    )
    assert "sqlalchemy.dialects.sqlite" in loaded  # the check is about something
    assert "sqlalchemy.dialects.postgresql" not in loaded
