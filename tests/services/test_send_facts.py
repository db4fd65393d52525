"""A send reads the facts of a chunk of actions in one query per kind of fact: each action
is checked and composed from them exactly as it was from the facts read for it alone
(the previous letters, the exchanges, the plans, disputes and promises of its customer
only)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.conftest import create_ledger

from relance.core.contacts import CallOutcome, ContactChannel, Direction
from relance.core.engine import ActionStatus
from relance.core.money import Money
from relance.core.staleness import check_delivery
from relance.services import daily_run, dunning, pauses, sending
from relance.services.composing import DOCUMENT_CHANNELS, compose_action
from relance.services.delivery_check import delivery_facts
from relance.services.demo import build_demo, run_demo_dunning
from relance.services.send_facts import read_facts

DAY = date(2026, 6, 15)


def test_a_chunk_reads_for_each_action_what_it_read_alone(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo", DAY, create_ledger)
    store = demo.store
    run_demo_dunning(store, DAY - timedelta(days=15))
    dunning.approve(store, every=True)
    sending.send_approved(store, DAY - timedelta(days=15), tmp_path / "out", to_files=True)
    daily_run.run_dunning(store, DAY)
    dunning.approve(store, every=True)
    items = [
        item
        for item in dunning.queue(store)
        if item.action.status is ActionStatus.APPROVED
        and any(c in DOCUMENT_CHANNELS for c in item.action.channels)
    ]
    assert len(items) >= 6
    # What the customers said, to three of them: a call with a promise, a promise, a
    # dispute on one invoice; and a plan for a fourth.
    said, promised, disputed, planned = (item.action for item in items[:4])
    pauses.log_contact(store, said.customer_ref, ContactChannel.CALL, DAY - timedelta(days=3),
                       direction=Direction.INCOMING, outcome=CallOutcome.PROMISED)  # fmt: skip
    pauses.promise(store, promised.customer_ref, Money.of("10", "EUR"),
                   DAY - timedelta(days=1), DAY - timedelta(days=9))  # fmt: skip
    pauses.dispute(store, disputed.invoice_numbers[0], "not delivered", DAY - timedelta(days=2))
    pauses.plan(store, planned.customer_ref, list(planned.invoice_numbers), 3,
                DAY - timedelta(days=1), "1m", DAY - timedelta(days=20))  # fmt: skip

    with store.begin() as conn:
        chunk = read_facts(conn, items, DAY)
        assert chunk.disputes and chunk.promises and chunk.plans and chunk.contacts
        assert chunk.letters and chunk.done  # earlier letters kept, earlier steps done
        previous = 0
        for item in items:
            alone = read_facts(conn, [item], DAY)
            facts = delivery_facts(item, chunk)
            assert facts == delivery_facts(item, alone), item.action.customer_ref
            check = check_delivery(facts, DAY)
            if check.stale is not None:
                continue
            composed = compose_action(conn, item, DAY, check.chased, chunk)
            assert composed == compose_action(conn, item, DAY, check.chased, alone)
            assert composed == compose_action(conn, item, DAY, check.chased)
            letter = composed.result.letter
            previous += bool(letter is not None and letter.previous)
        assert previous > 0  # letters that recall earlier ones were compared
