"""The routes after the formal notice compared by hand: a claim of 2,509.17 EUR (2,400
principal with 400 of VAT, 69.17 interest, 40 indemnity), 80 days past due, from a
business debtor, against the rules file shipped with relance."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from tests.services.after_notice import RECOUVRA

from relance.adapters.route_rules import read_route_rules
from relance.core.handoff import Route
from relance.core.money import Money
from relance.core.routes import NO_AGENCY, Claim, ClosedFile, compare_routes, likelihood

RULES = read_route_rules()


def eur(text: str) -> Money:
    return Money.of(text, "EUR")


CLAIM = Claim("EUR", eur("2400"), eur("69.17"), eur("40"), 80, eur("400"), business_debtor=True)


def test_each_route_has_its_hand_checked_figures_and_basis() -> None:
    comparison = compare_routes(CLAIM, [RECOUVRA], RULES)
    # p: 61-90 days past due, 69.6 % (the prior: no history yet); p × A = 1746.382... → 1746.38
    assert comparison.share == Decimal("69.6") and "18 Oct 2004" in comparison.share_basis
    got = {
        f.route: (str(f.recovery), str(f.cost), str(f.net), f.unavailable)
        for f in comparison.figures
    }
    assert got == {
        # 15 % band (≤ 90 days, ≤ 5000): 261.957 → 261.96, above the 50 minimum; + 30 fixed
        Route.AGENCY: ("1746.38 EUR", "291.96 EUR", "1454.42 EUR", ""),
        Route.SMALL_CLAIMS: ("1746.38 EUR", "80.00 EUR", "1666.38 EUR", ""),
        # tribunal de commerce 38.40 + service 65
        Route.PAYMENT_ORDER: ("1746.38 EUR", "103.40 EUR", "1642.98 EUR", ""),
        Route.WRITE_OFF: ("0.00 EUR", "-400.00 EUR", "400.00 EUR", ""),
    }
    agency = comparison.figures[0]
    assert "30.00 EUR fixed fee + 261.96 EUR success fee (15 %" in agency.basis[1]


def test_with_no_agency_able_to_take_the_claim_the_agency_route_is_named_and_shut() -> None:
    (agency, *others) = compare_routes(CLAIM, [], RULES).figures
    assert (agency.route, agency.unavailable) == (Route.AGENCY, NO_AGENCY)
    assert [f.route for f in others] == [Route.SMALL_CLAIMS, Route.PAYMENT_ORDER, Route.WRITE_OFF]


def test_a_consumer_pays_no_greffe_fee_and_a_large_claim_cannot_take_the_small_claims_route() -> (
    None
):
    large = Claim("EUR", eur("6000"), eur("0"), eur("0"), 200, eur("1000"), business_debtor=False)
    figures = {f.route: f for f in compare_routes(large, [], RULES).figures}
    assert str(figures[Route.PAYMENT_ORDER].cost) == "65.00 EUR"  # tribunal judiciaire: free
    assert "exceed 5000 EUR" in figures[Route.SMALL_CLAIMS].unavailable
    # 181-270 days: 39.1 %
    assert str(figures[Route.PAYMENT_ORDER].recovery) == "2346.00 EUR"


def test_relances_own_history_replaces_the_prior_once_there_are_enough_closed_files() -> None:
    odds = RULES.likelihood
    nine = [ClosedFile(75, Decimal("1000"), Decimal("500"))] * 9
    assert likelihood(odds, 80, Decimal("2509.17"), nine)[0] == Decimal("69.6")
    ten = [*nine, ClosedFile(61, Decimal("1000"), Decimal("0"))]
    share, why = likelihood(odds, 80, Decimal("2509.17"), ten)
    assert share == Decimal("45.0") and "relance's 10 closed agency files 61-90 days" in why
    # a file of another size side does not count
    big = [ClosedFile(75, Decimal("9000"), Decimal("9000"))] * 10
    assert likelihood(odds, 80, Decimal("2509.17"), big)[0] == Decimal("69.6")


def test_a_claim_in_another_currency_is_not_priced_with_euro_court_fees() -> None:
    usd = Claim("USD", Money.of("900", "USD"), Money.of("0", "USD"), Money.of("0", "USD"), 40,
                Money.of("0", "USD"), business_debtor=True)  # fmt: skip
    figures = {f.route: f for f in compare_routes(usd, [RECOUVRA], RULES).figures}
    euros = "a French procedure, compared for claims in euros"
    assert figures[Route.PAYMENT_ORDER].unavailable == euros
    assert figures[Route.SMALL_CLAIMS].unavailable == euros
    assert str(figures[Route.SMALL_CLAIMS].cost) == "0.00 USD"
    assert figures[Route.AGENCY].unavailable == "its fees are in EUR"


def test_a_debtor_abroad_is_not_offered_the_french_procedures() -> None:
    abroad = dataclasses.replace(CLAIM, debtor_country="DE")
    figures = {f.route: f for f in compare_routes(abroad, [RECOUVRA], RULES).figures}
    assert "Regulation (EC) 1896/2006" in figures[Route.PAYMENT_ORDER].unavailable
    assert "for a debtor in France" in figures[Route.SMALL_CLAIMS].unavailable
    assert figures[Route.AGENCY].unavailable == "" and figures[Route.WRITE_OFF].unavailable == ""
