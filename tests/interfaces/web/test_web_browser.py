"""The workbench in a real headless Chromium, against `relance serve` in its own process.

The story: a new manager signs in, runs the day, previews the letter and approves it, opens
its PDF, logs a call with a promise, and the next day's run respects the promise; a viewer finds nothing to approve and is refused when
posting anyway; a form posted without its CSRF token is refused. Every page is captured at
1280 and 390 pixels wide into the test's `screenshots` folder.

Chromium is Debian's (`apt-get install chromium`), driven by Playwright for Python. Where it
is missing the tests skip, saying so, except in CI (CI or RELANCE_REQUIRE_PG set), where
they fail: `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write
from tests.ports import free_port

from relance.adapters.formats.ledger_csv import CsvKind
from relance.bootstrap import open_store
from relance.core.contacts import CallOutcome
from relance.core.users import Role
from relance.services import customer_history, daily_run, dunning, users
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

PASSWORD = "correct horse battery"
WIDTHS = (1280, 390)


def _required() -> bool:
    return os.environ.get("RELANCE_REQUIRE_PG") == "1" or bool(os.environ.get("CI"))


def _missing(reason: str) -> None:
    if _required():
        pytest.fail(f"the browser tests are required here: {reason}")
    pytest.skip(reason)


def chromium_path() -> str:
    """Debian's Chromium, or the one RELANCE_CHROMIUM names."""
    found = os.environ.get("RELANCE_CHROMIUM") or shutil.which("chromium")
    if not found:
        _missing("no chromium on this machine (apt-get install chromium)")
    return str(found)


def prepared_ledger(folder: Path, today: date) -> Path:
    """A ledger whose customer had the informal step three weeks ago: today's run proposes
    the first letter. Its accounts: a manager and a viewer."""
    db = folder / "ledger.sqlite"
    store = open_store(str(db), create=True)
    init_creditor(store, DEMO_CREDITOR, actor="test")
    customers = "ref,name,kind,country,language,email,phone,address,postal_code,city\n"
    customers += 'ACME,Acme SARL,business,FR,fr,compta@acme.example,+33 1 23 45 67 89,"3 rue Haute",75002,Paris\n'
    due = today - timedelta(days=40)
    invoices = f"number,customer,issue_date,due_date,amount,currency\nF-101,ACME,{due - timedelta(days=30)},{due},1250.00,EUR\n"
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(folder / "c.csv", customers))
    import_ledger_csv(store, CsvKind.INVOICES, write(folder / "i.csv", invoices))
    earlier = today - timedelta(days=21)
    report = daily_run.run_dunning(store, earlier, actor="test")
    dunning.approve(store, every=True, actor="test")
    for item in report.proposed:
        dunning.mark_done(store, item.id, earlier, outcome=CallOutcome.NO_ANSWER, actor="test")
    users.add_user(store, "claire@atelier.example", Role.MANAGER, PASSWORD)
    users.add_user(store, "victor@atelier.example", Role.VIEWER, PASSWORD)
    store.engine.dispose()
    return db


@contextmanager
def serving(folder: Path, db: Path) -> Iterator[str]:
    """`relance serve` for `db` on a free loopback port, its letters and uploads in `folder`,
    without SMTP (e-mails wait in the outbox); its base URL."""
    port = free_port()
    command = [sys.executable, "-c", "from relance.interfaces.cli.main import main; main()",
               "serve", "--db", str(db), "--port", str(port), "--out", str(folder / "letters"),
               "--uploads", str(folder / "uploads")]  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RELANCE_SMTP")}
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        _wait_for(port, process, folder / "serve.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`relance serve` on a free loopback port; its base URL and its ledger."""
    db = prepared_ledger(tmp_path, date.today())
    with serving(tmp_path, db) as base:
        yield base, db


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):  # the server imports and opens the ledger: a few seconds at most
        if process.poll() is not None:
            pytest.fail(f"relance serve stopped: {log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"relance serve did not listen on {port}: {log.read_text()}")


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


class Shots:
    """Screenshots of each page at each width, into one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page: Any, name: str) -> None:
        page.wait_for_load_state("load")  # frames (the letter, the e-mail) drawn too
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(self.folder / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


@pytest.mark.slow
def test_a_manager_runs_the_day_approves_a_letter_and_logs_a_promise(
    server: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    base, db = server
    shots = Shots(tmp_path / "screenshots")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/")
    shots.take(page, "login")
    sign_in(page, base, "claire@atelier.example")
    page.click("text=Lancer la journée")
    page.wait_for_selector("text=Journée lancée")
    shots.take(page, "today")

    page.click("nav >> text=File d’attente")
    assert page.locator("td", has_text="letter1").count() == 1
    shots.take(page, "queue")
    page.click("text=Aperçu")
    page.wait_for_selector("iframe.preview-pdf")
    shots.take(page, "preview")
    pdf_url = page.get_attribute("iframe.preview-pdf", "src")
    letter = page.request.get(f"{base}{pdf_url}")
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF")
    page.click("button:has-text('Approuver')")
    page.wait_for_selector("text=1 action(s) approuvée(s).")
    assert page.locator("h1 small", has_text="approuvée").count() == 1

    page.click("nav >> text=Clients")
    shots.take(page, "customers")
    page.click("a:has-text('ACME')")
    page.select_option("select[name=outcome]", "promised")
    page.fill("textarea[name=note]", "virement vendredi")
    page.fill("input[name=promise_amount]", "1250")
    page.fill("input[name=promise_due]", (date.today() + timedelta(days=4)).isoformat())
    page.click("button:has-text('Noter un appel')")
    page.wait_for_selector("text=Appel et promesse notés.")
    shots.take(page, "customer")
    store = open_store(str(db))
    events = customer_history.history(store, "ACME")
    latest = {e.kind: e.actor for e in events}  # the last event of each kind
    assert latest["action.approved"] == latest["contact.call"] == "claire@atelier.example"
    assert latest["promise.made"] == "claire@atelier.example"
    # the promise holds the process: tomorrow's run proposes nothing for the customer
    tomorrow = daily_run.run_dunning(store, date.today() + timedelta(days=1), actor="test")
    assert [item for item in tomorrow.proposed if item.action.customer_ref == "ACME"] == []
    assert dunning.queue(store) == []  # the approved letter was withdrawn by the promise
    store.engine.dispose()


@pytest.mark.slow
def test_a_viewer_cannot_approve_and_a_form_without_its_token_is_refused(
    server: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    base, db = server
    store = open_store(str(db))
    proposed = daily_run.run_dunning(store, date.today(), actor="test").proposed
    store.engine.dispose()
    page = browser.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, base, "victor@atelier.example")
    page.goto(f"{base}/queue")
    assert page.locator("text=Approuver la sélection").count() == 0
    assert page.locator("input[name=id]").count() == 0
    Shots(tmp_path / "screenshots").take(page, "queue-viewer")
    token = page.get_attribute("input[name=csrf]", "value")
    form = {"csrf": token, "id": str(proposed[0].id)}
    assert page.request.post(f"{base}/queue/approve", form=form).status == 403
    assert page.request.post(f"{base}/logout", form={}).status == 403  # no token
    page.goto(f"{base}/")
    assert "victor@atelier.example" in page.content()  # still signed in: the logout was refused
