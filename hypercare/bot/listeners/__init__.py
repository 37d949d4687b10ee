"""The bot's listeners, one module per kind of Slack request, each with ``register``.

``register(app, services)`` is the only place a Slack id (command name, ``callback_id``,
``action_id``) is tied to a function. Every listener calls ``ack()`` first, then one
service call, then a ``blocks.build_*`` builder.

``raising`` adds ``/hypercare raise`` (a route of the command), the message shortcut and
the form's two steps; ``threads`` follows a raised report in its thread (replies to Odoo,
Odoo's news to the thread, "Resolved here"); ``alerts`` the buttons on alerts; ``home``
the App Home tab and ``/hypercare standup`` and ``kpi``. Who the person is and what they may
do is the access authority's (``services.context.access``): each listener resolves the
person into a viewer and hands it to the services, which refuse or mask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypercare.bot.listeners import alerts, commands, home, raising, threads

if TYPE_CHECKING:
    from slack_bolt import App

    from hypercare.services import Services


def register_all(app: App, services: Services) -> None:
    """Register every listener package on the app."""
    commands.register(app, services, extra_routes={"raise": raising.ROUTE, **home.ROUTES})
    raising.register(app, services)
    threads.register(app, services)
    alerts.register(app, services)
    home.register(app, services)
