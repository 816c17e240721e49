"""Presence cannot be forged: the name and colour others see come from the account a
connection signed in with; a client sets only its focus (the card it is on) and cursor;
a read-only connection's presence says so."""

from __future__ import annotations

from tests.polling import until
from tests.yclient import peer

STAFF = "sam@example.org"


async def test_a_forged_name_is_replaced_by_the_accounts(server):
    doc_id, member_token = server.new_curriculum("appollo@example.org")
    server.add_user(STAFF, "staff", name="Sam Staff")
    async with (
        peer(server.ws_url, doc_id, token=member_token) as member,
        peer(server.ws_url, doc_id, token=server.token(STAFF)) as reader,
    ):
        await reader.set_presence(
            {
                "user": {"name": "Miles (your mentor)", "color": "#ff0000", "readOnly": False},
                "focus": "item-1",
                "cursor": {"anchor": 3},
                "role": "mentor",
            }
        )
        states = await until(member.others, done=lambda s: len(s) == 1, what="the presence")
        [seen] = states.values()
        assert seen["user"]["name"] == "Sam Staff"
        assert seen["user"]["color"] != "#ff0000" and seen["user"]["color"].startswith("#")
        assert seen["user"]["readOnly"] is True
        assert seen["focus"] == "item-1" and seen["cursor"] == {"anchor": 3}
        assert "role" not in seen

        await member.set_presence({"user": {"name": "Sam Staff (staff)"}, "focus": "x" * 500})
        states = await until(reader.others, done=lambda s: len(s) == 1, what="the member")
        [member_seen] = states.values()
        assert member_seen["user"]["name"] == "appollo"  # the account's name
        assert member_seen["user"]["readOnly"] is False
        assert member_seen["focus"] is None  # not an item id
