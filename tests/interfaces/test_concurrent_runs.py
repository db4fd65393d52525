"""Two daily runs at once, as two real `relance run` processes on one ledger (SQLite and
PostgreSQL).

Before: neither duplicated an action, but the loser died with a 72-79-line traceback in
4 tries out of 10 on SQLite and 6 out of 10 on PostgreSQL. Now the second run waits for
the first and repeats nothing; one that waits longer than RELANCE_RUN_WAIT seconds says
in one line that a run is under way, and exits 5.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from tests.conftest import write

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository_runs as runs
from relance.adapters.storage import tables_dunning as d
from relance.adapters.storage.database import Store
from relance.core.model import Creditor
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

CUSTOMERS = 300
DAY = "2026-11-09"


def seed(store: Store, tmp_path: Path) -> str:
    """A plumber's ledger: 300 customers, each with an invoice overdue since October."""
    init_creditor(store, Creditor("Plomberie Martin", "FR", "EUR"), actor="test")
    refs = [f"C{n:04d}" for n in range(CUSTOMERS)]
    customers = "ref,name,kind,country\n" + "".join(f"{r},Client {r},business,FR\n" for r in refs)
    invoices = "number,customer,issue_date,due_date,amount,currency\n" + "".join(
        f"F{n:05d},{r},2026-09-01,2026-10-01,{100 + n}.00,EUR\n" for n, r in enumerate(refs)
    )
    import_ledger_csv(store, CsvKind.CUSTOMERS, write(tmp_path / "c.csv", customers))
    import_ledger_csv(store, CsvKind.INVOICES, write(tmp_path / "i.csv", invoices))
    return store.engine.url.render_as_string(hide_password=False)


def relance(*args: str, wait: str = "120") -> subprocess.Popen[str]:
    """`relance ARGS` in a process of its own."""
    script = Path(sys.executable).with_name("relance")
    env = {**os.environ, "RELANCE_RUN_WAIT": wait}
    return subprocess.Popen(
        [str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def actions(store: Store) -> list[str]:
    with store.begin() as conn:
        return list(conn.execute(select(d.dunning_actions.c.customer_ref)).scalars())


def test_four_runs_at_once_make_each_step_once_and_none_crashes(store, tmp_path):
    url = seed(store, tmp_path)
    processes = [relance("run", "--db", url, "--date", DAY, "--json") for _ in range(4)]
    outputs = [p.communicate() for p in processes]
    results = [(p.returncode, out, err) for p, (out, err) in zip(processes, outputs, strict=True)]
    assert [(rc, err) for rc, _, err in results] == [(0, "")] * 4
    # One run proposed every customer's first step; the others, waiting their turn,
    # found it done and proposed nothing.
    proposed = sorted(out.count('"id"') for _, out, _ in results)
    assert proposed == [0, 0, 0, CUSTOMERS]
    assert sorted(actions(store)) == sorted({*actions(store)}) and len(actions(store)) == CUSTOMERS
    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(d.dunning_runs)).scalar_one() == 4


def test_a_run_kept_waiting_too_long_says_so_in_one_line_and_exits_5(store, tmp_path):
    url = seed(store, tmp_path)
    with store.begin() as conn:
        runs.claim_run(conn, date.fromisoformat(DAY), "another desk")  # a run under way
        waiting = relance("run", "--db", url, "--date", DAY, wait="1")
        _, err = waiting.communicate()
        rc = waiting.returncode
        conn.rollback()
    assert rc == 5
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "a dunning run is under way" in lines[0]
    assert "Traceback" not in err and actions(store) == []
    # Once the other run is over, the same command goes through.
    again = relance("run", "--db", url, "--date", DAY)
    again.communicate()
    assert again.returncode == 0 and len(actions(store)) == CUSTOMERS
