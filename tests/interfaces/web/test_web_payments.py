"""The payments page: credits no rule matched, their suggestions, matched, ignored and
unmatched by a manager; read by a viewer."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import write
from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.core.bank import MatchState
from relance.core.users import Role
from relance.services import customer_history, lettrage
from relance.services.bank_import import import_bank_statements

STATEMENT = (
    "Date;Libellé;Montant;Tiers;IBAN tiers;Référence structurée;Id\n"
    "20/11/2026;VIR SEPA ACME;250,00;ACME LTD;;;T1\n"
    "21/11/2026;VIR <script>x</script>;55,55;Inconnu <b>X</b>;;;T2\n"
)


@pytest.fixture
def credits(workbench: Workbench, tmp_path: Path) -> dict[str, str]:
    """Two credits waiting: 250,00 from Acme and 55,55 from nobody known; their keys."""
    path = write(tmp_path / "releve.csv", STATEMENT)
    (report,) = import_bank_statements(workbench.store, [path], as_of=TODAY)
    waiting = {
        int(line.transaction.amount.amount): line for line in lettrage.unmatched(workbench.store)
    }
    assert report.unmatched == 2 and set(waiting) == {250, 55}
    return {"acme": waiting[250].transaction.key, "other": waiting[55].transaction.key}


def test_a_viewer_reads_the_credits_but_has_no_button(
    workbench: Workbench, credits: dict[str, str]
) -> None:
    page = workbench.signed_in(Role.VIEWER).get("/payments")
    assert page.status_code == 200
    assert "2 en attente" in page.text and "250,00" in page.text
    assert "Inconnu &lt;b&gt;X&lt;/b&gt;" in page.text and "<b>X</b>" not in page.text
    assert "&lt;script&gt;" in page.text and "<script>" not in page.text
    assert "/payments/match" not in page.text and "/payments/ignore" not in page.text


def test_a_manager_matches_a_credit_and_the_history_names_them(
    workbench: Workbench, credits: dict[str, str]
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/payments").text)
    form = {"csrf": token, "key": credits["acme"], "invoices": "F-002", "customer": ""}
    answer = client.post("/payments/match", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/payments"
    page = client.get("/payments").text
    assert "lettré (ACME)" in page and "1 en attente" in page
    matched = lettrage.recently_matched(workbench.store)
    assert [m.transaction.key for m in matched] == [credits["acme"]]
    assert matched[0].state is MatchState.MANUAL
    events = customer_history.history(workbench.store, "ACME")
    assert any(e.kind == "payment.matched" and e.actor == email_of(Role.MANAGER) for e in events)


def test_a_manager_unmatches_then_the_credit_waits_again(
    workbench: Workbench, credits: dict[str, str]
) -> None:
    lettrage.match(workbench.store, credits["acme"], ["F-002"], actor="test")
    client = workbench.signed_in(Role.MANAGER)
    page = client.get("/payments").text
    assert "/payments/unmatch" in page
    form = {"csrf": csrf_of(page), "key": credits["acme"], "reason": "wrong payer"}
    assert client.post("/payments/unmatch", data=form).status_code == 303
    assert "délettré" in client.get("/payments").text
    assert {w.transaction.key for w in lettrage.unmatched(workbench.store)} == set(credits.values())


def test_a_manager_ignores_a_credit_with_a_reason_and_not_without(
    workbench: Workbench, credits: dict[str, str]
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/payments").text)
    client.post("/payments/ignore", data={"csrf": token, "key": credits["other"], "reason": ""})
    assert "say why the payment is ignored" in client.get("/payments").text
    form = {"csrf": token, "key": credits["other"], "reason": "internal transfer"}
    assert client.post("/payments/ignore", data=form).status_code == 303
    assert "ignoré" in client.get("/payments").text
    waiting = [w.transaction.key for w in lettrage.unmatched(workbench.store)]
    assert waiting == [credits["acme"]]


def test_bad_input_is_said_and_nothing_changes(
    workbench: Workbench, credits: dict[str, str]
) -> None:
    client = workbench.signed_in(Role.MANAGER)
    token = csrf_of(client.get("/payments").text)
    client.post("/payments/match", data={"csrf": token, "key": credits["acme"], "invoices": "NOPE"})
    assert "unknown invoice(s): NOPE" in client.get("/payments").text
    client.post("/payments/match", data={"csrf": token, "key": "no-such-key", "customer": "ACME"})
    client.post("/payments/unmatch", data={"csrf": token, "key": credits["acme"]})
    page = client.get("/payments").text
    assert "is not matched" in page
    assert len(lettrage.unmatched(workbench.store)) == 2


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COLLECTOR])
def test_below_manager_every_write_is_refused(
    workbench: Workbench, credits: dict[str, str], role: Role
) -> None:
    client = workbench.signed_in(role)
    token = csrf_of(client.get("/payments").text)
    for path in ("/payments/match", "/payments/ignore", "/payments/unmatch"):
        form = {"csrf": token, "key": credits["acme"], "invoices": "F-002", "reason": "x"}
        assert client.post(path, data=form).status_code == 403, path
    assert len(lettrage.unmatched(workbench.store)) == 2
