"""Composition root: the one place that builds the services from the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from hypercare.config import Settings
from hypercare.services.context import ServiceContext, utc_now
from hypercare.services.facade import Services

if TYPE_CHECKING:
    from hypercare.odoo.client import OdooClient


def build_services(
    settings: Settings,
    *,
    check_schema: bool = True,
    create_store: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> Services:
    """Build the services around one shared context (store and Odoo opened lazily)."""
    odoo_settings = settings.odoo

    def connect_odoo() -> OdooClient:
        from hypercare.odoo import connect

        return connect(odoo_settings)

    context = ServiceContext(
        settings=settings,
        check_schema=check_schema,
        create_store=create_store,
        connect_odoo=connect_odoo if odoo_settings.configured else None,
        clock=clock,
    )
    return Services(context)
