"""One rule for a bad input file, whatever the import (docs/cli.md, "Exit codes"): exit 3,
one line on standard error naming the file, the line (the record, for an agencies file)
and the field, and nothing of the file written; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import write
from tests.services.after_notice import RECOUVRA, seed_dupont

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_agencies as ta
from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run
from relance.services import agencies

FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise\n"
)
FEC_LINE = "VE\tVentes\t{n}\t{day}\t411ACME\tClients\t\t\tF{n}\t20260105\tVente\t10,00\t0,00\t\t\t20260105\t\t\n"

# the import's command, its file's name and content, and the line and field it must name
BAD_FILES = {
    "customers": (["import", "customers"], "clients.csv",
                  "ref,name,kind,country\nC1,Acme,business,FR\nC2,Beta,alien,FR\n", 3, "kind"),
    "invoices": (["import", "invoices"], "factures.csv",
                 "number,customer,issue_date,due_date,amount,currency\n"
                 "F1,DUPONT,2025-01-01,2025-01-31,100.00,EUR\n"
                 "F2,DUPONT,2025-13-01,2025-01-31,100.00,EUR\n", 3, "issue_date"),
    "credit-notes": (["import", "credit-notes"], "avoirs.csv",
                     "number,customer,date,amount,currency\nA1,DUPONT,2025-01-01,abc,EUR\n",
                     2, "amount"),
    "payments": (["import", "payments"], "paiements.csv",
                 "date,customer,amount,currency\n2025-01-01,DUPONT,10.00,EUR\n"
                 "2025-01-02,DUPONT,ten,EUR\n", 3, "amount"),
    "fec": (["import", "fec"], "fec.txt",
            FEC_HEADER + FEC_LINE.format(n=1, day="20260105")
            + FEC_LINE.format(n=2, day="20260231"), 3, "EcritureDate"),
    "bank": (["import", "bank"], "releve.csv",
             "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
             "2025-01-01;VIR;abc;X;;;1\n", 2, "amount"),
    "agency-recoveries": (["import", "agency-recoveries", "--agency", "Recouvra SAS"],
                          "recouvra.csv", "date;facture;montant;référence\n"
                          "01/07/2025;F-9;10,00;RC-1\n", 2, "invoice"),
    "agencies": (["agency", "add", "--from"], "agences.toml",
                 '[[agency]]\nname = "Une"\nsiren = "732829320"\n'
                 '[[agency]]\nname = "Bad"\nsiren = "123456789"\n', 2, "siren"),
}  # fmt: skip


def written(store: Store) -> tuple[int, ...]:
    """The rows an import could write: nothing of a bad file may be there."""
    tables = (t.customers, t.invoices, t.credit_notes, t.payments, t.allocations, t.imports,
              ta.agencies, ta.agency_recoveries)  # fmt: skip
    with store.begin() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one() for table in tables
        )


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_exits_3_naming_its_file_line_and_field_and_writes_nothing(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    command, file_name, content, line, field = BAD_FILES[name]
    seed_dupont(store, tmp_path)
    agencies.save_agency(store, RECOUVRA)
    before = written(store)
    bad = write(tmp_path / file_name, content)
    url = store.engine.url.render_as_string(hide_password=False)
    args = [*command, str(bad)] if command[-1] == "--from" else [*command[:2], str(bad),
                                                                 *command[2:]]  # fmt: skip
    capsys.readouterr()
    assert run([*args, "--db", url]) == 3
    said = " ".join(capsys.readouterr().err.split())
    # "FILE:3: field:" whatever the format; an agencies file names its record
    place = rf"{re.escape(file_name)}:(agency )?{line}: {field}: "
    assert re.search(place, said), said
    assert "Traceback" not in said
    assert written(store) == before
