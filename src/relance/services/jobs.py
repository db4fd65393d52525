"""Use case: long work as jobs, taken by `relance worker` processes on PostgreSQL and run
in-process on SQLite.

Three kinds of job, each naming its ledger by URL (without password) and its day:

- `relance.send`: deliver a slice of the approved actions (`sending.send_approved` with
  `only`); each action is still claimed before it is delivered (`relance.services.claims`),
  so slices sent by several workers never deliver an action twice;
- `relance.run`: the daily run of one ledger (several ledgers: one job each);
- `relance.import`: a ledger CSV import, from a file every worker can read.

`submit_send`, `submit_runs` and `submit_import` put the jobs on the queue of a PostgreSQL
ledger (`relance.adapters.queue`) and return at once; on SQLite there is no queue and no
second process may write, so the same jobs run one after the other in this process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from relance.adapters import queue
from relance.adapters.formats.ledger_csv import CsvKind
from relance.adapters.storage.database import Store
from relance.services import daily_run, letters, sending, webhook_delivery
from relance.services.ledger_import import import_ledger_csv

log = logging.getLogger(__name__)

SEND, RUN, IMPORT = "relance.send", "relance.run", "relance.import"
# A worker beats every 10 seconds: one silent for a minute was killed or lost its machine.
STALLED_AFTER = 60.0
SLICE = 200  # actions per send job: long enough to be worth a job, short enough to share


@dataclass(frozen=True, slots=True)
class Submitted:
    """Jobs handed over: how many, covering what, and whether they wait on the queue
    (PostgreSQL) or were done here (SQLite)."""

    jobs: int
    items: int
    queued: bool


class Ledgers:
    """The stores jobs run against: the worker's own ledger, and others opened once."""

    def __init__(self, home: Store, opener: Callable[[str], Store]) -> None:
        self.home = home
        self.opener = opener
        self.opened: dict[str, Store] = {}

    def get(self, ledger: str) -> Store:
        """The store of `ledger` (a URL without password)."""
        if ledger == queue.without_password(_url(self.home)):
            return self.home
        if ledger not in self.opened:
            self.opened[ledger] = self.opener(ledger)
        return self.opened[ledger]


def tasks(ledgers: Ledgers) -> dict[str, Callable[..., Any]]:
    """The job functions, by task name, running against `ledgers`."""

    def send(ledger: str, as_of: str, out_dir: str, action_ids: list[int]) -> None:
        mailer, sender = letters.smtp_mailer()
        report = sending.send_approved(
            ledgers.get(ledger), date.fromisoformat(as_of), Path(out_dir), mailer,
            sender=sender, only=action_ids,
        )  # fmt: skip
        log.info(
            "send job: %d action(s), %d done, %d e-mail(s), %d blocked, %d left to others",
            len(action_ids), len(report.done), len(report.emails), len(report.blocked),
            len(report.left_to_others),
        )  # fmt: skip

    def run(ledger: str, as_of: str) -> None:
        report = daily_run.run_dunning(ledgers.get(ledger), date.fromisoformat(as_of))
        log.info("run job: %d proposal(s) on %s", len(report.proposed), as_of)

    def import_csv(ledger: str, kind: str, path: str) -> None:
        import_ledger_csv(ledgers.get(ledger), CsvKind(kind), Path(path), actor="worker")

    return {SEND: send, RUN: run, IMPORT: import_csv}


def submit_send(store: Store, as_of: date, out_dir: Path, slice_size: int = SLICE) -> Submitted:
    """One send job per `slice_size` actions waiting to be delivered."""
    ids = sending.pending_ids(store)
    slices = [ids[n : n + slice_size] for n in range(0, len(ids), slice_size)]
    ledger = queue.without_password(_url(store))
    jobs = [
        {"ledger": ledger, "as_of": as_of.isoformat(), "out_dir": str(out_dir.resolve()),
         "action_ids": part}
        for part in slices
    ]  # fmt: skip
    return _submit(store, SEND, jobs, len(ids))


def submit_runs(store: Store, as_of: date, ledgers: list[str]) -> Submitted:
    """One daily-run job per ledger (the store's own when `ledgers` is empty)."""
    named = [queue.without_password(url) for url in ledgers] or [
        queue.without_password(_url(store))
    ]
    jobs = [{"ledger": ledger, "as_of": as_of.isoformat()} for ledger in named]
    return _submit(store, RUN, jobs, len(jobs))


def submit_import(store: Store, kind: CsvKind, path: Path) -> Submitted:
    """One import job for the file at `path`."""
    job = {"ledger": queue.without_password(_url(store)), "kind": kind.value,
           "path": str(path.resolve())}  # fmt: skip
    return _submit(store, IMPORT, [job], 1)


def work(
    store: Store,
    opener: Callable[[str], Store],
    *,
    once: bool,
    name: str,
    stalled_after: float = STALLED_AFTER,
) -> int:
    """Take jobs from the queue of the PostgreSQL ledger `store` until stopped, or until
    the queue is empty with `once`; first put back the jobs of workers silent for
    `stalled_after` seconds. Returns how many were put back."""
    if not _queued(store):
        raise ValueError("a SQLite ledger has no job queue: its jobs run in the command itself")
    app = queue.open_queue(_url(store), tasks(Ledgers(store, opener)))
    # Webhooks are delivered beside the jobs: each worker claims its own (SKIP LOCKED).
    deliverer = webhook_delivery.Background(store).start()
    try:
        return queue.work(app, once=once, name=name, stalled_after=stalled_after)
    finally:
        deliverer.stop()
        if once:  # what the jobs just emitted
            webhook_delivery.deliver_due(store)


def job_counts(store: Store) -> dict[tuple[str, str], int]:
    """How many jobs of each (task, status) the ledger's queue holds (none on SQLite)."""
    if not _queued(store):
        return {}
    return queue.job_counts(queue.open_queue(_url(store), {}))


def _submit(store: Store, task: str, jobs: list[dict[str, Any]], items: int) -> Submitted:
    if _queued(store):
        app = queue.open_queue(_url(store), tasks(Ledgers(store, _refuse)))
        return Submitted(len(queue.defer_many(app, task, jobs)), items, True)
    run_here = tasks(Ledgers(store, _refuse))[task]
    for job in jobs:
        run_here(**job)
    return Submitted(len(jobs), items, False)


def _refuse(ledger: str) -> Store:
    raise LookupError(f"{ledger}: another ledger's jobs run on a worker, not in this command")


def _queued(store: Store) -> bool:
    return store.engine.dialect.name == "postgresql"


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)
