"""The shipped rules files: complete from 2015, with sources, and read with clear errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from relance.adapters.rules_files import (
    RulesFileError,
    load_jurisdictions,
    load_rate_book,
    load_rate_table,
)
from relance.core.interest import interest_breakdown
from relance.core.jurisdiction import Contract, Fixing, InterestStart
from relance.core.model import CustomerKind, Invoice
from relance.core.money import Money
from relance.core.rates import Confidence, MissingRate


def test_every_shipped_rate_table_covers_2015_to_mid_2026_without_a_gap() -> None:
    book = load_rate_book()
    assert set(book) == {"ecb_mro", "fr_legal_individual", "fr_legal_other", "boe_base"}
    for table in book.values():
        assert table.first_day is not None and table.first_day <= date(2015, 1, 1)
        assert table.last_day is not None and table.last_day >= date(2026, 3, 18)
        assert table.gaps() == ()
        assert all(p.source for p in table.periods), table.name


def test_the_shipped_figures_match_the_law_notes() -> None:
    book = load_rate_book()
    # LAW.md 1.2: ECB MRO on the first day of each half-year
    ecb = book["ecb_mro"]
    assert ecb.rate_on(date(2024, 7, 1)) == Decimal("4.25")
    assert ecb.rate_on(date(2025, 1, 1)) == Decimal("3.15")
    assert ecb.rate_on(date(2025, 7, 1)) == Decimal("2.15")
    assert ecb.rate_on(date(2026, 1, 1)) == Decimal("2.15")
    assert ecb.rate_on(date(2016, 7, 1)) == Decimal("0.00")
    # French legal rate, H1 2026: 6.67 % (individual creditors), 2.62 % (other cases)
    assert book["fr_legal_individual"].rate_on(date(2026, 3, 1)) == Decimal("6.67")
    assert book["fr_legal_other"].rate_on(date(2026, 3, 1)) == Decimal("2.62")
    assert book["fr_legal_other"].rate_on(date(2015, 1, 1)) == Decimal("0.93")
    # BoE: 4.75 % on 31 Dec 2024, 4.25 % on 30 June 2025, 3.75 % on 31 Dec 2025 (LAW.md 1.4)
    boe = book["boe_base"]
    assert boe.rate_on(date(2024, 12, 31)) == Decimal("4.75")
    assert boe.rate_on(date(2025, 6, 30)) == Decimal("4.25")
    assert boe.rate_on(date(2025, 12, 31)) == Decimal("3.75")


def test_uncertain_2026_figures_are_marked_or_absent() -> None:
    book = load_rate_book()
    # the ECB increase of June 2026 has one unofficial source
    assert book["ecb_mro"].period_on(date(2026, 7, 1)).confidence is Confidence.SINGLE_SOURCE
    # H2 2026 French legal rate and BoE rate on 30 June 2026 were not found: not shipped
    with pytest.raises(MissingRate):
        book["fr_legal_other"].rate_on(date(2026, 7, 1))
    with pytest.raises(MissingRate):
        book["boe_base"].rate_on(date(2026, 6, 30))


def test_the_rule_sets_are_chosen_by_creditor_country_and_customer_kind() -> None:
    rules = load_jurisdictions()
    assert rules.select("FR", "FR", CustomerKind.BUSINESS).code == "fr_b2b"
    assert rules.select("FR", "BE", CustomerKind.BUSINESS).code == "fr_b2b"
    assert rules.select("FR", "FR", CustomerKind.CONSUMER).code == "fr_b2c"
    assert rules.select("GB", "GB", CustomerKind.BUSINESS).code == "uk_b2b"
    assert rules.select("DE", "FR", CustomerKind.BUSINESS).code == "eu_b2b"
    assert rules.select("US", "US", CustomerKind.BUSINESS).code == "contractual"
    assert rules.select("DE", "DE", CustomerKind.CONSUMER).code == "contractual"
    forced = Contract(rule_set="contractual", rate=Decimal("12"))
    assert rules.select("FR", "FR", CustomerKind.BUSINESS, forced).code == "contractual"

    fr_b2b = rules.get("fr_b2b")
    assert (fr_b2b.margin, fr_b2b.fixing) == (Decimal(10), Fixing.HALF_YEAR_START)
    assert fr_b2b.indemnity_for(Money.of(10, "EUR")) == Money.of(40, "EUR")
    assert rules.get("fr_b2c").interest_start is InterestStart.FORMAL_NOTICE
    assert rules.get("fr_b2c").indemnity_for(Money.of(10, "EUR")) is None
    uk = rules.get("uk_b2b")
    assert uk.indemnity_for(Money.of("999.99", "GBP")) == Money.of(40, "GBP")
    assert uk.indemnity_for(Money.of("1000", "GBP")) == Money.of(70, "GBP")
    assert uk.indemnity_for(Money.of("9999.99", "GBP")) == Money.of(70, "GBP")
    assert uk.indemnity_for(Money.of("10000", "GBP")) == Money.of(100, "GBP")


def test_the_shipped_data_gives_the_worked_french_example() -> None:
    rules = load_jurisdictions()
    inv = Invoice(
        "F-1",
        "C1",
        date(2025, 5, 16),
        date(2025, 6, 15),
        Money.of("10000", "EUR"),
        Money.of("1666.67", "EUR"),
    )
    result = interest_breakdown(
        inv, [], rules.get("fr_b2b"), load_rate_book(), as_of=date(2025, 7, 30)
    )
    # 15 days at 13.15 % (54.04) + 30 days at 12.15 % (99.86), as in tests/core/test_interest.py
    assert result.total == Money.of("153.90", "EUR")


def write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_float_rate_is_refused_with_the_file_and_field_named(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x.toml",
        '[table]\nname = "x"\ntitle = "X"\n\n[[period]]\nfrom = 2020-01-01\nto = 2020-12-31\n'
        'rate = 1.5\nsource = "s"\n',
    )
    with pytest.raises(RulesFileError, match=r"x\.toml \[\[period\]\] #1, field 'rate'.*string"):
        load_rate_table("x.toml", tmp_path)


def test_a_gap_between_periods_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x.toml",
        '[table]\nname = "x"\ntitle = "X"\n\n'
        '[[period]]\nfrom = 2020-01-01\nto = 2020-06-30\nrate = "1"\nsource = "s"\n\n'
        '[[period]]\nfrom = 2020-08-01\nto = 2020-12-31\nrate = "2"\nsource = "s"\n',
    )
    with pytest.raises(RulesFileError, match=r"x\.toml: no period covers 2020-07-01 to 2020-07-31"):
        load_rate_table("x.toml", tmp_path)


def test_an_unknown_fixing_and_an_unknown_table_are_named(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x.toml",
        '[table]\nname = "x"\ntitle = "X"\n\n'
        '[[period]]\nfrom = 2020-01-01\nto = 2020-12-31\nrate = "1"\nsource = "s"\n',
    )
    write(
        tmp_path,
        "jurisdictions.toml",
        '[[rule_set]]\ncode = "a"\ntitle = "A"\nrate_table = "x"\nfixing = "weekly"\n',
    )
    with pytest.raises(RulesFileError, match=r"#1, field 'fixing': 'weekly' is not one of"):
        load_jurisdictions(tmp_path)
    write(
        tmp_path, "jurisdictions.toml", '[[rule_set]]\ncode = "a"\ntitle = "A"\nrate_table = "y"\n'
    )
    with pytest.raises(RulesFileError, match=r"\(a\), field 'rate_table': no rate table named 'y'"):
        load_jurisdictions(tmp_path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RulesFileError, match=r"jurisdictions\.toml: no such rules file"):
        load_jurisdictions(tmp_path)


def test_whether_payments_restart_limitation_is_a_setting_of_the_rule_set(tmp_path):
    from relance.adapters.rules_files import parse_rule_set

    base = {"code": "x", "title": "X", "limitation_years": 5}
    assert parse_rule_set(base, "test").payments_acknowledge is True
    assert (
        parse_rule_set({**base, "payments_acknowledge": False}, "test").payments_acknowledge
        is False
    )
