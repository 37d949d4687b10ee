"""Entry point ``hypercare``: parses the command line, loads settings once, runs a command.

Only argparse is imported up front so ``hypercare --help`` is instant; each command
imports what it needs (front ends lazily, so ``hypercare sync`` never loads Textual).
Errors from :class:`~hypercare.errors.HypercareError` print one line and a hint to
stderr; a traceback only with ``--debug``.

Exit codes: 0 success, 1 runtime failure, 2 configuration or usage error, 3 not allowed
(the person acting, ``--as NAME``, may not do this; nothing changed), 70 internal error
(a bug: please report it), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hypercare import __version__
from hypercare.commands import register_all
from hypercare.commands.context import CliContext

if TYPE_CHECKING:
    from hypercare.errors import HypercareError

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


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
        "--as",
        dest="as_",
        type=_person,
        metavar="NAME",
        help="act as NAME (a user name from roles, or a Slack user id); default tui.user, "
        "else your login name",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="debug logging and tracebacks (secrets are never logged)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    register_all(subparsers)
    return parser


def _person(text: str) -> str:
    """``--as``'s value: a name or id, not blank, on one line."""
    name = text.strip()
    if not name or len(name) > 200 or not name.isprintable():
        raise argparse.ArgumentTypeError("give a user name or a Slack user id")
    return name


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
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return result
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `hypercare ... | head`: the reader has what it wanted
        _quiet_stdout()
        return 0
    except Exception as exc:
        return _report(exc, debug=args.debug)
    finally:
        context.close()


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so flushing what is left at exit cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (tests capture it): nothing to flush
        pass


def _report(exc: Exception, *, debug: bool) -> int:
    from hypercare.errors import HypercareError

    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, HypercareError):
        render_error(exc)
        return exc.exit_code
    print(_safe(f"internal error: {type(exc).__name__}: {exc}"), file=sys.stderr)
    if not debug:
        print("hint: rerun with --debug for the traceback, and report it.", file=sys.stderr)
    return EXIT_INTERNAL


def render_error(exc: HypercareError) -> None:
    """The CLI's one rendering of a HypercareError: a line and a hint on stderr (outside text
    a message quotes, a ticket title or a server's answer, cannot write a control character)."""
    print(_safe(f"error: {exc.message}"), file=sys.stderr)
    if exc.hint:
        print(_safe(f"hint: {exc.hint}"), file=sys.stderr)


def _safe(message: str) -> str:
    """``message`` without control characters or bidirectional overrides (line breaks kept)."""
    from hypercare.text import clean

    return clean(message)
