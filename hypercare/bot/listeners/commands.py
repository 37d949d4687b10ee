"""``/hypercare``: the slash command and its subcommands.

Each subcommand is a :class:`Route`: it receives an :class:`Invocation` after the command
was acknowledged, makes its service call, builds the reply with a ``blocks.build_*``
function and answers privately through ``respond`` (the command's ``response_url``).
A failure (a HypercareError from a service, a refusal of the access authority among them,
or anything else) goes to the bot's one error handler, which tells the person once. The
person is resolved into a viewer (:meth:`Invocation.viewer`) only by the routes that need
one: what they are shown is masked for them by the services. Unknown or empty input gets
the help, never silence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypercare.bot.blocks import (
    Reply,
    build_error,
    build_help,
    build_howto,
    build_my_tickets,
    build_runbook,
    build_runbook_list,
    build_ticket_status,
)
from hypercare.bot.error_handler import run_after_ack
from hypercare.errors import SlackError

if TYPE_CHECKING:
    from slack_bolt import Ack, App, Respond
    from slack_sdk import WebClient

    from hypercare.services import Services, Viewer

COMMAND = "/hypercare"
MINE_LIMIT = 10


@dataclass(frozen=True)
class Invocation:
    """One ``/hypercare`` call, acknowledged already."""

    services: Services
    args: str
    """What followed the subcommand's name, stripped."""
    user_id: str
    channel_id: str
    trigger_id: str
    """Opens a modal (``client.views_open``) within 3 seconds of the command."""
    respond: Respond
    client: WebClient

    def viewer(self) -> Viewer:
        """The person who typed the command, as the access authority resolves them (their
        Slack name and e-mail read from Slack)."""
        return self.services.context.access.viewer(self.user_id)

    def answer(self, reply: Reply) -> None:
        """The reply, visible to the person only."""
        self.respond(**reply.as_kwargs(), response_type="ephemeral")


@dataclass(frozen=True)
class Route:
    """A subcommand: how it is typed, what it does (for the help) and what runs it."""

    usage: str
    summary: str
    run: Callable[[Invocation], None]


def register(app: App, services: Services, *,
             extra_routes: Mapping[str, Route] | None = None) -> None:
    """``/hypercare`` and its subcommands (``extra_routes`` adds more, e.g. ``raise``)."""
    routes: dict[str, Route] = {
        "status": Route("status REF", "a ticket's state, severity, target time and "
                        "workaround", show_status),
        "mine": Route("mine", f"the tickets you reported ({MINE_LIMIT} newest, open first)",
                      show_mine),
        "howto": Route("howto TEXT", "known issues, workarounds and runbooks that match",
                       show_howto),
        "runbook": Route("runbook NAME", "read a runbook (no NAME: the list)", show_runbook),
        **dict(extra_routes or {}),
    }
    routes["help"] = Route("help", "this help", lambda call: show_help(call, routes))

    def on_hypercare(ack: Ack, command: dict[str, Any], respond: Respond,
                     client: WebClient) -> None:
        ack()
        name, _, rest = " ".join(str(command.get("text") or "").split()).partition(" ")
        call = Invocation(services=services, args=rest.strip(),
                          user_id=str(command.get("user_id", "")),
                          channel_id=str(command.get("channel_id", "")),
                          trigger_id=str(command.get("trigger_id", "")),
                          respond=respond, client=client)
        route = routes.get(name.casefold())
        if route is None:
            note = f"I don't know “{name[:40]}”. " if name else ""
            route = Route("", "", lambda c: show_help(c, routes, note=note + "Here is what I "
                                                                           "can do:"))
        run_after_ack(lambda: route.run(call), body=command, respond=respond, client=client)

    app.command(COMMAND)(on_hypercare)


def show_help(call: Invocation, routes: Mapping[str, Route], note: str = "") -> None:
    call.answer(build_help([(r.usage, r.summary) for r in routes.values()], command=COMMAND,
                           note=note))


def _needs(call: Invocation, what: str, example: str) -> bool:
    """True (after answering how to use it) when the subcommand got no argument."""
    if call.args:
        return False
    call.answer(build_error(f"that needs {what}", f"For example: `{COMMAND} {example}`"))
    return True


def show_status(call: Invocation) -> None:
    if _needs(call, "a ticket reference", "status HT00042"):
        return
    ref = call.args.split()[0].strip("`'\".,;:()[]<>")
    # a ticket of a company they may not see is "not found"; a confidential one comes masked
    detail = call.services.tickets.show_ticket(ref=ref, viewer=call.viewer())
    context = call.services.context
    call.answer(build_ticket_status(detail.ticket, now=context.clock(),
                                    zone=context.settings.timezone))


def show_mine(call: Invocation) -> None:
    viewer = call.viewer()
    if not viewer.email:  # read from Slack's profile (the users:read.email scope)
        raise SlackError("your Slack profile shows no e-mail to match Odoo contacts with",
                         hint="The app needs the users:read and users:read.email scopes: "
                              "reinstall it from the manifest.")
    tickets = call.services.tickets.list_reported_by(viewer=viewer, limit=MINE_LIMIT)
    context = call.services.context
    call.answer(build_my_tickets(tickets, email=viewer.email, limit=MINE_LIMIT,
                                 now=context.clock(), zone=context.settings.timezone))


def show_howto(call: Invocation) -> None:
    if _needs(call, "a question or a few words", "howto reverse a credit note"):
        return
    known = call.services.known_issues.suggest(title=call.args, limit=5, floor=0.15)
    runbooks = call.services.runbooks.search(text=call.args, limit=5)
    call.answer(build_howto(call.args, known, runbooks))


def show_runbook(call: Invocation) -> None:
    if not call.args:
        call.answer(build_runbook_list(call.services.runbooks.list_runbooks(), command=COMMAND))
        return
    runbook = call.services.runbooks.show(name=call.args.split()[0].strip("`'\""))
    call.answer(build_runbook(runbook))
