"""Block Kit for raising and following: lengths validated by slack_sdk's models, user text
escaped, Block Kit counts held however long the content."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import Block

from hypercare.bot.blocks import MAX_BLOCKS, Reply
from hypercare.bot.raise_blocks import (
    build_raise_modal,
    build_raised_reply,
    build_thread_update,
    parse_raise_values,
)
from hypercare.services import RaisedView, ThreadEntry, ThreadUpdate
from tests.bot.test_blocks import HUGE, assert_no_pings, check

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def shown(blocks: list[Any]) -> str:
    return check(Reply(text="fallback", blocks=[b.to_dict() for b in blocks]))


def test_thread_update_stays_within_block_kit_limits_and_escapes() -> None:
    entries = tuple(ThreadEntry(event_id=i, at=AT, kind="public_reply" if i % 2 else
                                "stage_changed", author="Nora <!here>", text=HUGE)
                    for i in range(1, 101))
    update = ThreadUpdate(raised_id=1, ref="HT00042", channel="C1", thread_ts="1.2",
                          url="https://acme.odoo.com/odoo/helpdesk/42", confidential=False,
                          entries=entries)
    blocks = build_thread_update(update)
    assert len(blocks) <= MAX_BLOCKS
    text = shown(blocks)
    assert_no_pings(text)
    assert "replied in Odoo" in text and "<!date^" in text and "HT00042 in Odoo" in text
    assert "76 earlier updates" in text
    assert update.last_event_id == 100


def test_raised_reply_offers_resolved_here_until_resolved() -> None:
    raised = RaisedView(id=7, local_ref="HC-7", state="created", title=HUGE, message="ok",
                        odoo_id=42, odoo_ref="HT00042", severity=2, due_at=AT,
                        known_issue="KI-3", workaround=HUGE,
                        url="https://acme.odoo.com/odoo/helpdesk/42")
    blocks = [b.to_dict() for b in build_raised_reply(raised, reporter_id="U0ANNA")]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert actions[0]["elements"][0]["value"] == "7"
    assert all(Block.parse(b) is not None for b in blocks)
    assert "severity *S2*" in str(blocks)
    done = RaisedView(**{**raised.__dict__, "resolved_by": "U0ANNA"})
    after = [b.to_dict() for b in build_raised_reply(done)]
    assert not [b for b in after if b["type"] == "actions"]
    assert "Resolved in Slack by <@U0ANNA>" in str(after)


def test_the_form_carries_resolved_by_super_user() -> None:
    modal = build_raise_modal(title=HUGE[:200], text=HUGE).to_dict()
    assert len(modal["blocks"]) <= 100
    assert any(b["block_id"] == "resolved" for b in modal["blocks"])
    ticked = {"title": {"value": {"value": "How do I?"}},
              "what_happened": {"value": {"value": "I asked"}},
              "resolved": {"value": {"selected_options": [{"value": "resolved"}]}}}
    assert parse_raise_values(ticked).resolved is True
    assert parse_raise_values({k: v for k, v in ticked.items()
                               if k != "resolved"}).resolved is False
