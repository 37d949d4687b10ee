"""People for tests: viewers resolved by the services' one access authority, as a front end
resolves them (never built by hand, so a test sees the roles the settings give)."""

from __future__ import annotations

from hypercare.services import Services, Viewer


def viewer(services: Services, who: str = "anna", *, email: str = "") -> Viewer:
    """``who`` (a TUI/CLI name or a Slack user id) as ``[roles]`` makes them."""
    return services.context.access.viewer(who, email=email)
