"""FEC import benchmark: a generated FEC of 1,000,000 lines through the import service.

The file is `bench_fec.py`'s sales ledger (invoices of three lines, lettered payments of
two; pipe separated, ISO-8859-15, padded). It is imported into a fresh SQLite database by
`relance.services.file_import.import_fec`, reading and writing included, in one
transaction; the phases the service times are printed.

Run: .venv/bin/python benchmarks/bench_fec_import.py [--lines N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from relance.bootstrap import open_store
from relance.services.file_import import import_fec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_fec import write


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "123456789FEC20261231.txt"
        t0 = time.perf_counter()
        lines = write(path, args.lines, random.Random(args.seed))
        print(f"generated {lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        store = open_store(str(Path(folder) / "bench.sqlite"), create=True)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        t1, c1 = time.perf_counter(), time.process_time()
        (report,) = import_fec(store, [path])
        elapsed, cpu = time.perf_counter() - t1, time.process_time() - c1
        store.engine.dispose()
    print(
        f"FEC import: {elapsed:.1f} s wall, {cpu:.1f} s CPU ({report.read / elapsed:,.0f} lines/s)"
    )
    print("phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
    print(f"created: {report.created}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB; load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
