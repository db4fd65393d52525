"""What an agency recovers, imported from its CSV (SQLite and PostgreSQL): each line a
payment to its invoice, the agency's fee from its schedule kept apart, a bad file named
by line and field with nothing written, the report per agency, and a file undone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import write
from tests.services.after_notice import RECOUVRA, seed_dupont, through_the_notice

from relance.adapters.formats.errors import FormatError
from relance.adapters.storage import repository_law as law_repo
from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_agencies as ta
from relance.core.handoff import Route
from relance.core.writeoff import HandoffStatus, handoff_status
from relance.services import agencies, agency_recoveries, handoffs, imports, reports

HANDOFF_DAY = date(2025, 6, 12)


def handed_over(store, tmp_path: Path) -> None:
    seed_dupont(store, tmp_path)
    through_the_notice(store)
    agencies.save_agency(store, RECOUVRA)
    handoffs.hand_off(store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS")


def rows(store) -> tuple[int, ...]:
    with store.begin() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.payments, t.allocations, ta.agency_recoveries, t.events)
        )


def test_recoveries_are_payments_and_the_fee_is_kept_apart(store, tmp_path: Path) -> None:
    handed_over(store, tmp_path)
    csv = write(tmp_path / "rec.csv", "date;facture;montant;référence\n"
                "01/07/2025;F-1;200,00;RC-1\n15/07/2025;F-2;600,00;RC-2\n")  # fmt: skip
    done = agency_recoveries.import_recoveries(store, csv, "Recouvra SAS")
    # the file: 1,800 handed over at 73 days, the 15 % band (≤ 90 days, ≤ 5,000), minimum 50:
    # 200 → max(30, 50) = 50 (the minimum, charged once); then 800 in all → 120, so 70 more
    assert [(a.invoice_number, str(a.fee), a.state) for a in done.applied] == [
        ("F-1", "50.00 EUR", HandoffStatus.PARTLY_RECOVERED),
        ("F-2", "70.00 EUR", HandoffStatus.RECOVERED_BY_AGENCY),
    ]
    # the debtor's debt is reduced by what was recovered, not by the fee
    lines = {x.invoice.number: x for x in reports.invoice_lines(store, date(2025, 7, 31), "DUPONT")}
    assert (str(lines["F-1"].open_balance), str(lines["F-2"].open_balance)) == (
        "1000.00 EUR",
        "0.00 EUR",
    )
    # the same file again adds nothing
    assert agency_recoveries.import_recoveries(store, csv, "Recouvra SAS").skipped == (
        "RC-1",
        "RC-2",
    )
    (line,) = agency_recoveries.report(store, date(2025, 6, 1), date(2025, 7, 31))
    # fees: 30 fixed + 50 + 70; net 800 - 150
    assert (line.claims, str(line.claimed), str(line.recovered), str(line.fees), str(line.net)) == (
        2,
        "1800.00 EUR",
        "800.00 EUR",
        "150.00 EUR",
        "650.00 EUR",
    )
    assert (line.rate, line.cleared, line.mean_days) == (Decimal("44.4"), 1, Decimal("33.0"))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "01/07/2025;F-1;200,00;RC-1\n02/07/2025;F-9;10;RC-2\n",
            r"bad.csv:3: invoice: no invoice 'F-9'",
        ),
        ("01/07/2025;F-1;200,00;RC-1\n32/07/2025;F-2;10;RC-2\n", r"bad.csv:3: date: "),
        (
            "01/07/2025;F-1;2000,00;RC-1\n",
            r"bad.csv:2: amount: 2000.00 EUR is more than the 1200.00 EUR",
        ),
        ("01/07/2025;F-1;-5;RC-1\n", r"bad.csv:2: amount: must be more than zero"),
        ("01/07/2025;F-1;;RC-1\n", r"bad.csv:2: amount: is empty"),
    ],
)
def test_a_bad_recoveries_file_is_refused_by_line_and_field_and_nothing_is_written(
    store, tmp_path: Path, text: str, where: str
) -> None:
    handed_over(store, tmp_path)
    before = rows(store)
    bad = write(tmp_path / "bad.csv", "date;facture;montant;référence\n" + text)
    with pytest.raises(FormatError, match=where):
        agency_recoveries.import_recoveries(store, bad, "Recouvra SAS")
    assert rows(store) == before


def states(store, on: date) -> dict[str, str]:
    with store.begin() as conn:
        found = tuple(law_repo.load_handoffs(conn, ["F-1", "F-2"]))
    return {n: handoff_status(n, found, on).value for n in ("F-1", "F-2")}


def test_a_recoveries_file_is_undone_like_a_ledger_file(store, tmp_path: Path) -> None:
    handed_over(store, tmp_path)
    before = rows(store)
    july = write(tmp_path / "july.csv", "date;facture;montant;référence\n"
                 "01/07/2025;F-1;200,00;RC-1\n15/07/2025;F-2;600,00;RC-2\n")  # fmt: skip
    august = write(tmp_path / "august.csv", "date;facture;montant;référence\n"
                   "04/08/2025;F-1;100,00;RC-3\n")  # fmt: skip
    first = agency_recoveries.import_recoveries(store, july, "Recouvra SAS")
    second = agency_recoveries.import_recoveries(store, august, "Recouvra SAS")
    assert [str(a.fee) for a in second.applied] == ["15.00 EUR"]
    listed = {r.id: (r.kind, r.file_name, r.rows) for r in imports.list_imports(store)}
    assert listed[first.import_id] == ("agency-recoveries", "july.csv", 2)
    assert states(store, date(2025, 8, 31)) == {
        "F-1": "partly_recovered", "F-2": "recovered_by_agency"}  # fmt: skip
    # RC-3's fee (15 % of 900 = 135, less the 120 already charged: 15) counted July's
    # recoveries: July cannot go first.
    with pytest.raises(imports.UndoRefused, match="later recovery RC-3 on invoice F-1"):
        imports.undo_import(store, first.import_id)

    undone = imports.undo_import(store, second.import_id)
    assert undone.removed == {"payments": 1, "allocations": 1, "agency_recoveries": 1,
                              "law_agency_handoffs": 1}  # fmt: skip
    undone = imports.undo_import(store, first.import_id)
    assert undone.removed["agency_recoveries"] == 2
    # what Dupont owes, the claims' state at the agency and the report are as before July
    assert rows(store)[:3] == before[:3]
    owed = {x.invoice.number: str(x.open_balance)
            for x in reports.invoice_lines(store, date(2025, 8, 31), "DUPONT")}  # fmt: skip
    assert owed == {"F-1": "1200.00 EUR", "F-2": "600.00 EUR"}
    assert states(store, date(2025, 8, 31)) == {"F-1": "with_agency", "F-2": "with_agency"}
    (line,) = agency_recoveries.report(store, date(2025, 6, 1), date(2025, 8, 31))
    assert (str(line.recovered), str(line.fees)) == ("0.00 EUR", "30.00 EUR")
    # the references are free again: the same file gives the same fees
    again = agency_recoveries.import_recoveries(store, july, "Recouvra SAS")
    assert [str(a.fee) for a in again.applied] == ["50.00 EUR", "70.00 EUR"]
