"""The Settings pages (managers): the creditor with what its letters still need, and the
rate tables; each change through the CLI's services under the web user's name."""

from __future__ import annotations

from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.core.users import Role
from relance.services import rates, reports


def creditor_form(page: str, **changes: str) -> dict[str, str]:
    form = {"csrf": csrf_of(page), "name": "Atelier Durand", "country": "FR",
            "currency": "EUR", "language": "fr"}  # fmt: skip
    return {**form, **changes}


def creditor_events(workbench: Workbench) -> list[str]:
    with workbench.store.begin() as conn:
        rows = conn.exec_driver_sql(
            "select actor from events where kind = 'creditor.saved' order by id"
        ).all()
    return [row[0] for row in rows]


def test_only_a_manager_opens_the_settings(workbench: Workbench) -> None:
    for role in (Role.VIEWER, Role.COLLECTOR):
        client = workbench.signed_in(role)
        assert client.get("/settings").status_code == 403
        assert client.get("/settings/rates").status_code == 403
        assert 'href="/settings"' not in client.get("/").text
        form = creditor_form(client.get("/").text)
        assert client.post("/settings", data=form).status_code == 403
    manager = workbench.signed_in(Role.MANAGER)
    assert 'href="/settings"' in manager.get("/").text
    assert 'href="/users"' not in manager.get("/settings").text  # the accounts: admins only


def test_the_creditor_page_says_what_letters_still_need(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get("/settings").text
    assert "Les lettres demandent encore" in page
    for need in ("Signataire", "IBAN", "Forme juridique", "Ville du RCS"):
        assert need in page
    form = creditor_form(
        page, legal_form="SARL", capital="20 000 €", registration_id="732829320",
        registration_city="Lyon", iban="FR7630006000011234567890189", email="c@durand.example",
        signatory_name="Claire <Durand>", address_lines="3 rue des Lilas\nBât. B",
        postal_code="69003", city="Lyon",
    )  # fmt: skip
    answer = manager.post("/settings", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/settings"
    after = manager.get("/settings").text
    assert "Créancier enregistré." in after and "Les lettres ont tout ce qu’il leur faut." in after
    assert 'value="Claire &lt;Durand&gt;"' in after
    saved = reports.creditor(workbench.store)
    assert saved is not None and saved.address.lines == ("3 rue des Lilas", "Bât. B")
    assert creditor_events(workbench)[-1] == email_of(Role.MANAGER)


def test_a_bad_creditor_value_is_said_and_the_form_keeps_what_was_typed(
    workbench: Workbench,
) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get("/settings").text
    for field, value in [("iban", "FR76 not an iban"), ("country", "Narnia"), ("name", ""),
                         ("envelope_window", "up")]:  # fmt: skip
        answer = manager.post("/settings", data=creditor_form(page, **{field: value}))
        assert answer.status_code == 400, field
        assert 'class="error"' in answer.text
        if value:
            assert f'value="{value}"' in answer.text or "selected" in answer.text
    saved = reports.creditor(workbench.store)
    assert saved is not None and saved.iban == "" and saved.country == "FR"
    assert creditor_events(workbench) == ["test"]


def test_a_manager_confirms_a_rate_and_adds_a_period(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get("/settings/rates").text
    assert "ecb_mro" in page and "/settings/rates/confirm" in page
    form = {"csrf": csrf_of(page), "table": "ecb_mro", "on": "2026-06-17",
            "source": "ECB press release"}  # fmt: skip
    assert manager.post("/settings/rates/confirm", data=form).status_code == 303
    assert "Taux confirmé." in manager.get("/settings/rates").text
    assert not any("ecb_mro" in w for w in rates.warnings_for(workbench.store, TODAY))
    form = {"csrf": csrf_of(page), "table": "fr_legal_other", "start": "2026-07-01",
            "end": "2026-12-31", "rate": "6,67", "source": "JO 2026-06-28"}  # fmt: skip
    assert manager.post("/settings/rates", data=form).status_code == 303
    added = [x for x in rates.list_rates(workbench.store, "fr_legal_other") if x.own]
    assert [str(x.period.rate) for x in added] == ["6.67"]
    with workbench.store.begin() as conn:
        actors = (
            conn.exec_driver_sql("select actor from events where kind = 'rate_period'")
            .scalars()
            .all()
        )
    assert set(actors) == {email_of(Role.MANAGER)}


def test_a_bad_rate_is_said_and_nothing_is_added(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/settings/rates").text)
    base = {"csrf": token, "table": "fr_legal_other", "start": "2026-07-01",
            "end": "2026-12-31", "rate": "6.67", "source": "JO"}  # fmt: skip
    for field, value in [("rate", "lots"), ("start", "1/7/26"), ("source", " "),
                         ("table", "no_such_table"), ("rate", "-1")]:  # fmt: skip
        assert manager.post("/settings/rates", data={**base, field: value}).status_code == 303
        assert 'class="error"' in manager.get("/settings/rates").text, field
    assert not [x for x in rates.list_rates(workbench.store) if x.own]


def test_the_settings_speak_english_to_an_english_reader(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    token = csrf_of(manager.get("/settings").text)
    manager.post("/language", data={"csrf": token, "language": "en", "back": "/settings"})
    pages = {
        "/settings": ["Letters still need", "Legal name", "Envelope window"],
        "/settings/policies": ["Days after the due date", "Remove this level", "courteous"],
        "/settings/templates": ["Preview on the specimen letter", "Template text"],
        "/settings/rates": ["Add a period", "Confirmed"],
        "/reports/limitation": ["Horizon (days)"],
        "/customers/ACME": ["Agree a payment plan", "Contract terms", "Add a note"],
    }
    for path, words in pages.items():
        page = manager.get(path).text
        for word in words:
            assert word in page, (path, word)
