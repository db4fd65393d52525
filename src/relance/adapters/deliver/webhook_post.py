"""Posting one webhook: an HTTP POST with a short timeout, through the standard library.

No redirect is followed (a receiver that moved says so with its new URL, given by hand),
and any answer counts: the caller decides that 2xx is delivered and anything else, or no
answer, is tried again later.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

TIMEOUT = 10.0  # seconds: a receiver acknowledges and works afterwards
_KEPT_ERROR = 300  # characters of an error kept in the log


@dataclass(frozen=True, slots=True)
class PostResult:
    """What came of one post: the status code (None without an answer), how long it
    took, and the error when there was no 2xx."""

    status_code: int | None
    duration_ms: int
    error: str = ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Never follow: a 3xx is the answer."""
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: Mapping[str, str], timeout: float = TIMEOUT) -> PostResult:
    """POST `body` to `url` with `headers`; the status code, the time taken, the error."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as answer:
            answer.read(1 << 16)  # a little of the body, so the connection ends cleanly
            code = int(answer.status)
            error = ""
    except urllib.error.HTTPError as answer:
        code = int(answer.code)
        error = f"HTTP {code} {answer.reason}"
        answer.close()
    except (urllib.error.URLError, OSError, ValueError) as failure:
        reason = getattr(failure, "reason", failure)
        text = str(reason)[:_KEPT_ERROR] or type(failure).__name__
        return PostResult(None, _since(started), text)
    return PostResult(code, _since(started), error[:_KEPT_ERROR])


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
