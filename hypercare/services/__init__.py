"""The one API every front end and job calls.

Front ends receive a :class:`Services` object from ``hypercare.wiring`` and call its
namespaced services (``services.system.upgrade_db()``); they never touch Odoo or the
store directly. Services return read models (frozen dataclasses), never ORM rows.
"""

from hypercare.services.context import ServiceContext, Services
from hypercare.services.system import ConfigReport, ProbeLine, SystemService, UpgradeResult

__all__ = [
    "ConfigReport",
    "ProbeLine",
    "ServiceContext",
    "Services",
    "SystemService",
    "UpgradeResult",
]
