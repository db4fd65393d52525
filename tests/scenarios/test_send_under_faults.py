"""`relance send` under faults, with real processes: two senders at once, a process killed
with ``kill -9`` in the middle of a send, a customer whose stored e-mail cell is broken.

The ledger: `CUSTOMERS` French businesses, each owing one invoice due on 1 January 2018;
the informal step was carried out by hand on 5 February, and on 19 February the first
letters (a printed letter and its e-mail copy each) are approved. `relance send` runs as
the user runs it, in processes of its own, against a real SMTP server on loopback
(aiosmtpd); the messages are counted where they arrive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from tests.conftest import write
from tests.scenarios.test_send_crashes import settle_from_the_server_log
from tests.services.test_letters import Inbox, carry_out, serve, set_email

from relance.adapters.deliver.smtp import SmtpMailer
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage import tables_letters as tl
from relance.adapters.storage.database import Store
from relance.core.engine import ActionStatus
from relance.services import daily_run, dunning, sending
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

CUSTOMERS = 16
RELANCE = Path(sys.executable).with_name("relance")
SEND_DAY = "2018-02-19"


def build_ledger(store: Store, tmp_path: Path, count: int = CUSTOMERS) -> list[int]:
    """`count` customers with one invoice each; their first letters approved."""
    init_creditor(store, DEMO_CREDITOR, actor="test")
    customers = ["ref,name,kind,country,language,email,address,postal_code,city"]
    invoices = ["number,customer,issue_date,due_date,currency,amount,tax,subject"]
    for n in range(1, count + 1):
        customers.append(
            f"C{n:03d},Client {n},business,FR,fr,compta{n}@client{n}.fr,{n} rue du Port,69002,Lyon"
        )
        invoices.append(f"F-{n:03d},C{n:03d},2017-12-01,2018-01-01,EUR,{100 + n}.00,0,Travaux")
    c = write(tmp_path / "customers.csv", "\n".join(customers) + "\n")
    i = write(tmp_path / "invoices.csv", "\n".join(invoices) + "\n")
    import_ledger_csv(store, CsvKind.CUSTOMERS, c, actor="test")
    import_ledger_csv(store, CsvKind.INVOICES, i, actor="test")
    carry_out(store, date(2018, 2, 5))
    daily_run.run_dunning(store, date(2018, 2, 19))
    ids: list[int] = dunning.approve(store, every=True)
    return ids


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, SmtpMailer]]:
    with serve(Inbox()) as served:
        yield served


def sender_env(mailer: SmtpMailer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELANCE_")}
    env.update(
        RELANCE_SMTP_HOST="127.0.0.1",
        RELANCE_SMTP_PORT=str(mailer.settings.port),
        RELANCE_SMTP_SECURITY="plain",
        RELANCE_SMTP_FROM="relances@atelier-durand.fr",
        COLUMNS="200",
    )
    return env


def start_send(store: Store, out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    db = store.engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [str(RELANCE), "send", "--db", db, "--out", str(out), "--date", SEND_DAY],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_three_senders_at_once_deliver_each_email_exactly_once(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    ids = build_ledger(store, tmp_path)
    env = sender_env(mailer)

    senders = [start_send(store, tmp_path / "out", env) for _ in range(3)]
    outputs = [(p.wait(timeout=600), *p.communicate()) for p in senders]

    # Every debtor got its e-mail once: not twice, not zero times.
    per_address = Counter(str(m["To"]) for m in server.messages())
    assert len(per_address) == len(ids)
    assert set(per_address.values()) == {1}
    assert len({m["Message-ID"] for m in server.messages()}) == len(ids)
    # Each sender ends normally and says what it did; none dies with a traceback.
    for code, out, err in outputs:
        assert code == 0, err
        assert "Traceback" not in out + err
    # Together they printed each letter once, and every action is done.
    statuses = {q.action.status for q in dunning.queue(store, everything=True) if q.id in ids}
    assert statuses == {ActionStatus.DONE}
    with store.begin() as conn:
        batches = conn.execute(select(tl.print_batches)).all()
    assert sum(b.letters for b in batches) == len(ids)
    said = " ".join(out for _, out, _ in outputs)
    emails_said = sum(int(line.split()[0]) for line in said.split("\n") if "e-mails sent" in line)
    assert emails_said == len(ids)


def test_one_broken_email_cell_blocks_that_customer_only_and_names_it(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    server, mailer = inbox
    ids = build_ledger(store, tmp_path, count=4)
    # Two addresses typed in one spreadsheet cell with Alt+Enter, stored as they came.
    set_email(store, "C002", "compta2@client2.fr\ndirection@client2.fr")

    sender = start_send(store, tmp_path / "out", sender_env(mailer))
    code = sender.wait(timeout=600)
    out, err = sender.communicate()

    assert code == 5, err  # blocked: something needs the user
    said = " ".join(out.split())
    assert "Blocked action" in said and "(C002)" in said
    assert "compta2@client2.fr\\ndirection@client2.fr" in said  # the cell, shown as it is
    assert "Traceback" not in out + err
    assert sorted(str(m["To"]) for m in server.messages()) == [
        "compta1@client1.fr",
        "compta3@client3.fr",
        "compta4@client4.fr",
    ]
    done = {q.action.customer_ref for q in dunning.queue(store, everything=True)
            if q.id in ids and q.action.status is ActionStatus.DONE}  # fmt: skip
    assert done == {"C001", "C003", "C004"}


def batch_texts(out: Path) -> dict[str, str]:
    return {
        pdf.name: "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        for pdf in sorted(out.glob("print-batch-*.pdf"))
    }


def kill_when(process: subprocess.Popen[str], moment: Callable[[], bool]) -> int:
    """kill -9 the sender at `moment`; returns its exit status (-9 when it was killed
    before it ended)."""
    while process.poll() is None:
        if moment():
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)  # only to leave the processor to the sender
    code = process.wait(timeout=600)
    process.communicate()
    return code


def letters_written(out: Path, count: int) -> Callable[[], bool]:
    """The moment `count` letter files (or a print batch) are on disk."""

    def moment() -> bool:
        written = [p for p in out.glob("*.pdf") if not p.name.startswith("print-batch")]
        return len(written) >= count or bool(list(out.glob("print-batch-*.pdf")))

    return moment


@pytest.mark.parametrize("moment", ["third e-mail", "first letter file", "last letter file"])
def test_a_sender_killed_mid_send_then_rerun_loses_no_letter_recorded_as_sent(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer], moment: str
) -> None:
    server, mailer = inbox
    ids = build_ledger(store, tmp_path)
    out = tmp_path / "out"
    env = sender_env(mailer)
    moments = {
        "third e-mail": lambda: len(server.received) >= 3,
        "first letter file": letters_written(out, 1),
        "last letter file": letters_written(out, CUSTOMERS),
    }

    assert kill_when(start_send(store, out, env), moments[moment]) == -signal.SIGKILL
    rerun = start_send(store, out, env)
    code = rerun.wait(timeout=600)
    said, err = rerun.communicate()
    if code == 5:  # killed as the server took an e-mail: the user settles it from its log
        assert "relance handover" in said, err
        assert settle_from_the_server_log(store, server) == 1
        rerun = start_send(store, out, env)
        code = rerun.wait(timeout=600)
        said, err = rerun.communicate()
    assert code == 0, err

    # Every letter recorded as sent is in the print batch its evidence names, on disk.
    texts = batch_texts(out)
    with store.begin() as conn:
        batches = {b.id: b.file_name for b in conn.execute(select(tl.print_batches))}
        kept = [e for e in rl.load_evidence(conn) if e.channel == "letter"]
    assert len(kept) == len(ids)
    for evidence in kept:
        assert evidence.print_batch in batches
        assert evidence.reference in texts[batches[evidence.print_batch]]
    # Nothing was overwritten: every batch recorded is a file of its own.
    assert set(batches.values()) <= set(texts)
    # Every debtor got its e-mail, once: an e-mail the kill left in the instant of its
    # hand-over is never sent again without the user's word.
    by_address: dict[str, set[str]] = {}
    for message in server.messages():
        by_address.setdefault(str(message["To"]), set()).add(str(message["Message-ID"]))
    assert len(by_address) == len(ids)
    assert all(len(message_ids) == 1 for message_ids in by_address.values())
    assert len(server.received) == len(ids)


def test_a_second_send_the_same_day_writes_its_own_batch_and_print_rebuilds_any(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer]
) -> None:
    _, mailer = inbox
    build_ledger(store, tmp_path, count=3)
    out = tmp_path / "out"
    env = sender_env(mailer)
    db = store.engine.url.render_as_string(hide_password=False)
    set_email(store, "C002", "compta2@client2.fr\ndirection@client2.fr")
    first = start_send(store, out, env)
    assert first.wait(timeout=600) == 5  # C002 blocked, the two others printed
    first.communicate()
    # The user corrects the address and sends again the same day.
    set_email(store, "C002", "compta2@client2.fr")
    second = start_send(store, out, env)
    assert second.wait(timeout=600) == 0
    second.communicate()

    texts = batch_texts(out)
    assert sorted(texts) == ["print-batch-2018-02-19-001.pdf", "print-batch-2018-02-19-002.pdf"]
    # The first batch still holds its two letters; `relance print 1` writes it again.
    first_batch = (out / "print-batch-2018-02-19-001.pdf").read_bytes()
    (out / "print-batch-2018-02-19-001.pdf").unlink()
    printed = subprocess.run(
        [str(RELANCE), "print", "1", "--db", db, "--out", str(out)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert (out / "print-batch-2018-02-19-001.pdf").read_bytes() == first_batch
    said = " ".join(printed.stdout.split())
    assert "2 letters written again" in said and "the same bytes as the file written" in said


def test_a_send_interrupted_while_recording_its_print_batch_prints_it_once_on_rerun(
    store: Store, tmp_path: Path, inbox: tuple[Inbox, SmtpMailer], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, mailer = inbox
    ids = build_ledger(store, tmp_path, count=2)
    real_mark_all_done_in = dunning.mark_all_done_in

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed while the batch was being recorded")

    # The steps are marked done in the transaction that records the print batch: the
    # process stopping in it leaves neither the batch nor the steps done, and no print
    # file to be printed (the real kill -9 cases are above; this one aims the instant).
    monkeypatch.setattr(dunning, "mark_all_done_in", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer)
    monkeypatch.setattr(dunning, "mark_all_done_in", real_mark_all_done_in)
    assert not list((tmp_path / "out").glob("print-batch-*.pdf"))
    assert {item.id for item in dunning.queue(store)} >= set(ids)  # still to be sent

    report = sending.send_approved(store, date(2018, 2, 19), tmp_path / "out", mailer)

    assert sorted(report.done) == sorted(ids)
    assert report.batch is not None and report.batch.letters == 2
    assert len(server.received) == 2  # the e-mails left once, in the first send
    assert len(list((tmp_path / "out").glob("print-batch-*.pdf"))) == 1
