"""From the formal notice to an agency and back, on SQLite and PostgreSQL.

Atelier Durand (Lyon) is owed F-1 (1,200 EUR, 200 of VAT) and F-2 (600 EUR, 100 of VAT) by
Dupont SARL, both due on 31 March 2025. Dupont never answers: the letters go, the formal
notice goes by registered mail on 26 May, and on 10 June relance proposes the handoff task.
On 12 June the credit manager compares the routes, tries an agency whose insurance is not
on record (refused), records its insurance and hands the claim to Recouvra SAS with the
mandate to sign; the daily runs leave Dupont alone. The case file goes to Recouvra with the
mandate in it; Recouvra checks it file by file against its manifest. In July Recouvra
collects 200 on F-1 and all of F-2 and charges its fee, kept apart from what Dupont owes;
in September it returns F-1, the rest of which is then written off with its VAT.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from tests.conftest import write
from tests.services.after_notice import RECOUVRA, seed_dupont, through_the_notice

from relance.core.handoff import Route
from relance.core.routes import NO_AGENCY
from relance.core.writeoff import HandoffStatus
from relance.interfaces.cli.main import run
from relance.services import (
    agencies,
    agency_mandate,
    agency_recoveries,
    customer_history,
    daily_run,
    handoffs,
    law,
    reports,
    routes,
)
from relance.services.agencies import AgencyRefused

DECISION_DAY = date(2025, 6, 12)


def test_a_claim_goes_from_the_formal_notice_to_an_agency_and_back(
    store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_dupont(store, tmp_path)
    # The letters, the formal notice, then the handoff task: relance hands nothing over itself.
    assert [names for _, names in through_the_notice(store)][-2:] == [["final"], ["handoff"]]

    # 12 June: the routes compared. A = 1,800 principal + interest at 13.15 % (ECB 3.15 % on
    # 1 January 2025 + 10 points) for 73 days: 1,200 × 13.15 % × 73/365 = 31.56 and 15.78,
    # 47.34 in all + 2 × 40 indemnities = 1,927.34 EUR; 73 days past due: p = 69.6 % (the
    # prior, relance has no closed agency files yet), p × A = 1,341.43.
    agencies.save_agency(store, dataclasses.replace(RECOUVRA, insurance=None))
    (compared,) = routes.compare(store, "DUPONT", DECISION_DAY)
    claim = compared.comparison.claim
    assert (str(claim.interest), str(claim.indemnity), str(claim.total)) == (
        "47.34 EUR",
        "80.00 EUR",
        "1927.34 EUR",
    )
    shut, *offered = compared.comparison.figures
    # the agency has no insurance on record: it is not offered
    assert (shut.route, shut.unavailable) == (Route.AGENCY, NO_AGENCY)
    figures = {f.name: (str(f.recovery), str(f.cost), str(f.net)) for f in offered}
    assert figures == {
        "small claims": ("1341.43 EUR", "80.00 EUR", "1261.43 EUR"),
        "payment order": ("1341.43 EUR", "103.40 EUR", "1238.03 EUR"),  # greffe 38.40 + service 65
        "write-off": ("0.00 EUR", "-300.00 EUR", "300.00 EUR"),  # the VAT comes back
    }
    with pytest.raises(AgencyRefused, match=r"insurance .* is not on record"):
        handoffs.hand_off(store, "DUPONT", Route.AGENCY, DECISION_DAY, agency_name="Recouvra SAS")

    # Its insurance certificate arrives: now offered, 15 % (≤ 90 days, ≤ 5,000) of 1,341.43
    # = 201.21 + 30 fixed = 231.21; net 1,110.22.
    agencies.save_agency(store, RECOUVRA)
    (compared,) = routes.compare(store, "DUPONT", DECISION_DAY)
    agency = compared.comparison.figures[0]
    assert (agency.name, str(agency.cost), str(agency.net)) == (
        "Recouvra SAS",
        "231.21 EUR",
        "1110.22 EUR",
    )
    done = handoffs.hand_off(
        store, "DUPONT", Route.AGENCY, DECISION_DAY, agency_name="Recouvra SAS", actor="claire"
    )
    assert [i.invoice.number for i in done.items] == ["F-1", "F-2"]
    assert any(
        e.kind == "handoff" and e.actor == "claire"
        for e in customer_history.history(store, "DUPONT")
    )
    for day in (date(2025, 6, 13), date(2025, 6, 30), date(2025, 8, 1)):
        assert daily_run.run_dunning(store, day, actor="test").proposed == ()

    # The mandate, read back as the agency will read it.
    pdf = tmp_path / "mandat.pdf"
    agency_mandate.write_mandate(store, "DUPONT", "Recouvra SAS", DECISION_DAY, pdf)
    with pdfplumber.open(pdf) as document:
        pages = [page.extract_text() for page in document.pages]
    text = "\n".join(pages)
    assert "Fait à Lyon, le 12 juin 2025" in pages[-1] and "Bon pour mandat" in pages[-1]
    for words in ("MANDAT DE RECOUVREMENT AMIABLE", "Article R124-3", "Atelier Durand",
                  "Recouvra SAS, SIREN 732829320", "Dupont SARL", "F-1", "F-2",
                  "Montant total de la créance 1 927,34 €", "Hiscox, police n° RCP-2025-118",
                  "15 % des sommes encaissées", "Frais fixes par dossier : 30,00 €",
                  "dans un délai de 30 jours", "Bon pour mandat"):  # fmt: skip
        assert words in text.replace("\u202f", " ").replace("\xa0", " "), words

    # The case file for Recouvra, made the same day: the mandate in it is the one to sign
    # (same day, same bytes), and the manifest lists every other file with its SHA-256.
    url = store.engine.url.render_as_string(hide_password=False)
    folder = tmp_path / "agence-DUPONT"
    made = ["casefile", "DUPONT", "--for", "agency", "--out", str(folder), "--as-of",
            "2025-06-12", "--db", url]  # fmt: skip
    assert run(made) == 0
    listed = {f["path"]: f for f in json.loads((folder / "manifest.json").read_bytes())["files"]}
    # (the letters were carried out at the desk, not sent by relance: it kept no copy)
    assert list(listed) == [
        "dossier.pdf", "invoices/F-1-duplicate.pdf", "invoices/F-2-duplicate.pdf",
        "exchanges/contacts.csv", "exchanges/disputes.csv", "exchanges/promises.csv",
        "statement/statement.csv", "agency/handoff.json", "agency/mandate.pdf",
    ]  # fmt: skip
    # Recouvra checks it as it would by hand: each file's size and SHA-256 recomputed.
    received = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert received == {*listed, "manifest.json"}
    for path, entry in listed.items():
        content = (folder / path).read_bytes()
        found = (len(content), hashlib.sha256(content).hexdigest())
        assert found == (entry["size"], entry["sha256"]), path
    assert listed["agency/mandate.pdf"]["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
    handed = json.loads((folder / "agency" / "handoff.json").read_bytes())
    assert (handed["handed_over"]["agency"], handed["handed_over"]["on"]) == (
        "Recouvra SAS", "2025-06-12")  # fmt: skip
    assert (handed["mandate"]["total"], handed["mandate"]["invoices"]) == (
        "1927.34",
        ["F-1", "F-2"],
    )
    # relance casefile verify says the same; one byte changed in the mandate and it names it.
    capsys.readouterr()
    assert run(["casefile", "verify", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["clean"] is True
    mandate = folder / "agency" / "mandate.pdf"
    tampered = bytearray(mandate.read_bytes())
    tampered[len(tampered) // 2] ^= 0x01
    mandate.write_bytes(bytes(tampered))
    assert run(["casefile", "verify", str(folder), "--json"]) == 1
    checked = json.loads(capsys.readouterr().out)
    assert (checked["altered"], checked["missing"], checked["extra"]) == (
        ["agency/mandate.pdf"], [], [])  # fmt: skip

    # July: the agency's CSV. Fee: 200 → the 50 minimum; 800 in all → 15 % = 120, so 70 more.
    csv = write(tmp_path / "recouvra.csv", "date;facture;montant;référence\n"
                "01/07/2025;F-1;200,00;RC-1\n15/07/2025;F-2;600,00;RC-2\n")  # fmt: skip
    imported = agency_recoveries.import_recoveries(store, csv, "Recouvra SAS")
    assert [str(a.fee) for a in imported.applied] == ["50.00 EUR", "70.00 EUR"]
    owed = {
        x.invoice.number: str(x.open_balance)
        for x in reports.invoice_lines(store, date(2025, 7, 31), "DUPONT")
    }
    assert owed == {"F-1": "1000.00 EUR", "F-2": "0.00 EUR"}  # the fee is not the debtor's

    # September: Recouvra gives F-1 back. It is no longer with the agency; what is left of it
    # is written off, its VAT share (1,000 × 200/1,200 = 166.67) recovered.
    law.record_handoff(
        store, "F-1", "Recouvra SAS", HandoffStatus.RETURNED_BY_AGENCY, date(2025, 9, 1)
    )
    back = handoffs.hand_off(store, "DUPONT", Route.WRITE_OFF, date(2025, 9, 2))
    assert [(i.invoice.number, str(i.balance)) for i in back.items] == [("F-1", "1000.00 EUR")]
    assert {
        x.invoice.number: x.status for x in reports.invoice_lines(store, date(2025, 9, 2), "DUPONT")
    } == {"F-1": "written_off", "F-2": "paid"}

    # The agency report: 1,800 handed over, 800 recovered (44.4 %), F-2 cleared in 33 days;
    # fees 30 + 50 + 70 = 150; net 650.
    (line,) = agency_recoveries.report(store, date(2025, 6, 1), date(2025, 9, 30))
    assert (line.agency, str(line.claimed), str(line.recovered), line.rate, line.mean_days) == (
        "Recouvra SAS",
        "1800.00 EUR",
        "800.00 EUR",
        Decimal("44.4"),
        Decimal("33.0"),
    )
    assert (str(line.fees), str(line.net)) == ("150.00 EUR", "650.00 EUR")
