"""A local mock of Slack's Web API (real HTTP) and Slack's request signing, for tests.

``MockSlack`` serves the Web API methods the bot calls; ``sign_request`` signs a request body
the way Slack signs what it sends to an app in HTTP mode.
"""

from tests.slack_mock.methods import BOT_ID, BOT_USER_ID, TEAM_ID
from tests.slack_mock.server import RESPONSE_METHOD, Call, MockSlack
from tests.slack_mock.signing import sign_request

__all__ = ["BOT_ID", "BOT_USER_ID", "RESPONSE_METHOD", "TEAM_ID", "Call", "MockSlack",
           "sign_request"]
