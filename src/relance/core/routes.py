"""Comparing the routes of a claim after the formal notice: for each, the expected
recovery, its cost and the net, each with the basis it was computed on
(docs/after-notice.md, "Comparing the routes").

    A          the claim: open principal (VAT included) + interest + fixed indemnities
    p          the expected share recovered, by the claim's age (and size): relance's own
               closed agency files of that age and size when there are enough of them,
               else the prior of the rules file (its source named)
    agency     recovery p × A; cost = fixed fee + success fee on p × A (its schedule)
    small      recovery p × A if A ≤ 5,000 (the debtor must agree); cost = the
    claims     commissaire de justice's fees
    payment    recovery p × A; cost = greffe fee (tribunal de commerce for a business
    order      debtor, none at the tribunal judiciaire) + service of the order
    write-off  recovery 0; the VAT on the open principal comes back (CGI art. 272), when
               it was declared on the invoice
    net        recovery − cost (the write-off's net is the VAT recovered)

Pure: the caller reads the rules file, the claim and the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from relance.core.agencies import HUNDRED, Agency, success_fee
from relance.core.handoff import Route
from relance.core.money import Money


@dataclass(frozen=True, slots=True)
class LikelihoodRules:
    """The prior share recovered by age band (`(up_to_days, percent)`, in order), the
    share beyond the last band, the minimum closed files for relance's own history to be
    used, and the size that splits that history in two."""

    bands: tuple[tuple[int, Decimal], ...]
    beyond: Decimal
    source: str
    min_cases: int
    size_limit: Decimal


@dataclass(frozen=True, slots=True)
class RouteRules:
    """The figures of the rules file (amounts in euros) with their sources."""

    likelihood: LikelihoodRules
    small_claims_ceiling: Decimal
    small_claims_cost: Decimal
    small_claims_source: str
    ceiling_source: str
    commerce_greffe_fee: Decimal
    commerce_greffe_source: str
    judiciaire_fee: Decimal
    judiciaire_source: str
    service_fee: Decimal
    service_source: str


@dataclass(frozen=True, slots=True)
class ClosedFile:
    """An agency file of the past that ended (recovered or returned): its age and claim
    when handed over, and what the agency recovered on it."""

    age_days: int
    claim: Decimal
    recovered: Decimal


@dataclass(frozen=True, slots=True)
class Claim:
    """A customer's claim after the formal notice, in one currency."""

    currency: str
    principal: Money
    interest: Money
    indemnity: Money
    age_days: int  # of its oldest invoice
    vat: Money  # the VAT in the open principal, recoverable on a write-off
    business_debtor: bool
    debtor_country: str = "FR"

    @property
    def total(self) -> Money:
        """A: principal, interest and indemnities."""
        return self.principal + self.interest + self.indemnity


NO_AGENCY = "no agency on record with the guarantees the law requires (relance agency add)"


@dataclass(frozen=True, slots=True)
class RouteFigure:
    """One route's figures, or why it is not open."""

    route: Route
    name: str  # the agency's name, or the route in words
    recovery: Money
    cost: Money
    basis: tuple[str, ...]
    unavailable: str = ""

    @property
    def net(self) -> Money:
        """What the creditor is expected to keep."""
        return self.recovery - self.cost


def _band_of(rules: LikelihoodRules, age_days: int) -> tuple[int | None, Decimal]:
    for up_to, share in rules.bands:
        if age_days <= up_to:
            return up_to, share
    return None, rules.beyond


def likelihood(
    rules: LikelihoodRules, age_days: int, claim: Decimal, history: Iterable[ClosedFile]
) -> tuple[Decimal, str]:
    """The expected share recovered (percent) of a claim of this age and size, and its
    basis in words: relance's closed files of the same age band and size side when there
    are at least `min_cases`, else the prior."""
    up_to, prior = _band_of(rules, age_days)
    lower = max((u for u, _ in rules.bands if up_to is None or u < up_to), default=-1)
    large = claim > rules.size_limit
    same = [
        f
        for f in history
        if _band_of(rules, f.age_days)[0] == up_to and (f.claim > rules.size_limit) == large
    ]
    ages = f"{lower + 1}-{up_to} days" if up_to is not None else f"over {lower} days"
    size = f"{'over' if large else 'up to'} {rules.size_limit}"
    if len(same) >= rules.min_cases:
        claimed = sum((f.claim for f in same), Decimal(0))
        got = sum((f.recovered for f in same), Decimal(0))
        share = (got * HUNDRED / claimed).quantize(Decimal("0.1")) if claimed else Decimal(0)
        return share, (
            f"{share} % recovered on relance's {len(same)} closed agency files "
            f"{ages} past due, claims {size}"
        )
    return prior, (
        f"{prior} % for claims {ages} past due ({rules.source}; relance has "
        f"{len(same)} closed agency files of that age and size, fewer than {rules.min_cases})"
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """The routes of one claim compared: the claim A, the expected share p with its
    basis, and each route's figures."""

    claim: Claim
    share: Decimal
    share_basis: str
    figures: tuple[RouteFigure, ...]


def compare_routes(
    claim: Claim,
    agencies: Sequence[Agency],
    rules: RouteRules,
    history: Iterable[ClosedFile] = (),
    closed: Callable[[Route], str | None] = lambda route: None,
) -> Comparison:
    """Every route's figures for `claim`: each agency able to take it, small claims,
    payment order, write-off (see the module). `closed` says why a route is closed to the
    debtor (insolvency proceedings), None when it is open."""
    c = claim.currency
    share, why = likelihood(rules.likelihood, claim.age_days, claim.total.amount, tuple(history))
    expected = Money(claim.total.amount * share / HUNDRED, c)
    recovery = f"recovery p × A = {share} % × {claim.total} = {expected}"
    figures = [_agency(claim, agency, expected, recovery) for agency in agencies] or [
        # Said rather than left out, so that the user knows the route exists.
        RouteFigure(Route.AGENCY, "agency", Money.zero(c), Money.zero(c), (), NO_AGENCY)
    ]
    figures.append(_small_claims(claim, rules, expected, recovery))
    figures.append(_payment_order(claim, rules, expected, recovery))
    vat = claim.vat
    figures.append(
        RouteFigure(
            Route.WRITE_OFF, "write-off", Money.zero(c), -vat,
            ("recovery 0: the claim is held lost",
             f"VAT recovered {vat} on the open principal (CGI art. 272), shown as a negative "
             "cost; none when the VAT was not declared (services taxed on receipts)"),
        )
    )  # fmt: skip
    shut = [
        replace(f, unavailable=reason) if (reason := closed(f.route)) and not f.unavailable else f
        for f in figures
    ]
    return Comparison(claim, share, why, tuple(shut))


def _agency(claim: Claim, agency: Agency, expected: Money, recovery: str) -> RouteFigure:
    c = claim.currency
    if agency.fees.currency != c:
        return RouteFigure(
            Route.AGENCY, agency.name, Money.zero(c), Money.zero(c), (),
            f"its fees are in {agency.fees.currency}",
        )  # fmt: skip
    rate = agency.fees.rate_for(claim.age_days, claim.total.amount)
    fee = success_fee(agency.fees, expected, claim.age_days, claim.total)
    fixed = Money(agency.fees.fixed_fee, c)
    return RouteFigure(
        Route.AGENCY, agency.name, expected, fixed + fee,
        (recovery,
         f"cost {fixed} fixed fee + {fee} success fee ({rate} % of the recovery, at least "
         f"{Money(agency.fees.minimum_fee, c)}): the agency's schedule"),
    )  # fmt: skip


def _small_claims(claim: Claim, rules: RouteRules, expected: Money, recovery: str) -> RouteFigure:
    c = claim.currency
    cost = Money(rules.small_claims_cost, c)
    over = claim.principal + claim.interest
    basis = (recovery + ", only if the debtor agrees",
             f"cost {cost}: {rules.small_claims_source}")  # fmt: skip
    why = _french_only(claim)
    if not why and over.amount > rules.small_claims_ceiling:
        why = (
            f"principal and interest {over} exceed {rules.small_claims_ceiling} EUR "
            f"({rules.ceiling_source})"
        )
    if why:
        return RouteFigure(Route.SMALL_CLAIMS, "small claims", Money.zero(c), Money.zero(c),
                           basis, why)  # fmt: skip
    return RouteFigure(Route.SMALL_CLAIMS, "small claims", expected, cost, basis)


def _payment_order(claim: Claim, rules: RouteRules, expected: Money, recovery: str) -> RouteFigure:
    c = claim.currency
    if claim.business_debtor:
        court, fee, source = ("tribunal de commerce", rules.commerce_greffe_fee,
                              rules.commerce_greffe_source)  # fmt: skip
    else:
        court, fee, source = ("tribunal judiciaire", rules.judiciaire_fee,
                              rules.judiciaire_source)  # fmt: skip
    greffe, service = Money(fee, c), Money(rules.service_fee, c)
    why = _french_only(claim)
    if why:
        return RouteFigure(Route.PAYMENT_ORDER, "payment order", Money.zero(c), Money.zero(c),
                           (), why)  # fmt: skip
    basis = (
        recovery,
        f"cost {greffe} at the {court}: {source}",
        f"+ {service} service of the order: {rules.service_source}",
    )  # fmt: skip
    return RouteFigure(Route.PAYMENT_ORDER, "payment order", expected, greffe + service, basis)


def _french_only(claim: Claim) -> str:
    """Why a French procedure does not fit the claim ("" when it does): the debtor must be
    in France (the court is the debtor's) and the fees compared are in euros."""
    if claim.debtor_country.upper() != "FR":
        return (
            "a French procedure, for a debtor in France (abroad, see the European order for "
            "payment, Regulation (EC) 1896/2006: not compared here)"
        )
    if claim.currency != "EUR":
        return "a French procedure, compared for claims in euros"
    return ""
