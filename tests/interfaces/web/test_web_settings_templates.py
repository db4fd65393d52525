"""Settings, the templates: each one's text with its wording of the specimen letter, a draft
previewed without being kept, and kept in the templates folder only once it passes."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.testclient import TestClient
from tests.interfaces.web.conftest import TODAY, Workbench, csrf_of, email_of

from relance.core.users import Role
from relance.interfaces.web.app import build_app

KEY = "business/letter1"


def test_a_template_shows_its_text_and_its_wording_of_the_specimen(
    workbench: Workbench,
) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get(f"/settings/templates?key={KEY}&language=fr").text
    assert "{% block subject %}Rappel" in page  # the text, escaped in the textarea
    assert "Aucun problème." in page and "Rappel – facture" in page  # and its wording
    assert "relance serve --templates" in page  # where saving would need a folder
    assert "/settings/templates/save" not in page
    assert manager.get("/settings/templates?key=../../etc/passwd").status_code == 404
    assert manager.get(f"/settings/templates?key={KEY}&language=de").status_code == 404
    assert workbench.signed_in(Role.COLLECTOR).get("/settings/templates").status_code == 403


def test_a_draft_is_previewed_with_its_problems_and_not_kept(workbench: Workbench) -> None:
    manager = workbench.signed_in(Role.MANAGER)
    page = manager.get(f"/settings/templates?key={KEY}&language=en").text
    draft = ("{% block subject %}Pay <now> {{ invoice_numbers }}{% endblock %}"
             "{% block opening %}Dear {{ nobody }}{% endblock %}"
             "{% block closing %}Thanks{% endblock %}")  # fmt: skip
    form = {"csrf": csrf_of(page), "key": KEY, "language": "en", "text": draft}
    answer = manager.post("/settings/templates/try", data=form)
    assert answer.status_code == 200
    assert "nobody" in answer.text and 'class="error"' in answer.text
    assert "brouillon non enregistré" in answer.text or "draft, not saved" in answer.text
    assert "Pay &lt;now&gt;" in answer.text  # the draft kept in the form, escaped
    refused = manager.post("/settings/templates/save", data=form)
    assert refused.status_code == 400  # no folder to keep it in


def signed_in_with_folder(workbench: Workbench, folder: Path) -> TestClient:
    app = build_app(workbench.store, today=lambda: TODAY, templates_dir=folder)
    client = TestClient(app, follow_redirects=False)
    workbench.clients.append(client)
    assert workbench.log_in(client, email_of(Role.MANAGER)) == 303
    return client


def test_a_good_draft_is_kept_in_the_folder_and_a_bad_one_is_not(
    workbench: Workbench, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    manager = signed_in_with_folder(workbench, folder)
    page = manager.get(f"/settings/templates?key={KEY}&language=fr").text
    shipped = page.split('name="text"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    good = html.unescape(shipped).replace("Rappel – facture", "Petit rappel – facture")
    form = {"csrf": csrf_of(page), "key": KEY, "language": "fr", "text": good}
    answer = manager.post("/settings/templates/save", data=form)
    assert answer.status_code == 303, answer.text[answer.text.find('role="alert"') :][:800]
    saved = folder / "fr" / "business" / "letter1.txt"
    assert "Petit rappel" in saved.read_text(encoding="utf-8")
    after = manager.get(answer.headers["location"]).text
    assert "le vôtre" in after and "Petit rappel – facture" in after
    bad = {**form, "text": "{% block subject %}{{ broken"}
    assert manager.post("/settings/templates/save", data=bad).status_code == 400
    assert "Petit rappel" in saved.read_text(encoding="utf-8")
    with workbench.store.begin() as conn:
        actors = (
            conn.exec_driver_sql("select actor from events where kind = 'template.saved'")
            .scalars()
            .all()
        )
    assert actors == [email_of(Role.MANAGER)]
