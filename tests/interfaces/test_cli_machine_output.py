"""Machine output goes straight to stdout: every command with --json or --csv, in a real
process whose stdout is a pipe, prints JSON that `json.loads` reads or CSV whose every row
has the header's cells, and nothing of it through Rich.

The process is told it may colour and is 40 columns wide (FORCE_COLOR, TTY_COMPATIBLE,
COLUMNS): output through Rich would then carry ANSI codes and lines cut at 40 characters.
The console for people is watched too: it must print nothing while the command prints for
programs. A command added later with --json or --csv fails
`test_every_command_with_machine_output_is_run_here` until it has a line in `COMMANDS`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import sqlite_ledger, write
from tests.interfaces.test_cli_listings import LISTINGS, hostile_ledger

from relance.interfaces.cli.commands import all_commands

DATA = Path(__file__).resolve().parents[1] / "data"
LONG_NAME = "Établissements" + " Dupont-Durand et Associés" * 12  # 326 characters
AGENCY = "-MINUS Recouvrement"

# Each command with --json or --csv but no --format: the words before the ledger's
# options, and the arguments after "--" (references starting with a dash are no options).
# `{folder}` is the folder of the test's files.
JSON_ONLY: dict[str, tuple[list[str], list[str]]] = {
    "interest": (["interest", "--as-of", "2026-04-10"], ["-MINUS"]),
    "limitation": (["limitation", "--as-of", "2031-06-01"], []),
    "contract": (["contract"], ["-MINUS"]),
    "casefile": (["casefile", "--as-of", "2026-04-10", "--out", "{folder}/casefile"], ["-MINUS"]),
    "terms check": (["terms", "check"], []),
    "rates settings": (["rates", "settings"], []),
    "agency show": (["agency", "show"], [AGENCY]),
    "import customers": (["import", "customers", "{folder}/c2.csv", "--dry-run"], []),
    "import invoices": (["import", "invoices", "{folder}/i2.csv", "--dry-run"], []),
    "import credit-notes": (["import", "credit-notes", "{folder}/cn.csv", "--dry-run"], []),
    "import payments": (["import", "payments", "{folder}/p2.csv", "--dry-run"], []),
    "import bank": (["import", "bank", "{folder}/releve2.csv", "--dry-run"], []),
    "import ubl": (["import", "ubl", str(DATA / "formats/ubl/invoice-2026-0042.xml"), "--dry-run"], []),
    "import bodacc": (["import", "bodacc", str(DATA / "bodacc/annonces-commerciales.csv")], []),
    "import agency-recoveries": (["import", "agency-recoveries", "{folder}/rec.csv", f"--agency={AGENCY}"], []),
}  # fmt: skip
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    **{name: (args, []) for name, args in LISTINGS.items()},
    **JSON_ONLY,
}
# Their files come from the shared samples folder, absent on some machines; they print
# through the same function as `import ubl` and `import bank` (files.py, `_print`).
NOT_RUN = {"import fec", "import facturx"}

# Runs the CLI as the console script does and counts what the console for people printed.
RUNNER = """
import sys
from relance.interfaces.cli import output
from relance.interfaces.cli.main import run
printed = []
for_people = output.console.print
output.console.print = lambda *args, **kwargs: (printed.append(args), for_people(*args, **kwargs))
code = run(sys.argv[1:])
sys.stderr.write(f"\\nprinted for people: {len(printed)}\\n")
sys.exit(code)
"""


def machine_flags(commands: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """`name --json` and `name --csv` for every command offering them (directly or through
    --format)."""
    for name, command in commands.items():
        if hasattr(command, "commands"):
            yield from machine_flags(command.commands, (*prefix, name))
            continue
        options = {o for p in command.params for o in p.opts}
        full = " ".join((*prefix, name))
        for kind in ("json", "csv"):
            if f"--{kind}" in options:
                yield f"{full} --{kind}"
            elif "--format" in options:
                yield f"{full} --format={kind}"


RUNS = sorted(machine_flags(all_commands()))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The listings' hostile ledger, with a customer whose name is 326 characters long;
    and the folder of the files the imports read."""
    folder = tmp_path_factory.mktemp("machine")
    store = sqlite_ledger(folder / "ledger.sqlite")
    db = hostile_ledger(store, folder)
    store.engine.dispose()
    write(folder / "long.csv", f"ref;name\nLONG;{LONG_NAME}\n")
    write(folder / "long_i.csv", "numero;client;date;echeance;montant\nL1;LONG;01/01/2026;31/01/2026;10,00\n")  # fmt: skip
    files = {
        "c2.csv": "ref;name\nNEW;Nouveau\n",
        "i2.csv": "numero;client;date;echeance;montant\nN1;-MINUS;01/01/2026;31/01/2026;10,00\n",
        "cn.csv": "numero;client;date;montant;facture\nA1;-MINUS;01/02/2026;5,00;@F2\n",
        "p2.csv": "date;customer;amount;invoice\n10/03/2026;-MINUS;5,00;@F2\n",
        "releve2.csv": "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
        "06/03/2026;VIR F1;30,00;Tabbed;;;TX-2\n",
        "rec.csv": "date,invoice,amount,reference\n2026-06-01,@F2,50,R1\n",
    }
    for name, text in files.items():
        write(folder / name, text)
    for kind, name in (("customers", "long.csv"), ("invoices", "long_i.csv")):
        done = subprocess.run([*relance(), "import", kind, str(folder / name), "--db", db],
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
    return db, folder


def relance() -> list[str]:
    """The command that runs the CLI in a fresh process, counting what it printed for
    people."""
    return [sys.executable, "-c", RUNNER]


def test_every_command_with_machine_output_is_run_here() -> None:
    offered = {run.rsplit(" ", 1)[0] for run in RUNS}
    assert offered == set(COMMANDS) | NOT_RUN


@pytest.mark.parametrize("what", RUNS)
def test_machine_output_is_written_whole_and_plain(what: str, ledger: tuple[str, Path]) -> None:
    db, folder = ledger
    name, flag = what.rsplit(" ", 1)
    if name in NOT_RUN:
        pytest.skip(f"{name}: its files are in the shared samples folder (see NOT_RUN)")
    words, after = COMMANDS[name]
    args = [w.replace("{folder}", str(folder)) for w in words]
    env = {**os.environ, "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": "40"}
    done = subprocess.run(
        [*relance(), *args, "--db", db, flag, "--", *after],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.endswith("printed for people: 0\n"), done.stderr
    out = done.stdout
    assert "\x1b" not in out  # no colour, no cursor movement
    if flag.endswith("json"):
        json.loads(out)
    else:
        header, *rows = list(csv.reader(io.StringIO(out)))
        assert all(len(row) == len(header) for row in rows)  # no row cut in two
    if name in ("customers", "aging"):  # the long name, on one line, whole
        assert any(LONG_NAME in line for line in out.splitlines())
