"""Sending N letters on PostgreSQL: one `relance send`, then send jobs taken by 1 and by 2
`relance worker` processes (issue 16, "Beyond one machine").

Each configuration gets a fresh ledger in a schema of its own on the PostgreSQL server at
RELANCE_TEST_PG (default postgresql+psycopg://postgres@127.0.0.1:5432/test): N French
businesses owing one invoice each; the informal step carried out by hand on 5 February
2018; on 19 February the first letters approved (a PDF letter with the invoice's
duplicate, and its e-mail copy with the PDF attached). The e-mails go to an aiosmtpd
server on loopback running in this process (it only counts). Measured: wall time from
the command that starts the work to the end of the last process, and the CPU time of
those processes (user + system, from RUSAGE_CHILDREN). `relance send` in one process is
the baseline: the same path with no queue.

Checked after each: every action done, N e-mails received with N distinct Message-IDs.

Run: .venv/bin/python benchmarks/bench_send_workers.py [--letters 10000] [--slice 250]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from relance.adapters.formats.ledger_csv import CsvKind
from relance.bootstrap import open_store
from relance.core.engine import ActionStatus
from relance.services import daily_run, dunning
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

PG = os.environ.get("RELANCE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RELANCE = Path(sys.executable).with_name("relance")


class Counting:
    """An aiosmtpd handler that keeps each message's Message-ID."""

    def __init__(self) -> None:
        self.ids: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.content
        start = content.find(b"Message-ID:")
        self.ids.append(content[start : content.find(b"\r\n", start)])
        return "250 OK"


def seed(url: str, count: int, folder: Path) -> None:
    """`count` customers whose first letters are approved on 19 February 2018."""
    store = open_store(url, create=True)
    init_creditor(store, DEMO_CREDITOR, actor="bench")
    customers = ["ref,name,kind,country,language,email,address,postal_code,city"]
    invoices = ["number,customer,issue_date,due_date,currency,amount,tax,subject"]
    for n in range(1, count + 1):
        customers.append(
            f"C{n:05d},Client {n},business,FR,fr,compta{n}@client{n}.fr,{n} rue du Port,69002,Lyon"
        )
        invoices.append(f"F-{n:05d},C{n:05d},2017-12-01,2018-01-01,EUR,{100 + n}.00,0,Travaux")
    (folder / "c.csv").write_text("\n".join(customers) + "\n")
    (folder / "i.csv").write_text("\n".join(invoices) + "\n")
    import_ledger_csv(store, CsvKind.CUSTOMERS, folder / "c.csv", actor="bench")
    import_ledger_csv(store, CsvKind.INVOICES, folder / "i.csv", actor="bench")
    daily_run.run_dunning(store, date(2018, 2, 5))
    for action_id in dunning.approve(store, every=True):
        dunning.mark_done(store, action_id, date(2018, 2, 5))
    daily_run.run_dunning(store, date(2018, 2, 19))
    dunning.approve(store, every=True)
    store.engine.dispose()


def check(url: str, count: int, server: Counting) -> str:
    store = open_store(url)
    queue = dunning.queue(store, everything=True)
    done = sum(
        q.action.status is ActionStatus.DONE and q.action.level_name == "letter1" for q in queue
    )
    store.engine.dispose()
    ok = done == count == len(server.ids) == len(set(server.ids))
    return "ok" if ok else f"WRONG: {done} done, {len(server.ids)} e-mails"


def timed(start: Callable[[], list[subprocess.Popen[bytes]]]) -> tuple[float, float]:
    """Wall and CPU seconds of the processes `start` launches (and waits for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    for process in start():
        if process.wait() != 0:
            raise SystemExit(f"{process.args} exited {process.returncode}")
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(label: str, letters: int, slice_size: int) -> str:
    """One configuration on a fresh ledger: its line of the table."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    server = Counting()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "RELANCE_SMTP_HOST": "127.0.0.1", "RELANCE_SMTP_PORT":
           str(controller.port), "RELANCE_SMTP_SECURITY": "plain",
           "RELANCE_SMTP_FROM": "relances@atelier-durand.fr"}  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as folder:
            seed(url, letters, Path(folder))
            day, out = "--date=2018-02-19", f"--out={folder}/out"

            def run(*argv: str) -> subprocess.Popen[bytes]:
                command = [str(RELANCE), *argv, "--db", url]
                return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)

            def start() -> list[subprocess.Popen[bytes]]:
                if label.startswith("relance send"):
                    return [run("send", day, out)]
                run("jobs", "send", day, out, f"--slice={slice_size}").wait()
                return [run("worker", "--once") for _ in range(int(label.split()[0]))]

            wall, cpu = timed(start)
            verdict = check(url, letters, server)
    finally:
        controller.stop()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return f"| {label} | {wall:.1f} | {cpu:.1f} | {letters / wall:.1f} | {verdict} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--slice", type=int, default=250)
    args = parser.parse_args()
    print(f"{args.letters} letters, slice {args.slice}, load {os.getloadavg()[0]:.1f}")
    print("| configuration | wall s | CPU s | letters/s wall | check |")
    print("| --- | --- | --- | --- | --- |")
    for label in ("relance send (baseline)", "1 worker", "2 workers"):
        print(measure(label, args.letters, args.slice), flush=True)
    print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
