"""1,000 e-mails sent by `relance send` processes killed with kill -9 at random instants,
on SQLite and PostgreSQL (issue 16, "Crash safety").

The scenario of `tests/scenarios/test_send_crashes.py` (which runs it with 20 e-mails and
3 kills in `make test`), at a larger size: one approved courteous e-mail per customer; `--kills`
senders killed at random instants (after 1 to 10 more messages reached the server, plus
0 to 30 ms); after each, the e-mails left handing over are settled as a user would, from
the server's log; then sends until one ends normally. Counted at the aiosmtpd server on
loopback: e-mails lost, e-mails received twice (both must be 0).

Run: .venv/bin/python benchmarks/bench_send_crashes.py [--emails 1000] [--kills 20]
[--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' scenario

from tests.conftest import PG_URL
from tests.scenarios.test_send_crashes import send_through_kills
from tests.services.test_letters import Inbox
from tests.services.test_sending_retries import email_ledger, free_port, serving

from relance.bootstrap import open_store


def one(backend: str, emails: int, kills: int, seed: int) -> str:
    """The scenario on `backend`: its line of the table."""
    with tempfile.TemporaryDirectory() as folder:
        schema = f"crash_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_URL)
        if backend == "postgresql":
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        else:
            url = str(Path(folder) / "ledger.sqlite")
        store = open_store(url, create=True)
        try:
            email_ledger(store, Path(folder), emails)
            port = free_port()
            started = time.perf_counter()
            with serving(Inbox(), port) as server:
                settled = send_through_kills(
                    store, Path(folder) / "out", server, port, kills, random.Random(seed)
                )
            wall = time.perf_counter() - started
            per_address = Counter(str(m["To"]) for m in server.messages())
        finally:
            store.engine.dispose()
            if backend == "postgresql":
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    lost = emails - len(per_address)
    twice = sum(n - 1 for n in per_address.values() if n > 1)
    return f"| {backend} | {emails} | {kills} | {settled} | {lost} | {twice} | {wall:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(f"load {os.getloadavg()[0]:.1f}")
    print("| backend | e-mails | kills | settled by the user | lost | twice | wall s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for backend in args.backends.split(","):
        print(one(backend, args.emails, args.kills, args.seed), flush=True)


if __name__ == "__main__":
    main()
