"""``hypercare jobs list|run|outbox|retry``: the named jobs and the message outbox."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hypercare.commands.arguments import LIMIT, record_id

if TYPE_CHECKING:
    from hypercare.commands.context import CliContext
    from hypercare.jobs.registry import Injected
    from hypercare.services import Services


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("jobs", help="the scheduled jobs and the message outbox",
                                   description="Scheduled jobs (run by `hypercare serve`, or "
                                   "by a bot or TUI while no serve runs) and the message "
                                   "outbox.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every job: schedule, last run, last result")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=run_list, reads_only=True)
    now = actions.add_parser("run", help="run one job now, in this process")
    now.add_argument("name", metavar="NAME", help="the job (see `hypercare jobs list`)")
    now.set_defaults(handler=run_job)
    outbox = actions.add_parser("outbox", help="list queued, sent, dead and suppressed messages")
    outbox.add_argument("--state", choices=("pending", "sending", "sent", "dead", "suppressed"))
    outbox.add_argument("--limit", type=LIMIT, default=50)
    outbox.add_argument("--format", choices=("table", "json"), default="table")
    outbox.set_defaults(handler=run_outbox, reads_only=True)
    retry = actions.add_parser("retry", help="send a dead letter again (after fixing its cause)")
    retry.add_argument("message_id", type=record_id, metavar="ID", help="the outbox message's #")
    retry.set_defaults(handler=run_retry)


def run_list(ctx: CliContext) -> int:
    from rich import box

    from hypercare.commands.output import local, to_json
    from hypercare.jobs.registry import build_jobs
    from hypercare.terminal import DataTable, console

    services = ctx.services()
    specs = build_jobs(services)
    records = {r.name: r for r in services.job_records.states()}
    owner = services.system.scheduler_owner()
    stale_after = 2 * services.context.settings.jobs.lease_seconds
    now = services.context.clock()
    if ctx.args.format == "json":
        print(to_json([{"name": s.name, "schedule": s.schedule,
                        "run_by": _holder(records.get(s.name), now, stale_after),
                        "record": records.get(s.name)} for s in specs], ctx.zone))
        return 0
    table = DataTable(
        title=f"jobs (serve: {owner or 'not running; a bot or TUI runs its own jobs'})",
        title_justify="left", box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("job", no_wrap=True)
    table.add_column("schedule", overflow="fold", max_width=20)
    table.add_column("run by", overflow="fold", max_width=28)
    table.add_column("runs/fail/miss", no_wrap=True, justify="right")
    table.add_column("last run, result", overflow="fold", ratio=1)
    for spec in specs:
        record = records.get(spec.name)
        holder = _holder(record, now, stale_after)
        run_by = f"{holder['command']} {holder['host']}:{holder['pid']}" if holder else "nobody"
        if record is None or not record.runs:
            table.add_row(spec.name, spec.schedule, run_by, "0/0/0", "never")
            continue
        state = "running" if record.running_since else ("ok" if record.last_ok else "FAILED")
        last = f"{local(record.last_started_at, ctx.zone)} {state}"
        result = record.last_result.removeprefix("failed: ")
        table.add_row(spec.name, spec.schedule, run_by,
                      f"{record.runs}/{record.failures}/{record.missed}",
                      f"{last}: {result}" if result else last)
    console().print(table)
    return 0


def _holder(record: Any, now: datetime, stale_after: float) -> dict[str, Any] | None:
    """Who holds the job's lease now: command, host, pid (None when nobody does, or its
    holder stopped renewing it two heartbeats ago)."""
    if record is None or not record.holder or record.holder_beat_at is None:
        return None
    if (now - record.holder_beat_at).total_seconds() > max(stale_after, 5.0):
        return None
    host, _, pid = record.holder.rpartition(":")
    return {"command": record.holder_command, "host": host, "pid": int(pid or 0)}


def run_job(ctx: CliContext) -> int:
    from hypercare.jobs.registry import build_jobs
    from hypercare.jobs.runner import JobRunner
    from hypercare.text import clean

    services = ctx.services()
    specs = build_jobs(services, _injected(services))
    outcome = JobRunner(services, specs, leases=services.job_leases("cli")).run(ctx.args.name)
    print(clean(f"{outcome.name}: {'done' if outcome.ok else 'FAILED'} in "
                f"{outcome.seconds:.1f} s: {outcome.result}"))
    return 0 if outcome.ok else 1


def run_outbox(ctx: CliContext) -> int:
    from rich import box

    from hypercare.commands.output import local, to_json
    from hypercare.terminal import DataTable, console

    rows = ctx.services().sla.list_outbox(state=ctx.args.state, limit=ctx.args.limit)
    if ctx.args.format == "json":
        print(to_json(rows, ctx.zone))
        return 0
    table = DataTable(title=f"outbox: {len(rows)} messages", title_justify="left",
                      box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    for column in ("#", "kind", "to", "state", "not before", "about", "why"):
        table.add_column(column, overflow="ellipsis", no_wrap=column != "why")
    viewer = ctx.viewer()
    for row in rows:
        table.add_row(str(row.id), row.kind, ",".join(row.recipients), row.state,
                      local(row.next_attempt_at, ctx.zone), row.about(viewer=viewer),
                      row.reason or row.last_error or str(row.payload.get("detail", "")))
    console().print(table)
    return 0


def run_retry(ctx: CliContext) -> int:
    from hypercare.text import clean

    message = ctx.services().delivery.retry(message_id=ctx.args.message_id)
    print(clean(f"outbox message #{message.id} ({message.kind} to "
                f"{', '.join(message.recipients)}) is queued again; the bot (or `hypercare "
                "serve`) delivers it within a minute."))
    return 0


def _injected(services: Services) -> Injected:
    """What a job run from the command line may use: Slack delivery when configured."""
    from hypercare.commands.pack_job import weekly_pack_writer
    from hypercare.jobs.registry import Injected

    slack = services.context.settings.slack
    token = slack.resolved("bot_token")
    if token is None:
        return Injected(weekly_pack=weekly_pack_writer(services))
    from hypercare.bot.app import build_client
    from hypercare.bot.delivery import SlackDeliverer

    client = build_client(token.get_secret_value(), slack.api_url)
    return Injected(deliverer=SlackDeliverer(client, slack, clock=services.context.clock),
                    weekly_pack=weekly_pack_writer(services))
