"""The short path of customer rows reads exactly what the full reader reads, and takes no
row the full reader refuses (which then names the file, line, field and reason)."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.adapters.formats.conftest import read_or_refusal
from tests.conftest import write

from relance.adapters.formats.ledger_csv import CsvKind, _customer, _Fields, open_layout, read_rows
from relance.adapters.formats.ledger_customers import CustomerReader, CustomerRow, CustomerValues
from relance.core.model import Civility, Customer, CustomerKind
from relance.core.money import Money

HEADER = ("reference;nom;type;pays;langue;email;siren;numero_tva;plafond;devise;civilite;adresse;"
          "code_postal;ville;telephone;etiquettes;iban;contact\n")  # fmt: skip
COUNTRIES = ["", "FR", "gb", " fr\t", "XX", "FR\n"]
REGISTRATIONS = ["", "732 829 320", "73282932000074", "123456789", "GB-0123"]
VATS = ["", "FR44732829320", "FR00000000000", "DE136695976", "XX123"]
LIMITS = ["", "5 000,00", "1234.5", "0", "-10", "dix", "1,234", "0,001"]
CURRENCIES = ["", "EUR", "jpy", "EURO"]
# cycled through the combinations above (lengths prime to each other)
KINDS = ["", "entreprise", "Particulier", "B2C", "robot", " pro "]
LANGUAGES = ["", "fr", "Anglais", "de", "FRANÇAIS"]
EMAILS = ["", "compta@dupont.fr", "a@b.fr; c@d.fr", "pas-une-adresse", "x@dupont.fr\n", " e@f.fr "]
CIVILITIES = ["", "Mme", "M.", "Dr", " madame ", "Mlle"]
REFS = [("C{n}", "Dupont SA"), ("", "Dupont SA"), ("C{n}", " "), (" C{n} ", "Société Été")]
REST = [("", "", "", "", "", "", ""),
        ("1 rue de la Paix\n\nBât. B", "75002", "Paris", "01 23", "vip, export|", "fr76 3000",
         "Jeanne Dupont")]  # fmt: skip


def test_short_and_full_readers_agree_on_every_cell(tmp_path: Path):
    layout = open_layout(write(tmp_path / "c.csv", HEADER), CsvKind.CUSTOMERS)

    def full(line: int, cells: list[str]) -> Customer:
        return _customer(_Fields(layout, line, cells), "EUR")

    reader = CustomerReader(layout.columns, "EUR", full)
    taken, reads, outcomes = 0, 0, set()
    for n, (country, registration, vat, limit, currency) in enumerate(
        itertools.product(COUNTRIES, REGISTRATIONS, VATS, LIMITS, CURRENCIES)
    ):
        ref, name = REFS[n % len(REFS)]
        cells = [
            ref.format(n=n), name, KINDS[n % len(KINDS)], country, LANGUAGES[n % len(LANGUAGES)],
            EMAILS[n % len(EMAILS)], registration, vat, limit, currency,
            CIVILITIES[n % len(CIVILITIES)], *REST[n % len(REST)],
        ]  # fmt: skip
        reference = read_or_refusal(lambda: CustomerValues.of(full(2, cells)))  # noqa: B023
        short = reader._short(cells)
        if short is not None:  # taken by the short path: exactly what the full one reads
            assert reference == ("read", short), cells
            taken += 1
        assert read_or_refusal(lambda: reader(2, cells).values) == reference, cells  # noqa: B023
        outcomes.add(reference[0])
        reads += reference[0] == "read"
    assert outcomes == {"read", "refused"}
    # every row of these the full reader accepts, the short one takes (147 of 4,800)
    assert taken == reads > 100


def test_a_customer_read_the_short_way_is_the_customer_the_full_reader_makes(tmp_path: Path):
    path = write(
        tmp_path / "clients.csv",
        HEADER + "C1;Dupont SA;entreprise;FR;fr;compta@dupont.fr;732 829 320;FR44732829320;"
        '5000,00;EUR;Mme;"1 rue de la Paix\nBât. B";75002;Paris;01 23;vip|export;fr76 3000;'
        "Jeanne Dupont\n",
    )
    (row,) = read_rows(open_layout(path, CsvKind.CUSTOMERS), "EUR")
    assert isinstance(row, CustomerRow)
    customer = row.values.customer()
    assert (customer.kind, customer.civility, customer.registration_id) == (
        CustomerKind.BUSINESS,
        Civility.MS,
        "732829320",
    )
    assert customer.credit_limit == Money.of("5000", "EUR")
    assert customer.address.lines == ("1 rue de la Paix", "Bât. B")
    assert (customer.tags, customer.ibans) == (("vip", "export"), ("FR763000",))
    assert CustomerValues.of(customer) == row.values
