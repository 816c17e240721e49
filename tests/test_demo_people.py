"""The demo data a newcomer starts with: the people of the user stories with profiles and
open requests, so that signing in as Charlie shows Miles first."""

from __future__ import annotations

import re

from tests.people import counts, ranked_names
from tests.web import WEB_ENV, signed_in


async def test_charlie_sees_miles_first_at_first_start(server_factory):
    server = server_factory(**WEB_ENV)
    first = server.cli("seed-demo")
    assert "profiles of 36 people of the user stories" in first
    assert "Charlie's request" in first and "Julian's request" in first
    assert server.cli("seed-demo") == "demo data is already there"
    tables = counts(server.env["DATABASE_URL"], ["profile", "mentoring_request"])
    assert tables == {"profile": 36, "mentoring_request": 2}
    async with signed_in(server, "charlie@example.org") as charlie:
        listing = (await charlie.get("/requests")).text
        [path] = re.findall(r'href="(/requests/\d+)"', listing)
        names = ranked_names((await charlie.get(path)).text)
    assert names[0] == "Miles"
    assert "Priya" not in names and "Omar" not in names  # paused, full
    async with signed_in(server, "julian@example.org") as julian:
        listing = (await julian.get("/requests")).text
        [path] = re.findall(r'href="(/requests/\d+)"', listing)
        assert ranked_names((await julian.get(path)).text)[0] == "Petra"
