"""The customer page links to the statement of account, served inline as a PDF to any
signed-in role, as of the day asked."""

from __future__ import annotations

import io

import pdfplumber
from tests.interfaces.web.conftest import Workbench

from relance.core.users import Role


def test_the_customer_page_links_to_the_statement(workbench: Workbench) -> None:
    viewer = workbench.signed_in(Role.VIEWER)
    page = viewer.get("/customers/ACME").text
    assert 'href="/customers/ACME/statement?as_of=2026-11-30">Relevé de compte</a>' in page
    answer = viewer.get("/customers/ACME/statement", params={"as_of": "2026-09-15"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline;")
    with pdfplumber.open(io.BytesIO(answer.content)) as doc:
        text = doc.pages[0].extract_text() or ""
    assert "RELEVÉ DE COMPTE" in text and "Acme Ltd" in text
    assert "15 septembre 2026" in text and "F-002" not in text  # issued 1 October
    assert "F-001" in text


def test_the_statement_needs_a_session_and_a_good_day(workbench: Workbench) -> None:
    stranger = workbench.client().get("/customers/ACME/statement")
    assert stranger.status_code in (302, 303) and "application/pdf" not in stranger.headers.get(
        "content-type", ""
    )
    viewer = workbench.signed_in(Role.VIEWER)
    assert (
        viewer.get("/customers/ACME/statement", params={"as_of": "31/02/2026"}).status_code == 400
    )
    assert viewer.get("/customers/NOPE/statement").status_code == 404
