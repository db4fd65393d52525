"""Letters per second and peak memory for a batch of reminder letters (issue 4).

Usage: ``.venv/bin/python benchmarks/bench_letters.py [--count 10000] [--out DIR]``

Phase 1 renders `count` letters (French, three invoices, euros, so each has an EPC QR
code) through the whole pipeline: wording from the template, PDF, compliance check. A
first letter (`--level 1`, the default) carries a duplicate of each invoice; `--level 2`
is the letter without them. Phase 2 writes the print batch: one file per letter and one
print file. CPU time is measured on one core (the process is single-threaded); peak
memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from relance.adapters.deliver.print_batch import write_print_batch
from relance.adapters.render.communication import RenderedCommunication, render_communication
from relance.adapters.render.specimen import specimen_letter
from relance.adapters.render.templates import TemplateStore


def peak_mib() -> float:
    """Maximum resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--level", type=int, default=1)
    args = parser.parse_args()

    base = specimen_letter(level=args.level, language="fr", currency="EUR", invoice_count=3).letter
    assert base is not None
    store = TemplateStore()
    render_communication(base, "letter", store)  # warm caches (templates, fonts)
    print(f"before: peak RSS {peak_mib():.0f} MiB")

    wall, cpu = time.perf_counter(), time.process_time()
    items: list[RenderedCommunication] = []
    for n in range(args.count):
        letter = replace(base, reference=f"B{n:07d}")
        item = render_communication(letter, "letter", store)
        assert not item.blocked and item.pdf is not None
        items.append(item)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"render {args.count} letters of {items[0].pdf.pages if items[0].pdf else 0} pages: "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU -> "
        f"{args.count / cpu:.0f} letters/s per core (CPU), {args.count / wall:.0f}/s wall; "
        f"peak RSS {peak_mib():.0f} MiB"
    )

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        wall, cpu = time.perf_counter(), time.process_time()
        summary = write_print_batch(items, out)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        size = summary.print_file.stat().st_size / 2**20 if summary.print_file else 0
        print(
            f"print batch: {summary.describe()}; {wall:.1f} s wall, {cpu:.1f} s CPU; "
            f"print file {size:.0f} MiB; peak RSS {peak_mib():.0f} MiB"
        )


if __name__ == "__main__":
    main()
