"""Benchmark: `relance aging --json` on 40,000 customers, against a bare `json.dump`.

The ledger is bench_ledger's generated one (seed 42): 40,000 customers and 200,000 invoices
(five each on average), imported once through `import_ledger_csv` and kept in `--folder`.
Each workload runs in a fresh process writing its stdout to a file (not a terminal, as when
a program reads it); the figure is that process's CPU time (user + system) and peak RSS:

- `relance aging --json`: the command, start-up included, as the console script runs it;
- baseline, plain sqlite3 + `json.dump`: Python started, the same per-customer buckets by
  a plain SQL CASE query, written as indented JSON records by `json.dump`;
- `json.dump` alone: relance's own output (read back, untimed) written again by
  `json.dump` with the same indent: the floor for writing those bytes;
- through Rich (`--rich`): the same text printed by `rich.console.Console.print_json`, as
  the command printed it before it wrote JSON itself.

    .venv/bin/python benchmarks/bench_machine_output.py --rich
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_ledger import AS_OF, FLOORS, relance_import, write_files

CUSTOMERS, INVOICES = 40_000, 200_000


def relance_aging_json(folder: Path) -> dict[str, Any]:
    """The command, as `relance aging --json` runs it."""
    from relance.interfaces.cli.main import run

    code = run(["aging", "--db", str(folder / "relance.sqlite"), "--as-of", AS_OF.isoformat(),
                "--json"])  # fmt: skip
    return {"exit": code}


def baseline(folder: Path) -> dict[str, Any]:
    """Plain sqlite3: per-customer CASE buckets, written by `json.dump` as records."""
    conn = sqlite3.connect(folder / "relance.sqlite")
    floors = [f.isoformat() for f in FLOORS]
    cases = [f"SUM(CASE WHEN i.due_date >= '{floors[0]}' THEN i.amount_minor ELSE 0 END)"]
    for upper, lower in itertools.pairwise(floors):
        cases.append(f"SUM(CASE WHEN i.due_date >= '{lower}' AND i.due_date < '{upper}'"
                     " THEN i.amount_minor ELSE 0 END)")  # fmt: skip
    cases.append(f"SUM(CASE WHEN i.due_date < '{floors[-1]}' THEN i.amount_minor ELSE 0 END)")
    rows = conn.execute(
        f"SELECT c.ref, c.name, i.currency, {', '.join(cases)} FROM invoices i JOIN customers c"
        " ON c.id = i.customer_id WHERE i.issue_date <= ? GROUP BY c.ref, c.name, i.currency"
        " ORDER BY c.ref",
        (AS_OF.isoformat(),),
    ).fetchall()
    labels = ["current", "1-30", "31-60", "61-90", "over 90"]
    records = [
        {"customer": ref, "name": name, "currency": currency,
         **{label: f"{cents / 100:.2f}" for label, cents in zip(labels, sums, strict=True)},
         "total": f"{sum(sums) / 100:.2f}"}
        for ref, name, currency, *sums in rows
    ]  # fmt: skip
    json.dump({"as_of": AS_OF.isoformat(), "customers": records}, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return {"customers": len(records)}


def _relance_output(folder: Path) -> str:
    return (folder / "relance_aging_json.out").read_text(encoding="utf-8")


def json_dump_alone(folder: Path) -> dict[str, Any]:
    """relance's output, read back untimed, written again by `json.dump` (timed alone)."""
    data = json.loads(_relance_output(folder))
    cpu = time.process_time()
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return {"timed_cpu_s": round(time.process_time() - cpu, 3)}


def through_rich(folder: Path) -> dict[str, Any]:
    """The same JSON text through Rich's `print_json` (the command's former way)."""
    from rich.console import Console

    text = _relance_output(folder)
    cpu = time.process_time()
    Console().print_json(text)
    return {"timed_cpu_s": round(time.process_time() - cpu, 3)}


WORKLOADS = {
    "relance_aging_json": relance_aging_json,
    "baseline": baseline,
    "json_dump_alone": json_dump_alone,
    "through_rich": through_rich,
}


def run_one(workload: str, folder: Path) -> None:
    """Run one workload, its output to stdout; its figures to stderr as the last line."""
    figures = WORKLOADS[workload](folder)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
    figures["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    sys.stdout.flush()
    print(json.dumps(figures), file=sys.stderr)


def measure(workload: str, folder: Path, repeat: int) -> dict[str, Any]:
    """The median (by CPU) of `repeat` fresh processes, and what the output looks like."""
    runs = []
    out = folder / f"{workload}.out"
    for _ in range(repeat):
        with out.open("w", encoding="utf-8") as stdout:
            done = subprocess.run(
                [sys.executable, __file__, "--one", workload, "--folder", str(folder)],
                check=True, stdout=stdout, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
        runs.append(json.loads(done.stderr.strip().splitlines()[-1]))
    runs.sort(key=lambda run: run["cpu_s"])
    median = dict(runs[len(runs) // 2])
    median["cpu_runs_s"] = [run["cpu_s"] for run in runs]
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    median["output"] = {
        "mb": round(len(text.encode()) / 1e6, 1),
        "lines": len(lines),
        "longest_line": max(map(len, lines)),
        "ansi_codes": "\x1b[" in text,
    }
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", default="/tmp/relance-bench-machine-output")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rich", action="store_true", help="also time Rich's print_json")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(args.folder)
    if args.one:
        run_one(args.one, folder)
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_files(folder, CUSTOMERS, INVOICES)
    if not (folder / "relance.sqlite").exists():
        relance_import(folder)
    loads = [os.getloadavg()[0]]
    figures: dict[str, Any] = {"customers": CUSTOMERS, "invoices": INVOICES}
    for workload in ["relance_aging_json", "baseline", "json_dump_alone"] + (
        ["through_rich"] if args.rich else []
    ):
        repeat = 1 if workload == "through_rich" else args.repeat
        figures[workload] = measure(workload, folder, repeat)
        loads.append(os.getloadavg()[0])
    parsed = json.loads((folder / "relance_aging_json.out").read_text(encoding="utf-8"))
    figures["relance_customers_listed"] = len(parsed["customers"])
    figures["load_average_1min"] = (
        f"{min(loads):.1f}-{max(loads):.1f} (median {statistics.median(loads):.1f})"
    )
    figures["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
