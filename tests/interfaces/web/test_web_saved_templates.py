"""The templates saved on the Settings page word what is sent, not only the specimen: the
queue's preview, the e-mails sent from the workbench and the API's previews use them."""

from __future__ import annotations

import email
from email.header import decode_header, make_header
from pathlib import Path

from starlette.testclient import TestClient
from tests.interfaces.web.conftest import TODAY, Workbench, email_of
from tests.interfaces.web.test_web_sending import Inbox, inbox, start_send  # noqa: F401

from relance.core.users import Role
from relance.interfaces.web.app import build_app
from relance.services import api_tokens, daily_run, dunning
from relance.services.demo import DEMO_CREDITOR
from relance.services.setup import init_creditor

SHIPPED = Path(__file__).parents[3] / "src/relance/templates/fr/business/informal_email.txt"


def own_templates(folder: Path) -> Path:
    """A templates folder whose informal e-mail says "Petit mot" in its subject."""
    text = SHIPPED.read_text(encoding="utf-8").replace("petit rappel", "Petit mot amical")
    path = folder / "fr" / "business" / "informal_email.txt"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return folder


def test_the_saved_templates_word_the_preview_the_send_and_the_api(
    workbench: Workbench,
    tmp_path: Path,
    inbox: Inbox,  # noqa: F811
) -> None:
    init_creditor(workbench.store, DEMO_CREDITOR, actor="test")
    ids = [q.id for q in daily_run.run_dunning(workbench.store, TODAY, actor="t").proposed]
    app = build_app(
        workbench.store, today=lambda: TODAY, templates_dir=own_templates(tmp_path / "mine"),
        letters_dir=tmp_path / "letters",
    )  # fmt: skip
    client = TestClient(app, follow_redirects=False)
    workbench.app = app  # start_send follows the run of this app
    workbench.clients.append(client)
    assert workbench.log_in(client, email_of(Role.MANAGER)) == 303
    assert "Petit mot amical" in client.get(f"/queue/{ids[0]}").text
    secret = api_tokens.create_token(workbench.store, email_of(Role.MANAGER), "t").secret
    answer = client.get(
        f"/api/v1/actions/{ids[0]}/email", headers={"authorization": f"Bearer {secret}"}
    )
    assert "Petit mot amical" in answer.json()["subject"]
    dunning.approve(workbench.store, ids, actor="test")
    start_send(workbench, client)
    subjects = [
        str(make_header(decode_header(email.message_from_bytes(raw)["Subject"])))
        for raw in inbox.received
    ]
    assert len(subjects) == 2 and all("Petit mot amical" in s for s in subjects)
