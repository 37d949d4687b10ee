"""Start the TUI on a set of services (``hypercare tui`` and ``hypercare demo`` call this)."""

from __future__ import annotations

import getpass

from hypercare.services import Services
from hypercare.tui.context import TuiContext


def company_zones(services: Services) -> dict[str, str]:
    """Each company's timezone, from the business calendar its SLA clocks run on."""
    settings = services.context.settings
    zones = {}
    for company, calendar in settings.sla.company_calendars.items():
        found = settings.sla.calendars.get(calendar)
        if found is not None and found.timezone:
            zones[company] = found.timezone
    return zones


def build_context(services: Services, *, jobs: str | None = None,
                  sync_seconds: float | None = None) -> TuiContext:
    """The TUI's context, with the person at the keyboard resolved once (``tui.user``, else
    the login name) by the services' access authority: what they may do and see is its
    answer, never the TUI's."""
    settings = services.context.settings
    return TuiContext(
        services=services,
        viewer=services.context.access.viewer(settings.tui.user or getpass.getuser()),
        zone=settings.timezone,
        company_zones=company_zones(services),
        undo_seconds=settings.tui.undo_seconds,
        refresh_seconds=settings.tui.refresh_seconds,
        jobs=jobs,
        sync_seconds=sync_seconds,
    )


def run_tui(services: Services, *, jobs: str | None,
            sync_seconds: float | None = None) -> None:
    """Run the app until the user quits (ctrl+q). ``jobs``: run the periodic work a ``tui``
    or ``demo`` process takes while no serve runs (None: read the store only)."""
    from hypercare.tui.app import HypercareApp

    settings = services.context.settings
    app = HypercareApp(build_context(services, jobs=jobs, sync_seconds=sync_seconds),
                       theme=settings.tui.theme)
    app.run()
