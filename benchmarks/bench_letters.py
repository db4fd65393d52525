"""Letters per second of `relance send`, the command users run, beside a bare ReportLab letter.

Usage: ``.venv/bin/python benchmarks/bench_letters.py [--customers 1000] [--runs 3]
[--mail files|smtp] [--invoices-per-customer 3]``

A ledger is built through the CLI as a user would (``relance init``, ``import customers``,
``import invoices``, ``run``, ``approve --all``). Then, each on a fresh copy of the ledger:

* **first letters**: ``relance send`` of the first letter of every customer (a letter to
  print with a duplicate of each invoice, and its e-mail copy with the PDF attached);
* **later letters**: the first letters sent, the ledger run again 15 days later and
  approved, ``relance send`` of the second letter (no duplicates).

Each send is a separate process: compose, render, compliance check, evidence, outbox,
e-mail (``--mail files``: written with ``--to-files``; ``--mail smtp``: delivered to an
aiosmtpd server on loopback run by this script), print batch. Its CPU time (user +
system) and peak RSS come from ``wait4``; the figure is the median of ``--runs``.
The baseline, in this process: one letter of the same pages drawn with plain ReportLab
canvas calls (no wording, no checks, nothing stored).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PYTHON = sys.executable
RELANCE = str(Path(PYTHON).with_name("relance"))  # the console script users run
DUE = date(2026, 9, 1)
INFORMAL = DUE + timedelta(days=1)
FIRST_SEND = DUE + timedelta(days=20)
LATER_SEND = FIRST_SEND + timedelta(days=15)

CREDITOR = (
    *("--name", "Atelier Durand", "--iban", "FR7630006000011234567890189", "--bic", "AGRIFRPP"),
    *("--email", "compta@atelier-durand.fr", "--phone", "01 23 45 67 89"),
    *("--address", "12 rue des Lilas", "--postal-code", "69003", "--city", "Lyon"),
    *("--siren", "552100554", "--vat", "FR96552100554", "--signatory", "Claire Durand"),
    *("--signatory-title", "Gérante", "--legal-form", "SARL", "--capital", "20 000 €"),
    *("--rcs-city", "Lyon"),
)


def relance(*args: str, db: Path) -> None:
    """Run one relance command on `db`, quietly, failing loudly."""
    subprocess.run(
        [RELANCE, *args, "--db", str(db)], check=True, stdout=subprocess.DEVNULL, cwd=db.parent
    )


def build_ledger(folder: Path, customers: int, per_customer: int) -> Path:
    """A ledger whose every customer owes `per_customer` invoices 20 days overdue, run and
    approved: one first letter per customer waits to be sent."""
    db = folder / "ledger.sqlite"
    (folder / "c.csv").write_text(
        "ref;name;email;address;postcode;city\n"
        + "".join(
            f"C{i:05};Client {i} SARL;compta{i}@client{i}.example.fr;{i} rue de la Paix;"
            f"75002;Paris\n"
            for i in range(customers)
        ),
        encoding="utf-8",
    )
    rows = (
        f"F{n:07};C{n % customers:05};{(DUE - timedelta(days=30)):%d/%m/%Y};{DUE:%d/%m/%Y};"
        f"{100 + n % 900},{n % 100:02}\n"
        for n in range(customers * per_customer)
    )
    (folder / "i.csv").write_text(
        "numero;client;date;echeance;montant\n" + "".join(rows), encoding="utf-8"
    )
    relance("init", *CREDITOR, db=db)
    relance("import", "customers", str(folder / "c.csv"), db=db)
    relance("import", "invoices", str(folder / "i.csv"), db=db)
    # The informal reminder (a call and an e-mail) comes first: made by hand the day after
    # the due date, so that the run of the send day proposes the first letter.
    relance("run", "--date", INFORMAL.isoformat(), db=db)
    relance("approve", "--all", db=db)
    done_by_hand(db, INFORMAL)
    relance("run", "--date", FIRST_SEND.isoformat(), db=db)
    relance("approve", "--all", db=db)
    return db


def done_by_hand(db: Path, day: date) -> None:
    """Mark every approved action done on `day`, as `relance done` would one by one."""
    from relance.adapters.storage import repository_queue
    from relance.bootstrap import open_store
    from relance.core.engine import ActionStatus
    from relance.services import dunning

    store = open_store(str(db))
    with store.begin() as conn:
        approved = repository_queue.load_queue(conn, (ActionStatus.APPROVED,))
    for item in approved:
        dunning.mark_done(store, item.id, day, note="made by hand")
    store.engine.dispose()


@contextmanager
def smtp_server() -> Iterator[Path]:
    """An aiosmtpd server on loopback that accepts everything; yields its [smtp] config."""
    from aiosmtpd.controller import Controller

    class Accept:
        received = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Accept.received += 1
            return "250 OK"

    controller = Controller(Accept(), hostname="127.0.0.1", port=0)
    controller.start()
    try:
        config = Path(tempfile.mkdtemp()) / "smtp.toml"
        config.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {controller.server.sockets[0].getsockname()[1]}\n'
            'from = "relances@atelier-durand.fr"\nsecurity = "plain"\n',
            encoding="utf-8",
        )
        yield config
    finally:
        controller.stop()


def timed_send(db: Path, day: date, out: Path, mail: list[str]) -> dict[str, float]:
    """One ``relance send`` process: its CPU seconds, wall seconds and peak RSS (MiB)."""
    command = [RELANCE, "send", "--db", str(db), "--date", day.isoformat(), "--out", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen([*command, *mail], stdout=subprocess.DEVNULL, cwd=db.parent)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"relance send failed ({process.returncode}): {' '.join(command)}")
    return {
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "wall_s": wall,
        "peak_mib": usage.ru_maxrss / 1024,
    }


def printed(out: Path) -> tuple[int, int]:
    """Letters and pages of the print batch written in `out`."""
    from pypdf import PdfReader

    letters = [p for p in out.glob("*.pdf") if not p.name.startswith("print-batch")]
    pages = [len(PdfReader(p).pages) for p in letters[:20]]
    return len(letters), round(statistics.mean(pages)) if pages else 0


def bare_reportlab(pages: int, count: int = 300) -> float:
    """Letters/s (CPU) of a letter of `pages` pages drawn with plain canvas calls: the
    page's texts, a table of three invoices, a footer; nothing else."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    def one(n: int) -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
        for page in range(pages):
            canvas.setFont("Helvetica-Bold", 13)
            canvas.drawString(57, 800, "Atelier Durand")
            canvas.setFont("Helvetica", 9.5)
            for line in range(30):
                canvas.drawString(57, 760 - line * 12, f"Ligne {line} du courrier B{n:07d}")
            for row in range(3):
                canvas.rect(57, 300 - row * 14, 480, 14)
                canvas.drawRightString(530, 303 - row * 14, f"{1234 + row},56 €")
            canvas.setFont("Helvetica", 7)
            canvas.drawCentredString(297, 28, f"SARL au capital de 10 000 € – page {page + 1}")
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    cpu = time.process_time()
    for n in range(count):
        one(n)
    return count / (time.process_time() - cpu)


def measure(args: argparse.Namespace, folder: Path, mail: list[str]) -> dict[str, Any]:
    """Build the ledger, then time the first and the later letters' sends."""
    ledger = build_ledger(folder, args.customers, args.invoices_per_customer)
    # The ledger after the first letters, run and approved 15 days later: the second letters.
    later = folder / "later.sqlite"
    shutil.copy(ledger, later)
    timed_send(later, FIRST_SEND, folder / "warm", mail)
    relance("run", "--date", LATER_SEND.isoformat(), db=later)
    relance("approve", "--all", db=later)
    figures: dict[str, Any] = {}
    for name, source, day in (("first", ledger, FIRST_SEND), ("later", later, LATER_SEND)):
        runs = []
        for n in range(args.runs):
            copy, out = folder / f"{name}-{n}.sqlite", folder / f"{name}-{n}"
            shutil.copy(source, copy)
            runs.append(timed_send(copy, day, out, mail))
        letters, pages = printed(folder / f"{name}-0")
        cpu = statistics.median(r["cpu_s"] for r in runs)
        figures[name] = {
            "letters": letters,
            "pages_per_letter": pages,
            "cpu_s": [round(r["cpu_s"], 2) for r in runs],
            "letters_per_s_cpu": round(letters / cpu, 1),
            "letters_per_s_wall": round(letters / statistics.median(r["wall_s"] for r in runs), 1),
            "peak_mib": round(max(r["peak_mib"] for r in runs)),
            "bare_reportlab_per_s_cpu": round(bare_reportlab(pages)),
        }
    return figures


def main() -> None:
    """Print one JSON line: the machine, the load, and each send's figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices-per-customer", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mail", choices=("files", "smtp"), default="files")
    args = parser.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp:
        if args.mail == "smtp":
            with smtp_server() as config:
                figures = measure(args, Path(tmp), ["--smtp-config", str(config)])
        else:
            figures = measure(args, Path(tmp), ["--to-files"])
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
                "python": platform.python_version(),
                "load_avg": [load, [round(x, 2) for x in os.getloadavg()]],
                "customers": args.customers,
                "mail": args.mail,
                "figures": figures,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
