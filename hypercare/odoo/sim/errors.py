"""Exceptions the simulator raises, shaped like Odoo's server-side exceptions.

Each carries the module-qualified ``name`` Odoo's ``serialize_exception`` would
report and the HTTP status the Odoo 19 JSON-2 dispatcher would answer with.
"""

from __future__ import annotations

import traceback
from typing import Any


class OdooException(Exception):
    """Base: a server-side exception serialised into an error envelope."""

    odoo_name = "odoo.exceptions.UserError"
    http_status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def serialize(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` part of an error envelope (``serialize_exception``)."""
        debug = "Traceback (most recent call last):\n" + "".join(
            traceback.format_exception_only(type(self), self)
        )
        return {
            "name": self.odoo_name,
            "message": self.message,
            "arguments": [self.message],
            "context": context or {},
            "debug": debug,
        }


class UserError(OdooException):
    odoo_name = "odoo.exceptions.UserError"
    http_status = 422


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class AccessError(UserError):
    odoo_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(UserError):
    odoo_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class OdooValueError(OdooException):
    """A plain ``ValueError`` raised inside the ORM (e.g. invalid field)."""

    odoo_name = "builtins.ValueError"
    http_status = 500


class OdooTypeError(OdooException):
    """A ``TypeError`` from binding arguments to a method signature."""

    odoo_name = "builtins.TypeError"
    http_status = 422


class OdooAttributeError(OdooException):
    """Unknown or private method."""

    odoo_name = "builtins.AttributeError"
    http_status = 404


class UnknownModel(OdooException):
    """Raised for a model that is not installed; transports phrase it differently."""

    odoo_name = "odoo.exceptions.UserError"
    http_status = 404

    def __init__(self, model: str) -> None:
        super().__init__(f"Object {model} doesn't exist")
        self.model = model


class DatabaseMissing(OdooException):
    """Like psycopg2's error when the requested database does not exist."""

    odoo_name = "psycopg2.OperationalError"
    http_status = 404

    def __init__(self, db: str) -> None:
        super().__init__(
            'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            f'FATAL:  database "{db}" does not exist\n'
        )
        self.db = db


def model_description_error(model: str, description: str, operation: str = "read") -> AccessError:
    """The AccessError Odoo raises when ACLs forbid an operation."""
    return AccessError(
        f"You are not allowed to access '{description}' ({model}) records.\n\n"
        f"This operation is allowed for the following groups:\n\t- Administration/Settings\n\n"
        f"Contact your administrator to request access if necessary. (operation: {operation})"
    )
