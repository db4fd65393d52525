"""The dunning process through the services, on SQLite and PostgreSQL: the seeds' invoice
12345 of 100 USD due on 1 January 2018, a customer who never answers, and a user who runs
relance every day, approves what it proposes and carries it out the same day."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import write
from tests.services.seed_timeline import NEVER_ANSWERS_STEPS

from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage import tables as t
from relance.adapters.storage.database import Store
from relance.core.contacts import CallOutcome, ContactChannel, Direction
from relance.core.engine import ActionStatus
from relance.core.model import Creditor
from relance.core.money import Money
from relance.core.queued import RecalledStep
from relance.services import customer_history, daily_run, dunning, pauses, policies
from relance.services.ledger_import import import_ledger_csv
from relance.services.setup import init_creditor

DUE = date(2018, 1, 1)


def seed(store: Store, tmp_path: Path, *, second_invoice: bool = False) -> None:
    init_creditor(store, Creditor("Atelier Durand", "FR", "EUR"), actor="test")
    customers = write(
        tmp_path / "c.csv", "ref,name,kind,country,language\nACME,Acme Ltd,business,US,en\n"
    )
    rows = "number,customer,issue_date,due_date,amount,currency\n12345,ACME,2017-12-01,2018-01-01,100.00,USD\n"
    if second_invoice:
        rows += "12400,ACME,2018-01-10,2018-02-09,50.00,USD\n"
    invoices = write(tmp_path / "i.csv", rows)
    import_ledger_csv(store, CsvKind.CUSTOMERS, customers)
    import_ledger_csv(store, CsvKind.INVOICES, invoices)


def pay(store: Store, tmp_path: Path, on: date, amount: str, invoice: str = "12345") -> None:
    payments = write(
        tmp_path / f"p-{on}.csv",
        f"date,customer,amount,currency,invoice\n{on.isoformat()},ACME,{amount},USD,{invoice}\n",
    )
    import_ledger_csv(store, CsvKind.PAYMENTS, payments)


def desk_day(store: Store, day: date) -> list[str]:
    """One day at the desk: run, approve everything, carry it out; the levels proposed."""
    report = daily_run.run_dunning(store, day, actor="test")
    names = [item.action.level_name for item in report.proposed]
    dunning.approve(store, every=True)
    for item in report.proposed:
        dunning.mark_done(store, item.id, day, outcome=CallOutcome.NO_ANSWER)
    return names


def desk(store: Store, first: date, last: date) -> list[tuple[date, str]]:
    steps = []
    day = first
    while day <= last:
        steps.extend((day, name) for name in desk_day(store, day))
        day += timedelta(days=1)
    return steps


@pytest.mark.parametrize("last", [date(2018, 3, 20)])
def test_the_customer_who_never_answers_gets_every_step_once_on_its_day(store, tmp_path, last):
    seed(store, tmp_path)
    steps = desk(store, date(2017, 12, 30), last)
    assert steps == NEVER_ANSWERS_STEPS
    done = dunning.queue(store, everything=True)
    assert [item.action.status for item in done] == [ActionStatus.DONE] * 6
    final = done[4]
    assert final.action.channels[0].value == "registered_letter"
    assert final.step.formal_notice is True
    assert final.step.balances == (Money.of("100.00", "USD"),)
    assert done[2].step.recalls == RecalledStep(done[1].action.key, "letter1", date(2018, 1, 15))
    # The process has ended: a flag, recorded once however many runs follow.
    with store.begin() as conn:
        kinds = conn.execute(select(t.events.c.kind).where(t.events.c.kind == "flag.process_ended"))
        assert len(list(kinds)) == 1


def test_a_second_run_for_the_same_date_proposes_nothing(store, tmp_path):
    seed(store, tmp_path)
    first = daily_run.run_dunning(store, date(2018, 1, 2))
    assert [item.action.level_name for item in first.proposed] == ["informal"]
    again = daily_run.run_dunning(store, date(2018, 1, 2))
    assert again.proposed == () and again.cancelled == ()
    # Still pending the next day: nothing new either (one action at a time per customer).
    assert daily_run.run_dunning(store, date(2018, 1, 3)).proposed == ()
    assert len(dunning.queue(store)) == 1


def test_a_dry_run_writes_nothing(store, tmp_path):
    seed(store, tmp_path)
    report = daily_run.run_dunning(store, date(2018, 1, 2), dry_run=True)
    assert len(report.proposed) == 1 and report.dry_run
    assert dunning.queue(store) == []


def test_paid_after_level_two_the_customer_leaves_the_process(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 2, 1))
    pay(store, tmp_path, date(2018, 2, 5), "100.00")
    assert desk(store, date(2018, 2, 2), date(2018, 5, 1)) == []
    levels = [item.action.level_name for item in dunning.queue(store, everything=True)]
    assert levels == ["informal", "letter1", "letter2"]


def test_a_pending_action_is_cancelled_when_the_invoice_is_paid(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 14))
    (pending,) = daily_run.run_dunning(store, date(2018, 1, 15)).proposed
    pay(store, tmp_path, date(2018, 1, 16), "100.00")
    report = daily_run.run_dunning(store, date(2018, 1, 16))
    assert [(i, c.reason.value) for i, c in report.cancelled] == [(pending.id, "paid")]
    assert dunning.queue(store) == []
    timeline = [e.kind for e in customer_history.history(store, "ACME")]
    assert timeline[-2:] == ["action.proposed", "action.cancelled"]


def test_unapplied_credit_covering_the_balance_stops_the_reminders(store, tmp_path):
    seed(store, tmp_path)
    # 100 USD received but not matched to the invoice (no invoice named).
    pay(store, tmp_path, date(2017, 12, 28), "100.00", invoice="")
    assert daily_run.run_dunning(store, date(2018, 1, 20)).proposed == ()


def test_a_partial_payment_keeps_the_level_and_lowers_the_balance(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 20))
    pay(store, tmp_path, date(2018, 1, 22), "40.00")
    (step,) = daily_run.run_dunning(store, date(2018, 1, 29)).proposed
    assert step.action.level_name == "letter2"
    assert step.step.balances == (Money.of("60.00", "USD"),)  # 100 - 40


def test_a_dispute_cancels_the_pending_action_and_pauses_until_resolved(store, tmp_path):
    seed(store, tmp_path)
    (pending,) = daily_run.run_dunning(store, date(2018, 1, 2)).proposed
    pauses.dispute(store, "12345", "goods damaged on delivery", date(2018, 1, 3))
    (cancelled,) = dunning.queue(store, everything=True)
    assert (cancelled.id, cancelled.action.status) == (pending.id, ActionStatus.CANCELLED)
    assert cancelled.cancel_reason == "disputed"
    assert daily_run.run_dunning(store, date(2018, 2, 1)).proposed == ()
    with pytest.raises(ValueError, match="already disputed"):
        pauses.dispute(store, "12345", "again", date(2018, 2, 1))
    pauses.resolve(store, "12345", date(2018, 2, 10), resolution="not damaged")
    (back,) = daily_run.run_dunning(store, date(2018, 2, 10)).proposed
    assert back.action.level_name == "informal"


def test_a_promise_kept_ends_the_process_and_a_broken_one_resumes_it(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 20))
    pauses.promise(store, "ACME", Money.of("100", "USD"), date(2018, 2, 1), date(2018, 1, 21))
    # Paused until 1 February plus 3 days of grace: nothing proposed.
    assert desk(store, date(2018, 1, 21), date(2018, 2, 4)) == []
    # Broken on 5 February: the next level at once.
    assert desk(store, date(2018, 2, 5), date(2018, 2, 5)) == [(date(2018, 2, 5), "letter2")]
    with store.begin() as conn:
        broken = conn.execute(
            select(func.count()).where(t.events.c.kind == "flag.promise_broken")
        ).scalar_one()
    assert broken == 1


def test_a_promise_kept(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 20))
    pauses.promise(store, "ACME", Money.of("100", "USD"), date(2018, 2, 1), date(2018, 1, 21))
    pay(store, tmp_path, date(2018, 1, 30), "100.00")
    assert desk(store, date(2018, 1, 21), date(2018, 4, 1)) == []


def test_a_plan_replaces_the_process_until_an_instalment_is_missed(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 20))
    agreed = pauses.plan(store, "ACME", ["12345"], 2, date(2018, 2, 1), "1m", date(2018, 1, 21))
    assert [str(i.amount) for i in agreed.instalments] == ["50.00 USD", "50.00 USD"]
    pay(store, tmp_path, date(2018, 2, 1), "50.00")
    # First instalment paid; the second, due 1 March, is not: missed after 5 days' grace.
    assert desk(store, date(2018, 1, 21), date(2018, 3, 6)) == []
    assert desk(store, date(2018, 3, 7), date(2018, 3, 7)) == [(date(2018, 3, 7), "letter2")]


def test_a_hold_stops_everything_until_released(store, tmp_path):
    seed(store, tmp_path)
    (pending,) = daily_run.run_dunning(store, date(2018, 1, 2)).proposed
    pauses.hold(store, "ACME", "talks with their director", date(2018, 1, 3))
    assert dunning.queue(store) == []
    assert daily_run.run_dunning(store, date(2018, 2, 1)).proposed == ()
    assert pauses.holds_in_force(store, date(2018, 2, 1)) == {"ACME": "talks with their director"}
    pauses.release(store, "ACME", date(2018, 2, 2))
    assert pauses.holds_in_force(store, date(2018, 2, 2)) == {}
    (step,) = daily_run.run_dunning(store, date(2018, 2, 2)).proposed
    assert step.id != pending.id and step.action.level_name == "informal"


def test_a_call_that_reaches_the_customer_restarts_the_wait(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 15))
    warnings = pauses.log_contact(
        store, "ACME", ContactChannel.CALL, date(2018, 1, 20),
        outcome=CallOutcome.REACHED, at_time=time(10, 0),
    )  # fmt: skip
    assert warnings == []
    # Letter 2 comes 14 days after the response (3 February), not after letter 1.
    assert desk(store, date(2018, 1, 16), date(2018, 2, 3)) == [(date(2018, 2, 3), "letter2")]


def test_a_call_outside_the_allowed_hours_is_logged_with_a_warning(store, tmp_path):
    seed(store, tmp_path)
    warnings = pauses.log_contact(
        store, "ACME", ContactChannel.CALL, date(2018, 1, 3), at_time=time(21, 30)
    )
    assert warnings and "08:00-21:00" in warnings[0]
    pauses.log_contact(
        store, "ACME", ContactChannel.EMAIL, date(2018, 1, 4), direction=Direction.INCOMING
    )
    kinds = [e.kind for e in customer_history.history(store, "ACME")]
    assert kinds[-2:] == ["contact.call", "contact.email"]


def test_only_an_approved_action_can_be_done(store, tmp_path):
    seed(store, tmp_path)
    (pending,) = daily_run.run_dunning(store, date(2018, 1, 2)).proposed
    with pytest.raises(ValueError, match="approve it"):
        dunning.mark_done(store, pending.id, date(2018, 1, 2))
    with pytest.raises(LookupError):
        dunning.approve(store, [pending.id + 99])
    dunning.cancel(store, pending.id, reason="we phoned them already")
    with pytest.raises(ValueError, match="cancelled"):
        dunning.approve(store, [pending.id])


def test_a_new_overdue_invoice_joins_the_next_step_at_its_own_stage(store, tmp_path):
    seed(store, tmp_path, second_invoice=True)
    steps = desk(store, date(2018, 1, 1), date(2018, 2, 12))
    assert [name for _, name in steps] == ["informal", "letter1", "letter2", "letter3"]
    last = dunning.queue(store, everything=True)[-1]
    # 12400 fell due on 9 February and joined letter 3 of 12345, listed apart at its own
    # first reminder: letter 3 covers 12345 only.
    assert last.action.invoice_numbers == ("12345", "12400")
    assert last.action.covered == ("12345",)
    assert [(i.number, i.stage_name, i.covered) for i in last.step.invoices] == [
        ("12345", "letter3", True),
        ("12400", "informal", False),
    ]
    assert last.step.invoices[0].history == (
        ("informal", date(2018, 1, 2)),
        ("letter1", date(2018, 1, 15)),
        ("letter2", date(2018, 1, 29)),
    )
    assert last.step.balances == (Money.of("150.00", "USD"),)


def test_policies_export_and_import(store, tmp_path):
    seed(store, tmp_path)
    text = policies.export_policy(store, "business")
    path = write(
        tmp_path / "business.toml", text.replace("after_due_days = 14", "after_due_days = 10")
    )
    imported = policies.import_policy(store, path)
    assert imported.levels[1].after_due_days == 10
    assert {p.name for p in policies.policies(store)} == {"business", "consumer"}
    bad = write(tmp_path / "bad.toml", text.replace('tone = "firm"', 'tone = "rude"'))
    with pytest.raises(ValueError, match="level 'letter3', field 'tone'"):
        policies.import_policy(store, bad)
    # Letter 1 now comes on day 10 (11 January) instead of day 14.
    steps = desk(store, date(2018, 1, 1), date(2018, 1, 12))
    assert steps == [(date(2018, 1, 2), "informal"), (date(2018, 1, 11), "letter1")]
