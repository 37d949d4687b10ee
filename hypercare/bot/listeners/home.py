"""The App Home tab, and ``/hypercare standup`` and ``/hypercare kpi``.

Opening the Home tab publishes the person's view (their reports, their company's known
issues, the KPI headline; for a lead also what waits for acknowledgement and approval). Its
"Raise an issue" button opens the raise form, answered by DM.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from hypercare.bot.error_handler import run_after_ack
from hypercare.bot.home_blocks import (
    HOME_RAISE,
    build_home,
    build_kpi_board,
    build_standup_summary,
)
from hypercare.bot.listeners.commands import Invocation, Route
from hypercare.bot.listeners.raising import open_raise_form
from hypercare.bot.roles import Roles
from hypercare.services import Services


def register(app: App, services: Services, roles: Roles) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = str(event.get("user", ""))
        run_after_ack(lambda: publish_home(services, roles, client, user), body=body,
                      respond=None, client=client)

    @app.action(HOME_RAISE)
    def raise_from_home(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        run_after_ack(lambda: open_raise_form(client, str(body["trigger_id"])), body=body,
                      respond=None, client=client)


def publish_home(services: Services, roles: Roles, client: WebClient, user: str) -> None:
    """Build and publish one person's Home tab."""
    try:
        profile = (client.users_info(user=user).get("user") or {}).get("profile") or {}
    except SlackApiError:
        profile = {}
    home = services.home.home(slack_user=user, email=str(profile.get("email") or ""),
                              is_lead=roles.is_lead(user))
    client.views_publish(user_id=user, view=build_home(home))


def show_standup(call: Invocation) -> None:
    call.answer(build_standup_summary(call.services.standup.agenda()))


def show_kpi(call: Invocation) -> None:
    call.answer(build_kpi_board(call.services.dashboard.dashboard(viewer=call.user_id)))


ROUTES = {
    "standup": Route("standup", "today's stand-up agenda in short", show_standup),
    "kpi": Route("kpi", "the KPI headline board", show_kpi),
}
