"""Benchmark: latency of the web workbench's pages (Today, Customers first and deep page,
Customer large and small, Queue filtered) under a bounded load on loopback, beside a bare
baseline served the same way.

The ledger (100,000 customers, 1,000,000 invoices, built once with `bench_dunning.build`,
one customer made large: one invoice in 200 is moved to it) has the day's run done, so the
queue is full. It is reused from `--folder`. On PostgreSQL (`--pg URL`) it is copied into a
schema of its own (`relance_bench_web`, dropped and made again by `--rebuild`).

`relance serve` runs in its own process (uvicorn, one worker). `--clients` threads, each
signed in with its own session and its own kept-alive connection (stdlib `http.client`),
ask for each page `--requests` times in all; the wall time of each request is kept, and the
server's CPU time (user + system, /proc/PID/stat) per request. The first request of each
page is timed apart (`first_ms`: it fills what the pages keep until the next commit, as the
first reader after a change waits), the others are the figures. The baseline is a bare
Starlette page served by uvicorn the same way, under the same load: a plain sqlite3 query of
50 customers with their open balance (by their id: an index lookup) rendered by a minimal
Jinja template. Prints one JSON object.

    .venv/bin/python benchmarks/bench_web.py --folder /tmp/relance-bench-web
    .venv/bin/python benchmarks/bench_web.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

EMAIL = "bench@relance.example"
PASSWORD = "bench password long enough"
TICKS = os.sysconf("SC_CLK_TCK")
SCHEMA = "relance_bench_web"
LARGE = "C0000001"  # the large customer (one invoice in 200, besides its own)


def build_sqlite(db: Path, invoices: int, customers: int) -> None:
    """The ledger, its large customer, an account; the day's run is done separately."""
    import sqlite3

    from bench_dunning import build

    build(db, invoices, customers)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE invoices SET customer_id = 2 WHERE id % 200 = 0")
    conn.execute("UPDATE payments SET customer_id = 2 WHERE id % 200 = 0")
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def prepare(url: str, day: date) -> dict[str, Any]:
    """An account and the day's run on the ledger at `url` (once: both are kept)."""
    from relance.bootstrap import open_store
    from relance.core.users import Role
    from relance.services import daily_run, users

    store = open_store(url)
    found: dict[str, Any] = {}
    if users.user_count(store) == 0:
        users.add_user(store, EMAIL, Role.MANAGER, PASSWORD)
        started = time.perf_counter()
        report = daily_run.run_dunning(store, day, actor="bench")
        found = {"run_s": round(time.perf_counter() - started, 1),
                 "proposed": len(report.proposed)}  # fmt: skip
    store.engine.dispose()
    return found


def pg_ledger(sqlite_db: Path, base: str, rebuild: bool) -> str:
    """The SQLite ledger copied into the schema SCHEMA of the PostgreSQL database `base`."""
    import psycopg
    from bench_dunning import copy_to

    plain = base.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (SCHEMA,)
        ).fetchone()
        if exists and rebuild:
            conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
        if not exists or rebuild:
            conn.execute(f"CREATE SCHEMA {SCHEMA}")
    url = f"{base}?options=-csearch_path%3D{SCHEMA}"
    if not exists or rebuild:
        copy_to(sqlite_db, url)
        with psycopg.connect(plain, autocommit=True) as conn:  # ids were copied: move on
            for table in ("customers", "invoices", "payments", "allocations"):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.{table}', 'id'),"
                    f" (SELECT max(id) FROM {SCHEMA}.{table}))"
                )
    return url


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"the server stopped ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


class Client:
    """One signed-in browser: its cookie and its kept-alive connection."""

    def __init__(self, port: int, sign_in: bool) -> None:
        # The slowest page before the work on speed took a minute under load.
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookie = ""
        if sign_in:
            status, body = self.get("/login")
            token = re.search(rb'name="csrf" value="([^"]+)"', body)
            assert status == 200 and token, "no sign-in form"
            form = {"email": EMAIL, "password": PASSWORD, "csrf": token.group(1), "next": "/"}
            status, _ = self.send("POST", "/login", urlencode(form))
            assert status == 303, f"sign-in refused ({status})"

    def send(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body, headers)
            answer = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.conn.close()  # the server closed a connection left idle: open another
            self.conn.request(method, path, body, headers)
            answer = self.conn.getresponse()
        data = answer.read()
        cookie = answer.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return answer.status, data

    def get(self, path: str) -> tuple[int, bytes]:
        return self.send("GET", path)


def load(clients: list[Client], pid: int, path: str, requests: int) -> dict[str, float]:
    """`requests` GETs of `path` shared among the clients, all at once: p50/p95 wall ms and
    the server's CPU ms per request."""
    seconds: list[float] = []
    failures: list[str] = []
    # The first request of a page fills the caches (and imports): timed apart, as what the
    # first reader after a commit to the ledger waits.
    first = time.perf_counter()
    clients[0].get(path)
    first = time.perf_counter() - first
    for client in clients:  # connections left idle meanwhile may have been closed
        client.conn.close()

    def work(client: Client, count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            try:
                status, _ = client.get(path)
            except OSError as problem:  # a timeout: counted, the client goes on
                status = str(problem)  # type: ignore[assignment]
                client.conn.close()
            seconds.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"{path}: {status}")

    share = [requests // len(clients) + (i < requests % len(clients)) for i in range(len(clients))]
    cpu, wall = cpu_of(pid), time.perf_counter()
    pairs = zip(clients, share, strict=True)
    threads = [threading.Thread(target=work, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    ordered = sorted(seconds)
    return {"errors": len(failures), "first_ms": first * 1000,
            "p50_ms": statistics.median(seconds) * 1000,
            "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000,
            "server_cpu_ms": (cpu_of(pid) - cpu) / requests * 1000,
            "per_s": requests / wall}  # fmt: skip


def pages(client: Client, customers: int, stage: str) -> dict[str, str]:
    """The addresses measured: the stage filtered on is `stage`, else the queue's first
    one; the small customer has ten invoices, as most."""
    if not stage:
        status, body = client.get("/queue")
        stages = re.findall(rb'<option value="([^"]+)"', body) if status == 200 else []
        stage = quote(stages[0].decode()) if stages else ""
    listing = f"/customers?which=overdue&sort=balance&stage={stage}"
    return {
        "today": "/",
        "customers_first": listing,
        "customers_deep": listing + f"&page={max(2, customers // 250)}",
        "customer_large": f"/customers/{LARGE}",
        "customer_small": f"/customers/C{customers // 2 + 1:07d}",
        "queue_filtered": f"/queue?stage={stage}&channel=email",
    }


def serve(command: list[str], folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    with (folder / "server.log").open("ab") as log:  # the server's errors, if any
        process = subprocess.Popen(
            [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=log, cwd=folder
        )
    wait_for(port, process)
    return process, port


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Each page under load, served by `relance serve` for the ledger at `url`."""
    relance = Path(sys.executable).with_name("relance")
    process, port = serve([str(relance), "serve", "--db", url], args.folder)
    try:
        signed = [Client(port, True) for _ in range(args.clients)]
        addresses = pages(signed[0], args.customers, args.stage)
        found: dict[str, Any] = {"pages": addresses}
        for name, path in addresses.items():
            found[name] = load(signed, process.pid, path, args.requests)
    finally:
        process.terminate()
        process.wait()
    return found


BARE_PAGE = """<!doctype html><title>Customers</title><table>
{% for ref, name, city, owed in rows %}<tr><td><a href="/c/{{ ref }}">{{ ref }}</a></td>
<td>{{ name }}</td><td>{{ city }}</td><td>{{ owed }}</td></tr>{% endfor %}</table>"""


def bare_app(db: str) -> Any:
    """The baseline: one Starlette page, 50 customers by id from plain sqlite3, in Jinja."""
    import sqlite3

    from jinja2 import Environment
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    template = Environment(autoescape=True).from_string(BARE_PAGE)
    local = threading.local()

    def rows() -> list[tuple[Any, ...]]:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(db)
        return local.conn.execute(
            "SELECT c.ref, c.name, c.city, (SELECT sum(amount_minor) FROM invoices i"
            " WHERE i.customer_id = c.id) FROM customers c WHERE c.id BETWEEN 5001 AND 5050"
        ).fetchall()

    def page(request: Request) -> HTMLResponse:
        return HTMLResponse(template.render(rows=rows()))

    return Starlette(routes=[Route("/", page)])


def baseline(db: Path, folder: Path, clients: int, requests: int) -> dict[str, float]:
    """The bare page under the same load, served by uvicorn in its own process."""
    script = Path(__file__).resolve()
    command = [sys.executable, str(script), "--bare-server", str(db)]
    process, port = serve(command, folder)
    try:
        signed = [Client(port, False) for _ in range(clients)]
        return load(signed, process.pid, "/", requests)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/relance-bench-web"))
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="per page, in all")
    parser.add_argument("--stage", default="", help="the stage filtered on (else the first)")
    parser.add_argument("--pg", metavar="URL", help="measure on PostgreSQL too (a database)")
    parser.add_argument("--pg-only", action="store_true", help="skip the SQLite measure")
    parser.add_argument("--rebuild", action="store_true", help="build the ledgers again")
    parser.add_argument("--bare-server", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:  # the baseline's own process
        import uvicorn

        uvicorn.run(bare_app(args.bare_server), port=args.port, log_level="warning")
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    db = args.folder / f"web-{args.invoices}.sqlite"
    started, built = time.perf_counter(), {}
    if args.rebuild or not db.exists():
        db.unlink(missing_ok=True)
        build_sqlite(db, args.invoices, args.customers)
        built["sqlite"] = prepare(str(db), date.today())
    built["s"] = round(time.perf_counter() - started, 1)
    figures: dict[str, Any] = {
        "invoices": args.invoices, "customers": args.customers, "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, {platform.python_version()}",
        "command": " ".join(sys.argv), "clients": args.clients, "requests": args.requests,
        "load_avg_before": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    if not args.pg_only:
        figures["sqlite"] = measure(str(db), args)
    if args.pg:
        url = pg_ledger(db, args.pg, args.rebuild)
        built["postgresql"] = prepare(url, date.today())
        figures["postgresql"] = measure(url, args)
    figures["bare_baseline"] = baseline(db, args.folder, args.clients, args.requests)
    figures["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    figures["setup"] = built
    print(json.dumps(figures, indent=1, default=lambda x: round(x, 1)))


if __name__ == "__main__":
    main()
