"""Composition root: the one place that builds the services from the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from hypercare.config import Settings
from hypercare.services.context import ServiceContext, utc_now
from hypercare.services.facade import Services

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from hypercare.bot.directory import SlackDirectory
    from hypercare.odoo.client import OdooClient


def build_services(
    settings: Settings,
    *,
    check_schema: bool = True,
    create_store: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> Services:
    """Build the services around one shared context (store and Odoo opened lazily)."""
    odoo_settings = settings.odoo

    def connect_odoo() -> OdooClient:
        from hypercare.odoo import connect

        return connect(odoo_settings)

    context = ServiceContext(
        settings=settings,
        check_schema=check_schema,
        create_store=create_store,
        connect_odoo=connect_odoo if odoo_settings.configured else None,
        clock=clock,
        directory=slack_directory(settings),
    )
    return Services(context)


def slack_directory(settings: Settings) -> SlackDirectory | None:
    """Slack's user groups and names for the access rules, when a bot token is configured
    (the client is built on first use: a command that never meets a user group never
    contacts Slack)."""
    from hypercare.errors import HypercareError

    try:
        token = settings.slack.resolved("bot_token")
    except HypercareError:
        return None  # `config check` reports the unreadable token file
    if token is None or not token.get_secret_value():
        return None
    from hypercare.bot.directory import SlackDirectory

    secret, api_url = token.get_secret_value(), settings.slack.api_url

    def client() -> WebClient:
        from hypercare.bot.app import build_client

        return build_client(secret, api_url)

    return SlackDirectory(client)
