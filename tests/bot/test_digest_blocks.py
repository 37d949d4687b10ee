"""Digests, stand-up minutes and the weekly pack notice as Block Kit: short main messages,
long content split into valid thread messages."""

from __future__ import annotations

from hypercare.bot.alert_blocks import SlackMessage, render
from tests.bot.alert_payloads import (
    KINDS,
    NOW,
    digest_payload,
    minutes_markdown,
    pack_payload,
    shown,
    valid,
)


def test_digest_main_message_is_short_with_trends_top_ten_and_standup() -> None:
    message = render("digest", digest_payload(groups=5), now=NOW)
    valid(message)
    assert len(message.blocks) <= 25
    main = "\n".join(shown(SlackMessage(message.text, message.blocks)).split("\n"))
    assert "*Open*\n42 ▲ +3" in main and "*Breached*\n3 ▼ -2" in main
    assert "*At risk*\n7 =" in main and "*New*\n11" in main
    assert "HT00009" in main and "HT00010" not in main
    assert "<https://acme.odoo.com/odoo/helpdesk/0|HT00000>" in main
    assert "and 7 more need attention: open the TUI queue" in main  # 2 beyond ten + 5
    assert "Stand-up at <!date^" in main
    assert "Team 0001" not in main and "Team 0001" in shown(message)


def test_digest_with_500_groups_lists_every_group_in_valid_thread_messages() -> None:
    message = render("digest", digest_payload(groups=500), now=NOW)
    messages = valid(message)
    assert len(message.blocks) <= 25 and len(message.thread) >= 2
    main = shown(SlackMessage(message.text, message.blocks))
    assert "Team 0000" not in main
    thread = "\n".join(shown(m) for m in message.thread)
    assert all(f"Acme Belgium / Team {i:04d}" in thread for i in range(500))
    assert len(messages) == 1 + len(message.thread)


def test_minutes_fit_the_first_message_then_continue_in_the_thread() -> None:
    short = render("standup_minutes", KINDS["standup_minutes"](), now=NOW)
    assert short.thread == () and short.blocks[0]["text"]["text"] == \
        "Stand-up minutes: 2026-11-20 (all)"
    text = shown(short)
    assert "*Decisions*" in text and "HT00001 Invoice 1 · category -&gt; defect" in text
    assert "|---" not in text and "• Attendees: lea, &lt;!channel&gt;" in text
    long_text = minutes_markdown(3000, "with a fairly long description of the decision")
    message = render("standup_minutes", {"standup_id": 4, "scope": "all",
                                         "markdown": long_text}, now=NOW)
    messages = valid(message)
    assert len(messages) >= 2 and len(message.blocks) == 50
    everything = shown(message)
    assert all(f"HT{i:05d} Invoice {i} " in everything for i in range(3000))


def test_weekly_pack_is_a_short_announcement() -> None:
    message = render("weekly_pack", pack_payload(), now=NOW)
    valid(message)
    text = shown(message)
    assert "*Open tickets*\n42 ▼ -6" in text and "*SLA attainment %*\n91.5 ▲ +2.5" in text
    assert "4 of 7 +1 met" in text and "steering-2026-W48.xlsx (xlsx)" in text
    assert "<https://hypercare.acme.example/packs/2026-W48|Open the 2026-W48 pack>" in text
    assert len(message.blocks) <= 10 and message.thread == ()
