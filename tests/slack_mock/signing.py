"""Request signing exactly as Slack signs what it sends to an app (HTTP mode)."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign_request(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The two headers Slack adds: ``v0=`` + hex HMAC-SHA256 of ``v0:{ts}:{body}``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    base = b"v0:" + str(stamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": f"v0={digest}"}
