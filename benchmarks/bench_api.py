"""Benchmark: invoices written through the REST API (one per request, and batches) and the
latency of its GETs, on a ledger of `--invoices` invoices, beside a bare baseline.

The API is `relance serve` (uvicorn, one process) in its own process, reached over HTTP on
loopback with keep-alive (stdlib `http.client`); its CPU time (user + system, from
/proc/PID/stat) is read before and after each workload. The baseline is the same work done
by the services the API calls, in this process, without HTTP, validation or JSON: the
import of records (`services/record_import.py`) and the page and one-invoice reads
(`services/ledger_pages.py`). Prints one JSON object.

    .venv/bin/python benchmarks/bench_api.py --invoices 1000000 --folder /tmp/bench-api
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench_ledger import AS_OF, write_files

EMAIL = "bench@relance.example"
TICKS = os.sysconf("SC_CLK_TCK")


def ledger(folder: Path, invoices: int) -> str:
    """A SQLite ledger of `invoices` invoices (a tenth as many customers), made once."""
    from relance.adapters.formats.ledger_csv import CsvKind
    from relance.bootstrap import open_store
    from relance.core.model import Creditor
    from relance.core.users import Role
    from relance.services import api_tokens, users
    from relance.services.ledger_import import import_ledger_csv
    from relance.services.setup import init_creditor

    db = folder / f"api-{invoices}.sqlite"
    fresh = not db.exists()
    store = open_store(str(db), create=True)
    if fresh:
        customers_csv, invoices_csv = write_files(folder, max(invoices // 10, 1), invoices)
        init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"), actor="bench")
        import_ledger_csv(store, CsvKind.CUSTOMERS, customers_csv)
        import_ledger_csv(store, CsvKind.INVOICES, invoices_csv)
        users.add_user(store, EMAIL, Role.MANAGER, "bench password")
    secret = api_tokens.create_token(store, EMAIL, "bench").secret
    store.engine.dispose()
    return secret


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    """Requests to the API on one kept-alive connection."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        data = None if body is None else json.dumps(body)
        self.conn.request(method, f"/api/v1{path}", data, self.headers)
        answer = self.conn.getresponse()
        return answer.status, answer.read()


def invoice(n: int) -> dict[str, str]:
    return {"number": f"API{n:08d}", "customer": f"C{n % 1000:06d}",
            "issue_date": "2026-10-01", "due_date": "2026-10-31", "amount": "1200.00"}  # fmt: skip


def timed(server: int, work: Any) -> dict[str, float]:
    """Wall and server CPU seconds of `work()`."""
    cpu, wall = cpu_of(server), time.perf_counter()
    work()
    return {"wall_s": time.perf_counter() - wall, "server_cpu_s": cpu_of(server) - cpu}


def writes(client: Client, server: int, singles: int, batches: int, size: int) -> dict[str, Any]:
    """Invoices per second, one per request and in batches of `size`."""

    def single() -> None:
        for n in range(singles):
            assert client.call("POST", "/invoices", invoice(n))[0] == 201

    def batch() -> None:
        for b in range(batches):
            items = [invoice(10_000_000 + b * size + i) for i in range(size)]
            assert client.call("POST", "/invoices/batch", {"items": items})[0] == 201

    one, many = timed(server, single), timed(server, batch)
    return {
        "single": {**one, "per_s_wall": singles / one["wall_s"],
                   "per_cpu_s": singles / one["server_cpu_s"]},
        "batch": {**many, "size": size, "per_s_wall": batches * size / many["wall_s"],
                  "per_cpu_s": batches * size / many["server_cpu_s"]},
    }  # fmt: skip


def latency(client: Client, server: int, paths: list[str]) -> dict[str, float]:
    """Median and 95th percentile wall milliseconds of GETs, and server CPU per request."""
    seconds: list[float] = []
    cpu = cpu_of(server)
    for path in paths:
        start = time.perf_counter()
        status, _ = client.call("GET", path)
        seconds.append(time.perf_counter() - start)
        assert status == 200, path
    spent = cpu_of(server) - cpu
    ordered = sorted(seconds)
    return {"median_ms": statistics.median(seconds) * 1000,
            "p95_ms": ordered[int(len(ordered) * 0.95) - 1] * 1000,
            "server_cpu_ms_per_request": spent / len(paths) * 1000}  # fmt: skip


def gets(client: Client, server: int, invoices: int, count: int) -> dict[str, Any]:
    """Latency of a deep page of invoices, one invoice, one customer."""
    rng = random.Random(7)
    cursors = []
    for _ in range(count):  # a cursor anywhere in the ledger, as a reader deep in a listing has
        key = json.dumps([f"F{rng.randrange(invoices):07d}"]).encode()
        cursors.append(base64.urlsafe_b64encode(key).decode().rstrip("="))
    numbers = [f"F{rng.randrange(invoices):07d}" for _ in range(count)]
    return {
        "invoice_page_50": latency(
            client, server, [f"/invoices?limit=50&cursor={c}" for c in cursors]
        ),
        "invoice": latency(client, server, [f"/invoices/{n}" for n in numbers]),
        "customer": latency(client, server, [f"/customers/C{rng.randrange(invoices // 10):06d}"
                                             for _ in range(count)]),
    }  # fmt: skip


def baseline(db: Path, invoices: int, singles: int, batches: int, size: int) -> dict[str, Any]:
    """The services the API calls, in this process: CPU seconds of the same work."""
    from relance.adapters.formats.ledger_columns import CsvKind
    from relance.bootstrap import open_store
    from relance.services import ledger_pages, record_import

    store = open_store(str(db))
    rows = [{**invoice(n), "amount": "1200.00"} for n in range(20_000_000, 20_000_000 + singles)]
    cpu = time.process_time()
    for row in rows:
        record_import.import_records(store, CsvKind.INVOICES, [row], source="b", actor="bench")
    single = time.process_time() - cpu
    cpu = time.process_time()
    for b in range(batches):
        items = [invoice(30_000_000 + b * size + i) for i in range(size)]
        record_import.import_records(store, CsvKind.INVOICES, items, source="b", actor="bench")
    many = time.process_time() - cpu
    rng = random.Random(7)
    cpu = time.process_time()
    for _ in range(200):
        ledger_pages.invoice_page(store, AS_OF, f"F{rng.randrange(invoices):07d}", 50)
    page = (time.process_time() - cpu) / 200
    cpu = time.process_time()
    for _ in range(200):
        ledger_pages.invoice_line(store, f"F{rng.randrange(invoices):07d}", AS_OF)
    one = (time.process_time() - cpu) / 200
    store.engine.dispose()
    return {"single_per_cpu_s": singles / single, "batch_per_cpu_s": batches * size / many,
            "invoice_page_50_cpu_ms": page * 1000, "invoice_cpu_ms": one * 1000}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/relance-bench-api"))
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--gets", type=int, default=200)
    args = parser.parse_args()
    args.folder = args.folder / str(args.invoices)  # the generated files are per size
    args.folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    token = ledger(args.folder, args.invoices)
    db = args.folder / f"api-{args.invoices}.sqlite"
    # each run writes new invoices: work on a copy, so every run starts from the same ledger
    work = args.folder / "run.sqlite"
    work.write_bytes(db.read_bytes())
    setup_s = time.perf_counter() - start
    port = free_port()
    relance = Path(sys.executable).with_name("relance")
    server = subprocess.Popen(
        [str(relance), "serve", "--db", str(work), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=args.folder,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        client = Client(port, token)
        load_before = os.getloadavg()
        wrote = writes(client, server.pid, args.singles, args.batches, args.size)
        read = gets(client, server.pid, args.invoices, args.gets)
    finally:
        server.terminate()
        server.wait()
    bare = baseline(work, args.invoices, args.singles, args.batches, args.size)
    print(json.dumps({
        "invoices": args.invoices, "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "setup_s": round(setup_s, 1), "writes": wrote, "gets": read, "baseline": bare,
    }, indent=1, default=lambda x: round(x, 3)))  # fmt: skip


if __name__ == "__main__":
    main()
