"""Benchmark: how long `relance` takes to start, against a bare Python and a bare SQLAlchemy.

Targets (issue 16, CPU time on the 2-core machine): `relance --help` <= 0.2 s and
`relance queue` on a small ledger <= 0.4 s. Each command runs in a fresh process, several
times in turn; the figure is the median of the child's CPU time (user + system, from
`resource.getrusage(RUSAGE_CHILDREN)`), with the wall time beside it. Baselines run in the same
loop: `python -c pass` (the interpreter alone) and `python -c "import sqlalchemy"` (the floor of
any command that opens a database).

    .venv/bin/python benchmarks/bench_startup.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
RELANCE = [str(Path(PYTHON).with_name("relance"))]  # the console script users run


def cpu_and_wall(command: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def small_ledger(folder: Path) -> str:
    """A ledger of 20 customers and 60 invoices, run once: a queue to list."""
    db = str(folder / "small.sqlite")
    customers = folder / "c.csv"
    invoices = folder / "i.csv"
    customers.write_text(
        "ref;name;email\n" + "".join(f"C{i:02};Client {i};c{i}@example.fr\n" for i in range(20)),
        encoding="utf-8",
    )
    invoices.write_text(
        "numero;client;date;echeance;montant\n"
        + "".join(f"F{i:03};C{i % 20:02};01/09/2026;01/10/2026;{100 + i},00\n" for i in range(60)),
        encoding="utf-8",
    )
    for args in (
        ["init", "--name", "Atelier Durand"],
        ["import", "customers", str(customers)],
        ["import", "invoices", str(invoices)],
        ["run", "--date", "2026-11-23"],
    ):
        subprocess.run([*RELANCE, *args, "--db", db], check=True, stdout=subprocess.DEVNULL)
    return db


def main() -> None:
    """Measure each command `--runs` times in turn and print one JSON line of medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = small_ledger(Path(folder))
        commands = {
            "python -c pass": [PYTHON, "-c", "pass"],
            "python -c 'import sqlalchemy'": [PYTHON, "-c", "import sqlalchemy"],
            "relance --help": [*RELANCE, "--help"],
            "relance queue (small ledger)": [*RELANCE, "queue", "--db", db],
            "relance aging (small ledger)": [
                *RELANCE,
                "aging",
                "--db",
                db,
                "--as-of",
                "2026-11-23",
            ],
        }
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):  # in turn, so that a burst of load hits every command alike
            for name, command in commands.items():
                samples[name].append(cpu_and_wall(command))
    figures = {
        name: {
            "cpu_s": round(statistics.median(c for c, _ in runs), 3),
            "wall_s": round(statistics.median(w for _, w in runs), 3),
        }
        for name, runs in samples.items()
    }
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
                "python": platform.python_version(),
                "load_avg": [round(x, 2) for x in os.getloadavg()],
                "runs": args.runs,
                "figures": figures,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
