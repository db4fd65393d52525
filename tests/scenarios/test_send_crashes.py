"""`relance send` killed with ``kill -9`` while it sends e-mails to a real SMTP server on
loopback (aiosmtpd), on SQLite and PostgreSQL: after the reruns, and once the user has
settled what was left handing over (docs/sending.md), every e-mail arrived at the server
exactly once.

The ledger (`tests.services.test_sending_retries.email_ledger`): one courteous e-mail
approved for each of `count` customers. The server counts what it accepted, by
Message-ID, as a user reading its log would.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.loopback_smtp import smtp_env
from tests.services.test_letters import Inbox
from tests.services.test_sending_retries import DAY, email_ledger, free_port, serving

from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage.database import Store
from relance.core.outbox import OutboxStatus
from relance.interfaces.cli.main import run
from relance.services import handover

RELANCE = Path(sys.executable).with_name("relance")


def start_send(store: Store, out: Path, port: int) -> subprocess.Popen[str]:
    """`relance send` as the user runs it, in a process of its own."""
    env = smtp_env(port)
    db = store.engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [str(RELANCE), "send", "--db", db, "--out", str(out), "--date", DAY.isoformat()],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def settle_from_the_server_log(store: Store, server: Inbox) -> int:
    """What the user does for each e-mail left handing over: look for its Message-ID at
    the server; --sent when it is there, --resend when it is not. Returns how many."""
    arrived = {str(m["Message-ID"]) for m in server.messages()}
    left = handover.unsettled(store)
    for line in left:
        handover.settle(store, line.action_id, sent=line.message_id in arrived, actor="claire")
    return len(left)


def assert_each_arrived_once(store: Store, server: Inbox, count: int) -> None:
    by_address = Counter(str(m["To"]) for m in server.messages())
    assert len(by_address) == count, f"lost: {count - len(by_address)}"
    assert set(by_address.values()) == {1}, "sent twice: " + str(
        [a for a, n in by_address.items() if n > 1]
    )
    assert len({m["Message-ID"] for m in server.messages()}) == count
    with store.begin() as conn:
        statuses = Counter(e.record.status for e in rl.outbox_entries(conn))
    assert statuses == {OutboxStatus.SENT: count}


class KillsTheSender(Inbox):
    """On the `nth` message the server reads the final dot, then kills the sender with
    kill -9 before replying: kept (`accept`) or dropped, the sender never hears which."""

    def __init__(self, nth: int, accept: bool) -> None:
        super().__init__()
        self.nth, self.accept, self.seen = nth, accept, 0
        self.victim: int | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen += 1
        if self.seen == self.nth and self.victim is not None:
            if self.accept:
                self.received.append(envelope.content)
            os.kill(self.victim, signal.SIGKILL)
            return "451 4.3.0 never heard"
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.parametrize("accepted", [True, False], ids=["accepted", "not-accepted"])
def test_a_sender_killed_the_instant_the_server_reads_the_end_never_sends_twice(
    store: Store, tmp_path: Path, accepted: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    count = 6
    email_ledger(store, tmp_path, count)
    port = free_port()
    with serving(KillsTheSender(nth=3, accept=accepted), port) as server:
        sender = start_send(store, tmp_path / "out", port)
        server.victim = sender.pid
        assert sender.wait(timeout=600) == -signal.SIGKILL
        sender.communicate()

        rerun = start_send(store, tmp_path / "out", port)
        out, err = rerun.communicate(timeout=600)
        # The rerun sends the others, and names the one it cannot know about.
        assert rerun.returncode == 5, err
        said = " ".join(out.split())
        assert "whether the server accepted it is not known" in said
        assert "relance handover" in said and "Traceback" not in out + err
        assert len(server.received) == count - (0 if accepted else 1)

        db = store.engine.url.render_as_string(hide_password=False)
        capsys.readouterr()
        assert run(["handover", "--db", db]) == 0
        (line,) = capsys.readouterr().out.strip().splitlines()
        assert settle_from_the_server_log(store, server) == 1
        assert run(["handover", "--db", db]) == 0 and capsys.readouterr().out == ""
        last = start_send(store, tmp_path / "out", port)
        assert last.wait(timeout=600) == 0, last.communicate()
        last.communicate()
    assert line.split()[3] in {str(m["Message-ID"]) for m in server.messages()}
    assert_each_arrived_once(store, server, count)


def kill_after(process: subprocess.Popen[str], server: Inbox, more: int, pause: float) -> int:
    """kill -9 `process` once the server has `more` new messages, then `pause` seconds
    later (somewhere in the next message); its exit status."""
    target = len(server.received) + more
    while process.poll() is None and len(server.received) < target:
        time.sleep(0.001)  # only to leave the processor to the sender
    time.sleep(pause)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=600)
    process.communicate()
    return code


def send_through_kills(
    store: Store, out: Path, server: Inbox, port: int, kills: int, rng: random.Random
) -> int:
    """`kills` sends killed at random instants, each followed by the user settling what
    was left handing over; then sends until one ends normally with nothing left to settle.
    Returns how many e-mails the user had to settle."""
    settled = 0
    for _ in range(kills):
        process = start_send(store, out, port)
        kill_after(process, server, rng.randint(1, 10), rng.uniform(0, 0.03))
        settled += settle_from_the_server_log(store, server)
    while True:
        final = start_send(store, out, port)
        said, err = final.communicate(timeout=3600)
        assert "Traceback" not in said + err
        left = settle_from_the_server_log(store, server)
        settled += left
        if final.returncode == 0 and not left:
            return settled


def test_senders_killed_at_random_instants_then_rerun_deliver_each_email_once(
    store: Store, tmp_path: Path
) -> None:
    count, kills, seed = 20, 3, 16  # small for `make test`: benchmarks/bench_send_crashes.py
    email_ledger(store, tmp_path, count)
    port = free_port()
    with serving(Inbox(), port) as server:
        send_through_kills(store, tmp_path / "out", server, port, kills, random.Random(seed))
    assert_each_arrived_once(store, server, count)
