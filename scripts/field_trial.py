"""Three months of a French plumbing firm's collections, run through the `relance` command.

The firm has 30 customers and about 150 invoices; its customers pay on time, late, never,
or on account; it imports its bank's CSV export before each run, runs relance every few
days from August to November, approves everything and sends through a real SMTP server on
loopback. Along the way it makes the mistakes users make: it writes the e-mails to files
one day and sends with SMTP later, imports an invoices file as payments, runs a date in the
past, and starts two sends at once.

The script knows the truth (what each customer owed and paid on every day) and checks what
reached the SMTP server against it: an e-mail to a customer who owed nothing that day is
stale, the same message twice is a duplicate. It prints a report and exits 1 when anything
went wrong.

    python scripts/field_trial.py [--db URL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

START = date(2026, 8, 3)
END = date(2026, 11, 9)
RUN_EVERY_DAYS = 5
SEED = 7
# The command of the environment running this script (make's .venv).
RELANCE = str(Path(sys.executable).with_name("relance"))


# -- the firm's world: customers, invoices, payments -----------------------------------------


@dataclass
class Customer:
    ref: str
    name: str
    kind: str
    country: str
    language: str
    behaviour: str  # prompt, late, never, on_account

    @property
    def email(self) -> str:
        return f"{self.ref.lower()}@clients.example"


@dataclass
class Invoice:
    number: str
    customer: Customer
    issued: date
    due: date
    amount: Decimal
    paid_on: date | None = None


@dataclass
class Payment:
    day: date
    customer: Customer
    amount: Decimal
    label: str
    invoice: str  # the invoice it pays, as the firm knows; on-account payments name none


@dataclass
class World:
    customers: list[Customer]
    invoices: list[Invoice]
    payments: list[Payment] = field(default_factory=list)

    def owed(self, customer: Customer, as_of: date) -> Decimal:
        """What the customer truly owes on `as_of`: invoices due by then less every payment."""
        due = sum(
            (i.amount for i in self.invoices if i.customer is customer and i.due <= as_of),
            Decimal(0),
        )
        paid = sum(
            (p.amount for p in self.payments if p.customer is customer and p.day <= as_of),
            Decimal(0),
        )
        return due - paid


def _siren(rng: random.Random) -> str:
    """A valid SIREN (Luhn check digit), so identifier checks accept it."""
    digits = [rng.randrange(10) for _ in range(8)]
    for check in range(10):
        number = [*digits, check]
        total = 0
        for index, digit in enumerate(reversed(number)):
            doubled = digit * 2 if index % 2 else digit
            total += doubled - 9 if doubled > 9 else doubled
        if total % 10 == 0:
            return "".join(map(str, number))
    raise AssertionError("unreachable")


_NAMES = (
    "Boulangerie Martin", "Garage Lefèvre", "Imprimerie Moreau", "Menuiserie Roux",
    "Pharmacie Fournier", "Hôtel des Alpes", "Cabinet Girard", "Transports Bonnet",
    "Fromagerie Dupuis", "Librairie Lambert", "Agence immobilière de la Croix-Rousse",
    "Restaurant Le Chêne", "Société Mercier", "Ébénisterie Blanc", "Agence Chevalier",
    "Domaine Perrin", "Atelier Robin", "Brasserie Clément", "Quincaillerie Morel",
    "Opticiens Gauthier", "Syndic Bellecour", "Crèche Les Lutins", "Salon Coiffure Anaïs",
    "Camping du Lac", "Clinique Vétérinaire Saône",
)  # fmt: skip
_PEOPLE = ("Julie Martin", "Thomas Bernard", "Camille Petit")
_UK = ("Harbour Logistics Ltd", "Oakfield Joinery Ltd")


def build_world() -> World:
    """30 customers and their invoices from July to mid-October, the same every time."""
    rng = random.Random(SEED)
    behaviours = ["prompt"] * 13 + ["late"] * 10 + ["never"] * 4 + ["on_account"] * 3
    rng.shuffle(behaviours)
    customers = []
    for index, behaviour in enumerate(behaviours):
        if index < len(_NAMES):
            name, kind, country, language = _NAMES[index], "business", "FR", "fr"
        elif index < len(_NAMES) + len(_PEOPLE):
            name, kind, country, language = _PEOPLE[index - len(_NAMES)], "consumer", "FR", "fr"
        else:
            name, kind, country, language = _UK[index - 28], "business", "GB", "en"
        ref = f"C{index + 1:02d}"
        customers.append(Customer(ref, name, kind, country, language, behaviour))
    invoices = []
    for number in range(1, 149):
        customer = customers[rng.randrange(len(customers))]
        issued = date(2026, 7, 1) + timedelta(days=rng.randrange(110))
        amount = Decimal(rng.randrange(15000, 480000)) / 100
        due = issued + timedelta(days=30)
        invoices.append(Invoice(f"F2026-{number:04d}", customer, issued, due, amount))
    world = World(customers, sorted(invoices, key=lambda i: i.issued))
    _plan_payments(world, rng)
    return world


def _plan_payments(world: World, rng: random.Random) -> None:
    """Who pays what and when, with the labels a French bank export would show."""
    for invoice in world.invoices:
        customer = invoice.customer
        if customer.behaviour == "never":
            continue
        delay = {"prompt": rng.randrange(-5, 4), "late": rng.randrange(20, 55)}.get(
            customer.behaviour, rng.randrange(10, 40)
        )
        day = invoice.due + timedelta(days=delay)
        if day > END:
            continue
        invoice.paid_on = day
        if customer.behaviour == "on_account":
            label = f"VIR SEPA RECU /DE {customer.name.upper()} /MOTIF ACOMPTE"
        else:
            label = f"VIR SEPA RECU /DE {customer.name.upper()} /MOTIF FACT {invoice.number}"
        world.payments.append(Payment(day, customer, invoice.amount, label, invoice.number))
    world.payments.sort(key=lambda p: p.day)


# -- files the firm exports from its books -----------------------------------------------------


def write_customers(world: World, path: Path) -> Path:
    rng = random.Random(SEED + 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(
            [
                "code_client",
                "nom",
                "type",
                "pays",
                "langue",
                "email",
                "adresse",
                "code_postal",
                "ville",
                "siren",
            ]
        )
        for c in world.customers:
            siren = _siren(rng) if c.kind == "business" and c.country == "FR" else ""
            postal, city = ("69002", "Lyon") if c.country == "FR" else ("SW1A 1AA", "London")
            writer.writerow(
                [
                    c.ref,
                    c.name,
                    c.kind,
                    c.country,
                    c.language,
                    c.email,
                    f"{3 + len(c.name)} rue de la République",
                    postal,
                    city,
                    siren,
                ]
            )
    return path


def write_invoices(invoices: list[Invoice], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["numero", "client", "date", "echeance", "montant_ttc", "objet"])
        for i in invoices:
            amount = f"{i.amount:.2f}".replace(".", ",")
            writer.writerow(
                [
                    i.number,
                    i.customer.ref,
                    i.issued.strftime("%d/%m/%Y"),
                    i.due.strftime("%d/%m/%Y"),
                    amount,
                    "Travaux de plomberie",
                ]
            )
    return path


def write_statement(payments: list[Payment], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Date operation", "Libelle", "Credit", "Debit"])
        for p in payments:
            amount = f"{p.amount:.2f}".replace(".", ",")
            writer.writerow([p.day.strftime("%d/%m/%Y"), p.label, amount, ""])
    return path


# -- the SMTP server and the relance command ----------------------------------------------------


class Inbox:
    """What reached the SMTP server, message by message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class Trial:
    db: str
    folder: Path
    smtp_port: int
    log: list[str] = field(default_factory=list)
    last_stdout: str = ""

    def relance(self, *args: str, smtp: bool = False, check: bool = True) -> tuple[int, str]:
        """Run one relance command as a user would; returns its exit code and output."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("RELANCE_")}
        env["RELANCE_DB"] = self.db
        if smtp:
            env |= {
                "RELANCE_SMTP_HOST": "127.0.0.1",
                "RELANCE_SMTP_PORT": str(self.smtp_port),
                "RELANCE_SMTP_SECURITY": "plain",
                "RELANCE_SMTP_FROM": "compta@plomberie.example",
            }
        done = subprocess.run(
            [RELANCE, *args],
            env=env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=False,
        )
        output = done.stdout + done.stderr
        self.last_stdout = done.stdout
        if check and done.returncode not in (0,):
            self.log.append(f"! relance {' '.join(args)} -> {done.returncode}: {output[-400:]}")
        return done.returncode, output

    def rows(self, *args: str) -> list[dict[str, Any]]:
        """The rows a listing prints with --json (none when it prints no JSON)."""
        self.relance(*args, "--json")
        try:
            rows = json.loads(self.last_stdout)
        except ValueError:
            return []
        return rows if isinstance(rows, list) else []

    def send(self, day: date, *, smtp: bool = True) -> tuple[int, str]:
        return self.relance("send", "--date", day.isoformat(), "--out", f"out-{day}", smtp=smtp)


# -- the three months ------------------------------------------------------------------------


def run_days() -> list[date]:
    days, day = [], START
    while day <= END:
        days.append(day)
        day += timedelta(days=RUN_EVERY_DAYS)
    return days


def _setup(trial: Trial, world: World) -> None:
    trial.relance(
        "init",
        "--name",
        "Plomberie Lyonnaise SARL",
        "--country",
        "FR",
        "--currency",
        "EUR",
        "--address",
        "8 quai Saint-Vincent",
        "--postal-code",
        "69001",
        "--city",
        "Lyon",
        "--iban",
        "FR76 3000 6000 0112 3456 7890 189",
        "--email",
        "compta@plomberie.example",
        "--phone",
        "04 78 00 00 00",
        "--siren",
        "732829320",
        "--signatory",
        "Marc Perret",
        "--legal-form",
        "SARL",
        "--capital",
        "10 000 €",
        "--rcs-city",
        "Lyon",
    )
    trial.relance("import", "customers", str(write_customers(world, trial.folder / "clients.csv")))


@dataclass
class Findings:
    sent_by_day: dict[date, int] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    partly_stale: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    credits: int = 0
    matched_by_hand: int = 0
    calls: int = 0


def _named_invoices(message: Message) -> set[str]:
    """The invoice numbers a message's text names."""
    text = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            text += payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return set(re.findall(r"F2026-\d{4}", text))


def _check_new_mail(world: World, inbox: Inbox, seen: int, day: date, found: Findings) -> int:
    """Every e-mail that reached the server since `seen` must chase only what is owed on `day`."""
    by_email = {c.email: c for c in world.customers}
    paid = {i.number for i in world.invoices if i.paid_on is not None and i.paid_on <= day}
    for message in inbox.messages[seen:]:
        customer = by_email.get(str(message["To"]).strip())
        if customer is None:
            continue
        named = _named_invoices(message)
        owed = world.owed(customer, day)
        if owed <= 0 or (named and named <= paid):
            found.stale.append(f"{day} {customer.ref} owed {owed}, chases {sorted(named)}")
        elif named & paid:
            found.partly_stale.append(f"{day} {customer.ref} chases paid {sorted(named & paid)}")
    found.sent_by_day[day] = found.sent_by_day.get(day, 0) + len(inbox.messages) - seen
    return len(inbox.messages)


def _mistakes(trial: Trial, world: World, day: date, found: Findings) -> None:
    """The mistakes a user makes, each on its own day, and what relance must answer."""
    if day == date(2026, 9, 12):
        path = write_invoices(world.invoices[:19], trial.folder / "factures-as-payments.csv")
        code, out = trial.relance("import", "payments", str(path), check=False)
        if code != 3:
            found.mistakes.append(f"invoices imported as payments: exit {code}, {out[-200:]!r}")
    if day == date(2026, 10, 12):
        code, out = trial.relance("run", "--date", "2026-08-01", check=False)
        if code != 2:
            found.mistakes.append(f"run in the past: exit {code}, {out[-200:]!r}")


def _two_sends_at_once(trial: Trial, day: date) -> None:
    env_cmd = [RELANCE, "send", "--date", day.isoformat()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELANCE_")}
    env |= {
        "RELANCE_DB": trial.db,
        "RELANCE_SMTP_HOST": "127.0.0.1",
        "RELANCE_SMTP_PORT": str(trial.smtp_port),
        "RELANCE_SMTP_SECURITY": "plain",
        "RELANCE_SMTP_FROM": "compta@plomberie.example",
    }
    procs = [
        subprocess.Popen(
            [*env_cmd, "--out", f"out-{day}-{n}"],
            env=env,
            cwd=trial.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in (1, 2)
    ]
    for proc in procs:
        output, _ = proc.communicate()
        if "Traceback" in output:
            trial.log.append(f"! concurrent send printed a traceback on {day}")


def _match_by_hand(trial: Trial, world: World, day: date, found: Findings) -> None:
    """The credit manager matches what relance left, knowing who paid what."""
    for row in trial.rows("unmatched"):
        truth = [
            p
            for p in world.payments
            if p.day.isoformat() == row["date"] and p.amount == Decimal(row["amount"])
        ]
        if len(truth) != 1:
            continue
        payment = truth[0]
        if payment.customer.behaviour == "on_account":
            trial.relance("match", row["key"], "--customer", payment.customer.ref)
        else:
            trial.relance("match", row["key"], payment.invoice)
        found.matched_by_hand += 1


def _make_calls(trial: Trial, day: date, found: Findings) -> None:
    """The calls the approved actions ask for are made; nobody answers."""
    for row in trial.rows("queue"):
        if row["status"] == "approved" and "call" in row["channels"]:
            trial.relance(
                "done", str(row["id"]), "--date", day.isoformat(), "--outcome", "no_answer"
            )
            found.calls += 1


def simulate(trial: Trial, world: World, inbox: Inbox) -> Findings:
    """Run the three months; returns what went wrong."""
    found = Findings()
    _setup(trial, world)
    seen, last = 0, date(2026, 7, 1)
    for day in run_days():
        issued = [i for i in world.invoices if i.issued <= day]
        trial.relance("import", "invoices", str(write_invoices(issued, trial.folder / "f.csv")))
        paid = [p for p in world.payments if last < p.day <= day]
        if paid:
            statement = write_statement(paid, trial.folder / f"releve-{day}.csv")
            trial.relance("import", "bank", str(statement), "--as-of", day.isoformat())
            found.credits += len(paid)
            _match_by_hand(trial, world, day, found)
        trial.relance("run", "--date", day.isoformat())
        trial.relance("approve", "--all")
        _mistakes(trial, world, day, found)
        if day == date(2026, 9, 2):
            trial.send(day, smtp=False)  # files for a mail client, no SMTP
        elif day == date(2026, 10, 2):
            _two_sends_at_once(trial, day)
        else:
            trial.send(day)
        seen = _check_new_mail(world, inbox, seen, day, found)
        _make_calls(trial, day, found)
        last = day
    keys = Counter((str(m["To"]), str(m["Subject"]), str(m["Date"])[:16]) for m in inbox.messages)
    found.duplicates = [f"{k} x{n}" for k, n in keys.items() if n > 1]
    return found


def report(trial: Trial, world: World, inbox: Inbox, found: Findings) -> int:
    runs = run_days()
    print(f"ledger: {trial.db}")
    print(
        f"customers {len(world.customers)}, invoices {len(world.invoices)}, "
        f"payments {len(world.payments)}, runs {len(runs)} ({runs[0]} .. {runs[-1]})"
    )
    print(
        f"bank credits {found.credits}, matched by hand {found.matched_by_hand}; "
        f"calls made {found.calls}"
    )
    print(f"e-mails at the SMTP server: {len(inbox.messages)}")
    by_customer: defaultdict[str, int] = defaultdict(int)
    for m in inbox.messages:
        by_customer[str(m["To"])] += 1
    print(f"most e-mails to one customer: {max(by_customer.values(), default=0)}")
    print(f"stale e-mails (customer owed nothing that day): {len(found.stale)}")
    for line in found.stale[:20]:
        print(f"  {line}")
    print(f"e-mails also chasing an invoice paid by then: {len(found.partly_stale)}")
    for line in found.partly_stale[:20]:
        print(f"  {line}")
    print(f"duplicate e-mails: {len(found.duplicates)}")
    for line in found.duplicates[:20]:
        print(f"  {line}")
    print(f"mistakes relance let through: {len(found.mistakes)}")
    for line in found.mistakes:
        print(f"  {line}")
    print(f"commands that failed: {len(trial.log)}")
    for line in trial.log[:20]:
        print(f"  {line}")
    inbox_dir = trial.folder / "inbox"
    inbox_dir.mkdir(exist_ok=True)
    for number, message in enumerate(inbox.messages, 1):
        (inbox_dir / f"{number:03d}.eml").write_bytes(message.as_bytes())
    bad = found.stale or found.partly_stale or found.duplicates or found.mistakes or trial.log
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL URL (default: a SQLite file in the folder)")
    parser.add_argument("--keep", type=Path, help="keep the ledger and letters in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="relance-trial-"))
    folder.mkdir(parents=True, exist_ok=True)
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        trial = Trial(args.db or str(folder / "relance.sqlite"), folder, port)
        world = build_world()
        found = simulate(trial, world, inbox)
        return report(trial, world, inbox, found)
    finally:
        controller.stop()


if __name__ == "__main__":
    raise SystemExit(main())
