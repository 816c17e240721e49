"""A mentor's last free place, accepted several times at once through the HTTP endpoint,
on SQLite and PostgreSQL: exactly one acceptance wins, the others are told why and
change nothing."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from tests.people import ask, counts, import_people, proposal_ids, user_id, write_request
from tests.web import WEB_ENV, client, csrf_token, sign_in_as

MENTOR = {
    "email": "mara@example.org", "name": "Mara", "role": "mentor",
    "about": "I coach people through coding interviews and recursion.",
    "offers": [{"skill": "recursion", "level": "expert"}], "seeks": [], "formats": ["live"],
    "timezone": "America/New_York", "hours_per_week": 4, "capacity": 2, "mentees": 1,
    "paused": False,
}  # fmt: skip
MEMBERS = [f"member{n}@example.org" for n in range(4)]


async def test_the_last_place_goes_to_exactly_one_of_concurrent_acceptances(
    server_factory, database_url, tmp_path
):
    server = server_factory(database_url, **WEB_ENV)
    members = [
        {"email": email, "name": f"Member {n}", "role": "member", "seeks": ["recursion"],
         "formats": ["live"], "timezone": "America/New_York", "hours_per_week": 2}
        for n, email in enumerate(MEMBERS)
    ]  # fmt: skip
    import_people(server, [MENTOR, *members], tmp_path)
    mara = user_id(database_url, MENTOR["email"])
    for email in MEMBERS:  # each member asks Mara, who has one free place (1 of 2 taken)
        async with client(server) as member:
            await sign_in_as(member, email)
            request_id = await write_request(member)
            assert (await ask(member, request_id, mara)).status_code == 303
    async with contextlib.AsyncExitStack() as stack:
        tabs = []  # Mara's browser tabs, one per proposal, all signed in
        for _ in MEMBERS:
            tab = await stack.enter_async_context(client(server))
            await sign_in_as(tab, MENTOR["email"])
            tabs.append(tab)
        proposals = await proposal_ids(tabs[0])
        assert len(proposals) == len(MEMBERS)
        pairs = list(zip(tabs, proposals, strict=True))
        # Each tab has loaded its form first, so that only the acceptances race.
        tokens = await asyncio.gather(*(csrf_token(tab, f"/proposals/{p}") for tab, p in pairs))
        answers: list[httpx.Response] = await asyncio.gather(
            *(
                tab.post(f"/proposals/{p}/answer", data={"answer": "accept", "csrf_token": token})
                for (tab, p), token in zip(pairs, tokens, strict=True)
            )
        )
    won = [a for a in answers if a.status_code == 303]
    lost = [a for a in answers if a.status_code != 303]
    assert len(won) == 1, [a.status_code for a in answers]
    assert won[0].headers["location"].startswith("/curricula/")
    for refused in lost:
        assert refused.status_code == 409
        assert "You have no free mentee place left (2 of 2 taken)" in refused.text
    assert counts(database_url, ["mentorship", "document"]) == {"mentorship": 1, "document": 1}
    async with client(server) as tab:
        await sign_in_as(tab, MENTOR["email"])
        assert len(await proposal_ids(tab)) == len(MEMBERS) - 1  # still waiting, not lost
