"""Finding each other through the pages: a request ranks mentors with reasons, paused
and full mentors are never proposed, a mentor accepts or declines with a note, the
mentorship opens the member's curriculum for both, and the emails arrive - unless
the person turned them off. Bad input is a 4xx and changes nothing."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from pycrdt import Map

from tests.people import (
    REQUEST,
    answer,
    ask,
    counts,
    import_people,
    import_personas,
    proposal_ids,
    ranked_names,
    user_id,
    write_request,
)
from tests.server_process import ROOT
from tests.web import WEB_ENV, csrf_token, database_mentions, signed_in
from tests.yclient import connected

CHARLIE, MILES, KENJI = "charlie@example.org", "miles@example.org", "kenji@example.org"
PRIYA, OMAR = "priya@example.org", "omar@example.org"


@pytest.fixture
def programme(server_factory, smtp, tmp_path):
    """A server sending email to the test SMTP server, with the personas imported."""
    server = server_factory(**WEB_ENV, **smtp.env())
    import_personas(server, tmp_path)
    server.database_url = server.env["DATABASE_URL"]  # type: ignore[attr-defined]
    return server


async def test_a_request_ranks_mentors_and_never_proposes_paused_or_full_ones(programme):
    url = programme.database_url
    async with signed_in(programme, CHARLIE) as charlie:
        request_id = await write_request(charlie)
        page = (await charlie.get(f"/requests/{request_id}")).text
        names = ranked_names(page)
        assert names[0] == "Miles"
        assert "Priya" not in names and "Omar" not in names  # paused, full
        assert "covers recursion, coding-interviews (expert)" in page
        before = counts(url)
        for mentor, why in ((PRIYA, "is paused"), (OMAR, "has no free mentee place")):
            refused = await ask(charlie, request_id, user_id(url, mentor))
            assert refused.status_code == 409 and why in refused.text
        refused = await ask(charlie, request_id, 999_999)
        assert refused.status_code == 409 and "no such mentor" in refused.text
        assert counts(url) == before  # nothing proposed, nothing queued


async def test_a_mentor_accepts_and_both_land_on_the_new_curriculum(programme, smtp):
    url = programme.database_url
    async with signed_in(programme, CHARLIE) as charlie:
        request_id = await write_request(charlie)
        for mentor in (MILES, KENJI):  # a short mentorship: several at once
            asked = await ask(charlie, request_id, user_id(url, mentor))
            assert asked.status_code == 303
        proposal_email = smtp.inbox.wait_for(lambda got: len(got) == 2)[0]
        assert {m["To"] for m in smtp.inbox.messages} == {MILES, KENJI}
        assert "Charlie asks you to mentor them" in proposal_email["Subject"]
        assert "/inbox" in proposal_email.get_content()
        async with signed_in(programme, MILES) as miles:
            [proposal] = await proposal_ids(miles)
            accepted = await answer(miles, proposal, "accept", note="Let's start on Monday.")
            assert accepted.status_code == 303
            doc_id = accepted.headers["location"].removeprefix("/curricula/")
            assert (await miles.get(f"/curricula/{doc_id}")).status_code == 200
            again = await answer(miles, proposal, "accept")
            assert again.status_code == 409 and "accepted already" in again.text
        page = (await charlie.get(f"/requests/{request_id}")).text
        assert "Miles accepted your request." in page and f'href="/curricula/{doc_id}"' in page
        assert "Let&#39;s start on Monday." in page
        assert (await charlie.get(f"/curricula/{doc_id}")).status_code == 200
        mail = smtp.inbox.wait_for(lambda got: any(m["To"] == CHARLIE for m in got))
        to_charlie = next(m for m in mail if m["To"] == CHARLIE)
        assert to_charlie["Subject"] == "Miles accepted your request"
        assert f"/curricula/{doc_id}" in to_charlie.get_content()
        assert "Let's start on Monday." in to_charlie.get_content()
    async with signed_in(programme, KENJI) as kenji:
        [late] = re.findall(r'href="/proposals/(\d+)"', (await kenji.get("/inbox")).text)
        refused = await answer(kenji, int(late), "accept")
        assert refused.status_code == 409 and "withdrawn already" in refused.text
        assert (await kenji.get(f"/curricula/{doc_id}")).status_code == 404
    assert counts(url, ["mentorship"]) == {"mentorship": 1}


async def test_a_decline_keeps_the_request_open_and_tells_the_member(programme, smtp):
    url = programme.database_url
    async with signed_in(programme, CHARLIE) as charlie:
        request_id = await write_request(charlie, kind="long")
        assert (await ask(charlie, request_id, user_id(url, KENJI))).status_code == 303
        second = await ask(charlie, request_id, user_id(url, MILES))
        assert second.status_code == 409 and "one mentor at a time" in second.text
        async with signed_in(programme, KENJI) as kenji:
            [proposal] = await proposal_ids(kenji)
            declined = await answer(kenji, proposal, "decline", note="Try Miles: closer hours.")
            assert declined.status_code == 303
        mail = smtp.inbox.wait_for(lambda got: any(m["To"] == CHARLIE for m in got))
        note = next(m for m in mail if m["To"] == CHARLIE)
        assert note["Subject"] == "Kenji cannot take your request"
        assert "Try Miles: closer hours." in note.get_content()
        page = (await charlie.get(f"/requests/{request_id}")).text
        assert "declined" in page and "Ask Miles" in page  # open: the next mentor may be asked
        assert (await ask(charlie, request_id, user_id(url, MILES))).status_code == 303
        exported = (await charlie.get("/settings/export")).json()["finding_each_other"]
        assert [r["goal"] for r in exported["requests"]] == [REQUEST["goal"]]
        assert exported["profile"]["timezone"] == "America/New_York"


async def test_a_person_who_turned_an_email_off_does_not_get_it(programme, smtp):
    url = programme.database_url
    async with signed_in(programme, KENJI) as kenji:
        token = await csrf_token(kenji, "/settings/notifications")
        keep = ["request_accepted", "request_declined", "offer_taken"]  # not "proposal"
        saved = await kenji.post("/settings/notifications", data={"csrf_token": token, "on": keep})
        assert saved.status_code == 200
        assert re.search(r'value="proposal"(?! checked)', saved.text)
    async with signed_in(programme, CHARLIE) as charlie:
        request_id = await write_request(charlie)
        for mentor in (KENJI, MILES):
            assert (await ask(charlie, request_id, user_id(url, mentor))).status_code == 303
    smtp.inbox.wait_for(lambda got: any(m["To"] == MILES for m in got))  # sent after Kenji's
    assert smtp.inbox.to(KENJI) == []
    assert counts(url, ["notification_outbox"]) == {"notification_outbox": 1}


BAD_REQUESTS = [
    ({"timezone": "Mars/Olympus_Mons"}, "is not a time zone we know"),
    ({"formats": "telepathy"}, "Unknown format telepathy"),
    ({"hours": ""}, "Say how many hours a week you can give"),
    ({"hours": "lots"}, "Write a number"),
    ({"goal": ""}, "Say in a line what you want to achieve"),
    ({"description": "x" * 4001}, "At most 4000 characters"),
]


async def test_a_bad_request_form_is_422_with_the_reason_and_changes_nothing(programme):
    before = counts(programme.database_url)
    async with signed_in(programme, CHARLIE) as charlie:
        for change, message in BAD_REQUESTS:
            data = {**REQUEST, **change, "csrf_token": await csrf_token(charlie, "/requests/new")}
            refused = await charlie.post("/requests", data=data)
            assert refused.status_code == 422, change
            assert message in refused.text.replace("&#39;", "'"), change
            assert 'class="field-error"' in refused.text and 'role="alert"' in refused.text
    assert counts(programme.database_url) == before


async def test_profile_and_offer_forms_refuse_bad_input_and_save_good_input(programme):
    url = programme.database_url
    async with signed_in(programme, MILES) as miles:
        token = await csrf_token(miles, "/profile")
        form = {
            "csrf_token": token, "about": "Interview coach.", "offers_expert": "recursion, k8s",
            "seeks": "rust", "formats": ["live", "review"], "timezone": "Europe/Berlin",
            "hours_per_week": "3", "capacity": "4",
        }  # fmt: skip
        bad = await miles.post("/profile", data={**form, "timezone": "Atlantis/Capital"})
        assert bad.status_code == 422 and "is not a time zone we know" in bad.text
        bad = await miles.post("/profile", data={**form, "capacity": "1.5"})
        assert bad.status_code == 422 and "whole number" in bad.text
        page = (await miles.get(f"/people/{user_id(url, MILES)}")).text
        assert "America/Chicago" in page  # unchanged
        saved = await miles.post("/profile", data=form, headers={"HX-Request": "true"})
        assert saved.status_code == 200 and "Saved." in saved.text
        page = (await miles.get(f"/people/{user_id(url, MILES)}")).text
        assert "Europe/Berlin" in page and "Kubernetes" in page and "4 of 4" not in page
        before = counts(url)
        offer = {"csrf_token": token, "title": "Mock interviews", "hours": "", "formats": "live"}
        refused = await miles.post("/offers", data=offer)
        assert refused.status_code == 422 and "Say how many hours" in refused.text
        assert counts(url) == before


async def test_a_member_takes_up_an_offer_and_the_mentor_is_told(programme, smtp):
    async with signed_in(programme, "george@example.org") as george:
        token = await csrf_token(george, "/offers/new")
        made = await george.post("/offers", data={
            "csrf_token": token, "title": "UX vs UI vs graphic design, in one hour",
            "text": "For developers curious about design.", "hours": "1", "formats": "live",
            "timezone": "America/New_York", "skills": "ux design, ui design, graphic design",
        })  # fmt: skip
        assert made.status_code == 303
        offer_path = made.headers["location"]
        page = (await george.get(offer_path)).text
        assert ranked_names(page)[0] == "Alex"
    async with signed_in(programme, "alex@example.org") as alex:
        token = await csrf_token(alex, offer_path)
        taken = await alex.post(f"{offer_path}/take", data={"csrf_token": token})
        assert taken.status_code == 303 and taken.headers["location"].startswith("/curricula/")
        assert (await alex.get(taken.headers["location"])).status_code == 200
    mail = smtp.inbox.wait_for(lambda got: any(m["To"] == "george@example.org" for m in got))
    assert "Alex took up your offer" in mail[-1]["Subject"]


async def test_the_json_endpoint_ranks_with_a_token_and_refuses_without(programme):
    story = json.loads((ROOT / "domain" / "personas.json").read_text())["stories"][0]["request"]
    charlie = programme.token(CHARLIE)
    async with signed_in(programme, CHARLIE) as browser:
        answer_ = await browser.post("/api/match", json={"request": story})
        assert answer_.status_code == 401  # a session cookie is not enough
        assert answer_.headers["www-authenticate"] == "Bearer"
        headers = {"Authorization": f"Bearer {charlie}"}
        ranked = await browser.post(
            "/api/match", json={"request": story, "limit": 3}, headers=headers
        )
        assert ranked.status_code == 200, ranked.text
        matches = ranked.json()["matches"]
        assert [m["email"] for m in matches][0] == MILES and len(matches) <= 3
        assert matches[0]["reasons"] and 0 < matches[0]["score"] <= 1
        bad_token = {"Authorization": "Bearer mh_" + "x" * 43}
        assert (
            await browser.post("/api/match", json={"request": story}, headers=bad_token)
        ).status_code == 401
        for change, status, message in (
            ({"timezone": "Nowhere/Land"}, 422, "timezone"),
            ({"formats": ["fax"]}, 422, "formats must be among"),
            ({"hours": None}, 422, "hours must be a number"),
        ):
            refused = await browser.post(
                "/api/match", json={"request": {**story, **change}}, headers=headers
            )
            assert refused.status_code == status and message in refused.json()["error"], (
                refused.text
            )
        del story["hours"]
        refused = await browser.post("/api/match", json={"request": story}, headers=headers)
        assert refused.status_code == 422 and "hours is required" in refused.json()["error"]
        refused = await browser.post("/api/match", content=b"{", headers=headers)
        assert refused.status_code == 400
        other = {**story, "hours": 2, "member": "julian@example.org"}
        refused = await browser.post("/api/match", json={"request": other}, headers=headers)
        assert refused.status_code == 403
    staff = {"Authorization": f"Bearer {programme.token('sam@example.org')}"}
    async with signed_in(programme, CHARLIE) as browser:
        other = {**story, "hours": 2, "member": "julian@example.org"}
        assert (
            await browser.post("/api/match", json={"request": other}, headers=staff)
        ).status_code == 200


async def test_forgetting_a_member_leaves_their_name_nowhere_in_requests_or_emails(
    programme, smtp, tmp_path
):
    url = programme.database_url
    zelda = {
        "email": "zelda.quux@example.org", "name": "Zelda Quux", "role": "member",
        "seeks": ["recursion"], "formats": ["live"], "timezone": "America/New_York",
    }  # fmt: skip
    import_people(programme, [zelda], tmp_path)
    async with signed_in(programme, zelda["email"]) as member:
        request_id = await write_request(member, description="Zelda Quux, boot camp graduate.")
        assert (await ask(member, request_id, user_id(url, MILES))).status_code == 303
    smtp.inbox.wait_for(lambda got: any("Zelda Quux" in (m["Subject"] or "") for m in got))
    async with signed_in(programme, MILES) as miles:  # Miles's note names her too
        [proposal] = await proposal_ids(miles)
        assert (
            await answer(miles, proposal, "accept", note="Welcome, Zelda Quux!")
        ).status_code == 303
    programme.cli("forget", zelda["email"])
    assert database_mentions(url, [zelda["email"], zelda["name"]]) == []
    assert counts(url, ["mentoring_request", "mentorship"]) == {
        "mentoring_request": 0,
        "mentorship": 0,
    }


async def test_accepting_links_the_members_existing_curriculum_and_names_the_mentor(programme):
    url = programme.database_url
    doc_id, appollo_token = programme.new_curriculum("appollo@example.org", title="Appollo's SRE")
    async with connected(programme.ws_url, doc_id, token=appollo_token) as doc:
        meta = doc.get("meta", type=Map)
        async with signed_in(programme, "appollo@example.org") as appollo:
            request_id = await write_request(appollo)
            assert (await ask(appollo, request_id, user_id(url, MILES))).status_code == 303
        async with signed_in(programme, MILES) as miles:
            assert (await miles.get(f"/curricula/{doc_id}")).status_code == 404
            [proposal] = await proposal_ids(miles)
            accepted = await answer(miles, proposal, "accept")
            assert accepted.headers["location"] == f"/curricula/{doc_id}"  # linked, not new
            assert (await miles.get(f"/curricula/{doc_id}")).status_code == 200
        deadline = asyncio.get_running_loop().time() + 5
        while MILES not in list(meta.get("mentors") or []):  # the open editor sees it
            assert asyncio.get_running_loop().time() < deadline, meta.to_py()
            await asyncio.sleep(0.05)
    async with signed_in(programme, "appollo@example.org") as appollo:  # asks Miles again
        again = await write_request(appollo, goal="Review my on-call runbook")
        assert (await ask(appollo, again, user_id(url, MILES))).status_code == 303
        async with signed_in(programme, MILES) as miles:
            [proposal] = await proposal_ids(miles)
            accepted = await answer(miles, proposal, "accept")
            assert accepted.headers["location"] == f"/curricula/{doc_id}"
        page = (await appollo.get(f"/requests/{again}")).text
        assert f'href="/curricula/{doc_id}"' in page
    # one curriculum, one mentorship: a second request from the same mentee takes no place
    assert counts(url, ["document", "mentorship"]) == {"document": 1, "mentorship": 1}
