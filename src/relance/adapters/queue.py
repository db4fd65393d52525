"""The job queue: procrastinate, on the ledger's own PostgreSQL database.

Jobs are rows in procrastinate's tables, beside the ledger's; any number of `relance worker`
processes, on any number of machines that reach the database, take them one at a time
(procrastinate locks a job with ``FOR UPDATE SKIP LOCKED``, so no two workers take the
same); a worker killed in the middle of a job stops beating, and the next worker to start
puts its job back on the queue (every relance job may run again: a send claims each action
and never resends what left). procrastinate's schema is its own, versioned with the
library, so it is not an Alembic migration of relance's: it is applied the first time a
queue is opened, under an advisory lock so that two workers starting together apply it
once.

A job's arguments are stored as JSON in the database: they name a ledger by its URL
*without* its password (a worker reads passwords from PGPASSWORD or ~/.pgpass, as libpq
does), never by secrets.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

QUEUE = "relance"
# Any number chosen once: the advisory lock that serialises applying the schema.
_SCHEMA_LOCK = 716_042_001


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (the driver name dropped)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def without_password(url: str) -> str:
    """`url` as a job may store it: no password."""
    return make_url(url).set(password=None).render_as_string(hide_password=False)


def open_queue(url: str, tasks: Mapping[str, Callable[..., Any]]) -> procrastinate.App:
    """The queue in the PostgreSQL database at `url`, its schema applied if missing, with
    `tasks` (name: function) registered; use as ``with open_queue(...) as app``."""
    ensure_schema(url)
    connector = procrastinate.PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=4)
    app = procrastinate.App(connector=connector)
    for name, function in tasks.items():
        app.task(name=name, queue=QUEUE)(function)
    return app


def ensure_schema(url: str) -> None:
    """Apply procrastinate's schema to the database at `url` unless it is there."""
    with psycopg.connect(conninfo(url), autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        present = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if not (present and present[0]):
            conn.execute(SchemaManager.get_schema())
        conn.commit()


def defer(app: procrastinate.App, task: str, **arguments: Any) -> int:
    """Put one job of `task` on the queue; its id."""
    with app.open():
        return app.tasks[task].defer(**arguments)


def defer_many(app: procrastinate.App, task: str, jobs: list[dict[str, Any]]) -> list[int]:
    """Put a job of `task` on the queue for each set of arguments; their ids."""
    with app.open():
        return [app.tasks[task].defer(**arguments) for arguments in jobs]


def work(app: procrastinate.App, *, once: bool, name: str, stalled_after: float = 60) -> int:
    """Put back on the queue the jobs of workers silent for `stalled_after` seconds (killed
    in the middle of a job), then take jobs until stopped (SIGINT, SIGTERM), or, with
    `once`, until the queue is empty. One job at a time: a relance job is work for a
    processor, not waiting. Returns how many stalled jobs were put back."""
    retried = asyncio.run(_retry_stalled(app, stalled_after))
    app.run_worker(queues=[QUEUE], wait=not once, concurrency=1, name=name)
    return retried


async def _retry_stalled(app: procrastinate.App, stalled_after: float) -> int:
    async with app.open_async():
        manager = app.job_manager
        stalled = list(
            await manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_after)
        )
        for job in stalled:
            await manager.retry_job(job)
    if stalled:
        log.warning(
            "%d job(s) of a worker that stopped answering put back on the queue", len(stalled)
        )
    return len(stalled)


def job_counts(app: procrastinate.App) -> dict[tuple[str, str], int]:
    """How many jobs there are of each (task, status)."""
    with app.open():
        jobs = app.job_manager.list_jobs(queue=QUEUE)
        return dict(Counter((job.task_name, str(job.status)) for job in jobs))
