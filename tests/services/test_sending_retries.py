"""SMTP down, SMTP saying "not now", and a line lost in the instant of the hand-over, on
SQLite and PostgreSQL, against a real SMTP server on loopback (aiosmtpd).

The ledger: `count` French businesses, each owing one invoice due on 1 January 2018; on
5 January the courteous e-mail of the informal step is approved for each (the call stays
for the user to make). Nothing may be lost: every e-mail either reaches the server once or
waits, visibly, with the reason; none is sent twice without the user saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from tests.conftest import write
from tests.ports import free_port
from tests.services.test_letters import SENDER, Inbox

from relance.adapters.deliver.smtp import Security, SmtpMailer, SmtpSettings
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import repository_letters as rl
from relance.adapters.storage.database import Store
from relance.core.outbox import OutboxStatus
from relance.services import daily_run, dunning, handover, sending
from relance.services.demo import DEMO_CREDITOR
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

DAY = date(2018, 1, 5)


def email_ledger(store: Store, tmp_path: Path, count: int) -> list[int]:
    """`count` customers, each with one overdue invoice; their informal e-mails approved."""
    init_creditor(store, DEMO_CREDITOR, actor="test")
    customers = ["ref,name,kind,country,language,email"]
    invoices = ["number,customer,issue_date,due_date,currency,amount"]
    for n in range(1, count + 1):
        customers.append(f"C{n:04d},Client {n},business,FR,fr,compta{n}@client{n}.fr")
        invoices.append(f"F{n:04d},C{n:04d},2017-12-01,2018-01-01,EUR,{100 + n}.00")
    c = write(tmp_path / "customers.csv", "\n".join(customers) + "\n")
    i = write(tmp_path / "invoices.csv", "\n".join(invoices) + "\n")
    import_ledger_csv(store, CsvKind.CUSTOMERS, c, actor="test")
    import_ledger_csv(store, CsvKind.INVOICES, i, actor="test")
    daily_run.run_dunning(store, DAY)
    ids: list[int] = dunning.approve(store, every=True)
    return ids


def mailer_at(port: int, waits: list[float], retries: int = 3) -> SmtpMailer:
    """A mailer for loopback `port` whose waits between tries are noted, not slept."""
    settings = SmtpSettings(
        host="127.0.0.1",
        from_address=SENDER,
        port=port,
        security=Security.PLAIN,
        retries=retries,
        retry_delay=0.5,
    )
    return SmtpMailer(settings, sleep=waits.append)


@contextmanager
def serving(handler: Inbox, port: int) -> Iterator[Inbox]:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


class NotNow(Inbox):
    """A server that answers "451 try again later" to the first `refusals` senders."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refusals > 0:
            self.refusals -= 1
            return "451 4.3.2 System busy, try again later"
        envelope.mail_from = address
        return "250 OK"


class DropsAfterAccepting(Inbox):
    """Accepts the `nth` message, then drops the line before its reply reaches relance."""

    def __init__(self, nth: int) -> None:
        super().__init__()
        self.nth = nth

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if len(self.received) == self.nth:
            server.transport.abort()
        return reply


def statuses(store: Store) -> list[OutboxStatus]:
    with store.begin() as conn:
        return [e.record.status for e in rl.outbox_entries(conn)]


def test_a_server_saying_not_now_is_tried_again_with_doubling_waits(
    store: Store, tmp_path: Path
) -> None:
    ids = email_ledger(store, tmp_path, 3)
    waits: list[float] = []
    port = free_port()
    with serving(NotNow(refusals=2), port) as server:
        report = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, waits))
    assert report.blocked == ()
    assert waits == [0.5, 1.0]  # two refusals, then it went through
    assert sorted(str(m["To"]) for m in server.messages()) == [
        f"compta{n}@client{n}.fr" for n in range(1, len(ids) + 1)
    ]
    assert statuses(store) == [OutboxStatus.SENT] * len(ids)


def test_a_server_that_is_down_loses_nothing_and_the_next_run_sends_each_once(
    store: Store, tmp_path: Path
) -> None:
    ids = email_ledger(store, tmp_path, 4)
    waits: list[float] = []
    port = free_port()  # nothing listens there yet

    report = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, waits))

    # The first e-mail went through its retries; the others did not wait again.
    assert waits == [0.5, 1.0, 2.0]
    assert [b.action_id for b in report.blocked] == ids
    said = report.blocked[0].problems[0]
    assert "not sent" in said and f"127.0.0.1:{port} did not answer after 4 tries" in said
    assert "not tried again in this run" in report.blocked[-1].problems[0]
    assert statuses(store) == [OutboxStatus.WAITING] * len(ids)
    # The server is back: the next run sends every e-mail, once.
    with serving(Inbox(), port) as server:
        again = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, []))
    assert again.blocked == () and len(again.emails) == len(ids)
    assert len({m["Message-ID"] for m in server.messages()}) == len(server.received) == len(ids)
    assert statuses(store) == [OutboxStatus.SENT] * len(ids)


def test_a_line_lost_after_the_hand_over_is_never_resent_until_the_user_settles_it(
    store: Store, tmp_path: Path
) -> None:
    ids = email_ledger(store, tmp_path, 3)
    port = free_port()
    with serving(DropsAfterAccepting(nth=2), port) as server:
        first = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, []))
        # The second message reached the server, but relance never heard the reply.
        assert len(server.received) == 3
        (blocked,) = first.blocked
        assert blocked.action_id == ids[1]
        lost = server.messages()[1]["Message-ID"]
        assert lost in blocked.problems[0] and "relance handover" in blocked.problems[0]
        (left,) = handover.unsettled(store)
        assert (left.action_id, left.message_id) == (ids[1], lost)

        # Another send does not send it again: it names it, and waits for the user.
        second = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, []))
        assert [b.action_id for b in second.blocked] == [ids[1]]
        assert len(server.received) == 3

        # The user finds the Message-ID in the server's log: it left.
        handover.settle(store, ids[1], sent=True, actor="claire")
        third = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, []))
    assert third.blocked == () and handover.unsettled(store) == []
    assert len(server.received) == 3 and statuses(store) == [OutboxStatus.SENT] * 3


def test_a_message_the_user_could_not_find_is_resent_under_the_same_message_id(
    store: Store, tmp_path: Path
) -> None:
    ids = email_ledger(store, tmp_path, 2)
    port = free_port()
    with serving(DropsAfterAccepting(nth=1), port) as server:
        sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, []))
        (left,) = handover.unsettled(store)
        handover.settle(store, left.action_id, sent=False, actor="claire")
        again = sending.send_approved(store, DAY, tmp_path / "out", mailer_at(port, []))
    assert again.blocked == () and [e.action_id for e in again.emails] == [ids[0]]
    # Both copies carry one Message-ID: the debtor's mail client shows them as one.
    first, other, resent = (m["Message-ID"] for m in server.messages())
    assert first == resent == left.message_id and other != first
