"""Hostile text: what anyone who can create an Odoo ticket or post in Slack can type.

Every front end and writer is tried with it: nothing may crash, no output may hold a raw
control character, a live formula, a Slack mention or markup that changes what is shown.
"""

from __future__ import annotations

import re

MARKUP = "[bold red]x[/bold red] [/] invoice"
STRAY_CLOSE = "Invoice [/] [/link] [link=http://evil.example]click[/link]"
CONTROLS = "Invoice\x1b[31m red\x07 bell\r\nnext\x00 nul\x9b1m\x08 back"
MENTIONS = "<!channel> <!here> <@U0123ABC> @channel <#C0123|general> payment run"
HTML = "<script>alert(1)</script> <b>bold</b> &amp; <img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://evil.example","Open invoice")'
DDE = "+cmd|' /C calc'!A0"
AT_FORMULA = "@SUM(1+1)"
MINUS_FORMULA = "-2+3 credit note"
RTL = "Invoice \u202eevil\u202c and \u2066isolated\u2069 text"
EMOJI = "🔥 Invoice 💸 stuck 👩‍💻 ✅"
MARKDOWN = "| pipe | in | title | # heading *bold* `code` _under_"
HUGE = "Posting blocked " + "A" * 100_000

TITLES: dict[str, str] = {
    "markup": MARKUP, "stray_close": STRAY_CLOSE, "controls": CONTROLS, "mentions": MENTIONS,
    "html": HTML, "formula": FORMULA, "dde": DDE, "at_formula": AT_FORMULA,
    "minus_formula": MINUS_FORMULA, "rtl": RTL, "emoji": EMOJI, "markdown": MARKDOWN,
    "huge": HUGE,
}
"""Ticket titles, by name (each also used as a description, a partner name, a reply)."""

FORMULA_TEXTS = (FORMULA, DDE, AT_FORMULA, MINUS_FORMULA)

RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""A character no output may hold (tab, newline and carriage return aside, which formats use)."""

LIVE_MENTION = re.compile(r"<!(channel|here|everyone)>|<@U[0-9A-Z]+>|<#C[0-9A-Z]+")
"""A Slack mention or link that pings or links when posted as mrkdwn."""


def raw_controls(text: str) -> list[str]:
    """The forbidden characters found in ``text`` (as their code points, for messages)."""
    return [f"U+{ord(c):04X}" for c in RAW_CONTROL.findall(text)]


def seed_hostile_tickets(sim: object) -> dict[str, int]:
    """One ticket per hostile title in the simulator (the title also as its description and
    in a customer reply on its chatter); returns ``{name: odoo id}``.

    ``sim`` is a started :class:`hypercare.odoo.sim.OdooSimulator`; created through the real
    client (JSON-2 on 19, JSON-RPC before), as Odoo would hold what a user typed."""
    from tests.sync.conftest import client_for

    client = client_for(sim)  # type: ignore[arg-type]
    created: dict[str, int] = {}
    try:
        flavor = getattr(getattr(sim, "config", None), "flavor", "enterprise")
        team_model = "helpdesk.team" if flavor == "enterprise" else "helpdesk.ticket.team"
        team = client.search(team_model, [], limit=1)[0]
        company = client.search("res.company", [], limit=1)[0]
        for name, title in TITLES.items():
            created[name] = client.create("helpdesk.ticket", {
                "name": title, "team_id": team, "company_id": company, "priority": "2",
                "description": f"<p>{title}</p>", "partner_name": title[:200]})
            client.call("helpdesk.ticket", "message_post", ids=[created[name]],
                        body=f"<p>{title}</p>", message_type="comment",
                        subtype_xmlid="mail.mt_comment")
    finally:
        client.close()
    return created


def unescaped_pipes(row: str) -> int:
    """The pipes of a Markdown line that are not escaped by a backslash (cell borders)."""
    count, escaped = 0, False
    for char in row:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            count += 1
    return count
