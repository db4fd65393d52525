"""Use case: post the webhook deliveries that are due, signed, and log every attempt.

One pass takes the due deliveries a batch at a time, each batch claimed for a while (a
lease) in a short transaction, so any number of deliverers (`relance webhook deliver`
from cron, `relance worker`, `relance serve`) can run at once and none posts what another
took. A delivery answered 2xx is delivered; any other answer, or none, is tried again
after a growing wait with some jitter (`relance.core.webhooks.RETRY_DELAYS`), and fails
after the last attempt (`relance webhook retry` sends it again).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from relance.adapters.deliver import webhook_post
from relance.adapters.storage import repository_webhooks as hooks_repo
from relance.adapters.storage.database import Store
from relance.adapters.storage.repository_sending import exclusive
from relance.core.webhooks import Attempt, Delivery, DeliveryStatus, headers, next_attempt

log = logging.getLogger(__name__)

BATCH = 20
EVERY = 10.0  # seconds between two passes of a background deliverer
# Longer than a batch of posts can take (BATCH x the post timeout): a deliverer that died
# mid-batch leaves its deliveries to others after this.
LEASE = timedelta(seconds=BATCH * webhook_post.TIMEOUT + 60)
Poster = Callable[[str, bytes, Mapping[str, str]], webhook_post.PostResult]


@dataclass
class PassReport:
    """What one pass did: deliveries posted, delivered, to be tried again, failed."""

    attempted: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def deliver_due(
    store: Store,
    now: datetime | None = None,
    *,
    post: Poster = webhook_post.post,
    spread: Callable[[], float] = random.random,
    limit: int | None = None,
) -> PassReport:
    """Post every delivery due at `now` (at most `limit`), batch by batch; what it did."""
    now = now or datetime.now(UTC)
    report = PassReport()
    while limit is None or report.attempted < limit:
        size = BATCH if limit is None else min(BATCH, limit - report.attempted)
        with store.begin() as conn:  # most passes find nothing: no write lock for that
            if not hooks_repo.any_due(conn, now):
                break
        with exclusive(store.engine) as conn:
            batch = hooks_repo.claim_due(conn, now, now + LEASE, size)
        if not batch:
            break
        for delivery, secret in batch:
            _attempt(store, delivery, secret, now, post, spread, report)
    return report


def _attempt(
    store: Store,
    delivery: Delivery,
    secret: str,
    now: datetime,
    post: Poster,
    spread: Callable[[], float],
    report: PassReport,
) -> None:
    """Post one delivery and record the attempt and where the delivery stands."""
    signed = headers(secret, delivery.event_id, int(now.timestamp()), delivery.payload)
    result = post(delivery.url, delivery.payload, signed)
    attempt = Attempt(delivery.id, now, result.status_code, result.duration_ms, result.error)
    report.attempted += 1
    if attempt.succeeded:
        status, next_at = DeliveryStatus.DELIVERED, None
        report.delivered += 1
    else:
        next_at = next_attempt(delivery.attempts + 1, now, spread())
        status = DeliveryStatus.FAILED if next_at is None else DeliveryStatus.PENDING
        if next_at is None:
            report.failed += 1
        else:
            report.retrying += 1
    with store.begin() as conn:
        hooks_repo.record_attempt(conn, attempt, status, next_at)


class Background:
    """A thread that delivers what is due every `every` seconds, beside a long-running
    process (`relance worker`, `relance serve`) until `stop`; a pass that fails is logged
    and the next one tries again."""

    def __init__(self, store: Store, every: float = EVERY) -> None:
        self.store, self.every = store, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="relance-webhooks", daemon=True)

    def start(self) -> Background:
        """Start delivering; the deliverer itself."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the pass under way, if any."""
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = deliver_due(self.store)
                if report.attempted:
                    log.info(
                        "webhooks: %d posted, %d delivered, %d to retry, %d failed",
                        report.attempted, report.delivered, report.retrying, report.failed,
                    )  # fmt: skip
            except Exception:  # the database or network failed: the next pass tries again
                log.exception("webhooks: the delivery pass failed")
            self._stop.wait(self.every)
