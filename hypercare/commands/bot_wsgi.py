"""The HTTP-mode bot as a WSGI application, for another WSGI server than hypercare's own.

``hypercare bot --http`` serves the bot on waitress with the limits in
:mod:`hypercare.web_server`. To run it under gunicorn instead (one worker: the bot keeps
per-process state such as Slack user-group caches; threads for concurrency)::

    gunicorn --workers 1 --threads 16 --timeout 30 --limit-request-line 8190 \\
        --bind 127.0.0.1:3000 'hypercare.commands.bot_wsgi:application()'

Settings come from the environment and the settings file as for every command. Requests are
verified by the same :class:`~hypercare.bot.http_server.SlackGate` before Bolt sees them. Run
``hypercare serve --no-bot`` beside it for the jobs (outbox delivery, thread follow-ups).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


def application() -> WSGIApplication:
    """Load the settings, build the services and the bot, and return the gated WSGI app."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from hypercare.bot.app import build_app, read_tokens
    from hypercare.bot.http_server import EVENTS_PATH, SlackGate
    from hypercare.config import load_settings
    from hypercare.logging_setup import configure_logging
    from hypercare.wiring import build_services

    settings = load_settings()
    configure_logging(settings)
    services = build_services(settings)
    bolt = build_app(services, http=True)
    secret = read_tokens(settings.slack, http=True).signing_secret or ""
    return SlackGate(SlackRequestHandler(bolt, path=EVENTS_PATH), signing_secret=secret)
