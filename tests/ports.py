"""Loopback ports for the servers the tests start (aiosmtpd, `relance serve`).

The suite runs in several processes at once (pytest-xdist; README, "Tests"). A port
the kernel hands out for ``bind(("127.0.0.1", 0))`` comes from the ephemeral range, the
same range from which every outgoing connection (to PostgreSQL, to an SMTP server) takes
its local port: between the probe closing and the server binding, another process may take
it. So each test process draws from a band of its own below the ephemeral range, starting
at a random place in it (another checkout's suite may run on the machine at the same time),
and a port is handed out only once it was found free.
"""

from __future__ import annotations

import itertools
import os
import random
import socket

FIRST = 20_000  # below Linux's ephemeral range (32768 and up)
BAND = 500  # ports per test process: 24 processes fit below 32_000

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
_band = FIRST + (int(_worker) if _worker.isdigit() else 0) % 24 * BAND
_next = itertools.count(random.randrange(BAND))


def free_port() -> int:
    """A loopback TCP port nothing listens on, from this test process's own band."""
    for _ in range(BAND):
        port = _band + next(_next) % BAND
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:  # in use, or closing: the next one
                continue
        return port
    raise RuntimeError(f"no free loopback port in {_band}-{_band + BAND - 1}")
