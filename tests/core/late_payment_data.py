"""The rates and rule sets of the worked examples, restated from `relance/rules/` so that the
core is tested alone (tests/adapters/test_rules_files.py checks the shipped files agree)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from relance.core.jurisdiction import Fixing, IndemnityBand, InterestStart, RuleSet
from relance.core.money import Money
from relance.core.rates import Confidence, RatePeriod, RateTable


def period(start: str, end: str, rate: str, confidence: str = "official") -> RatePeriod:
    return RatePeriod(
        date.fromisoformat(start),
        date.fromisoformat(end),
        Decimal(rate),
        "test",
        Confidence(confidence),
    )


ECB = RateTable(
    "ecb_mro",
    "ECB main refinancing rate",
    (
        period("2024-09-18", "2024-10-22", "3.65"),
        period("2024-10-23", "2024-12-17", "3.40"),
        period("2024-12-18", "2025-02-04", "3.15"),
        period("2025-02-05", "2025-03-11", "2.90"),
        period("2025-03-12", "2025-04-22", "2.65"),
        period("2025-04-23", "2025-06-10", "2.40"),
        period("2025-06-11", "2026-06-16", "2.15", "confirmed"),
        period("2026-06-17", "2026-12-31", "2.40", "single-source"),
    ),
)
FR_LEGAL_OTHER = RateTable(
    "fr_legal_other",
    "French legal rate (other cases)",
    (
        period("2025-01-01", "2025-06-30", "3.71"),
        period("2025-07-01", "2025-12-31", "2.76"),
        period("2026-01-01", "2026-06-30", "2.62"),
    ),
)
BOE = RateTable(
    "boe_base",
    "Bank of England base rate",
    (
        period("2021-12-16", "2022-02-02", "0.25"),
        period("2022-02-03", "2022-03-16", "0.50"),
        period("2022-03-17", "2022-05-04", "0.75"),
        period("2022-05-05", "2022-06-15", "1.00"),
        period("2022-06-16", "2022-08-03", "1.25"),
        period("2022-08-04", "2022-09-21", "1.75"),
        period("2022-09-22", "2022-11-02", "2.25"),
        period("2022-11-03", "2022-12-14", "3.00"),
        period("2022-12-15", "2023-02-01", "3.50"),
        period("2023-02-02", "2023-03-22", "4.00"),
        period("2023-03-23", "2023-05-10", "4.25"),
        period("2023-05-11", "2023-06-21", "4.50"),
        period("2023-06-22", "2023-08-02", "5.00"),
        period("2023-08-03", "2024-07-31", "5.25"),
        period("2024-08-01", "2024-11-06", "5.00"),
        period("2024-11-07", "2025-02-05", "4.75"),
        period("2025-02-06", "2025-05-07", "4.50"),
        period("2025-05-08", "2025-08-06", "4.25"),
        period("2025-08-07", "2025-12-17", "4.00"),
        period("2025-12-18", "2026-03-18", "3.75"),
    ),
)
RATES = {t.name: t for t in (ECB, FR_LEGAL_OTHER, BOE)}

FR_B2B = RuleSet(
    code="fr_b2b",
    title="France, business to business",
    rate_table="ecb_mro",
    margin=Decimal(10),
    fixing=Fixing.HALF_YEAR_START,
    indemnity=(IndemnityBand(Money.of(40, "EUR")),),
    contract_floor_table="fr_legal_other",
    contract_floor_multiple=Decimal(3),
)
FR_B2C = RuleSet(
    code="fr_b2c",
    title="France, professional to consumer",
    rate_table="fr_legal_other",
    fixing=Fixing.DAILY,
    interest_start=InterestStart.FORMAL_NOTICE,
    limitation_years=2,
)
UK_B2B = RuleSet(
    code="uk_b2b",
    title="United Kingdom, business to business",
    rate_table="boe_base",
    margin=Decimal(8),
    fixing=Fixing.START_EVE,
)
