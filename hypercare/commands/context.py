"""What every command receives: the parsed arguments, and settings, services and the person
acting (the viewer) built on demand."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from hypercare.config import Settings
    from hypercare.services import Services, Viewer


class CliContext:
    """What a command receives: parsed arguments, settings, services and the viewer, built on
    demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._settings: Settings | None = None
        self._services: Services | None = None
        self._viewer: Viewer | None = None

    @property
    def settings(self) -> Settings:
        """Settings from file < env < flags (loaded once)."""
        if self._settings is None:
            from hypercare.config import load_settings
            from hypercare.logging_setup import configure_logging

            self._settings = load_settings(
                config_path=self.args.config, overrides=flag_overrides(self.args)
            )
            configure_logging(self._settings, debug=self.args.debug)
        return self._settings

    @property
    def zone(self) -> ZoneInfo:
        """The command center's timezone (for showing times)."""
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.settings.timezone)

    def services(self, *, check_schema: bool = True) -> Services:
        """The services, built once by the wiring."""
        if self._services is None:
            from hypercare.wiring import build_services

            creates = not getattr(self.args, "reads_only", False)
            self._services = build_services(self.settings, check_schema=check_schema,
                                            create_store=creates)
        return self._services

    def viewer(self) -> Viewer:
        """The person acting, resolved once by the services' access authority (their roles,
        and what they may see); every command passes it to the services, which decide."""
        if self._viewer is None:
            self._viewer = self.services().context.access.viewer(
                identity(self.args, self.settings))
        return self._viewer

    def close(self) -> None:
        """Release what the command opened."""
        if self._services is not None:
            self._services.close()


def identity(args: argparse.Namespace, settings: Settings) -> str:
    """Who acts: ``--as NAME``, else ``tui.user``, else the login name."""
    import getpass

    return (getattr(args, "as_", None) or settings.tui.user or getpass.getuser()).strip()


def flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Settings the command line sets: ``--set KEY=VALUE``, ``--database-url``, ``--timezone``,
    and ``--as NAME`` as ``tui.user`` (so the TUI a command opens acts for the same person)."""
    from hypercare.errors import UsageError

    overrides: dict[str, Any] = {}
    for item in args.overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"--set expects KEY=VALUE, got {item!r}", hint="Example: --set odoo.timeout=60"
            )
        overrides[key.strip()] = value
    if args.database_url is not None:
        overrides["database_url"] = args.database_url
    if args.timezone is not None:
        overrides["timezone"] = args.timezone
    if getattr(args, "as_", None):
        overrides["tui.user"] = args.as_
    return overrides
