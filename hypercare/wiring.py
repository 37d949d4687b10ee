"""Composition root: the one place that builds the services from the settings."""

from __future__ import annotations

from hypercare.config import Settings
from hypercare.services import ServiceContext, Services, SystemService


def build_services(settings: Settings, *, check_schema: bool = True) -> Services:
    """Build every service around one shared context (store opened lazily)."""
    context = ServiceContext(settings=settings, check_schema=check_schema)
    return Services(context=context, system=SystemService(context))
