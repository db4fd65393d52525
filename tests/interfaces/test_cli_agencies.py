"""The commands after the formal notice as a user types them (SQLite): agencies added
(a wrong SIREN refused, exit 2), listed as JSON, a handoff refused for a missing guarantee
(exit 1), the routes as CSV, the handoff with its mandate, the agency's CSV with a bad line
(exit 2, nothing written) then a good one, and the report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.conftest import write
from tests.services.after_notice import seed_dupont, through_the_notice

from relance.adapters.storage.database import Store
from relance.interfaces.cli.main import run

AGENCY = ["agency", "add", "Recouvra SAS", "--siren", "732 829 320", "--city", "Lyon",
          "--contact", "Mme Martin", "--fee", "15:90:5000", "--fee", "25",
          "--fixed-fee", "30", "--minimum-fee", "50"]  # fmt: skip
GUARANTEES = ["--insurer", "Hiscox", "--policy", "RCP-2025-118", "--insured-until",
              "2026-06-30", "--iban", "FR76 3000 6000 0112 3456 7890 189"]  # fmt: skip


@pytest.fixture
def url(sqlite_store: Store, tmp_path: Path) -> str:
    seed_dupont(sqlite_store, tmp_path)
    through_the_notice(sqlite_store)
    return sqlite_store.engine.url.render_as_string(hide_password=False)


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def test_after_the_notice_at_the_command_line(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["agency", "add", "Bad", "--siren", "123456789", "--db", url]) == 2
    assert "siren: '123456789' is not a valid SIREN" in capsys.readouterr().err
    assert run([*AGENCY, "--db", url]) == 0
    assert "cannot take a claim" in out(capsys)
    assert run(["agency", "list", "--db", url, "--json", "--as-of", "2025-06-12"]) == 0
    (listed,) = json.loads(out(capsys))
    assert (listed["siren"], listed["can_take_claims"]) == ("732829320", False)
    handoff = ["handoff", "DUPONT", "--to", "agency", "Recouvra SAS", "--db", url,
               "--date", "2025-06-12"]  # fmt: skip
    assert run(handoff) == 1
    assert "(CPCE R124-2)" in capsys.readouterr().err
    assert run([*AGENCY, *GUARANTEES, "--db", url]) == 0
    out(capsys)

    assert run(["routes", "DUPONT", "--as-of", "2025-06-12", "--csv", "--db", url]) == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(out(capsys)))}
    assert (rows["Recouvra SAS"]["net"], rows["write-off"]["net"]) == ("1110.22", "300.00")
    assert run(["routes", "DUPONT", "--as-of", "2025-06-12", "--db", url]) == 0
    assert "decide with relance handoff" in out(capsys)

    mandate = tmp_path / "mandat.pdf"
    assert run([*handoff, "--mandate", str(mandate)]) == 0
    said = out(capsys)
    assert "2 invoices (1800.00 EUR) handed to agency Recouvra SAS" in said
    assert mandate.read_bytes().startswith(b"%PDF") and "Mandate of 1927.34 EUR" in said
    assert run(["run", "--date", "2025-06-13", "--db", url, "--json"]) == 0
    assert json.loads(out(capsys)) == []  # nothing proposed for the invoices handed over

    bad = write(tmp_path / "bad.csv", "date,invoice,amount,reference\n2025-07-01,F-1,200,R1\n"
                "2025-07-02,F-1,,R2\n")  # fmt: skip
    imports = ["import", "agency-recoveries"]
    assert run([*imports, str(bad), "--agency", "Recouvra SAS", "--db", url]) == 3
    assert "bad.csv:3: amount: is empty" in capsys.readouterr().err
    good = write(tmp_path / "good.csv", "date,invoice,amount,reference\n2025-07-01,F-1,200,R1\n")
    assert run([*imports, str(good), "--agency", "Recouvra SAS", "--db", url, "--json"]) == 0
    (applied,) = json.loads(out(capsys))["applied"]
    assert (applied["fee"], applied["state"]) == ("50.00", "partly_recovered")

    assert run(["agency", "report", "--from", "2025-06-01", "--to", "2025-07-31", "--db", url,
                "--json"]) == 0  # fmt: skip
    (line,) = json.loads(out(capsys))
    assert (line["recovered"], line["fees"], line["net"]) == ("200.00", "80.00", "120.00")
