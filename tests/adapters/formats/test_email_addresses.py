"""E-mail addresses read the same whether their domain was met before or not."""

from __future__ import annotations

import pytest

from relance.adapters.formats.identifiers import email_addresses


def test_a_known_domain_gives_the_same_address_as_the_first_time():
    first = email_addresses("Jean.Dupont@Exemple-Connu.FR")
    again = email_addresses("Jean.Dupont@Exemple-Connu.FR; marie+compta@Exemple-Connu.FR")
    assert first == ("Jean.Dupont@exemple-connu.fr",)
    assert again == ("Jean.Dupont@exemple-connu.fr", "marie+compta@exemple-connu.fr")


@pytest.mark.parametrize(
    "address", ["a..b@exemple-connu.fr", ".a@exemple-connu.fr", "a b@exemple-connu.fr"]
)
def test_a_bad_local_part_is_refused_even_at_a_known_domain(address: str):
    email_addresses("ok@exemple-connu.fr")
    with pytest.raises(ValueError, match="is not an e-mail address"):
        email_addresses(address)
