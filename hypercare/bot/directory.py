"""Slack's answers about people, for :mod:`hypercare.services.access`: the members of a user
group (``usergroups.users.list``) and a person's display name and e-mail (``users.info``).

The access authority caches group members; this module only asks Slack and turns its
failures into :class:`~hypercare.errors.SlackError`. The TUI and the CLI get one from the
wiring when a bot token is configured (so a user group in ``roles.leads`` means the same in
every front end); the bot hands its own client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypercare.errors import SlackError

if TYPE_CHECKING:
    from slack_sdk import WebClient


class SlackDirectory:
    """Implements :class:`hypercare.services.access.Directory` over a Slack Web API client
    (built on first use by ``client``)."""

    def __init__(self, client: Callable[[], WebClient]) -> None:
        self._factory = client
        self._client: WebClient | None = None

    def members(self, group: str) -> frozenset[str]:
        answer = self._call(lambda c: c.usergroups_users_list(usergroup=group),
                            f"the members of user group {group}")
        return frozenset(str(user) for user in answer.get("users") or [])

    def person(self, user: str) -> tuple[str, str]:
        answer = self._call(lambda c: c.users_info(user=user), f"the profile of {user}")
        found = answer.get("user") or {}
        profile = found.get("profile") or {}
        name = str(profile.get("real_name") or found.get("real_name") or found.get("name")
                   or user)
        return name, str(profile.get("email") or "")

    def _call(self, call: Callable[[WebClient], object], what: str) -> dict[str, Any]:
        from slack_sdk.errors import SlackApiError, SlackClientError

        try:
            if self._client is None:
                self._client = self._factory()
            answer = call(self._client)
        except SlackApiError as exc:
            code = str(exc.response.get("error", ""))
            raise SlackError(f"Slack did not give {what} ({code})",
                             hint="The app needs the usergroups:read and users:read scopes: "
                                  "reinstall it from the manifest.") from None
        except (SlackClientError, OSError, ValueError) as exc:
            raise SlackError(f"Slack could not be asked for {what} ({type(exc).__name__})",
                             hint="Check slack.api_url and the network.") from None
        data = getattr(answer, "data", answer)
        return dict(data) if isinstance(data, dict) else {}
