"""A daily run whose database connection is lost in the middle of its transaction, on
PostgreSQL: the server ends its backend (``pg_terminate_backend``, as an administrator or
a failover would) or the process is killed (``kill -9``). Nothing of the run is kept, the
command says so in one line, and the next run does the whole work, once.

To stop the run mid-way for certain, the test holds a lock on the events table the run
writes to: the run, its run row written and its decisions under way, waits on it.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from tests.interfaces.test_concurrent_runs import CUSTOMERS, DAY, actions, relance, seed

from relance.adapters.storage import tables_dunning as d
from relance.bootstrap import open_store

pytestmark = pytest.mark.postgres


def wait_until_blocked(url: str, application: str, process: subprocess.Popen[str]) -> int:
    """The backend pid of the run once it waits on the test's lock, its run under way
    (it holds the lock on the table of runs)."""
    watcher = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        while process.poll() is None:
            with watcher.connect() as conn:
                pid = conn.execute(
                    text(
                        "SELECT a.pid FROM pg_stat_activity a WHERE a.application_name = :name"
                        " AND a.wait_event_type = 'Lock' AND EXISTS (SELECT 1 FROM pg_locks l"
                        " JOIN pg_class c ON c.oid = l.relation WHERE l.pid = a.pid"
                        " AND c.relname = 'dunning_runs' AND l.granted)"  # inside the run
                    ),
                    {"name": application},
                ).scalar()
            if pid is not None:
                return int(pid)
            time.sleep(0.05)  # only to leave the processor to the run
        raise AssertionError(f"the run ended before it reached the lock: {process.communicate()}")
    finally:
        watcher.dispose()


@pytest.mark.parametrize("how", ["pg_terminate_backend", "kill -9"])
def test_a_run_that_loses_its_connection_keeps_nothing_and_the_rerun_completes(
    pg_url: str, tmp_path: Path, how: str
) -> None:
    store = open_store(pg_url, create=True)
    seed(store, tmp_path)
    application = f"relance_run_{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}&application_name={application}"
    holder = create_engine(pg_url)
    with holder.connect() as lock:
        lock.execute(text("LOCK TABLE events IN ACCESS EXCLUSIVE MODE"))
        run = relance("run", "--db", url, "--date", DAY)
        backend = wait_until_blocked(pg_url, application, run)
        if how == "kill -9":
            run.send_signal(signal.SIGKILL)
            run.wait(timeout=600)
        else:
            terminated = lock.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
            assert terminated.scalar() is True
        _, err = run.communicate(timeout=600)
        lock.rollback()
    holder.dispose()

    if how == "kill -9":
        assert run.returncode == -signal.SIGKILL
    else:
        assert run.returncode == 1
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "the database failed" in lines[0], err
    # Rolled back: no step, and no run recorded.
    assert actions(store) == []
    with store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(d.dunning_runs)).scalar_one() == 0
    rerun = relance("run", "--db", pg_url, "--date", DAY)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert len(actions(store)) == len(set(actions(store))) == CUSTOMERS
    store.engine.dispose()
