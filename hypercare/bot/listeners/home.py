"""The App Home tab, and ``/hypercare standup`` and ``/hypercare kpi``.

Opening the Home tab publishes the person's view (their reports, their company's known
issues, the KPI headline; for a lead also what waits for acknowledgement and approval, and
the thread replies held as "also affected" signals). Its "Raise an issue" button (shown when
``roles.raise`` lets them raise) opens the raise form, answered by DM; a lead's "Send to
Odoo" and "Dismiss" decide a held reply and publish the Home again. Every click acts for the
person resolved into a viewer; a refusal reaches them by DM through the one error handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from hypercare.bot.error_handler import run_after_ack
from hypercare.bot.home_blocks import (
    HELD_DISMISS,
    HELD_SEND,
    HOME_RAISE,
    build_home,
    build_kpi_board,
    build_standup_summary,
)
from hypercare.bot.listeners.commands import Invocation, Route
from hypercare.bot.listeners.raising import may_raise_or_refuse, open_raise_form
from hypercare.errors import UsageError
from hypercare.services import Services, Viewer


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = str(event.get("user", ""))
        run_after_ack(lambda: publish_home(services, client, user), body=body,
                      respond=None, client=client)

    @app.action(HOME_RAISE)
    def raise_from_home(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _open_raise(services, client, body), body=body,
                      respond=None, client=client)

    @app.action(HELD_SEND)
    def send_held(ack: Any, body: dict[str, Any], action: dict[str, Any],
                  client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _decide(services, client, body, action,
                                      services.affected.send),
                      body=body, respond=None, client=client,
                      headline="The reply was not sent to Odoo")

    @app.action(HELD_DISMISS)
    def dismiss_held(ack: Any, body: dict[str, Any], action: dict[str, Any],
                     client: WebClient) -> None:
        ack()
        run_after_ack(lambda: _decide(services, client, body, action,
                                      services.affected.dismiss),
                      body=body, respond=None, client=client,
                      headline="The reply was not dismissed")


def publish_home(services: Services, client: WebClient, user: str,
                 viewer: Viewer | None = None) -> None:
    """Build and publish one person's Home tab (``viewer``: resolved already)."""
    who = viewer or services.context.access.viewer(user)
    home = services.home.home(viewer=who)
    held = (services.affected.held(viewer=who)
            if services.context.access.allows(who, "held_reply") else None)
    context = services.context
    client.views_publish(user_id=who.id, view=build_home(home, held, now=context.clock(),
                                                         zone=context.settings.timezone))


def _open_raise(services: Services, client: WebClient, body: dict[str, Any]) -> None:
    may_raise_or_refuse(services, str(body["user"]["id"]))
    open_raise_form(client, str(body["trigger_id"]))


def _decide(services: Services, client: WebClient, body: dict[str, Any],
            action: dict[str, Any], decide: Callable[..., Any]) -> None:
    """Send or dismiss one held reply for the clicking lead, then show their Home anew."""
    viewer = services.context.access.viewer(str(body["user"]["id"]))
    value = str(action.get("value") or "")
    if not value.isdigit():
        raise UsageError("this button names no held reply", hint="Open the Home tab again.")
    decide(signal_id=int(value), viewer=viewer)  # refused for a non-lead before any change
    publish_home(services, client, viewer.id, viewer)


def show_standup(call: Invocation) -> None:
    call.answer(build_standup_summary(call.services.standup.agenda()))


def show_kpi(call: Invocation) -> None:
    call.answer(build_kpi_board(call.services.dashboard.dashboard(viewer=call.viewer())))


ROUTES = {
    "standup": Route("standup", "today's stand-up agenda in short", show_standup),
    "kpi": Route("kpi", "the KPI headline board", show_kpi),
}
