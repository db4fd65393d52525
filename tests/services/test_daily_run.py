"""The daily run only moves forward, and leaves out what is no longer the creditor's to
chase: the seeds' invoice 12345 of 100 USD due on 1 January 2018, run every day by a
user who carries out each step the day it is proposed (SQLite and PostgreSQL).

Before: after runs up to 9 November, a run dated 1 August restarted the process with
informal e-mails to customers already with an agency or a lawyer.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from tests.services.test_dunning import desk, desk_day, seed

from relance.adapters.storage import tables as t
from relance.adapters.storage import tables_dunning as d
from relance.core.engine import ActionStatus
from relance.core.limitation import InterruptionKind
from relance.core.proceedings import ProceedingKind
from relance.core.writeoff import HandoffStatus
from relance.services import daily_run, dunning, law, limitation, proceedings


def counts(store) -> tuple[int, int, int]:
    with store.begin() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (d.dunning_actions, t.events, d.dunning_runs)
        )


def test_a_run_dated_before_the_last_run_is_refused_and_writes_nothing(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 2, 12))
    before = counts(store)
    with pytest.raises(daily_run.RunGoesBack, match="the last run was for 2018-02-12"):
        daily_run.run_dunning(store, date(2018, 1, 2))
    with pytest.raises(daily_run.RunGoesBack):
        daily_run.run_dunning(store, date(2018, 1, 2), dry_run=True)
    assert counts(store) == before
    # The same day again is no going back: it proposes nothing new.
    assert daily_run.run_dunning(store, date(2018, 2, 12)).proposed == ()


def test_a_replay_shows_the_decisions_of_that_day_and_writes_nothing(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 2, 12))
    before = counts(store)
    replayed = daily_run.run_dunning(store, date(2018, 1, 15), replay=True)
    assert replayed.replay
    assert [(i.action.customer_ref, i.action.level_name) for i in replayed.proposed] == [
        ("ACME", "letter1")
    ]
    assert daily_run.run_dunning(store, date(2018, 1, 20), replay=True).proposed == ()
    assert counts(store) == before


def test_an_invoice_with_an_agency_gets_nothing_more_and_its_pending_step_is_cancelled(
    store, tmp_path
):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 28))
    report = daily_run.run_dunning(store, date(2018, 1, 29))  # letter 2, left in the queue
    (pending,) = report.proposed
    law.record_handoff(store, "12345", "Recouvr'Est", HandoffStatus.WITH_AGENCY, date(2018, 1, 30))
    later = daily_run.run_dunning(store, date(2018, 2, 1))
    assert [(action_id, c.reason.value) for action_id, c in later.cancelled] == [
        (pending.id, "handed_over")
    ]
    assert desk(store, date(2018, 2, 2), date(2018, 4, 30)) == []
    # The agency hands the claim back: it is chased again from where it stood.
    law.record_handoff(store, "12345", "Recouvr'Est", HandoffStatus.RETURNED_BY_AGENCY,
                       date(2018, 5, 1))  # fmt: skip
    assert desk_day(store, date(2018, 5, 1)) == ["letter2"]


def test_an_invoice_before_the_courts_gets_nothing_more(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 20))
    limitation.record_interruption(store, "12345", InterruptionKind.LEGAL_ACTION, date(2018, 1, 21))
    assert desk(store, date(2018, 1, 21), date(2018, 6, 30)) == []


def test_a_customer_in_insolvency_proceedings_gets_nothing_until_they_end(store, tmp_path):
    seed(store, tmp_path)
    desk(store, date(2018, 1, 1), date(2018, 1, 28))
    (pending,) = daily_run.run_dunning(store, date(2018, 1, 29)).proposed
    proceedings.open_proceeding(
        store, "ACME", ProceedingKind.INSOLVENCY, date(2018, 1, 30), note="redressement judiciaire"
    )
    (cancelled,) = dunning.queue(store, everything=True)[-1:]
    assert (cancelled.id, cancelled.action.status) == (pending.id, ActionStatus.CANCELLED)
    assert cancelled.cancel_reason == "proceedings"
    assert desk(store, date(2018, 1, 30), date(2018, 5, 31)) == []
    proceedings.end_proceeding(store, "ACME", date(2018, 6, 1), note="plan adopted")
    assert desk_day(store, date(2018, 6, 1)) == ["letter2"]
    with pytest.raises(LookupError):
        proceedings.end_proceeding(store, "ACME", date(2018, 6, 2))
