"""The subcommands. Each module adds its parser and a handler ``(CliContext) -> int``.

Parsers are built with argparse only; handlers import what they need when they run.
"""

from __future__ import annotations

import argparse

from hypercare.commands import (
    backlog_cmd,
    bot_cmd,
    classify_cmd,
    config_cmd,
    db_cmd,
    demo_cmd,
    escalations_cmd,
    export_cmd,
    jobs_cmd,
    kpi_cmd,
    records_cmd,
    serve_cmd,
    sim_cmd,
    standup_cmd,
    sync_cmd,
    tickets_cmd,
    triage_cmd,
    tui_cmd,
)


def register_all(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add every subcommand, in the order `--help` lists them."""
    config_cmd.register(subparsers)
    db_cmd.register(subparsers)
    sync_cmd.register(subparsers)
    tickets_cmd.register(subparsers)
    classify_cmd.register(subparsers)
    triage_cmd.register(subparsers)
    escalations_cmd.register(subparsers)
    standup_cmd.register(subparsers)
    kpi_cmd.register(subparsers)
    records_cmd.register(subparsers)
    export_cmd.register(subparsers)
    backlog_cmd.register(subparsers)
    tui_cmd.register(subparsers)
    demo_cmd.register(subparsers)
    jobs_cmd.register(subparsers)
    bot_cmd.register(subparsers)
    serve_cmd.register(subparsers)
    sim_cmd.register(subparsers)
