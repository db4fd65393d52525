"""Collection agencies as records and the handoff of a customer's claim after the formal
notice (SQLite and PostgreSQL): the guarantees the law asks of an agency (CPCE R124-2)
are checked on the day, the decision covers the invoices that went through the formal
notice, and the daily run leaves them alone."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from tests.conftest import write
from tests.services.after_notice import RECOUVRA, STEP_DAYS, seed_dupont, through_the_notice
from tests.services.test_dunning import desk_day

from relance.adapters.formats.errors import FormatError
from relance.core.agencies import AgencyProblem, Insurance
from relance.core.engine import ActionStatus
from relance.core.handoff import Route
from relance.core.money import Money
from relance.core.proceedings import ProceedingKind
from relance.core.writeoff import HandoffStatus
from relance.services import (
    agencies,
    customer_history,
    daily_run,
    dunning,
    handoffs,
    law,
    proceedings,
    reports,
    routes,
)
from relance.services.agencies import AgencyRefused
from relance.services.handoffs import NothingToHandOver, RouteClosed

HANDOFF_DAY = date(2025, 6, 12)


def test_an_agency_is_recorded_with_its_siren_and_iban_in_standard_form(store) -> None:
    typed = dataclasses.replace(
        RECOUVRA, siren="732 829 320", funds_iban="fr76 3000 6000 0112 3456 7890 189"
    )
    saved, new = agencies.save_agency(store, typed)
    assert new and saved.siren == "732829320" and saved.funds_iban == "FR7630006000011234567890189"
    (listed,) = agencies.list_agencies(store)
    assert listed == RECOUVRA
    _, again = agencies.save_agency(store, dataclasses.replace(RECOUVRA, contact="M. Petit"))
    assert not again and agencies.list_agencies(store)[0].contact == "M. Petit"


@pytest.mark.parametrize(
    ("change", "field"),
    [({"siren": "732829321"}, "siren"), ({"funds_iban": "FR7630006000011234567890188"}, "iban")],
)
def test_a_wrong_siren_or_iban_is_refused_naming_the_field(store, change, field) -> None:
    with pytest.raises(AgencyProblem, match=f"^{field}: "):
        agencies.save_agency(store, dataclasses.replace(RECOUVRA, **change))
    assert agencies.list_agencies(store) == []


def test_a_handoff_to_an_agency_without_its_guarantees_is_refused_with_the_reason(
    store, tmp_path: Path
) -> None:
    seed_dupont(store, tmp_path)
    through_the_notice(store)
    agencies.save_agency(store, dataclasses.replace(RECOUVRA, insurance=None))
    with pytest.raises(AgencyRefused, match=r"professional liability insurance .* not on record"):
        handoffs.hand_off(store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS")
    # insured until the day before: refused too
    expired = Insurance("Hiscox", "RCP-1", date(2025, 6, 11))
    agencies.save_agency(store, dataclasses.replace(RECOUVRA, insurance=expired))
    with pytest.raises(AgencyRefused, match="ran out on 2025-06-11"):
        handoffs.hand_off(store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS")
    agencies.save_agency(store, dataclasses.replace(RECOUVRA, funds_iban=""))
    with pytest.raises(AgencyRefused, match="bank account for collected funds"):
        handoffs.hand_off(store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS")
    assert handoffs.claim_items_of(store, "DUPONT", HANDOFF_DAY)  # nothing was handed over


def test_the_handoff_covers_the_customers_noticed_invoices_and_the_run_leaves_them(
    store, tmp_path: Path
) -> None:
    seed_dupont(store, tmp_path)
    steps = through_the_notice(store)
    assert [names for _, names in steps] == [
        ["informal"],
        ["letter1"],
        ["letter2"],
        ["letter3"],
        ["final"],
        ["handoff"],
    ]
    agencies.save_agency(store, RECOUVRA)
    done = handoffs.hand_off(
        store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS", actor="claire"
    )
    assert [(i.invoice.number, str(i.balance), i.age_days) for i in done.items] == [
        ("F-1", "1200.00 EUR", 73),
        ("F-2", "600.00 EUR", 73),
    ]
    assert done.totals == {"EUR": Money.of("1800", "EUR")}
    (event,) = [e for e in customer_history.history(store, "DUPONT") if e.kind == "handoff"]
    assert (event.actor, event.subject, event.dated) == ("claire", "Recouvra SAS", HANDOFF_DAY)
    # the next daily runs propose nothing for those invoices
    for day in (date(2025, 6, 13), date(2025, 7, 15), date(2025, 9, 1)):
        assert daily_run.run_dunning(store, day, actor="test").proposed == ()
    # handed over already: a second decision has nothing to cover
    with pytest.raises(NothingToHandOver):
        handoffs.hand_off(store, "DUPONT", Route.PAYMENT_ORDER, date(2025, 6, 20))


def test_a_write_off_route_closes_each_invoice_with_its_vat(store, tmp_path: Path) -> None:
    seed_dupont(store, tmp_path)
    through_the_notice(store)
    done = handoffs.hand_off(store, "DUPONT", Route.WRITE_OFF, HANDOFF_DAY)
    assert len(done.items) == 2
    statuses = {
        line.invoice.number: line.status
        for line in reports.invoice_lines(store, HANDOFF_DAY, "DUPONT", False)
    }
    assert set(statuses.values()) == {"written_off"}


def test_nothing_is_handed_over_before_the_formal_notice(store, tmp_path: Path) -> None:
    seed_dupont(store, tmp_path)
    with pytest.raises(NothingToHandOver, match="went through the formal notice"):
        handoffs.hand_off(store, "DUPONT", Route.SMALL_CLAIMS, date(2025, 5, 1))


def test_agencies_are_read_from_a_toml_file_all_or_none(store, tmp_path: Path) -> None:
    good = """
[[agency]]
name = "Recouvra SAS"
siren = "732 829 320"
address = ["12 rue de la République"]
postal_code = "69002"
city = "Lyon"
contact = "Mme Martin"
currency = "EUR"
fees = ["15:90:5000", "25"]
fixed_fee = "30"
minimum_fee = "50"
iban = "FR7630006000011234567890189"
[agency.insurance]
insurer = "Hiscox"
policy = "RCP-2025-118"
valid_until = 2026-06-30
"""
    bad = good + '\n[[agency]]\nname = "Bad"\nsiren = "123456789"\n'
    with pytest.raises(FormatError, match=r"agency 2: siren: '123456789' is not a valid SIREN"):
        agencies.import_agencies(store, write(tmp_path / "bad.toml", bad))
    assert agencies.list_agencies(store) == []
    ((agency, new),) = agencies.import_agencies(store, write(tmp_path / "a.toml", good))
    assert new and agency.fees == RECOUVRA.fees and agency.insurance == RECOUVRA.insurance


def test_a_payment_order_takes_the_invoices_out_of_the_daily_run(store, tmp_path: Path) -> None:
    seed_dupont(store, tmp_path)
    through_the_notice(store)
    done = handoffs.hand_off(
        store, "DUPONT", Route.PAYMENT_ORDER, HANDOFF_DAY, note="requête TC Lyon"
    )
    assert [i.invoice.number for i in done.items] == ["F-1", "F-2"]
    for day in (date(2025, 6, 13), date(2025, 8, 1)):
        assert daily_run.run_dunning(store, day, actor="test").proposed == ()
    assert handoffs.claim_items_of(store, "DUPONT", date(2025, 8, 1)) == ()


def test_a_claims_state_at_the_agency_moves_on_and_a_returned_claim_comes_back(
    store, tmp_path: Path
) -> None:
    seed_dupont(store, tmp_path)
    through_the_notice(store)
    agencies.save_agency(store, RECOUVRA)
    handoffs.hand_off(store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS")
    in_progress = law.record_handoff(
        store, "F-1", "Recouvra SAS", HandoffStatus.IN_PROGRESS, date(2025, 6, 20), checked=True
    )
    assert in_progress.status.at_agency
    assert handoffs.claim_items_of(store, "DUPONT", date(2025, 6, 21)) == ()
    law.record_handoff(
        store,
        "F-1",
        "Recouvra SAS",
        HandoffStatus.RETURNED_BY_AGENCY,
        date(2025, 7, 1),
        checked=True,
    )
    back = handoffs.claim_items_of(store, "DUPONT", date(2025, 7, 2))
    assert [i.invoice.number for i in back] == ["F-1"]  # F-2 is still with the agency
    with pytest.raises(LookupError, match="no agency named 'Nobody'"):
        law.record_handoff(
            store, "F-1", "Nobody", HandoffStatus.IN_PROGRESS, date(2025, 7, 3), checked=True
        )


def test_an_insolvent_customers_claim_goes_to_no_agency_or_court_but_can_be_written_off(
    store, tmp_path: Path
) -> None:
    seed_dupont(store, tmp_path)
    through_the_notice(store)
    agencies.save_agency(store, RECOUVRA)
    proceedings.open_proceeding(store, "DUPONT", ProceedingKind.INSOLVENCY, date(2025, 6, 11))
    with pytest.raises(RouteClosed, match=r"insolvency proceedings since 2025-06-11.*L622-21"):
        handoffs.hand_off(store, "DUPONT", Route.AGENCY, HANDOFF_DAY, agency_name="Recouvra SAS")
    (compared,) = routes.compare(store, "DUPONT", HANDOFF_DAY)
    closed = {f.route: f.unavailable for f in compared.comparison.figures}
    assert all(
        "L622-21" in closed[r] for r in (Route.AGENCY, Route.SMALL_CLAIMS, Route.PAYMENT_ORDER)
    )
    assert closed[Route.WRITE_OFF] == ""
    assert len(handoffs.hand_off(store, "DUPONT", Route.WRITE_OFF, HANDOFF_DAY).items) == 2


def test_the_pending_handoff_task_is_done_by_the_decision(store, tmp_path: Path) -> None:
    seed_dupont(store, tmp_path)
    for day in STEP_DAYS[:-1]:
        desk_day(store, day)
    (task,) = daily_run.run_dunning(store, STEP_DAYS[-1], actor="test").proposed
    assert task.action.level_name == "handoff"  # proposed, waiting for the user
    handoffs.hand_off(store, "DUPONT", Route.PAYMENT_ORDER, HANDOFF_DAY, actor="claire")
    (done,) = [i for i in dunning.queue(store, everything=True) if i.id == task.id]
    assert (done.action.status, done.action.done_on, done.outcome) == (
        ActionStatus.DONE,
        HANDOFF_DAY,
        "handoff: payment_order",
    )
