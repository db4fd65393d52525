"""What webhooks cost the daily run: the same dry run over a ledger of `--invoices` open
invoices, three times, each in a fresh process:

- `none`: no webhook endpoint (the bare baseline: the run as it was before webhooks);
- `other`: an endpoint that takes other events (the run only checks who subscribes);
- `subscribed`: an endpoint that takes `action.proposed` (one delivery written in bulk for
  each action the run proposes, in the run's transaction; rolled back with it).

The ledger is `bench_dunning.py`'s. Usage:

    .venv/bin/python benchmarks/bench_webhooks.py --db /tmp/hooks.sqlite --build --invoices 1000000
    .venv/bin/python benchmarks/bench_webhooks.py --db /tmp/hooks.sqlite
"""

from __future__ import annotations

import argparse
import os
import resource
import runpy
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = {"none": None, "other": "invoice.paid", "subscribed": "action.proposed"}


def one_run(db: str, case: str) -> None:
    """In this process: set the endpoints for `case`, then one timed dry run."""
    from relance.bootstrap import open_store
    from relance.core.webhooks import EventType
    from relance.services import webhooks
    from relance.services.daily_run import run_dunning

    as_of = runpy.run_path(str(HERE / "bench_dunning.py"))["AS_OF"]
    store = open_store(db, create=True)
    for endpoint in webhooks.list_endpoints(store):
        webhooks.remove_endpoint(store, endpoint.id)
    event = CASES[case]
    if event is not None:
        webhooks.add_endpoint(store, "https://hooks.example.com/relance", (EventType(event),))
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    report = run_dunning(store, as_of, actor="bench", dry_run=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    deliveries = len(report.proposed) if case == "subscribed" else 0
    print(
        f"{case:<11} {len(report.proposed)} proposals, {deliveries} deliveries: "
        f"{elapsed:.2f} s (CPU {cpu:.2f} s), peak {peak_mb:.0f} MB, load {load:.2f}",
        flush=True,
    )
    for endpoint in webhooks.list_endpoints(store):
        webhooks.remove_endpoint(store, endpoint.id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/relance-bench-webhooks.sqlite")
    parser.add_argument("--build", action="store_true", help="(Re)build the ledger file.")
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=0, help="invoices / 5 by default")
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        one_run(args.db, args.case)
        return
    if args.build:
        build = runpy.run_path(str(HERE / "bench_dunning.py"))["build"]
        customers = args.customers or args.invoices // 5
        started = time.perf_counter()
        build(Path(args.db), args.invoices, customers)
        print(f"built {args.db} in {time.perf_counter() - started:.1f} s", flush=True)
    for case in CASES:
        subprocess.run([sys.executable, __file__, "--db", args.db, "--case", case], check=True)


if __name__ == "__main__":
    main()
