"""The check made just before a message leaves, as a pure function of the ledger's facts.

Action 1 is Garage Lefèvre's first letter about F-1 (300 EUR) and F-2 (200 EUR), proposed
on 19 February 2018; the message is about to leave on 23 February.
"""

from __future__ import annotations

from datetime import date

from relance.core.engine import Action, ActionStatus
from relance.core.money import Money
from relance.core.pauses import Dispute, Hold, Promise
from relance.core.policy import Channel
from relance.core.proceedings import Proceeding, ProceedingKind
from relance.core.staleness import DeliveryFacts, StaleReason, check_delivery

FRIDAY = date(2018, 2, 23)
LETTER = Action(
    "GARAGE/2018-02-19/letter1/x",
    "GARAGE",
    "business",
    1,
    "letter1",
    (Channel.LETTER, Channel.EMAIL),
    ("F-1", "F-2"),
    date(2018, 2, 19),
    ActionStatus.APPROVED,
)
OWED = {"F-1": Money.of("300.00", "EUR"), "F-2": Money.of("200.00", "EUR")}


def facts(**changes: object) -> DeliveryFacts:
    base: dict[str, object] = {"action": LETTER, "balances": OWED, "credit": {}}
    base.update(changes)
    return DeliveryFacts(**base)  # type: ignore[arg-type]


def test_nothing_changed_the_message_claims_both_invoices() -> None:
    verdict = check_delivery(facts(), FRIDAY)
    assert verdict.stale is None and verdict.chased == ("F-1", "F-2")


def test_one_invoice_disputed_since_the_other_is_still_claimed() -> None:
    dispute = Dispute("F-2", date(2018, 2, 21), "never delivered")
    verdict = check_delivery(facts(disputes=(dispute,)), FRIDAY)
    assert verdict.stale is None and verdict.chased == ("F-1",)


def test_both_disputed_it_never_leaves_and_says_why() -> None:
    disputes = tuple(Dispute(n, date(2018, 2, 21), "never delivered") for n in OWED)
    verdict = check_delivery(facts(disputes=disputes), FRIDAY)
    assert verdict.stale is not None and verdict.stale.reason is StaleReason.DISPUTED


def test_credit_on_account_short_of_the_balance_lets_it_leave_and_covering_it_stops_it() -> None:
    short = check_delivery(facts(credit={"EUR": Money.of("499.99", "EUR")}), FRIDAY)
    assert short.stale is None
    covered = check_delivery(facts(credit={"EUR": Money.of("500.00", "EUR")}), FRIDAY)
    assert covered.stale is not None and covered.stale.reason is StaleReason.COVERED
    assert "500.00 EUR" in covered.stale.detail


def test_a_hold_a_promise_proceedings_and_a_cancelled_action_each_stop_it() -> None:
    hold = Hold("GARAGE", date(2018, 2, 20), "director away")
    promise = Promise("p1", "GARAGE", date(2018, 2, 22), date(2018, 3, 1), OWED["F-1"])
    cancelled = LETTER.with_status(ActionStatus.CANCELLED)
    insolvent = Proceeding("GARAGE", ProceedingKind.INSOLVENCY, date(2018, 2, 22))
    for changed, reason in (
        (facts(proceedings=(insolvent,)), StaleReason.PROCEEDINGS),
        (facts(holds=(hold,)), StaleReason.HOLD),
        (facts(promises=(promise,)), StaleReason.PROMISE),
        (facts(action=cancelled), StaleReason.CANCELLED),
    ):
        verdict = check_delivery(changed, FRIDAY)
        assert verdict.stale is not None and verdict.stale.reason is reason


def test_a_promise_kept_by_a_payment_no_longer_pauses_it() -> None:
    promise = Promise("p1", "GARAGE", date(2018, 2, 20), date(2018, 3, 1), Money.of("50", "EUR"))
    paid = ((date(2018, 2, 22), Money.of("50.00", "EUR")),)
    verdict = check_delivery(facts(promises=(promise,), payments=paid), FRIDAY)
    assert verdict.stale is None


def test_an_action_cancelled_by_a_dispute_says_the_dispute() -> None:
    cancelled = LETTER.with_status(ActionStatus.CANCELLED)
    dispute = Dispute("F-2", date(2018, 2, 21), "never delivered")

    verdict = check_delivery(facts(action=cancelled, disputes=(dispute,)), FRIDAY)

    assert verdict.stale is not None and verdict.stale.reason is StaleReason.CANCELLED
    assert verdict.stale.detail == (
        "the action was cancelled: invoice F-2 disputed since 2018-02-21: never delivered"
    )
