"""Entry point ``hypercare``: parses the command line, loads settings once, runs a command.

Only argparse is imported up front so ``hypercare --help`` is instant; each command
imports what it needs (front ends lazily, so ``hypercare sync`` never loads Textual).
Errors from :class:`~hypercare.errors.HypercareError` print one line and a hint to
stderr; a traceback only with ``--debug``.

Exit codes: 0 success, 1 runtime failure, 2 configuration or usage error,
70 internal error (a bug: please report it), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypercare import __version__
from hypercare.commands import register_all

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from hypercare.config import Settings
    from hypercare.errors import HypercareError
    from hypercare.services import Services

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


class CliContext:
    """What a command receives: parsed arguments, settings and services, built on demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._settings: Settings | None = None
        self._services: Services | None = None

    @property
    def settings(self) -> Settings:
        """Settings from file < env < flags (loaded once)."""
        if self._settings is None:
            from hypercare.config import load_settings
            from hypercare.logging_setup import configure_logging

            self._settings = load_settings(
                config_path=self.args.config, overrides=_flag_overrides(self.args)
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

            self._services = build_services(self.settings, check_schema=check_schema)
        return self._services

    def close(self) -> None:
        """Release what the command opened."""
        if self._services is not None:
            self._services.close()


def build_parser() -> argparse.ArgumentParser:
    """The whole command tree (no heavy imports)."""
    parser = argparse.ArgumentParser(
        prog="hypercare",
        description="Command center for the weeks after an Odoo go-live: triage, SLAs, "
        "escalation, KPIs and the weekly steering pack.",
        epilog="Run `hypercare demo` to try it on a simulated Odoo. "
        "Global options go before the subcommand.",
    )
    parser.add_argument("--version", action="version", version=f"hypercare {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="TOML settings file (default: $HYPERCARE_CONFIG, ./hypercare.toml, "
        "then the user config dir)",
    )
    parser.add_argument(
        "--database-url", metavar="URL", help="store URL (overrides HYPERCARE_DATABASE_URL)"
    )
    parser.add_argument(
        "--timezone", metavar="TZ", help="command center timezone, e.g. Europe/Brussels"
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any setting, e.g. --set odoo.timeout=60",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="debug logging and tracebacks (secrets are never logged)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(subparsers)
    return parser


def _flag_overrides(args: argparse.Namespace) -> dict[str, Any]:
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
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    context = CliContext(args)
    try:
        result: int = args.handler(context)
        return result
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _report(exc, debug=args.debug)
    finally:
        context.close()


def _report(exc: Exception, *, debug: bool) -> int:
    from hypercare.errors import HypercareError

    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, HypercareError):
        render_error(exc)
        return exc.exit_code
    print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    if not debug:
        print("hint: rerun with --debug for the traceback, and report it.", file=sys.stderr)
    return EXIT_INTERNAL


def render_error(exc: HypercareError) -> None:
    """The CLI's one rendering of a HypercareError: a line and a hint on stderr."""
    print(f"error: {exc.message}", file=sys.stderr)
    if exc.hint:
        print(f"hint: {exc.hint}", file=sys.stderr)
