"""Collection agencies as records: who they are, the guarantees the law asks of them, and
what they charge (docs/after-notice.md).

A French agency collecting amicably for others must hold professional liability insurance
and a bank account used only for the funds it collects (CPCE R124-2); a claim is handed
to it only while both are on record and the insurance runs on the day. Its pay is a
success fee on what it recovers, a rate chosen by the claim's age and size, plus a fixed
fee per file, with a minimum per file once something is recovered. The fee is the
creditor's cost: it never reduces what the debtor owes (CPCE L111-8).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as fr_siren

from relance.core.model import Address
from relance.core.money import Money

HUNDRED = Decimal(100)


class AgencyProblem(ValueError):
    """An agency's record is not valid: names the field and why."""


@dataclass(frozen=True, slots=True)
class Insurance:
    """The agency's professional liability insurance (assurance de responsabilité civile
    professionnelle), valid until a day."""

    insurer: str
    policy_number: str
    valid_until: date


@dataclass(frozen=True, slots=True)
class FeeBand:
    """A success fee rate, in percent of what is recovered, for claims up to an age (days
    past due when handed over) and up to a size (the amount handed over); None is no
    limit. The first band that fits a claim gives its rate."""

    rate: Decimal
    max_age_days: int | None = None
    max_amount: Decimal | None = None

    def fits(self, age_days: int, amount: Decimal) -> bool:
        """True when a claim of this age and size falls in the band."""
        young_enough = self.max_age_days is None or age_days <= self.max_age_days
        small_enough = self.max_amount is None or amount <= self.max_amount
        return young_enough and small_enough


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """What an agency charges, in one currency: success fee bands, a fixed fee per file
    (charged when the file is handed over) and a minimum success fee per file."""

    currency: str
    bands: tuple[FeeBand, ...]
    fixed_fee: Decimal = Decimal(0)
    minimum_fee: Decimal = Decimal(0)

    def rate_for(self, age_days: int, amount: Decimal) -> Decimal:
        """The success fee rate (percent) of a claim of this age and size; the last band
        when none fits (a schedule should end with an open band)."""
        for band in self.bands:
            if band.fits(age_days, amount):
                return band.rate
        return self.bands[-1].rate if self.bands else Decimal(0)


@dataclass(frozen=True, slots=True)
class Agency:
    """A collection agency the creditor works with."""

    name: str
    siren: str
    address: Address
    contact: str
    fees: FeeSchedule
    insurance: Insurance | None = None
    funds_iban: str = ""  # the account used only for collected funds
    email: str = ""
    phone: str = ""


def check_agency(agency: Agency) -> Agency:
    """The agency with its SIREN and IBAN in their standard form; `AgencyProblem` naming
    the field when one is wrong (a missing guarantee is allowed here: it is refused at
    handoff, so the record can be made before the papers arrive)."""
    if not agency.name.strip():
        raise AgencyProblem("name: an agency needs a name")
    try:
        siren = fr_siren.validate(agency.siren)
    except ValidationError as exc:
        raise AgencyProblem(f"siren: {agency.siren!r} is not a valid SIREN ({exc})") from exc
    iban = ""
    if agency.funds_iban.strip():
        try:
            iban = str(IBAN(agency.funds_iban))
        except SchwiftyException as exc:
            raise AgencyProblem(f"iban: {agency.funds_iban!r} is not a valid IBAN ({exc})") from exc
    for band in agency.fees.bands:
        if not Decimal(0) <= band.rate <= HUNDRED:
            raise AgencyProblem(f"fees: a success fee of {band.rate} % is not a percentage")
    if agency.fees.fixed_fee < 0 or agency.fees.minimum_fee < 0:
        raise AgencyProblem("fees: the fixed and minimum fees cannot be negative")
    return replace(agency, siren=siren, funds_iban=iban)


def guarantee_refusal(agency: Agency, on: date) -> str | None:
    """Why a claim cannot be handed to `agency` on `on` (CPCE R124-2), or None: its
    professional liability insurance must be on record and run on that day, and its
    account for collected funds must be known."""
    missing = []
    if agency.insurance is None or not agency.insurance.policy_number.strip():
        missing.append("its professional liability insurance (insurer and policy) is not on record")
    elif agency.insurance.valid_until < on:
        missing.append(
            f"its professional liability insurance ran out on "
            f"{agency.insurance.valid_until.isoformat()}"
        )
    if not agency.funds_iban:
        missing.append("its bank account for collected funds (IBAN) is not on record")
    if not missing:
        return None
    return (
        f"agency {agency.name} cannot take a claim on {on.isoformat()}: "
        + "; ".join(missing)
        + " (CPCE R124-2)"
    )


def success_fee(schedule: FeeSchedule, recovered: Money, age_days: int, claim: Money) -> Money:
    """The success fee on `recovered` so far for one file: the band's rate on it, at least
    the minimum once anything is recovered, never more than what was recovered."""
    if not recovered.is_positive:
        return Money.zero(recovered.currency)
    rate = schedule.rate_for(age_days, claim.amount)
    fee = Money(recovered.amount * rate / HUNDRED, recovered.currency)
    minimum = Money(schedule.minimum_fee, recovered.currency)
    return min(max(fee, minimum), recovered)


def fee_on_recovery(
    schedule: FeeSchedule, before: Money, recovered: Money, age_days: int, claim: Money
) -> Money:
    """The fee a new recovery adds to its file, `before` being what the file had recovered
    already: the file's fee after it less the fee before (so a minimum is charged once)."""
    after = success_fee(schedule, before + recovered, age_days, claim)
    return after - success_fee(schedule, before, age_days, claim)


def parse_fee_band(text: str) -> FeeBand:
    """A fee band as written on the command line or in a file: `RATE[:MAX_DAYS[:MAX_AMOUNT]]`
    (`15:90:5000` is 15 % for claims up to 90 days past due and up to 5,000; `20::10000`
    has no age limit; `30` fits every claim). `AgencyProblem` naming it when wrong."""
    parts = [part.strip().rstrip("%").strip() for part in text.split(":")]
    if not 1 <= len(parts) <= 3 or not parts[0]:
        raise AgencyProblem(f"fees: {text!r} is not RATE[:MAX_DAYS[:MAX_AMOUNT]]")
    parts += [""] * (3 - len(parts))
    try:
        rate = Decimal(parts[0].replace(",", "."))
        days = int(parts[1]) if parts[1] else None
        amount = Decimal(parts[2].replace(",", ".").replace(" ", "")) if parts[2] else None
    except (ArithmeticError, ValueError) as exc:
        raise AgencyProblem(f"fees: {text!r} is not RATE[:MAX_DAYS[:MAX_AMOUNT]]") from exc
    if not rate.is_finite() or (amount is not None and not amount.is_finite()):
        raise AgencyProblem(f"fees: {text!r} is not RATE[:MAX_DAYS[:MAX_AMOUNT]]")
    return FeeBand(rate, days, amount)


def band_text(band: FeeBand) -> str:
    """A fee band in words: `15 % up to 90 days, up to 5000`."""
    limits = []
    if band.max_age_days is not None:
        limits.append(f"up to {band.max_age_days} days past due")
    if band.max_amount is not None:
        limits.append(f"claims up to {band.max_amount}")
    return f"{band.rate} %" + (f" ({', '.join(limits)})" if limits else "")
