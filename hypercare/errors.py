"""The one error tree of hypercare.

Every failure a user can act on is a ``HypercareError``: it carries a one-line
``message`` (what happened) and a ``hint`` (what to do next). Each front end
renders them once: the CLI prints ``error: <message>`` and ``hint: <hint>`` to
stderr (traceback only with ``--debug``), the TUI shows a notification or
modal, the bot answers with an ephemeral message.

Messages never contain secrets (passwords, API keys, tokens, signing secrets).

::

    HypercareError                      exit 1
    ├── ConfigError                     exit 2  invalid or missing setting
    ├── UsageError                      exit 2  bad command-line usage
    ├── TicketNotFoundError                     no synced ticket has that reference
    ├── AccessDeniedError               exit 3  the person's role does not allow it
    ├── OdooError                               anything talking to Odoo
    │   ├── OdooUnreachableError                wrong URL, refused, timeout, DNS
    │   ├── OdooProtocolError                   answered, but not like an Odoo (HTML page, bad JSON)
    │   ├── OdooDatabaseError                   database name unknown on that server
    │   ├── OdooAuthError                       login returned false / JSON-2 401
    │   ├── OdooAccessError                     access denied on a named model
    │   ├── OdooModelMissingError               model unknown (app not installed)
    │   ├── OdooServerError                     server-side exception (UserError, 500 ...)
    │   └── OdooWriteForbiddenError             write refused by hypercare's write_mode
    ├── SyncError                               a sync run failed (wraps the cause)
    ├── StoreError                              database problems
    │   ├── StoreUnavailableError               cannot open/connect the store
    │   ├── SchemaBehindError                   store schema older than the code
    │   └── SchemaAheadError                    store schema newer than the code
    └── SlackError                              Slack configuration or delivery
        └── SlackConfigError            exit 2  a Slack token or secret missing or malformed
"""

from __future__ import annotations

import re

_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]*@")


def mask_credentials(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` masked."""
    return _CREDENTIALS.sub(r"\1:***@", text)


class HypercareError(Exception):
    """Base of every error hypercare reports to a person.

    Example::

        raise OdooAuthError(
            "Odoo refused the login 'bot@acme.com' on database 'acme'",
            hint="Check HYPERCARE_ODOO__LOGIN and the password or API key.",
        )
    """

    exit_code: int = 1
    default_hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = mask_credentials(message)  # a URL may carry a password: never shown
        super().__init__(message)
        self.message = message
        self.hint = mask_credentials(hint if hint is not None else self.default_hint)

    def __str__(self) -> str:
        return self.message


class ConfigError(HypercareError):
    """A setting is missing, malformed or contradictory."""

    exit_code = 2
    default_hint = "Run `hypercare config show` to see the effective settings."


class UsageError(HypercareError):
    """The command line itself is wrong."""

    exit_code = 2


class AccessDeniedError(HypercareError):
    """The person acting may not do this (their role, or the ticket's company); nothing was
    changed. Decided only by :mod:`hypercare.services.access`."""

    exit_code = 3
    default_hint = "Ask a command-center lead."


class TicketNotFoundError(HypercareError):
    """No synced ticket has that reference."""

    exit_code = 1
    default_hint = "Check the reference with `hypercare tickets list`, or run `hypercare sync`."


class OdooError(HypercareError):
    """Base for every failure while talking to Odoo."""

    default_hint = "Run `hypercare config check` to probe the Odoo connection."


class OdooUnreachableError(OdooError):
    """No answer: wrong URL or port, connection refused, DNS failure, timeout."""

    default_hint = "Check HYPERCARE_ODOO__URL and that the server is up and reachable from here."


class OdooProtocolError(OdooError):
    """The server answered, but not as Odoo does (an HTML error page, bad JSON)."""

    default_hint = (
        "Check that HYPERCARE_ODOO__URL points at the Odoo server itself "
        "(not a proxy error page or another web site)."
    )


class OdooDatabaseError(OdooError):
    """The database name is not known to that server."""

    default_hint = "Check HYPERCARE_ODOO__DB (the database name shown on Odoo's login page)."


class OdooAuthError(OdooError):
    """Wrong login, password or API key."""

    default_hint = (
        "Check HYPERCARE_ODOO__LOGIN and HYPERCARE_ODOO__PASSWORD or HYPERCARE_ODOO__API_KEY "
        "(API keys expire: create a new one under Preferences > Account Security)."
    )


class OdooAccessError(OdooError):
    """The technical user may not read or write a model."""

    def __init__(self, message: str, *, model: str = "", hint: str | None = None) -> None:
        super().__init__(
            message,
            hint=hint
            or (
                f"Give the technical user read access to '{model}' "
                "(Settings > Users > Access Rights), or leave that feature off."
            ),
        )
        self.model = model


class OdooModelMissingError(OdooError):
    """The model does not exist: the app is not installed."""

    def __init__(self, message: str, *, model: str = "", hint: str | None = None) -> None:
        super().__init__(
            message,
            hint=hint
            or f"Install the Odoo app that provides '{model}', or check the Odoo edition.",
        )
        self.model = model


class OdooServerError(OdooError):
    """Odoo raised an exception while serving the call."""

    default_hint = "Look at the Odoo server log for the traceback; retry later if it is transient."


class OdooWriteForbiddenError(OdooError):
    """hypercare's own write_mode forbids this write."""

    default_hint = (
        "Raise odoo.write_mode (off < create_and_note < full) in hypercare.toml "
        "or HYPERCARE_ODOO__WRITE_MODE if this write is wanted."
    )


class SyncError(HypercareError):
    """A sync run failed; the store keeps everything committed before the failure."""

    default_hint = "Run `hypercare sync --status` for details, fix the cause, then sync again."


class StoreError(HypercareError):
    """The local store (SQLite or PostgreSQL) failed."""

    default_hint = "Check HYPERCARE_DATABASE_URL and that the database is reachable."


class StoreUnavailableError(StoreError):
    """The store cannot be opened or reached."""


class SchemaBehindError(StoreError):
    """The store's schema is older than this version of hypercare."""

    exit_code = 2
    default_hint = "Run `hypercare db upgrade` (safe to run from several machines at once)."


class SchemaAheadError(StoreError):
    """The store's schema is newer than this version of hypercare."""

    exit_code = 2
    default_hint = "Upgrade hypercare to the version that wrote this database."


class SlackError(HypercareError):
    """Slack configuration or delivery failed."""

    default_hint = "Check the HYPERCARE_SLACK__* settings; see runbooks/slack-setup.md."


class SlackConfigError(SlackError):
    """A Slack token or the signing secret is missing or malformed (found before any call)."""

    exit_code = 2
