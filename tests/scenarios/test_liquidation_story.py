"""A BODACC file opens a liquidation for one of three customers: the run stops for that
one only, the declaration of claim is rendered with the right deadline, posted (which
interrupts limitation), and the closing for lack of assets proposes the write-off."""

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from tests.conftest import write

from relance.adapters.storage.database import Store
from relance.core.engine import ActionStatus
from relance.interfaces.cli.main import run
from relance.services import daily_run, dunning

DATA = Path(__file__).parents[1] / "data" / "bodacc"


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def _ledger(db: str, tmp_path: Path) -> None:
    assert run(["init", "--db", db, "--name", "Atelier Durand SARL", "--country", "FR",
                "--currency", "EUR", "--address", "12 rue des Tanneurs", "--postal-code",
                "69002", "--city", "Lyon", "--siren", "732829320", "--legal-form", "SARL",
                "--rcs-city", "Lyon", "--signatory", "Claire Durand"]) == 0  # fmt: skip
    customers = write(
        tmp_path / "clients.csv",
        "ref;nom;siren;adresse;code_postal;ville\n"
        "ALPHA;Atelier Morel;542065479;3 rue Neuve;69002;Lyon\n"
        "BETA;Menuiserie Bertin;552100554;8 avenue Salengro;69100;Villeurbanne\n"
        "GAMMA;Garage Lenoir;443061841;1 quai Perrache;69002;Lyon\n",
    )
    invoices = write(
        tmp_path / "factures.csv",
        "numero;client;date;echeance;montant;tva\n"
        "A-1;ALPHA;01/07/2026;31/07/2026;1 200,00;200,00\n"
        "B-1;BETA;15/07/2026;14/08/2026;2 400,00;400,00\n"
        "B-2;BETA;20/09/2026;20/10/2026;600,00;100,00\n"
        "B-3;BETA;10/10/2026;09/11/2026;300,00;50,00\n"
        "G-1;GAMMA;05/07/2026;04/08/2026;900,00;150,00\n",
    )
    assert run(["import", "customers", str(customers), "--db", db]) == 0
    assert run(["import", "invoices", str(invoices), "--db", db]) == 0


def test_a_liquidation_stops_one_customer_and_its_claim_is_declared_in_time(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = store.engine.url.render_as_string(hide_password=False)
    _ledger(db, tmp_path)
    before = daily_run.run_dunning(store, date(2026, 9, 15))
    assert sorted(p.action.customer_ref for p in before.proposed) == ["ALPHA", "BETA", "GAMMA"]

    report = _json(["import", "bodacc", str(DATA / "annonces-commerciales.csv"), "--db", db,
                    "--json"], capsys)  # fmt: skip
    assert report["notices"] == 2  # the sale has no judgment; Transports Vial is no customer
    assert [(m["customer"], m["outcome"]) for m in report["matched"]] == [("BETA", "opened")]
    # BETA's pending step is cancelled; ALPHA's and GAMMA's wait as they were
    queued = {q.action.customer_ref: q for q in dunning.queue(store, everything=True)}
    assert queued["BETA"].action.status is ActionStatus.CANCELLED
    assert queued["BETA"].cancel_reason == "proceedings"
    assert {queued[c].action.status for c in ("ALPHA", "GAMMA")} == {ActionStatus.PROPOSED}
    # the same file again changes nothing
    again = _json(["import", "bodacc", str(DATA / "annonces-commerciales.csv"), "--db", db,
                   "--json"], capsys)  # fmt: skip
    assert [m["outcome"] for m in again["matched"]] == ["already read"]

    later = daily_run.run_dunning(store, date(2026, 11, 20))
    assert "BETA" not in {p.action.customer_ref for p in later.proposed}

    (line,) = _json(["proceedings", "list", "--db", db, "--as-of", "2026-10-15", "--json"],
                    capsys)  # fmt: skip
    assert (line["customer"], line["procedure"], line["since"], line["published"]) == (
        "BETA",
        "liquidation",
        "2026-09-29",
        "2026-10-06",
    )
    # published 6 October: two months end on Sunday 6 December, so Monday 7 (C. proc. civ. 642)
    assert (line["deadline"], line["days_left"]) == ("2026-12-07", 53)
    assert line["task"] == "declare the claim to the mandataire by 2026-12-07 (53 days left)"

    pdf = tmp_path / "declaration-BETA.pdf"
    assert run(["proceedings", "declare", "BETA", "--out", str(pdf), "--db", db, "--date",
                "2026-10-15", "--document", "bon de commande du 2 juillet 2026"]) == 0  # fmt: skip
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    words = " ".join(text.split())
    assert "DÉCLARATION DE CRÉANCE" in words and "Menuiserie Bertin, SIREN 552100554" in words
    assert "Liquidateur SELARL MJ Synergie, 230 rue Garibaldi 69003 Lyon" in words
    assert "jusqu'au 7 décembre 2026 inclus" in words
    assert "liquidation judiciaire ouverte par jugement du 29 septembre 2026" in words
    assert "publié au BODACC le 6 octobre 2026" in words
    # B-1 was due on the judgment's day, B-2 not yet (stated apart); B-3 was born after it
    due, to_fall = words.split("Créances à échoir")
    assert "B-1" in due and "B-2" not in due and "B-2" in to_fall and "B-3" not in words
    assert "bon de commande du 2 juillet 2026" in words
    assert "copie de la facture B-1" in words
    if shutil.which("pdftoppm"):
        import subprocess

        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")],
                       check=True)  # fmt: skip
        assert list(tmp_path.glob("page*.png"))

    assert run(["proceedings", "registered", "BETA", "--tracking", "1a23456789012",
                "--posted", "2026-10-16", "--db", db]) == 0  # fmt: skip
    (line,) = _json(["proceedings", "list", "--db", db, "--as-of", "2026-12-20", "--json"],
                    capsys)  # fmt: skip
    assert line["task"] == "claim declared"
    history = _json(["history", "BETA", "--db", db, "--json"], capsys)
    assert any("claim_declaration.posted" in json.dumps(event) for event in history)

    # closing for lack of assets: BETA stays out of the run; its write-off is proposed
    assert run(["import", "bodacc", str(DATA / "cloture.json"), "--db", db]) == 0
    (line,) = _json(["proceedings", "list", "--db", db, "--as-of", "2027-03-20", "--json"],
                    capsys)  # fmt: skip
    assert line["state"] == "closed_no_assets" and line["until"] == ""
    task = line["task"].replace("\u202f", " ").replace("\xa0", " ")
    assert "write off B-1: 2 400,00 € (VAT recovered 400,00 €)" in task
    assert "write off B-3" in line["task"]
