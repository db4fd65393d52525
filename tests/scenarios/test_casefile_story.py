"""A claim taken to its case file: Boulangerie Martin owes two invoices since January 2018.
relance e-mails and prints the first letter, sends the formal notice by registered letter
and e-mail (through a real SMTP server on loopback), the receipt comes back; the baker
promises on the phone to pay, then disputes one invoice. On 20 April the creditor makes
the case file: every letter and e-mail in it is the one sent, byte for byte, the dossier
states the claim and its parts, and the manifest catches any file altered, removed or
added afterwards."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from reportlab.pdfgen import canvas as pdf_canvas
from sqlalchemy import update
from tests.conftest import write
from tests.services.after_notice import RECOUVRA
from tests.services.test_letters import SENDER, Inbox, serve

from relance.adapters.deliver.smtp import SmtpMailer
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import tables_letters
from relance.adapters.storage.database import Store
from relance.core.casefile import EvidenceMismatch
from relance.core.contacts import CallOutcome, ContactChannel
from relance.core.dossier import Purpose
from relance.core.handoff import Route
from relance.core.money import Money
from relance.interfaces.cli.main import run
from relance.services import (
    agencies,
    casefile,
    casefile_check,
    daily_run,
    dunning,
    handoffs,
    letters,
    pauses,
    sending,
)
from relance.services.casefile_facts import NoAgencyToMandate
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

CUSTOMERS = """ref,name,kind,country,language,email,siren,address,postal_code,city
BOULMART,Boulangerie Martin,business,FR,fr,compta@boulangerie-martin.fr,732829320,4 place Bellecour,69002,Lyon
"""
INVOICES = """number,customer,issue_date,due_date,currency,amount,tax,subject,pdf
F-001,BOULMART,2017-12-01,2018-01-01,EUR,1200.00,200.00,Maintenance annuelle,F-001.pdf
F-002,BOULMART,2017-12-15,2018-01-15,EUR,300.00,50.00,Pièces détachées,
"""
PAYMENTS = """date,customer,amount,currency,method,reference,invoice
2018-03-01,BOULMART,200.00,EUR,virement,ACOMPTE F-001,F-001
"""
AS_OF = date(2018, 4, 20)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, SmtpMailer]]:
    with serve(Inbox()) as served:
        yield served


def invoice_pdf(path: Path) -> Path:
    canvas = pdf_canvas.Canvas(str(path))
    canvas.drawString(100, 700, "FACTURE F-001 Boulangerie Martin 1 200,00 EUR")
    canvas.showPage()
    canvas.save()
    return path


def carry_out(store: Store, day: date) -> None:
    """Run relance on `day`, approve everything and carry it out by hand."""
    daily_run.run_dunning(store, day)
    for action_id in dunning.approve(store, every=True):
        dunning.mark_done(store, action_id, day)


def send(store: Store, day: date, out: Path, mailer: SmtpMailer) -> list[int]:
    daily_run.run_dunning(store, day)
    ids: list[int] = dunning.approve(store, every=True)
    now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
    report = sending.send_approved(store, day, out, mailer, sender=SENDER, now=now)
    assert report.blocked == () and report.emails
    return ids


def the_story(store: Store, tmp_path: Path, mailer: SmtpMailer) -> int:
    """The claim up to 20 April 2018; returns the formal notice's action."""
    init_creditor(store, DEMO_CREDITOR, actor="test")
    invoice_pdf(tmp_path / "F-001.pdf")
    for kind, text in ((CsvKind.CUSTOMERS, CUSTOMERS), (CsvKind.INVOICES, INVOICES),
                       (CsvKind.PAYMENTS, PAYMENTS)):  # fmt: skip
        import_ledger_csv(store, kind, write(tmp_path / f"{kind.value}.csv", text), actor="t")
    carry_out(store, date(2018, 2, 5))  # the informal call, by hand
    send(store, date(2018, 2, 19), tmp_path / "out", mailer)  # letter 1: e-mail and print
    carry_out(store, date(2018, 3, 5))
    carry_out(store, date(2018, 3, 19))
    final = send(store, date(2018, 4, 2), tmp_path / "out", mailer)  # the formal notice
    letters.registered(store, final[0], tracking="1A 234 567 8901 2", posted=date(2018, 4, 3))
    letters.registered(store, final[0], received=date(2018, 4, 5))
    pauses.log_contact(
        store,
        "BOULMART",
        ContactChannel.CALL,
        date(2018, 4, 10),
        outcome=CallOutcome.PROMISED,
        note="Mme Martin paiera 500 EUR fin avril",
    )
    pauses.promise(store, "BOULMART", Money(Decimal("500.00"), "EUR"), date(2018, 4, 30),
                   date(2018, 4, 10))  # fmt: skip
    pauses.dispute(store, "F-002", "pièces livrées incomplètes", date(2018, 4, 12))
    return final[0]


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def test_the_case_file_holds_the_evidence_as_sent_and_its_manifest_catches_any_change(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    notice = the_story(store, tmp_path, mailer)
    folder = tmp_path / "case"

    report = casefile.write_case_file(store, "BOULMART", folder, as_of=AS_OF)

    found = files_of(folder)
    manifest = json.loads(found["manifest.json"])
    listed = {f["path"]: f for f in manifest["files"]}
    # Every file is listed with its size and hash, and nothing else is there.
    assert set(found) == set(listed) | {"manifest.json"}
    for path, content in found.items():
        if path != "manifest.json":
            assert listed[path]["size"] == len(content)
            assert listed[path]["sha256"] == hashlib.sha256(content).hexdigest()
    assert manifest["as_of"] == "2018-04-20" and manifest["relance_version"]
    assert report.manifest.customer_ref == "BOULMART"

    # The invoices: the PDF taken at import, and a duplicate of the one without a PDF.
    assert found["invoices/F-001.pdf"] == (tmp_path / "F-001.pdf").read_bytes()
    assert "DUPLICATA" in pdf_text(found["invoices/F-002-duplicate.pdf"])
    # Every letter is the evidence kept when it left; every e-mail the bytes the server got.
    with store.begin() as conn:
        kept = rl.load_evidence(conn, customer_ref="BOULMART")
    letters_in = {p: c for p, c in found.items() if p.startswith("letters/")}
    assert sorted(letters_in.values()) == sorted(e.pdf for e in kept) and len(kept) == 4
    emails_in = [c for p, c in found.items() if p.startswith("emails/")]
    assert sorted(emails_in) == sorted(server.received) and len(emails_in) == 2
    # The registered letter's proof names the very letter posted.
    proofs = json.loads(found["registered/registered-mail.json"])
    assert [
        (p["tracking_number"], p["posted_on"], p["received_on"], p["state"]) for p in proofs
    ] == [("1A 234 567 8901 2", "2018-04-03", "2018-04-05", "received")]
    assert hashlib.sha256(found[proofs[0]["letter"]]).hexdigest() == proofs[0]["letter_sha256"]
    assert f"action-{notice}-registered_letter" in proofs[0]["letter"]
    # The call log, the dispute and the promise.
    calls = found["exchanges/contacts.csv"].decode()
    assert "2018-04-10,call,outgoing,promised,Mme Martin paiera 500 EUR fin avril" in calls
    assert "F-002,2018-04-12,pièces livrées incomplètes" in found["exchanges/disputes.csv"].decode()
    assert "2018-04-10,2018-04-30,500.00,EUR" in found["exchanges/promises.csv"].decode()

    # The dossier read back: who, the claim and its parts, the process, the timeline.
    text = pdf_text(found["dossier.pdf"])
    flat = " ".join(text.split())
    assert "Dossier de créance" in text and "Boulangerie Martin" in text
    assert "SIREN 732829320" in text and "4 place Bellecour" in text
    # F-001: 1,200.00 less 200.00 paid on 1 March; interest at 10 % (ECB 0.00 % + 10):
    # 1,200.00 x 10 % x 59 / 365 = 19.40 (2 Jan - 1 Mar), 1,000.00 x 10 % x 50 / 365 = 13.70
    # (2 Mar - 20 Apr). F-002: 300.00 x 10 % x 95 / 365 = 7.81 (16 Jan - 20 Apr).
    assert (
        "F-001 01/12/2017 01/01/2018 1 200,00 € 200,00 € 1 000,00 € 33,10 € 40,00 € 1 073,10 €"
        in flat.replace("\u202f", " ").replace("\xa0", " ")
    )
    clean = flat.replace("\u202f", " ").replace("\xa0", " ")
    assert "Principal facturé (TTC) 1 500,00 €" in clean
    assert "Paiements reçus 200,00 €" in clean
    assert "Principal restant dû 1 300,00 €" in clean
    assert "Intérêts de retard 40,91 €" in clean
    assert "Indemnités forfaitaires de recouvrement 80,00 €" in clean
    assert "Solde réclamé 1 420,91 €" in clean
    assert "02/01/2018 01/03/2018 59 1 200,00 € 10 % 19,40 €" in clean
    assert "02/03/2018 20/04/2018 50 1 000,00 € 10 % 13,70 €" in clean
    for entry in ("Relance envoyée", "Accusé de réception signé", "Appel",
                  "Promesse de payer 500,00 € au plus tard le 30/04/2018", "Contestation",
                  "1A 234 567 8901 2", "Bordereau des pièces"):  # fmt: skip
        assert entry in clean, entry
    for path in listed:
        if path != "dossier.pdf":
            assert listed[path]["sha256"] in clean

    # Checked later: clean; then an altered byte, a removed file, an added file.
    assert casefile_check.verify_case_file(folder).discrepancies.clean
    letter = next(p for p in listed if p.startswith("letters/"))
    altered = bytearray((folder / letter).read_bytes())
    altered[100] ^= 1
    (folder / letter).write_bytes(bytes(altered))
    (folder / "exchanges" / "promises.csv").unlink()
    write(folder / "exchanges" / "note.txt", "added later")
    found_now = casefile_check.verify_case_file(folder).discrepancies
    assert found_now.altered == (letter,)
    assert found_now.missing == ("exchanges/promises.csv",)
    assert found_now.extra == ("exchanges/note.txt",)
    assert run(["casefile", "verify", str(folder)]) == 1


def test_the_zip_holds_the_same_files_and_its_check_finds_a_changed_entry(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    the_story(store, tmp_path, inbox[1])
    out = tmp_path / "case.zip"
    url = store.engine.url.render_as_string(hide_password=False)

    code = run(["casefile", "BOULMART", "--out", str(out), "--as-of", "2018-04-20", "--db", url])

    assert code == 0 and out.is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".case.zip")] == []
    assert run(["casefile", "verify", str(out)]) == 0
    with zipfile.ZipFile(out) as bundle:
        entries = {i.filename: bundle.read(i) for i in bundle.infolist()}
    assert "dossier.pdf" in entries and "manifest.json" in entries
    # A zip never replaces a file, a folder must be empty.
    assert run(["casefile", "BOULMART", "--out", str(out), "--db", url]) == 1
    (tmp_path / "busy").mkdir()
    write(tmp_path / "busy" / "x.txt", "x")
    assert run(["casefile", "BOULMART", "--out", str(tmp_path / "busy"), "--db", url]) == 1
    # The same entries with one byte changed: the check names it.
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as bundle:
        for name, content in entries.items():
            if name == "invoices/F-001.pdf":
                content = content[:-2] + b"X\n"
            bundle.writestr(name, content)
    checked = casefile_check.verify_case_file(changed)
    assert checked.discrepancies.altered == ("invoices/F-001.pdf",)
    assert run(["casefile", "verify", str(changed)]) == 1
    # A second entry under the same name (which an unzip tool may extract instead of the
    # first) is no hiding place: it is reported as added.
    doubled = tmp_path / "doubled.zip"
    with zipfile.ZipFile(doubled, "w") as bundle, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: the point
        for name, content in entries.items():
            bundle.writestr(name, content)
        bundle.writestr("invoices/F-001.pdf", b"%PDF-1.4 another invoice")
    assert casefile_check.verify_case_file(doubled).discrepancies.extra == (
        "invoices/F-001.pdf (entry 2)",
    )


def test_a_stored_letter_that_no_longer_matches_its_hash_stops_the_case_file(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    notice = the_story(store, tmp_path, inbox[1])
    with store.begin() as conn:
        conn.execute(
            update(tables_letters.letter_evidence)
            .where(tables_letters.letter_evidence.c.action_id == notice,
                   tables_letters.letter_evidence.c.channel == "registered_letter")
            .values(pdf=b"%PDF-1.4 something else")
        )  # fmt: skip
    out = tmp_path / "case"
    with pytest.raises(EvidenceMismatch, match=f"letters/2018-04-02-action-{notice}-registered"):
        casefile.write_case_file(store, "BOULMART", out, as_of=AS_OF, purpose=Purpose.GENERAL)
    assert not out.exists() and list(tmp_path.glob(".case*")) == []


def test_for_a_payment_order_the_request_lists_parties_amounts_and_documents_in_order(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    the_story(store, tmp_path, inbox[1])
    url = store.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "order"

    code = run(["casefile", "BOULMART", "--out", str(out), "--as-of", "2018-04-20",
                "--for", "payment-order", "--lang", "en", "--db", url])  # fmt: skip

    assert code == 0
    request = json.loads((out / "payment-order" / "request.json").read_bytes())
    # Two businesses: the president of the tribunal de commerce where the debtor is.
    assert request["form"] == "Cerfa n° 12946"
    assert request["court"]["debtor_place"] == "69002 Lyon"
    assert request["creditor"]["registration_id"] == "732829320"
    assert request["debtor"]["name"] == "Boulangerie Martin"
    # F-002 is disputed: left out of a request for a certain claim. F-001 alone, by hand:
    # 1,000.00 owed + 33.10 interest + 40.00 indemnity = 1,073.10.
    claim = request["claim"]
    assert [i["number"] for i in claim["invoices"]] == ["F-001"]
    assert (claim["principal"], claim["interest"], claim["indemnity"], claim["total"]) == (
        "1000.00", "33.10", "40.00", "1073.10")  # fmt: skip
    assert request["formal_notice_received"] == "2018-04-05"
    assert request["left_out"][0]["invoice"] == "F-002"
    files = [d["file"] for d in request["documents"]]
    assert files[0] == "invoices/F-001.pdf" and "invoices/F-002-duplicate.pdf" not in files
    assert files[1].endswith("registered_letter.pdf") and files[-1] == "dossier.pdf"
    assert all((out / file).is_file() for file in files)
    text = (out / "payment-order" / "request.txt").read_text()
    boxes = ["1. Juridiction", "2. Le demandeur", "3. Le débiteur", "4. La créance",
             "5. Bordereau des pièces"]  # fmt: skip
    assert [text.index(box) for box in boxes] == sorted(text.index(box) for box in boxes)
    assert "Total demandé : 1 073,10 €" in text and "facture F-002 laissée de côté" in text
    # The case file is in English: the same request to read in English beside it, the
    # form's own names kept as the form prints them.
    english = (out / "payment-order" / "request-en.txt").read_text()
    boxes = ["1. Court", "2. The applicant", "3. The debtor", "4. The claim",
             "5. List of the supporting documents"]  # fmt: skip
    assert [english.index(box) for box in boxes] == sorted(english.index(b) for b in boxes)
    assert "Total claimed: €1,073.10" in english and "invoice F-002 left out" in english
    assert "Président du tribunal de commerce" in english and "Invoice F-001 –" in english
    # The dossier in English, for that route, with the statement of account appended.
    dossier = " ".join(pdf_text((out / "dossier.pdf").read_bytes()).split())
    assert "Case file of the claim" in dossier and "For a payment order request" in dossier
    assert "STATEMENT OF ACCOUNT" in dossier and (out / "statement" / "statement.csv").is_file()
    assert run(["casefile", "verify", str(out), "--json"]) == 0


def test_for_an_agency_the_handoff_itemises_the_claim_and_the_reminders(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    the_story(store, tmp_path, inbox[1])
    agencies.save_agency(store, RECOUVRA)
    agencies.save_agency(store, dataclasses.replace(RECOUVRA, name="Autre Agence"))
    # before any handoff, with two agencies on record: which one's mandate? relance asks
    with pytest.raises(NoAgencyToMandate, match="--agency NAME"):
        casefile.write_case_file(store, "BOULMART", tmp_path / "x.zip", as_of=AS_OF,
                                 purpose=Purpose.AGENCY)  # fmt: skip
    assert not (tmp_path / "x.zip").exists()
    handoffs.hand_off(store, "BOULMART", Route.AGENCY, AS_OF, agency_name=RECOUVRA.name)
    out = tmp_path / "agency.zip"

    casefile.write_case_file(store, "BOULMART", out, as_of=AS_OF, purpose=Purpose.AGENCY)

    with zipfile.ZipFile(out) as bundle:
        handoff = json.loads(bundle.read("agency/handoff.json"))
    assert handoff["debtor"]["email"] == "compta@boulangerie-martin.fr"
    assert handoff["handed_over"]["agency"] == RECOUVRA.name
    assert handoff["handed_over"]["on"] == "2018-04-20"
    # The written mandate (CPCE R124-3), to sign, listed in the manifest with its hash.
    assert handoff["mandate"]["file"] == "agency/mandate.pdf"
    assert handoff["mandate"]["agency"] == RECOUVRA.name
    with zipfile.ZipFile(out) as bundle:
        mandate = bundle.read("agency/mandate.pdf")
        listed = json.loads(bundle.read("manifest.json"))["files"]
    (entry,) = [f for f in listed if f["path"] == "agency/mandate.pdf"]
    assert entry["sha256"] == hashlib.sha256(mandate).hexdigest() and entry["kind"] == "mandate"
    assert "Bon pour mandat" in pdf_text(mandate).replace("\xa0", " ")
    (claim,) = handoff["claim"]
    assert [(i["number"], i["principal"], i["interest"], i["indemnity"])
            for i in claim["invoices"]] == [("F-001", "1000.00", "33.10", "40.00"),
                                            ("F-002", "300.00", "7.81", "40.00")]  # fmt: skip
    assert claim["total"] == "1420.91"
    assert [(r["date"], r["level"]) for r in handoff["reminders"] if r["channel"] != "email"] == [
        ("2018-02-19", 1), ("2018-04-02", 4)]  # fmt: skip
    assert handoff["disputes"][0]["invoice"] == "F-002"
    assert handoff["promises"][0]["amount"] == "500.00"
    assert casefile_check.verify_case_file(out).discrepancies.clean
    with zipfile.ZipFile(out) as bundle:
        dossier = " ".join(pdf_text(bundle.read("dossier.pdf")).split())
    assert f"Suite décidée {RECOUVRA.name}" in dossier


def test_an_unknown_customer_or_a_missing_out_is_said_plainly(store: Store, tmp_path: Path):
    init_creditor(store, DEMO_CREDITOR, actor="test")
    url = store.engine.url.render_as_string(hide_password=False)
    assert run(["casefile", "NOBODY", "--out", str(tmp_path / "x"), "--db", url]) == 4
    assert not (tmp_path / "x").exists()
    assert run(["casefile", "BOULMART", "--db", url]) == 2
    # --agency names whose mandate goes in a case file for an agency, and nothing else
    out = str(tmp_path / "y")
    assert run(["casefile", "BOULMART", "--out", out, "--agency", "Recouvra SAS", "--db", url]) == 2
    assert run(["casefile", "BOULMART", "--out", str(tmp_path / "x"), "--as-of", "2018-02-30",
                "--db", url]) == 2  # fmt: skip
    assert run(["casefile", "verify"]) == 2
    assert run(["casefile", "verify", str(tmp_path / "nothing-here")]) == 1
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "a.txt", "x")
    assert run(["casefile", "verify", str(tmp_path / "empty")]) == 1
