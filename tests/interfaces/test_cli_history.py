"""`relance history` tells when things happened: a credit manager types on Monday what the
customer said last week, and the timeline shows last week's dates, with Monday's typing
time beside them."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run


@pytest.fixture
def db(store: Store, tmp_path: Path) -> str:
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["init", "--db", url, "--name", "Plomberie Martin"]) == 0
    write(tmp_path / "c.csv", "ref;name\nDUPONT;Dupont SA\n")
    write(tmp_path / "i.csv", "numero;client;date;echeance;montant\n"
          "F1;DUPONT;01/09/2026;01/10/2026;500,00\nF2;DUPONT;01/09/2026;01/10/2026;90,00\n")  # fmt: skip
    assert run(["import", "customers", str(tmp_path / "c.csv"), "--db", url]) == 0
    assert run(["import", "invoices", str(tmp_path / "i.csv"), "--db", url]) == 0
    return url


def test_history_shows_the_business_date_with_the_typing_time_beside_it(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # typed in this order, about days in another order
    assert run(["promise", "DUPONT", "--amount", "500", "--by", "2026-11-20", "--db", db,
                "--date", "2026-11-12"]) == 0  # fmt: skip
    assert run(["dispute", "F2", "--reason", "not delivered", "--db", db,
                "--date", "2026-11-05"]) == 0  # fmt: skip
    assert run(["run", "--db", db, "--date", "2026-10-20"]) == 0
    typed_today = datetime.now().astimezone().strftime("%Y-%m-%d")
    capsys.readouterr()

    assert run(["history", "DUPONT", "--db", db, "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    dated = [(e["event"], e["date"]) for e in events if not e["event"].startswith("action.c")]
    assert dated == [
        ("promise.made", "2026-11-12"),
        ("dispute.opened", "2026-11-05"),
        ("action.proposed", "2026-10-20"),
    ]  # fmt: skip  (in the order typed)
    assert all(e["typed"].startswith(typed_today) for e in events)

    assert run(["history", "DUPONT", "--db", db, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["date"], r["event"]) for r in rows if r["event"] == "promise.made"] == [
        ("2026-11-12", "promise.made")
    ]

    assert run(["history", "DUPONT", "--db", db]) == 0
    table = capsys.readouterr().out
    (promise_line,) = [line for line in table.splitlines() if "promise.made" in line]
    assert promise_line.startswith("12 nov. 2026") and typed_today in promise_line
