"""A French ledger at the end of the process, shared by the tests of agencies, routes and
handoffs: Atelier Durand (Lyon) is owed two invoices by Dupont SARL, which never answers;
the user carries out each step the day relance proposes it, up to the formal notice and
the handoff task."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.conftest import write
from tests.services.test_dunning import desk_day

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.agencies import Agency, FeeBand, FeeSchedule, Insurance
from relance.core.model import Address, Creditor
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

CREDITOR = Creditor(
    "Atelier Durand", "FR", "EUR", address=Address(("4 quai Saint-Vincent",), "69001", "Lyon", "FR"),
    legal_form="SARL", capital="10 000 EUR", registration_id="552100554",
    registration_city="Lyon", iban="FR7630006000011234567890189",
)  # fmt: skip
# Step days of the business policy for F-1 (due 31 March 2025): informal, letters 1-3,
# the formal notice by registered mail, then the handoff task 15 days later.
STEP_DAYS = [date(2025, 4, 1), date(2025, 4, 14), date(2025, 4, 28), date(2025, 5, 12),
             date(2025, 5, 26), date(2025, 6, 10)]  # fmt: skip
RECOUVRA = Agency(
    "Recouvra SAS", "732829320", Address(("12 rue de la République",), "69002", "Lyon", "FR"),
    "Mme Martin",
    FeeSchedule("EUR", (FeeBand(Decimal("15"), 90, Decimal("5000")), FeeBand(Decimal("25"))),
                Decimal("30"), Decimal("50")),
    Insurance("Hiscox", "RCP-2025-118", date(2026, 6, 30)),
    "FR7630006000011234567890189", "contact@recouvra.example", "+33 4 72 00 00 00",
)  # fmt: skip


def seed_dupont(store: Store, tmp_path: Path) -> None:
    """The creditor, Dupont SARL and its invoices F-1 (1,200 EUR, 200 of VAT, due 31 March
    2025) and F-2 (600 EUR, 100 of VAT, due the same day 2025)."""
    init_creditor(store, CREDITOR, actor="test")
    customers = write(
        tmp_path / "c.csv",
        "ref,name,kind,country,language,registration_id,address,postal_code,city\n"
        "DUPONT,Dupont SARL,business,FR,fr,732829320,3 rue Mercière,69002,Lyon\n",
    )
    invoices = write(
        tmp_path / "i.csv",
        "number,customer,issue_date,due_date,amount,tax,currency\n"
        "F-1,DUPONT,2025-03-01,2025-03-31,1200.00,200.00,EUR\n"
        "F-2,DUPONT,2025-03-15,2025-03-31,600.00,100.00,EUR\n",
    )
    import_ledger_csv(store, CsvKind.CUSTOMERS, customers)
    import_ledger_csv(store, CsvKind.INVOICES, invoices)


def through_the_notice(store: Store) -> list[tuple[date, list[str]]]:
    """The user's desk on each step day: what relance proposed, carried out that day."""
    return [(day, desk_day(store, day)) for day in STEP_DAYS]
