"""Jurisdiction rule sets: what the law (or the contract) entitles a creditor to on a late invoice.

A `RuleSet` says which reference rate applies and with what margin, how the rate is fixed
per half-year, from when interest runs, how days are counted, which fixed indemnity is due
per late invoice, and how long a claim lives. The rule sets themselves are data
(`relance/rules/jurisdictions.toml`); this module only gives them a shape and chooses one
per customer, from the creditor's country, the customer's country and kind, unless the
customer's `Contract` names another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from relance.core.model import CustomerKind
from relance.core.money import ZERO, Money
from relance.core.terms import DiscountTerms

# Member states of the European Union (ISO 3166 alpha-2; Greece is "GR" in ISO, "EL" in EU
# texts). Source: european-union.europa.eu, "EU countries" (27 members since 1 Feb 2020).
EU_COUNTRIES: frozenset[str] = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


class Fixing(StrEnum):
    """Which day's reference rate applies to a day of delay."""

    DAILY = "daily"  # the table's own rate on each day (tables already set per half-year)
    HALF_YEAR_START = "half-year-start"  # rate in force on 1 January / 1 July (L441-10, 2011/7/EU)
    HALF_YEAR_EVE = "half-year-eve"  # rate on 31 December / 30 June before each half-year
    # One rate for the whole life of the debt: the rate on 31 December / 30 June before the
    # day interest starts to run (UK: 1998 Act s.4(2), SI 2002/1675 art. 4; docs/law.md).
    START_EVE = "start-eve"


class InterestStart(StrEnum):
    """From when late interest runs."""

    DUE_DATE = "due-date"  # from the day after the due date, no reminder needed
    FORMAL_NOTICE = "formal-notice"  # from the day after a formal notice (C. civ. 1344-1)


class DayCount(StrEnum):
    """The year a day's interest is divided by."""

    ACTUAL_365 = "actual/365"
    ACTUAL_ACTUAL = "actual/actual"  # 366 for the days of a leap year


@dataclass(frozen=True, slots=True)
class IndemnityBand:
    """A fixed indemnity due per late invoice whose amount is below `below` (no bound if None)."""

    amount: Money
    below: Money | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The late-payment rules of one jurisdiction and kind of debtor."""

    code: str
    title: str
    rate_table: str | None = None  # None: no statutory interest, only a contractual rate
    margin: Decimal = ZERO  # points added to the reference rate
    fixing: Fixing = Fixing.DAILY
    interest_start: InterestStart = InterestStart.DUE_DATE
    day_count: DayCount = DayCount.ACTUAL_365
    indemnity: tuple[IndemnityBand, ...] = ()  # bands by debt size, smallest bound first
    contract_floor_table: str | None = None  # a contractual rate may not go below
    contract_floor_multiple: Decimal | None = None  # this multiple of that table's rate
    limitation_years: int = 5
    # Whether a payment counts as the debtor's acknowledgement of the debt, restarting the
    # limitation period (C. civ. 2240). Courts usually hold so, but it is for a judge to
    # decide (docs/law.md, "Limitation"): the creditor's setting, on by default.
    payments_acknowledge: bool = True
    term_cap_days: int | None = None  # longest agreed term from the invoice date
    term_cap_end_of_month_days: int | None = None  # or this many days "end of month"
    fees_allowed: bool = True  # False: collection fees cannot be put on the debtor (CPCE L111-8)
    # True: no contract may lengthen the period (C. conso. L218-1 for L218-2's two years)
    limitation_binding: bool = False
    sources: tuple[str, ...] = ()
    indemnity_reference: str = ""  # the legal text of the fixed indemnity, e.g. "C. com. D441-5"

    def indemnity_for(self, debt: Money) -> Money | None:
        """The fixed indemnity owed for a late debt of `debt`, None when the rules give none.

        A single fixed sum (France: 40 EUR, C. com. D441-5) is owed whatever the invoice's
        currency, in its own currency; sums banded by debt size (UK) need the debt in the
        bands' currency to pick one."""
        if len(self.indemnity) == 1 and self.indemnity[0].below is None:
            return self.indemnity[0].amount
        for band in self.indemnity:
            if band.amount.currency != debt.currency:
                continue
            if band.below is None or debt < band.below:
                return band.amount
        return None


@dataclass(frozen=True, slots=True)
class Contract:
    """What a customer's contract, or the user, changes in the law's defaults.

    Every field is optional; an empty `Contract()` means "the law as selected".
    """

    rule_set: str | None = None  # force a rule set by code, e.g. "contractual" or "eu_b2b"
    rate: Decimal | None = None  # contractual annual late rate in percent, replaces the statutory
    fee_per_invoice: Money | None = None  # contractual fixed fee per late invoice
    fee_per_letter: Money | None = None  # contractual fee per reminder letter sent
    discount: DiscountTerms | None = None  # early-payment terms such as "2/10 net 30"
    formal_notice: date | None = None  # date a formal notice (mise en demeure) was received
    limitation_years: int | None = None
    waive_interest: bool = False  # a commercial gesture; the decision is logged elsewhere
    waive_indemnity: bool = False


@dataclass(frozen=True, slots=True)
class Selector:
    """One line of the selection table: the first line that matches chooses the rule set.

    `creditor` and `customer` are an ISO country code, "EU" for any member state, or "*".
    """

    rule_set: str
    creditor: str = "*"
    customer: str = "*"
    kind: CustomerKind | None = None

    def matches(self, creditor_country: str, customer_country: str, kind: CustomerKind) -> bool:
        """True when this line applies to the given creditor, customer and kind."""
        return (
            _country_matches(self.creditor, creditor_country)
            and _country_matches(self.customer, customer_country)
            and (self.kind is None or self.kind is kind)
        )


def _country_matches(pattern: str, country: str) -> bool:
    code = country.strip().upper()
    if pattern == "*":
        return True
    if pattern == "EU":
        return code in EU_COUNTRIES
    return pattern.upper() == code


class UnknownRuleSet(LookupError):
    """A rule set code that the loaded jurisdictions do not define."""


class RuleSetNotForConsumers(ValueError):
    """A contract names a rule set for businesses only, and the customer is a consumer."""


@dataclass(frozen=True, slots=True)
class Jurisdictions:
    """Every loaded rule set and the table that picks one per customer."""

    rule_sets: tuple[RuleSet, ...]
    selectors: tuple[Selector, ...]

    def get(self, code: str) -> RuleSet:
        """The rule set called `code`; raises `UnknownRuleSet` when there is none."""
        for rule_set in self.rule_sets:
            if rule_set.code == code:
                return rule_set
        known = ", ".join(r.code for r in self.rule_sets)
        raise UnknownRuleSet(f"no rule set {code!r} (known: {known})")

    def business_only(self, code: str) -> bool:
        """True when the selection table chooses rule set `code` for businesses only.

        Such a rule set (France B2B, EU B2B, UK B2B) carries penalties and a fixed indemnity
        that the law owes only between professionals (C. com. L441-10 II; docs/law.md).
        """
        kinds = [s.kind for s in self.selectors if s.rule_set == code]
        return bool(kinds) and all(kind is CustomerKind.BUSINESS for kind in kinds)

    def check_for(self, code: str, kind: CustomerKind, customer_ref: str = "") -> RuleSet:
        """The rule set `code` for a customer of `kind`; raises `RuleSetNotForConsumers`
        when it is for businesses only and the customer is a consumer."""
        rule_set = self.get(code)
        if kind is CustomerKind.CONSUMER and self.business_only(code):
            who = f"customer {customer_ref!r}" if customer_ref else "a consumer customer"
            raise RuleSetNotForConsumers(
                f"rule set {code!r} ({rule_set.title}) is for businesses only: {who} is a "
                f"consumer, from whom its penalties and fixed indemnity cannot be claimed"
            )
        return rule_set

    def select(
        self,
        creditor_country: str,
        customer_country: str,
        kind: CustomerKind,
        contract: Contract | None = None,
        customer_ref: str = "",
    ) -> RuleSet:
        """The rule set for a customer: the contract's choice, else the first matching line.

        Raises `UnknownRuleSet` when no line matches, which a complete table (ending with a
        "*" line) never does, and `RuleSetNotForConsumers` when the contract puts a consumer
        (named by `customer_ref` in the message) under a rule set for businesses only.
        """
        by_law = self._by_table(creditor_country, customer_country, kind)
        if contract is not None and contract.rule_set is not None:
            chosen = self.check_for(contract.rule_set, kind, customer_ref)
            if kind is CustomerKind.CONSUMER:
                return protect_consumer(chosen, by_law)
            return chosen
        return by_law

    def _by_table(
        self, creditor_country: str, customer_country: str, kind: CustomerKind
    ) -> RuleSet:
        for selector in self.selectors:
            if selector.matches(creditor_country, customer_country, kind):
                return self.get(selector.rule_set)
        raise UnknownRuleSet(
            f"no rule set selected for a {kind} customer in {customer_country} "
            f"of a creditor in {creditor_country}: add a line to the selection table"
        )


def limitation_years(rule_set: RuleSet, contract: Contract | None = None) -> int:
    """Years before a claim is time-barred, the contract's figure first, unless the law
    forbids lengthening the period (`limitation_binding`): then never more than the law's."""
    if contract is not None and contract.limitation_years is not None:
        if rule_set.limitation_binding:
            return min(contract.limitation_years, rule_set.limitation_years)
        return contract.limitation_years
    return rule_set.limitation_years


def protect_consumer(chosen: RuleSet, by_law: RuleSet) -> RuleSet:
    """`chosen` (a contract's rule set) for a consumer, keeping what the law protects:
    no collection fees where `by_law` forbids them (CPCE L111-8) and never a longer
    limitation period where `by_law` binds it (C. conso. L218-1); see docs/law.md."""
    years = chosen.limitation_years
    if by_law.limitation_binding:
        years = min(years, by_law.limitation_years)
    return replace(
        chosen,
        fees_allowed=chosen.fees_allowed and by_law.fees_allowed,
        limitation_years=years,
        limitation_binding=chosen.limitation_binding or by_law.limitation_binding,
    )


def consumer_contract_refusals(by_law: RuleSet, contract: Contract) -> tuple[str, ...]:
    """Why `contract` cannot apply to a consumer whose rules are `by_law` (empty when it
    can): a contractual fee where collection costs stay with the creditor (CPCE L111-8),
    a limitation period longer than the law's where the law binds it (C. conso. L218-1)."""
    refusals = []
    fees = [f for f in (contract.fee_per_invoice, contract.fee_per_letter) if f is not None]
    if fees and not by_law.fees_allowed:
        refusals.append(
            f"a consumer cannot be charged collection fees ({by_law.title}: amicable "
            f"collection costs stay with the creditor, CPCE L111-8)"
        )
    years = contract.limitation_years
    if years is not None and by_law.limitation_binding and years > by_law.limitation_years:
        refusals.append(
            f"a consumer's limitation period cannot be lengthened to {years} years "
            f"({by_law.title}: {by_law.limitation_years} years, C. conso. L218-1)"
        )
    return tuple(refusals)
