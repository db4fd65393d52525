"""FEC benchmark: read a generated FEC of 1,000,000 lines into ledger records.

The file is written like a sales ledger: each invoice is an entry of three lines (customer
411 debit, revenue 706 credit, VAT 44571 credit), each payment an entry of two lines (bank
512 debit, customer 411 credit) lettered with its invoice; pipe separated, ISO-8859-15,
padded values as in the real sample. Reports the time of `fec.extract` and what it made.

Run: .venv/bin/python benchmarks/bench_fec.py [--lines N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from relance.adapters.formats import fec

HEADER = "|".join(fec.FIELDS) + "|\r\n"


def letters(n: int) -> str:
    """Lettering code number `n`: A, B, ... Z, AA, AB ..."""
    code = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        code = chr(65 + rest) + code
    return code


def amount(cents: int) -> str:
    return f"{cents // 100:010d},{cents % 100:02d}"


def write(path: Path, lines: int, rng: random.Random) -> int:
    start = date(2026, 1, 1)
    written = 0
    lettered: dict[str, int] = {}
    with path.open("w", encoding="iso-8859-15", newline="") as out:
        out.write(HEADER)
        number = 0
        while written < lines:
            number += 1
            customer = f"411{rng.randint(0, 9999):05d}"
            day = start + timedelta(days=rng.randint(0, 360))
            net = rng.randint(1_000, 900_000)
            tax = net // 5
            piece = f"F{number:07d}"
            when = f"{day:%Y%m%d}"
            code = ""
            paid = rng.random() < 0.7
            if paid:
                lettered[customer] = lettered.get(customer, -1) + 1
                code = letters(lettered[customer])
            paid_on = day + timedelta(days=rng.randint(5, 60))
            let_date = f"{paid_on:%Y%m%d}" if paid else ""
            out.write(
                f"VE  |Ventes|{number:08d}|{when}|41100000|Clients        |{customer}|Société "
                f"cliente n°{customer}|{piece}|{when}|Facture {piece}      |{amount(net + tax)}|"
                f"{amount(0)}|{code:2}|{let_date:8}|{when}|||\r\n"
                f"VE  |Ventes|{number:08d}|{when}|70600000|Prestations    |        |"
                f"                |{piece}|{when}|Facture {piece}      |{amount(0)}|{amount(net)}|"
                f"  |        |{when}|||\r\n"
                f"VE  |Ventes|{number:08d}|{when}|44571000|TVA collectée  |        |"
                f"                |{piece}|{when}|Facture {piece}      |{amount(0)}|{amount(tax)}|"
                f"  |        |{when}|||\r\n"
            )
            written += 3
            if paid:
                pay = f"{paid_on:%Y%m%d}"
                out.write(
                    f"BQ  |Banque|B{number:07d}|{pay}|51200000|Banque         |        |"
                    f"                |VIR{number:07d}|{pay}|Virement {piece}     |"
                    f"{amount(net + tax)}|{amount(0)}|  |        |{pay}|||\r\n"
                    f"BQ  |Banque|B{number:07d}|{pay}|41100000|Clients        |{customer}|"
                    f"Société cliente n°{customer}|VIR{number:07d}|{pay}|Virement {piece}     |"
                    f"{amount(0)}|{amount(net + tax)}|{code:2}|{let_date:8}|{pay}|||\r\n"
                )
                written += 2
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "123456789FEC20261231.txt"
        t0 = time.perf_counter()
        lines = write(path, args.lines, random.Random(args.seed))
        size = path.stat().st_size
        print(
            f"generated {lines:,} lines ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        t1, c1 = time.perf_counter(), time.process_time()
        ledger = fec.extract(path)
        elapsed, cpu = time.perf_counter() - t1, time.process_time() - c1
    rate = ledger.lines_read / elapsed
    print(f"FEC read: {elapsed:.1f} s wall, {cpu:.1f} s CPU ({rate:,.0f} lines/s)")
    print(
        f"{len(ledger.customers):,} customers, {len(ledger.invoices):,} invoices, "
        f"{len(ledger.payments):,} payments, {len(ledger.allocations):,} allocations"
    )


if __name__ == "__main__":
    main()
