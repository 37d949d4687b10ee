"""A local mock of Slack's Web API (real HTTP), Socket Mode (real WebSocket) and Slack's
request signing, for tests.

``MockSlack`` serves the Web API methods the bot calls, ``apps.connections.open`` included;
``MockSocketMode`` (``mock.socket_mode``) is the WebSocket those connections go to, pushing
request envelopes and recording acks; ``sign_request`` signs a request body the way Slack
signs what it sends to an app in HTTP mode.
"""

from tests.slack_mock.methods import APP_ID, APP_TOKEN, BOT_ID, BOT_USER_ID, TEAM_ID
from tests.slack_mock.server import RESPONSE_METHOD, Call, MockSlack
from tests.slack_mock.signing import sign_request
from tests.slack_mock.socket_mode import MockSocketMode, SocketAck

__all__ = ["APP_ID", "APP_TOKEN", "BOT_ID", "BOT_USER_ID", "RESPONSE_METHOD", "TEAM_ID", "Call",
           "MockSlack", "MockSocketMode", "SocketAck", "sign_request"]
