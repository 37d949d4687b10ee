"""Writes to Odoo, gated by ``odoo.write_mode``.

``off``: nothing. ``create_and_note``: raise tickets and post internal notes (which e-mail no
customer). ``full``: also public replies, tags and assignment. Reads (user and partner look-ups)
are always allowed. A refused write raises :class:`OdooWriteForbiddenError` naming the operation
and the mode it needs. Plain-text bodies are HTML-escaped into ``<p>`` paragraphs.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from hypercare.errors import OdooError, OdooWriteForbiddenError
from hypercare.odoo.client import OdooClient
from hypercare.odoo.helpdesk import USER_FIELDS, map_user
from hypercare.odoo.records import OdooUser, Ref, text
from hypercare.odoo.schema import TICKET, HelpdeskSchema, detect_schema

WriteMode = Literal["off", "create_and_note", "full"]
_RANK: dict[str, int] = {"off": 0, "create_and_note": 1, "full": 2}


def paragraphs(body: str) -> str:
    """Plain text as escaped HTML: blank lines split ``<p>`` paragraphs, newlines give ``<br>``."""
    blocks = [b.strip() for b in body.replace("\r\n", "\n").split("\n\n")]
    escaped = ["<br>".join(html.escape(line) for line in b.split("\n")) for b in blocks if b]
    return "".join(f"<p>{block}</p>" for block in escaped) or "<p></p>"


class Writeback:
    """Write operations on tickets, refused unless ``mode`` allows them."""

    def __init__(
        self, client: OdooClient, mode: WriteMode, schema: HelpdeskSchema | None = None
    ) -> None:
        self.client = client
        self.mode = mode
        self._schema = schema

    @property
    def schema(self) -> HelpdeskSchema:
        if self._schema is None:
            self._schema = detect_schema(self.client)
        return self._schema

    def allows(self, needed: WriteMode) -> bool:
        return _RANK[self.mode] >= _RANK[needed]

    def _require(self, operation: str, needed: WriteMode) -> None:
        if not self.allows(needed):
            raise OdooWriteForbiddenError(
                f"hypercare may not {operation} in Odoo: odoo.write_mode is '{self.mode}', "
                f"this needs '{needed}' or higher"
            )

    # -- create_and_note ----------------------------------------------------------------------

    def create_ticket(
        self,
        *,
        title: str,
        description: str = "",
        team_id: int | None = None,
        partner_id: int | None = None,
        partner_name: str | None = None,
        partner_email: str | None = None,
        priority: int | None = None,
        user_id: int | None = None,
        company_id: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> int:
        """Create a ticket; ``priority`` is the normalized 0..3. Returns the new ticket id.

        Without ``company_id`` the ticket takes its team's company (Odoo's own default is the
        user's current company, which is wrong for a team of another company)."""
        self._require("create a ticket", "create_and_note")
        if company_id is None and team_id:
            teams = self.client.read(self.schema.models.team, [team_id], ["company_id"])
            company = teams[0].get("company_id") if teams else None
            company_id = int(company[0]) if isinstance(company, list) and company else None
        values: dict[str, Any] = {
            "name": title,
            "description": paragraphs(description),
            "team_id": team_id,
            "partner_id": partner_id,
            "partner_name": partner_name,
            "partner_email": partner_email,
            "priority": None if priority is None else str(max(0, min(3, priority))),
            "user_id": user_id,
            "company_id": company_id,
            **(extra or {}),
        }
        fields = self.schema.ticket_fields
        return self.client.create(
            TICKET, {k: v for k, v in values.items() if v is not None and k in fields}
        )

    def post_note(self, ticket_id: int, body: str) -> int:
        """Internal note (``mail.mt_note``): visible to employees only, e-mails no customer."""
        self._require("post an internal note", "create_and_note")
        return self._post(ticket_id, body, "mail.mt_note")

    # -- full -----------------------------------------------------------------------------------

    def post_reply(self, ticket_id: int, body: str) -> int:
        """Public reply (``mail.mt_comment``): followers, the customer included, get it."""
        self._require("post a public reply", "full")
        return self._post(ticket_id, body, "mail.mt_comment")

    def add_tag(self, ticket_id: int, name: str) -> int:
        """Tag a ticket, creating the tag if it does not exist; returns the tag id."""
        self._require("tag a ticket", "full")
        tag_id = self._tag_id(name) or self.client.create(self.schema.models.tag, {"name": name})
        self.client.write(TICKET, [ticket_id], {"tag_ids": [(4, tag_id)]})
        return tag_id

    def remove_tag(self, ticket_id: int, name: str) -> bool:
        """Untag a ticket; False when no such tag exists."""
        self._require("untag a ticket", "full")
        tag_id = self._tag_id(name)
        if not tag_id:
            return False
        return self.client.write(TICKET, [ticket_id], {"tag_ids": [(3, tag_id)]})

    def assign(self, ticket_id: int, user_id: int | None) -> bool:
        """Assign a ticket to a user (``None``: unassign)."""
        self._require("assign a ticket", "full")
        return self.client.write(TICKET, [ticket_id], {"user_id": user_id or False})

    def close_ticket(self, ticket_id: int) -> int:
        """Move the ticket to its team's first closed stage; returns that stage's id."""
        self._require("close a ticket", "full")
        rows = self.client.read(TICKET, [ticket_id], ["team_id"])
        if not rows:
            raise OdooError(f"ticket {ticket_id} does not exist in Odoo (any more)")
        team = rows[0].get("team_id")
        stage = self.closed_stage(int(team[0]) if isinstance(team, list) and team else None)
        self.client.write(TICKET, [ticket_id], {"stage_id": stage})
        return stage

    # -- reads (always allowed) -----------------------------------------------------------------

    def find_user_by_email(self, email: str) -> OdooUser | None:
        """The user whose e-mail or login is ``email`` (internal users first)."""
        domain: Sequence[Any] = ["|", ("email", "=ilike", email), ("login", "=ilike", email)]
        rows = self.client.search_read("res.users", domain, USER_FIELDS, order="share asc, id asc")
        return map_user(rows[0]) if rows else None

    def find_partner_by_email(self, email: str) -> Ref | None:
        rows = self.client.search_read(
            "res.partner", [("email", "=ilike", email)], ["name"], order="id asc", limit=1
        )
        return Ref(int(rows[0]["id"]), text(rows[0].get("name"))) if rows else None

    def closed_stage(self, team_id: int | None) -> int:
        """The first closed stage (by sequence) of the team, else of any team."""
        closed: list[Any] = [(self.schema.stage_closed_field, "=", True)]
        for domain in ([*closed, ("team_ids", "in", [team_id])] if team_id else None, closed):
            if domain is None:
                continue
            ids = self.client.search(self.schema.models.stage, domain, order="sequence asc, id asc",
                                     limit=1)
            if ids:
                return int(ids[0])
        raise OdooError("Odoo has no closed (folded) Helpdesk stage to close "
                                      "tickets in", hint="Fold a stage such as Solved in the "
                                      "Helpdesk team's stages, then retry.")

    def _tag_id(self, name: str) -> int:
        ids = self.client.search(self.schema.models.tag, [("name", "=ilike", name)], limit=1)
        return ids[0] if ids else 0

    def _post(self, ticket_id: int, body: str, subtype: str) -> int:
        result = self.client.call(
            TICKET,
            "message_post",
            ids=[ticket_id],
            body=paragraphs(body),
            body_is_html=True,
            message_type="comment",
            subtype_xmlid=subtype,
        )
        if isinstance(result, list | tuple):
            result = result[0] if result else 0
        return int(result or 0)
