"""Logging: levels from the settings, noisy clients pinned, secrets scrubbed."""

from __future__ import annotations

import logging
from typing import Literal

from hypercare.config import SECRET_FIELDS, Settings

#: Client libraries that log request payloads (odoorpc logs the password at DEBUG).
PINNED_LOGGERS = ("odoorpc", "httpx", "httpcore", "urllib3", "slack_sdk", "slack_bolt", "alembic")


class SecretScrubber(logging.Filter):
    """Replaces every configured secret value in a record's message by ``********``."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        from hypercare.errors import mask_credentials

        message = record.getMessage()
        scrubbed = mask_credentials(message)  # user:password@ in any URL
        for secret in self._secrets:
            scrubbed = scrubbed.replace(secret, "********")
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


def secret_values(settings: Settings) -> list[str]:
    """The plain values of every configured secret (to scrub them)."""
    from hypercare.errors import HypercareError

    values: list[str] = []
    for section, name in SECRET_FIELDS:
        secret = getattr(getattr(settings, section), name)
        if secret is not None:
            values.append(secret.get_secret_value())
    resolvers = (settings.odoo.resolved_password, settings.odoo.resolved_api_key)
    for resolve in resolvers:
        try:
            found = resolve()
        except HypercareError:  # reported where the secret is used
            continue
        if found is not None:
            values.append(found.get_secret_value())
    slack_names: tuple[Literal["bot_token", "app_token", "signing_secret"], ...] = (
        "bot_token",
        "app_token",
        "signing_secret",
    )
    for slack_name in slack_names:
        try:
            token = settings.slack.resolved(slack_name)
        except HypercareError:
            continue
        if token is not None:
            values.append(token.get_secret_value())
    return sorted(set(values), key=len, reverse=True)


def configure_logging(settings: Settings, *, debug: bool = False) -> None:
    """Configure the root logger once per process."""
    level = logging.DEBUG if debug else getattr(logging, settings.log_level)
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretScrubber(secret_values(settings)))
    root.handlers = [handler]
    root.setLevel(level)
    for name in PINNED_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
