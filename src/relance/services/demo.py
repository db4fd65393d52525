"""Use case: a demo ledger, the same for the same date, imported through the real CSV path.

The demo writes the CSV files a user would export from an accounting program (so they
can be read and imitated), then imports them into a fresh SQLite file.
"""

from __future__ import annotations

import csv
import random
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.contacts import CallOutcome
from relance.core.model import Address, Creditor
from relance.core.queued import QueuedAction
from relance.services import daily_run, dunning
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

DEMO_CREDITOR = Creditor(
    name="Atelier Durand SARL",
    country="FR",
    currency="EUR",
    language="fr",
    address=Address(("12 rue des Tanneurs",), "69002", "Lyon", "FR"),
    legal_form="SARL",
    capital="20 000 €",
    registration_id="732829320",
    registration_city="Lyon",
    vat_number="FR44732829320",
    iban="FR7630006000011234567890189",
    bic="AGRIFRPP",
    phone="04 78 00 00 00",
    email="compta@atelier-durand.fr",
    signatory_name="Claire Durand",
    signatory_title="Gérante",
)

_FR_COMPANIES = (
    "Boulangerie Martin", "Garage Lefèvre", "Imprimerie Moreau", "Menuiserie Roux",
    "Pharmacie Fournier", "Hôtel des Alpes", "Cabinet Girard", "Transports Bonnet",
    "Fromagerie Dupuis", "Librairie Lambert", "Plomberie Fontaine", "Restaurant Le Chêne",
    "Société Mercier", "Ébénisterie Blanc", "Agence Chevalier", "Domaine Perrin",
    "Atelier Robin", "Brasserie Clément", "Quincaillerie Morel", "Opticiens Gauthier",
)  # fmt: skip
_FR_PEOPLE = (
    "Julie Martin", "Thomas Bernard", "Camille Petit", "Nicolas Durand", "Léa Leroy",
    "Hugo Moreau", "Chloé Simon", "Lucas Laurent", "Manon Michel", "Émilie Garcia",
)  # fmt: skip
_EN_COMPANIES = (
    "Smith Consulting Ltd", "Harbour Logistics Ltd", "Kensington Interiors", "Blackwood & Sons",
    "Northgate Print Ltd", "Riverside Catering", "Oakfield Joinery", "Mercer Design Studio",
    "Thames Valley Motors", "Highland Outfitters", "Clarke Engineering", "Penrose Bakery",
    "Ashford Legal LLP", "Greenway Gardens", "Waverley Books",
)  # fmt: skip
_EN_PEOPLE = ("Oliver Brown", "Amelia Jones", "Harry Wilson", "Isla Taylor", "Jack Davies")
# The civility of each private customer, and the contact of a few companies: letters then
# open "Madame," or "Dear Ms Jones" and are addressed for the attention of that person.
_CIVILITIES = {
    "Julie": "Mme", "Thomas": "M.", "Camille": "Mme", "Nicolas": "M.", "Léa": "Mme",
    "Hugo": "M.", "Chloé": "Mme", "Lucas": "M.", "Manon": "Mme", "Émilie": "Mme",
    "Oliver": "Mr", "Amelia": "Ms", "Harry": "Mr", "Isla": "Ms", "Jack": "Mr",
}  # fmt: skip
_CONTACTS = {
    "Boulangerie Martin": ("Mme", "Sophie Martin"), "Garage Lefèvre": ("M.", "Marc Lefèvre"),
    "Blackwood & Sons": ("Ms", "Emma Blackwood"), "Smith & Co": ("Mr", "John Smith"),
}  # fmt: skip
_FR_CITIES = (("75011", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"),
              ("31000", "Toulouse"), ("44000", "Nantes"), ("33000", "Bordeaux"))  # fmt: skip
_EN_CITIES = (("EC1A 1BB", "London"), ("M1 1AE", "Manchester"), ("BS1 4DJ", "Bristol"),
              ("EH1 1YZ", "Edinburgh"))  # fmt: skip
_SUBJECTS_FR = ("Maintenance annuelle", "Fourniture de pièces", "Réparation", "Installation",
                "Étude préalable", "Prestation de conseil", "Formation")  # fmt: skip
_SUBJECTS_EN = ("Annual maintenance", "Spare parts", "Repair work", "Installation",
                "Consulting", "Training")  # fmt: skip


@dataclass(frozen=True)
class Demo:
    """Where the demo lives: its folder, its database, the CSV files it imported."""

    folder: Path
    store: Store
    files: tuple[Path, ...]


def _customers(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    groups = (
        (_FR_COMPANIES, "business", "FR", "fr", _FR_CITIES, "fr"),
        (_FR_PEOPLE, "consumer", "FR", "fr", _FR_CITIES, "fr"),
        (_EN_COMPANIES, "business", "GB", "en", _EN_CITIES, "co.uk"),
        (_EN_PEOPLE, "consumer", "GB", "en", _EN_CITIES, "co.uk"),
    )
    for names, kind, country, language, cities, tld in groups:
        for name in names:
            plain_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            ref = "".join(ch for ch in plain_name.upper() if ch.isalpha())[:8]
            postal_code, city = rng.choice(cities)
            local = "compta" if language == "fr" else "accounts"
            domain = "".join(ch for ch in plain_name.lower() if ch.isalnum())[:16]
            street = "rue du Commerce" if language == "fr" else "High Street"
            civility, contact = _CONTACTS.get(name, (_CIVILITIES.get(name.split()[0], ""), ""))
            rows.append({
                "ref": ref, "name": name, "kind": kind, "country": country,
                "language": language, "email": f"{local}@{domain}.{tld}",
                "phone": "", "address": f"{rng.randint(1, 120)} {street}",
                "postal_code": postal_code, "city": city,
                "civility": civility, "contact_name": contact,
            })  # fmt: skip
    return rows


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _invoice(
    rng: random.Random, customer: dict[str, str], issue: date, number: int
) -> dict[str, str]:
    english = customer["language"] == "en"
    currency = "GBP" if english and customer["kind"] == "business" else "EUR"
    cents = (8_000, 1_200_000) if customer["kind"] == "business" else (5_000, 90_000)
    net = Decimal(rng.randrange(*cents)) / 100
    tax = (net * Decimal("0.20")).quantize(Decimal("0.01"))
    terms = rng.choice((30, 30, 45, 60)) if customer["kind"] == "business" else 15
    return {
        "number": f"F{issue.year}-{number:04d}", "customer": customer["ref"],
        "issue_date": issue.isoformat(), "due_date": (issue + timedelta(days=terms)).isoformat(),
        "currency": currency, "amount": _money(net + tax), "tax": _money(tax),
        "subject": rng.choice(_SUBJECTS_EN if english else _SUBJECTS_FR),
    }  # fmt: skip


def _payment(
    rng: random.Random, invoice: dict[str, str], profile: str, as_of: date
) -> dict[str, str] | None:
    """How a customer of this profile paid the invoice, or None when not (yet)."""
    # Most customers pay, some late, a few not at all: the queue then shows every
    # step of the process, not only formal notices.
    due, total = date.fromisoformat(invoice["due_date"]), Decimal(invoice["amount"])
    if profile == "good":
        paid_on, paid = due + timedelta(days=rng.randint(-10, 30)), total
    elif profile == "slow":
        paid_on = due + timedelta(days=rng.randint(15, 75))
        paid = total if rng.random() < 0.8 else (total / 2).quantize(Decimal("0.01"))
    elif rng.random() < 0.5:  # stubborn: half their invoices are never paid
        return None
    else:
        paid_on, paid = due + timedelta(days=rng.randint(30, 120)), total
    if paid_on >= as_of:
        return None
    return {
        "date": paid_on.isoformat(), "customer": invoice["customer"], "amount": _money(paid),
        "currency": invoice["currency"], "method": rng.choice(("virement", "chèque", "carte")),
        "reference": f"REGL {invoice['number']}", "invoice": invoice["number"],
    }  # fmt: skip


def _year_of_invoices(
    rng: random.Random, customers: list[dict[str, str]], as_of: date
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """A year of invoices before `as_of` and the payments made by then."""
    profiles = {
        c["ref"]: rng.choices(("good", "slow", "stubborn"), weights=(70, 20, 10))[0]
        for c in customers
    }
    invoices, payments = [], []
    number = 0
    for day_offset in range(365, 0, -1):
        issue = as_of - timedelta(days=day_offset)
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):
            customer = rng.choice(customers)
            number += 1
            invoice = _invoice(rng, customer, issue, number)
            invoices.append(invoice)
            payment = _payment(rng, invoice, profiles[customer["ref"]], as_of)
            if payment is not None:
                payments.append(payment)
    return invoices, payments


def _add_classic_example(
    customers: list[dict[str, str]], invoices: list[dict[str, str]], as_of: date
) -> None:
    """The classic example of a first letter: invoice 12345 of 100 USD, 49 days late,
    never answered."""
    customers.append({
        "ref": "SMITHCO", "name": "Smith & Co", "kind": "business", "country": "US",
        "language": "en", "email": "billing@smithco.example", "phone": "",
        "address": "100 Main Street", "postal_code": "10001", "city": "New York",
        "civility": _CONTACTS["Smith & Co"][0], "contact_name": _CONTACTS["Smith & Co"][1],
    })  # fmt: skip
    due = as_of - timedelta(days=49)
    invoices.append({
        "number": "12345", "customer": "SMITHCO",
        "issue_date": (due - timedelta(days=30)).isoformat(),
        "due_date": due.isoformat(), "currency": "USD", "amount": "100.00", "tax": "0.00",
        "subject": "Consulting",
    })  # fmt: skip


def build_files(folder: Path, as_of: date) -> tuple[Path, Path, Path]:
    """Write the demo's customers, invoices and payments CSV files for `as_of`."""
    rng = random.Random(as_of.toordinal())
    customers = _customers(rng)
    invoices, payments = _year_of_invoices(rng, customers, as_of)
    _add_classic_example(customers, invoices, as_of)
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "customers.csv", folder / "invoices.csv", folder / "payments.csv")
    for path, rows in zip(paths, (customers, invoices, payments), strict=True):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return paths


def build_demo(folder: Path, as_of: date, create_ledger: Callable[[Path], Store]) -> Demo:
    """A fresh demo ledger in `folder` (its previous content is replaced); `create_ledger`
    makes the new SQLite ledger at the path it is given (the interface builds stores)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    files = build_files(folder, as_of)
    store = create_ledger(folder / "relance.sqlite")
    init_creditor(store, DEMO_CREDITOR, actor="demo")
    for kind, path in zip(
        (CsvKind.CUSTOMERS, CsvKind.INVOICES, CsvKind.PAYMENTS), files, strict=True
    ):
        import_ledger_csv(store, kind, path, actor="demo")
    return Demo(folder, store, files)


# The demo user runs relance every two weeks (the policies' usual gap between steps),
# approves every proposal and carries it out the same day, and no one answers the calls;
# the queue is then shown as of the demo's date.
DEMO_RUNS = 4
DEMO_RUN_EVERY = timedelta(weeks=2)


def run_demo_dunning(store: Store, as_of: date) -> list[QueuedAction]:
    """Run the dunning engine over the demo ledger every two weeks before `as_of` as a
    user would, then as of `as_of`; returns the pending queue (the same for the same date)."""
    for runs_before in range(DEMO_RUNS, 0, -1):
        day = as_of - DEMO_RUN_EVERY * runs_before
        report = daily_run.run_dunning(store, day, actor="demo")
        dunning.approve(store, every=True, actor="demo")
        for item in report.proposed:
            dunning.mark_done(store, item.id, day, outcome=CallOutcome.NO_ANSWER, actor="demo")
    daily_run.run_dunning(store, as_of, actor="demo")
    return dunning.queue(store)
