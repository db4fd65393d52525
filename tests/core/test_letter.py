"""What a reminder letter says, composed from the ledger's records (the seed's example)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from relance.adapters.render.specimen import (
    SPECIMEN_CREDITOR,
    specimen_customer,
    specimen_invoices,
    specimen_letter,
)
from relance.core.letter import (
    ChargeLine,
    PaymentMethod,
    PreviousLetter,
    Tone,
    compose_letter,
    format_day,
    format_money,
    letter_locale,
)
from relance.core.model import CustomerKind, Invoice
from relance.core.money import Money
from relance.core.reference import is_creditor_reference

SEED_LETTER_DATE = date(2018, 2, 19)


def test_the_seed_invoice_is_49_days_late_on_the_letter_of_19_february_2018() -> None:
    # 2018-01-01 -> 2018-02-19: 30 days left in January + 19 in February = 49.
    letter = specimen_letter(level=1).letter
    assert letter is not None
    (row,) = letter.rows
    assert (row.number, row.amount, row.due_date) == (
        "12345",
        Money.of("100", "USD"),
        date(2018, 1, 1),
    )
    assert row.days_late == 30 + 19 == 49
    assert letter.total_due == Money.of("100", "USD")


def test_the_rf_reference_is_made_from_the_letter_reference() -> None:
    letter = specimen_letter(reference="A2018-0001").letter
    assert letter is not None
    assert letter.rf_reference.endswith("A20180001")
    assert is_creditor_reference(letter.rf_reference)


def test_level_1_gives_ten_days_and_the_registered_formal_notice_eight_after_receipt() -> None:
    first = specimen_letter(level=1).letter
    final = specimen_letter(level=4, tone=Tone.FORMAL).letter
    assert first is not None and final is not None
    assert first.deadline == date(2018, 3, 1)  # 19 Feb + 10 days (2018 is not a leap year)
    # 19 Feb + 15 days: eight days from receipt, and a week for the registered post
    assert final.deadline == date(2018, 3, 6)
    assert final.registered


def test_previous_letters_are_recalled_from_level_2_on_only() -> None:
    earlier = (PreviousLetter(1, date(2018, 1, 15)),)
    invoices = specimen_invoices()
    common = {
        "creditor": SPECIMEN_CREDITOR,
        "customer": specimen_customer(CustomerKind.BUSINESS, "en"),
        "invoices": invoices,
        "balances": {i.number: i.amount for i in invoices},
        "as_of": SEED_LETTER_DATE,
        "tone": Tone.COURTEOUS,
        "template_key": "business/letter1",
        "reference": "A1",
        "previous": earlier,
    }
    level1 = compose_letter(level=1, **common).letter
    level2 = compose_letter(level=2, **common).letter
    assert level1 is not None and level2 is not None
    assert level1.previous == ()
    assert level2.previous == earlier


def test_charges_add_to_the_principal_in_the_total_due() -> None:
    # 100.00 principal + 40.00 fixed indemnity = 140.00
    letter = specimen_letter(level=3, tone=Tone.FIRM, with_charges=True).letter
    assert letter is not None
    assert letter.principal_due == Money.of("100", "USD")
    assert letter.charges[0] == ChargeLine(
        "Fixed recovery indemnity", Money.of("40", "USD"), "C. com. L441-10, D441-5"
    )
    assert letter.total_due == Money.of("140", "USD")


def test_a_partly_paid_invoice_shows_its_open_balance_and_a_paid_one_is_left_out() -> None:
    invoices = specimen_invoices(3, "EUR")
    balances = {
        invoices[0].number: Money.of("60", "EUR"),  # 100 - 40 paid
        invoices[1].number: Money.zero("EUR"),  # paid in full since the action was proposed
        invoices[2].number: invoices[2].amount,
    }
    result = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=specimen_customer(CustomerKind.BUSINESS, "fr"),
        invoices=invoices,
        balances=balances,
        as_of=SEED_LETTER_DATE,
        level=1,
        tone=Tone.COURTEOUS,
        template_key="business/letter1",
        reference="A2",
    )
    assert result.problems == ()
    assert result.letter is not None
    assert [row.number for row in result.letter.rows] == ["12345", "12347"]
    # 60.00 + 102.50 = 162.50
    assert result.letter.total_due == Money.of("162.50", "EUR")
    assert result.letter.payment_methods == (PaymentMethod.TRANSFER, PaymentMethod.CHEQUE)


def test_nothing_owed_and_mixed_currencies_are_problems_not_letters() -> None:
    eur, usd = specimen_invoices(1, "EUR")[0], specimen_invoices(2, "USD")[1]
    customer = specimen_customer(CustomerKind.BUSINESS, "fr")
    mixed = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=customer,
        invoices=(eur, usd),
        balances={eur.number: eur.amount, usd.number: usd.amount},
        as_of=SEED_LETTER_DATE,
        level=1,
        tone=Tone.COURTEOUS,
        template_key="business/letter1",
        reference="A3",
    )
    assert mixed.letter is None
    assert any("EUR, USD" in p for p in mixed.problems)
    paid = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=customer,
        invoices=(eur,),
        balances={eur.number: Money.zero("EUR")},
        as_of=SEED_LETTER_DATE,
        level=1,
        tone=Tone.COURTEOUS,
        template_key="business/letter1",
        reference="A4",
    )
    assert paid.letter is None
    assert any("nothing is owed" in p for p in paid.problems)


def test_an_invoice_of_another_customer_is_refused() -> None:
    stranger = Invoice(
        "999",
        "OTHER",
        date(2018, 1, 1),
        date(2018, 1, 31),
        Money.of("5", "EUR"),
        Money.of("1", "EUR"),
    )
    result = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=specimen_customer(CustomerKind.CONSUMER, "fr"),
        invoices=(stranger,),
        balances={"999": stranger.amount},
        as_of=SEED_LETTER_DATE,
        level=1,
        tone=Tone.COURTEOUS,
        template_key="consumer/letter1",
        reference="A5",
    )
    assert result.letter is None
    assert "invoice 999 belongs to OTHER" in result.problems


def test_money_and_dates_read_as_each_language_writes_them() -> None:
    amount = Money.of("1234.56", "EUR")
    assert format_money(amount, "fr").replace("\u202f", " ").replace("\xa0", " ") == "1 234,56 €"
    assert format_money(Money.of("1234.56", "USD"), "en_US") == "$1,234.56"
    assert format_money(Money.of("1234.56", "GBP"), "en") == "£1,234.56"
    assert format_day(SEED_LETTER_DATE, "fr") == "19 février 2018"
    assert format_day(SEED_LETTER_DATE, "en") == "19 February 2018"
    assert format_day(SEED_LETTER_DATE, "en_US") == "February 19, 2018"


def test_an_english_letter_has_one_locale_chosen_from_the_customer_country() -> None:
    # An English letter once printed "Feb 19, 2018" in its table and "19 Feb 2018" in its
    # charges: three places mapped `en` to different locales. One function now decides,
    # from the customer's country: American English in the US, British English elsewhere.
    assert letter_locale("en", "US") == "en_US"
    assert letter_locale("en", "GB") == "en_GB"
    assert letter_locale("en", "IE") == "en_GB"
    assert letter_locale("fr", "US") == "fr_FR"


@given(
    cents=st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=12),
    days_after=st.integers(min_value=0, max_value=2000),
)
def test_the_total_due_is_the_sum_of_open_balances_and_days_late_count_from_each_due_date(
    cents: list[int], days_after: int
) -> None:
    invoices = specimen_invoices(len(cents), "EUR")
    balances = {i.number: Money.from_minor(c, "EUR") for i, c in zip(invoices, cents, strict=True)}
    as_of = date(2018, 2, 1) + timedelta(days=days_after)
    result = compose_letter(
        creditor=SPECIMEN_CREDITOR,
        customer=specimen_customer(CustomerKind.BUSINESS, "fr"),
        invoices=invoices,
        balances=balances,
        as_of=as_of,
        level=1,
        tone=Tone.COURTEOUS,
        template_key="business/letter1",
        reference="P1",
    )
    if not any(cents):
        assert result.letter is None
        return
    assert result.letter is not None
    assert result.letter.total_due.to_minor() == sum(cents)
    assert all(row.open_balance.is_positive for row in result.letter.rows)
    assert len(result.letter.rows) == sum(1 for c in cents if c)
    for row in result.letter.rows:
        assert row.days_late == (as_of - row.due_date).days
