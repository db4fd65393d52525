"""Long work as jobs: `relance jobs send|run` put them on the PostgreSQL ledger's queue,
`relance worker` processes take them; on SQLite the same jobs run in the command.

The ledger is `tests.services.test_sending_retries.email_ledger`'s (one approved e-mail per
customer); the e-mails go to a real SMTP server on loopback, counted where they arrive.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.loopback_smtp import smtp_env
from tests.scenarios.test_send_crashes import settle_from_the_server_log
from tests.services.test_letters import Inbox
from tests.services.test_sending_retries import DAY, email_ledger, free_port, serving

from relance.adapters.storage.database import Store
from relance.bootstrap import open_store
from relance.core.engine import ActionStatus
from relance.services import dunning

RELANCE = Path(sys.executable).with_name("relance")


def relance(*args: str, port: int, **extra: str) -> subprocess.Popen[str]:
    """`relance ARGS` in a process of its own, sending through loopback `port`, with the
    `extra` environment variables."""
    env = smtp_env(port, **extra)
    return subprocess.Popen(
        [str(RELANCE), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


@pytest.mark.postgres
def test_send_jobs_shared_by_two_workers_deliver_each_email_once(
    pg_url: str, tmp_path: Path
) -> None:
    store = open_store(pg_url, create=True)
    count = 10  # small for `make test`: benchmarks/bench_send_workers.py sends thousands
    email_ledger(store, tmp_path, count)
    port = free_port()
    with serving(Inbox(), port) as server:
        code, out, err = finished(
            relance("jobs", "send", "--db", pg_url, "--date", DAY.isoformat(),
                    "--out", str(tmp_path / "out"), "--slice", "3", port=port)
        )  # fmt: skip
        assert code == 0, err
        assert "4 send job(s) for 10 item(s), queued" in " ".join(out.split())
        assert server.received == []  # nothing sent by the command itself
        workers = [relance("worker", "--db", pg_url, "--once", port=port) for _ in range(2)]
        results = [finished(w) for w in workers]
    assert [code for code, _, _ in results] == [0, 0], results
    assert all("Traceback" not in out + err for _, out, err in results)
    by_address = Counter(str(m["To"]) for m in server.messages())
    assert len(by_address) == count and set(by_address.values()) == {1}
    code, out, _ = finished(relance("jobs", "--db", pg_url, port=port))
    assert code == 0 and out.split() == ["relance.send", "succeeded", "4"]
    store.engine.dispose()


@pytest.mark.postgres
def test_a_daily_run_job_queues_each_step_once(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url, create=True)
    email_ledger(store, tmp_path, 6)  # runs on 5 January: the informal steps
    for action in dunning.queue(store):
        dunning.cancel(store, action.id, reason="test")
    code, _, err = finished(relance("jobs", "run", "--db", pg_url, "--date", "2018-01-20", port=0))
    assert code == 0, err
    assert [s.action.status for s in dunning.queue(store)] == []  # queued, not run
    code, _, err = finished(relance("worker", "--db", pg_url, "--once", port=0))
    assert code == 0, err
    proposed = [q for q in dunning.queue(store) if q.action.status is ActionStatus.PROPOSED]
    assert sorted(q.action.customer_ref for q in proposed) == [f"C{n:04d}" for n in range(1, 7)]
    store.engine.dispose()


def test_on_sqlite_the_jobs_run_in_the_command_and_there_is_no_worker(
    sqlite_store: Store, tmp_path: Path
) -> None:
    email_ledger(sqlite_store, tmp_path, 5)
    db = sqlite_store.engine.url.render_as_string(hide_password=False)
    port = free_port()
    with serving(Inbox(), port) as server:
        code, out, err = finished(
            relance("jobs", "send", "--db", db, "--date", DAY.isoformat(),
                    "--out", str(tmp_path / "out"), "--slice", "2", port=port)
        )  # fmt: skip
    assert code == 0, err
    assert "3 send job(s) for 5 item(s), done here" in " ".join(out.split())
    assert len({m["Message-ID"] for m in server.messages()}) == len(server.received) == 5
    code, _, err = finished(relance("worker", "--db", db, "--once", port=port))
    assert code == 2 and "no job queue" in err and "Traceback" not in err


@pytest.mark.postgres
def test_the_job_of_a_worker_killed_mid_way_is_run_again_by_the_next_worker(
    pg_url: str, tmp_path: Path
) -> None:
    store = open_store(pg_url, create=True)
    count = 8
    email_ledger(store, tmp_path, count)
    port = free_port()
    with serving(Inbox(), port) as server:
        code, _, err = finished(
            relance("jobs", "send", "--db", pg_url, "--date", DAY.isoformat(),
                    "--out", str(tmp_path / "out"), port=port)
        )  # fmt: skip
        assert code == 0, err
        first = relance("worker", "--db", pg_url, port=port)  # waits for jobs until stopped
        while first.poll() is None and len(server.received) < 2:
            time.sleep(0.01)  # only to leave the processor to the worker
        first.send_signal(signal.SIGKILL)
        first.communicate()
        assert len(server.received) < count  # killed in the middle of its one job
        # The next worker (told to count any silence as death) runs that job again.
        code, _, err = finished(
            relance("worker", "--db", pg_url, "--once", port=port,
                    RELANCE_WORKER_STALLED_AFTER="0")
        )  # fmt: skip
        assert code == 0 and "1 job(s) of a worker that stopped answering" in err, err
        if settle_from_the_server_log(store, server):  # the kill fell in a hand-over
            code, _, err = finished(
                relance("send", "--db", pg_url, "--date", DAY.isoformat(),
                        "--out", str(tmp_path / "out"), port=port)
            )  # fmt: skip
            assert code == 0, err
    by_address = Counter(str(m["To"]) for m in server.messages())
    assert len(by_address) == count and set(by_address.values()) == {1}
    store.engine.dispose()
