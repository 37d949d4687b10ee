"""Composition root: the one place that builds the services from the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hypercare.config import Settings
from hypercare.odoo.client import OdooClient
from hypercare.services import (
    ServiceContext,
    Services,
    SyncService,
    SystemService,
    TicketService,
)
from hypercare.services.context import utc_now


def build_services(
    settings: Settings,
    *,
    check_schema: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> Services:
    """Build every service around one shared context (store and Odoo opened lazily)."""
    connect_odoo = None
    if settings.odoo.configured:
        from hypercare.odoo import connect

        odoo_settings = settings.odoo

        def connect_odoo() -> OdooClient:
            return connect(odoo_settings)

    context = ServiceContext(
        settings=settings, check_schema=check_schema, connect_odoo=connect_odoo, clock=clock
    )
    return Services(
        context=context,
        system=SystemService(context),
        sync=SyncService(context),
        tickets=TicketService(context),
    )
