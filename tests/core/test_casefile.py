"""The case file's manifest and the payment order request's data, on small hand-made
records: what a check finds, what a hostile manifest cannot do, which form and court."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from relance.core.case_summary import claim_summaries
from relance.core.casefile import (
    BadManifest,
    CaseFileDocument,
    EvidenceMismatch,
    checked,
    compare,
    manifest_json,
    manifest_of,
    parse_manifest,
)
from relance.core.model import (
    Address,
    Allocation,
    AllocationKind,
    Creditor,
    Customer,
    CustomerKind,
    Invoice,
)
from relance.core.money import Money
from relance.core.pauses import Dispute
from relance.core.payment_order import payment_order_request


def eur(text: str) -> Money:
    return Money(Decimal(text), "EUR")


DOCS = [
    CaseFileDocument("dossier.pdf", b"%PDF dossier", "dossier"),
    CaseFileDocument("invoices/F-1.pdf", b"%PDF invoice", "invoice"),
]


def test_the_manifest_reads_back_as_written_and_a_check_names_each_difference():
    manifest = manifest_of("C1", "Client", date(2026, 11, 30), "0.1.0", "general", DOCS)
    assert parse_manifest(manifest_json(manifest)) == manifest
    assert manifest.entries[1].sha256 == hashlib.sha256(b"%PDF invoice").hexdigest()
    found = {"dossier.pdf": b"%PDF dossier", "invoices/F-1.pdf": b"%PDF invoice"}
    assert compare(manifest, found).clean
    changed = {"dossier.pdf": b"%PDF dossieR", "extra.txt": b"x", "manifest.json": b"{}"}
    result = compare(manifest, changed)
    assert (result.altered, result.missing, result.extra) == (
        ("dossier.pdf",), ("invoices/F-1.pdf",), ("extra.txt",))  # fmt: skip


def test_a_manifest_naming_a_path_outside_the_case_file_or_a_bad_hash_is_refused():
    manifest = json.loads(manifest_json(
        manifest_of("C1", "Client", date(2026, 11, 30), "0.1.0", "general", DOCS)))  # fmt: skip
    for path in ("../etc/passwd", "/etc/passwd", "a/../../b", "a\\b", ""):
        manifest["files"][0]["path"] = path
        with pytest.raises(BadManifest, match="not a plain relative path"):
            parse_manifest(json.dumps(manifest).encode())
    manifest["files"][0]["path"] = "dossier.pdf"
    manifest["files"][0]["sha256"] = "abc"
    with pytest.raises(BadManifest, match="not a SHA-256"):
        parse_manifest(json.dumps(manifest).encode())
    with pytest.raises(BadManifest, match="not JSON"):
        parse_manifest(b"\xff\xfe")
    with pytest.raises(BadManifest, match="not a relance case file"):
        parse_manifest(b'{"files": []}')
    with pytest.raises(ValueError, match=r"share the name dossier\.pdf"):
        manifest_of("C1", "Client", date(2026, 11, 30), "0.1.0", "general", [*DOCS, DOCS[0]])


def test_a_stored_copy_is_checked_against_the_hash_recorded_when_it_was_kept():
    content = b"%PDF the letter"
    assert checked("letters/a.pdf", content, hashlib.sha256(content).hexdigest()) == content
    with pytest.raises(EvidenceMismatch, match=r"letters/a\.pdf: the stored copy.s SHA-256"):
        checked("letters/a.pdf", content + b" ", hashlib.sha256(content).hexdigest())


CREDITOR = Creditor("Atelier Durand SARL", "FR", "EUR", legal_form="SARL",
                    registration_id="732829320",
                    address=Address(("12 rue des Tanneurs",), "69002", "Lyon"))  # fmt: skip
INVOICES = [
    Invoice("F-1", "C1", date(2026, 1, 5), date(2026, 2, 4), eur("1000.00"), eur("166.67")),
    Invoice("F-2", "C1", date(2026, 2, 5), date(2026, 3, 7), eur("500.00"), eur("83.33")),
    Invoice("F-3", "C1", date(2026, 3, 5), date(2026, 4, 4), eur("80.00"), eur("13.33")),
]
PAID = [Allocation(AllocationKind.PAYMENT, "P1", "F-1", eur("250.00"), date(2026, 3, 1)),
        Allocation(AllocationKind.PAYMENT, "P2", "F-3", eur("80.00"), date(2026, 4, 1))]  # fmt: skip


def test_the_claim_keeps_its_parts_apart_and_leaves_out_what_is_settled():
    (summary,) = claim_summaries(INVOICES, PAID, (), date(2026, 6, 30))
    # F-3 was paid on time and in full: nothing is claimed on it.
    assert [row.number for row in summary.invoices] == ["F-1", "F-2"]
    assert (summary.principal, summary.paid, summary.open) == (
        eur("1500.00"), eur("250.00"), eur("1250.00"))  # fmt: skip
    assert summary.balance == eur("1250.00")


@pytest.mark.parametrize(
    ("kind", "form", "court"),
    [(CustomerKind.BUSINESS, "12946", "tribunal de commerce"),
     (CustomerKind.CONSUMER, "12948", "tribunal judiciaire")],
)  # fmt: skip
def test_the_request_goes_to_the_court_of_the_debtor_and_leaves_out_a_disputed_invoice(
    kind: CustomerKind, form: str, court: str
):
    debtor = Customer("C1", "Client", kind, address=Address(("1 rue Haute",), "33000", "Bordeaux"))
    (summary,) = claim_summaries(INVOICES, PAID, (), date(2026, 6, 30))
    disputes = [Dispute("F-2", date(2026, 5, 2), "goods returned"),
                Dispute("F-1", date(2026, 3, 1), "late", resolved=date(2026, 3, 10))]  # fmt: skip
    request = payment_order_request(
        CREDITOR, debtor, summary, disputes, [("Facture F-1", "invoices/F-1.pdf")], "",
        date(2026, 6, 30), date(2026, 5, 20),
    )  # fmt: skip
    assert (request.form, request.court_kind, request.court_place) == (
        form,
        court,
        "33000 Bordeaux",
    )
    # F-2 is under a dispute still open: out of the amount; F-1's dispute was resolved.
    assert [row.number for row in request.invoices] == ["F-1"]
    assert [d.invoice_number for d in request.left_out] == ["F-2"]
    assert request.principal == request.total == eur("750.00")
    assert [(d.number, d.file) for d in request.documents] == [(1, "invoices/F-1.pdf")]


def test_an_invoice_not_yet_due_is_listed_apart_and_not_claimed():
    (summary,) = claim_summaries(INVOICES, PAID, (), date(2026, 3, 1))
    # On 1 March only F-1 is past due (4 February); F-2 falls due on 7 March.
    assert [row.number for row in summary.invoices] == ["F-1"]
    assert [row.number for row in summary.not_due] == ["F-2"]
    assert summary.balance == eur("750.00")
    # On its due day F-1 is not late yet; F-2 is not even issued.
    (early,) = claim_summaries(INVOICES, PAID, (), date(2026, 2, 4))
    assert early.invoices == () and [r.number for r in early.not_due] == ["F-1"]
