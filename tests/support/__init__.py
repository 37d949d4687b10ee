"""Helpers the test packages share: the services' settable clock and the services factory."""

from tests.support.clock import Clock
from tests.support.people import viewer
from tests.support.services import ServicesFactory, new_services, sqlite_settings, watching

__all__ = ["Clock", "ServicesFactory", "new_services", "sqlite_settings", "viewer",
           "watching"]
