"""Login throttling: too many failed logins lock an account, and an address, for a while.

Kept in the memory of the `relance serve` process (a restart forgets it): failures are
counted over a sliding window per account and per client address, and a success clears
the account's count. The clock is passed in, so tests drive time without waiting.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class LoginThrottle:
    """Counts failed logins; `blocked_for` says how long a new attempt must wait."""

    per_account: int = 5  # failures allowed per account within the window
    per_address: int = 20  # failures allowed per client address (many accounts tried)
    window: timedelta = timedelta(minutes=15)
    clock: Callable[[], datetime] = _utc_now
    _failures: dict[str, deque[datetime]] = field(default_factory=dict)

    def blocked_for(self, account: str, address: str) -> timedelta | None:
        """How long `account` from `address` must wait before trying again, or None."""
        now = self.clock()
        waits = [
            self._wait(f"account:{account}", self.per_account, now),
            self._wait(f"address:{address}", self.per_address, now),
        ]
        found = [wait for wait in waits if wait is not None]
        return max(found) if found else None

    def failed(self, account: str, address: str) -> None:
        """Count one failed login of `account` from `address`."""
        now = self.clock()
        for key in (f"account:{account}", f"address:{address}"):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, account: str) -> None:
        """Forget the account's failures (its address keeps its own count)."""
        self._failures.pop(f"account:{account}", None)

    def _wait(self, key: str, allowed: int, now: datetime) -> timedelta | None:
        times = self._failures.get(key)
        if not times:
            return None
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:  # forgotten: the memory holds only the addresses failing lately
            del self._failures[key]
            return None
        if len(times) < allowed:
            return None
        return times[0] + self.window - now
