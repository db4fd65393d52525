"""The workbench under test: a small ledger, one account per role, a client per browser.

`workbench` builds the app on the `store` fixture (SQLite and PostgreSQL) with a fixed
business day; `signed_in(role)` gives a client whose session belongs to that role's account.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient
from tests.conftest import write

from relance.adapters import passwords
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.core.model import Creditor
from relance.core.users import Role
from relance.interfaces.web.app import build_app
from relance.services import users
from relance.services.ledger_import import import_ledger_csv
from relance.services.login_throttle import LoginThrottle
from relance.services.setup import init_creditor

TODAY = date(2026, 11, 30)
PASSWORD = "correct horse battery"
CUSTOMERS = """ref,name,kind,country,language,email,phone
ACME,Acme Ltd,business,FR,fr,compta@acme.example,+33 1 23 45 67 89
BOLT,Boulonnerie <b>Martin</b>,business,FR,fr,martin@bolt.example,
CIEL,Ciel & Fils,business,FR,fr,,
"""
INVOICES = """number,customer,issue_date,due_date,amount,currency
F-001,ACME,2026-08-01,2026-08-31,1200.00,EUR
F-002,ACME,2026-10-01,2026-10-31,300.00,EUR
F-003,BOLT,2026-06-01,2026-07-01,840.50,EUR
F-004,CIEL,2026-11-15,2026-12-15,99.00,EUR
"""


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def email_of(role: Role) -> str:
    """The account of `role` in the test ledger."""
    return f"{role.value}@relance.example"


@dataclass
class Clock:
    """A clock the test moves by hand (for login throttling)."""

    now: datetime = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Workbench:
    """The app on a seeded ledger, and ways to reach it as each role."""

    app: Starlette
    store: Store
    clock: Clock
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        """A fresh browser without a session."""
        made = TestClient(self.app, follow_redirects=False)
        self.clients.append(made)
        return made

    def log_in(self, client: TestClient, email: str, password: str = PASSWORD) -> int:
        """Post the login form as a browser would; the response's status."""
        token = csrf_of(client.get("/login").text)
        form = {"csrf": token, "email": email, "password": password, "next": "/"}
        return client.post("/login", data=form).status_code

    def signed_in(self, role: Role) -> TestClient:
        """A browser signed in as the account of `role`."""
        client = self.client()
        assert self.log_in(client, email_of(role)) == 303
        return client


def seed_ledger(store: Store, folder: Path) -> None:
    """The creditor, three customers and four invoices, one account per role."""
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"), actor="test")
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(folder / "c.csv", CUSTOMERS))
    import_ledger_csv(store, CsvKind.INVOICES, write(folder / "i.csv", INVOICES))
    for role in Role:
        users.add_user(store, email_of(role), role, PASSWORD)


@pytest.fixture(autouse=True)
def cheap_passwords() -> Iterator[None]:
    """Hash with tiny argon2 costs: these tests are about the locks, not the hash's strength
    (tests/services/test_users.py checks the costs relance really uses)."""
    previous = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    yield
    passwords.use_hasher(previous)


@pytest.fixture
def workbench(store: Store, tmp_path: Path) -> Iterator[Workbench]:
    """The workbench on a seeded ledger, its day fixed at 30 November 2026."""
    seed_ledger(store, tmp_path)
    clock = Clock()
    app = build_app(
        store,
        today=lambda: TODAY,
        throttle=LoginThrottle(clock=clock),
        letters_dir=tmp_path / "letters",
        uploads_dir=tmp_path / "uploads",
    )
    bench = Workbench(app, store, clock)
    yield bench
    for client in bench.clients:
        client.close()


SignedIn = Callable[[Role], TestClient]
