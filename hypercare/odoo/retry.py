"""Bounded retries with exponential backoff and full jitter.

Only *transient* failures are retried: connection errors, timeouts, HTTP 502/503/504 and HTML
error pages (a proxy in front of Odoo). A transport signals one by raising :class:`TransientError`
that wraps the error to report once the retries are used up. Authentication, access, missing-model
and server errors are raised directly and are therefore never retried.

A failure after which the server *may* have processed the request (a read timeout, a 502 from a
proxy) is only retried for idempotent calls (reads); a write is retried only when the request
certainly never reached Odoo (connection refused, 503).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from hypercare.errors import OdooError

T = TypeVar("T")


class TransientError(Exception):
    """A failure worth retrying; ``error`` is what the caller sees when retries run out."""

    def __init__(self, error: OdooError, *, maybe_processed: bool = True) -> None:
        super().__init__(error.message)
        self.error = error
        self.maybe_processed = maybe_processed


@dataclass
class RetryPolicy:
    """How often and how patiently to retry.

    ``retries`` is the number of *extra* attempts; the delay before retry ``n`` (0-based) is a
    uniform random value in ``[0, backoff * 2**n]`` ("full jitter"), capped at ``max_delay``.
    """

    retries: int = 3
    backoff: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        ceiling = min(self.max_delay, self.backoff * (2**attempt))
        return self.rng.uniform(0.0, ceiling) if ceiling > 0 else 0.0


def run_with_retry(
    attempt: Callable[[], T],
    policy: RetryPolicy,
    *,
    idempotent: bool = True,
    on_retry: Callable[[TransientError], None] | None = None,
) -> T:
    """Call ``attempt`` until it succeeds, a non-transient error occurs or retries run out."""
    tries = 0
    while True:
        try:
            return attempt()
        except TransientError as exc:
            retryable = idempotent or not exc.maybe_processed
            if not retryable or tries >= policy.retries:
                raise exc.error from None
            if on_retry is not None:
                on_retry(exc)
            policy.sleep(policy.delay(tries))
            tries += 1
