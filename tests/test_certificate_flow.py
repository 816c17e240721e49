"""Signing off a goal on a real server: the member asks, a mentor of theirs signs off, and
anyone verifies the certificate with only its JSON and the published key set."""

from __future__ import annotations

import pytest
from pycrdt import Map

from domain.certificates import verify
from tests.certificate_flow import (
    GOAL,
    GOAL_ID,
    HX,
    MEMBER,
    MEMBER_NAME,
    MENTOR,
    MENTOR_NAME,
    OTHER_MENTOR,
    STAFF,
    add_others,
    answer,
    ask,
    certificate_id_in,
    certify,
    curriculum_with_goal,
    fetch_json,
    timeline,
    wait_until_ready,
)
from tests.polling import until
from tests.test_certificate_pdf import pdf_text
from tests.test_certificate_stranger import documented_snippet
from tests.web import WEB_ENV, client, csrf_in, signed_in
from tests.yclient import connected


@pytest.fixture(scope="module")
def stranger():
    """The verification code of docs/certificates.md, as a stranger runs it."""
    return documented_snippet()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_a_member_asks_a_mentor_signs_off_and_a_stranger_verifies_it(
    server_factory, database, request, stranger, tmp_path
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url, **WEB_ENV)
    items = (("Pro Git", "done"), ("Learn Git Branching", "now"))
    curriculum = await curriculum_with_goal(server, items=items)
    doc_id = curriculum.doc_id

    async with signed_in(server, MEMBER) as member, signed_in(server, MENTOR) as mentor:
        # one item serving the goal is still under way: not ready, nothing to ask
        page = await until(
            lambda: timeline(member, doc_id), lambda page: "still in Now or Next" in page
        )
        assert "Ask for sign-off" not in page
        refused = await ask(member, doc_id)
        assert refused.status_code == 409 and "Not every item" in refused.text

        async with connected(server.ws_url, doc_id, token=curriculum.token) as doc:
            branching = next(
                key for key, item in doc.get("items", type=Map).items()
                if item["title"] == "Learn Git Branching"
            )  # fmt: skip
            doc.get("items", type=Map)[branching]["status"] = "done"
            await wait_until_ready(member, doc_id)
            assert "Nobody is waiting" in (await mentor.get("/certificates")).text

            asked = await ask(member, doc_id)
            assert asked.status_code == 200 and "Waiting for sign-off" in asked.text
            assert (await ask(member, doc_id)).status_code == 409  # asked once is enough
            listed = (await mentor.get("/certificates")).text
            assert "Sign off and issue the certificate" in listed and GOAL in listed

            signed = await answer(mentor, doc_id, note="Spotless rebasing.")
            assert signed.status_code == 200, signed.text
            certificate_id = certificate_id_in(signed.text)
            goal = doc.get("goals", type=Map)[GOAL_ID]
            await until(lambda: goal.get("done") is True, what="the goal marked done")
        again = await answer(mentor, doc_id)
        assert again.status_code == 409  # nobody is waiting any more

        mine = (await member.get("/certificates")).text
        assert f"/certificates/{certificate_id}" in mine and "Link to share" in mine

    async with client(server) as stranger_http:  # no sign-in, as anyone on the web
        credential = await fetch_json(stranger_http, f"/certificates/{certificate_id}.json")
        key_set = await fetch_json(stranger_http, "/.well-known/did.json")
        status_list = await fetch_json(stranger_http, "/certificates/status")
        assert stranger.is_signed(credential, key_set) is True
        assert stranger.is_revoked(credential, status_list, key_set) is False
        assert verify(credential, key_set, status_list=status_list).valid
        subject = credential["credentialSubject"]
        assert subject["identifier"][0]["identityHash"] == MEMBER_NAME
        assert subject["achievement"]["name"] == GOAL
        assert credential["evidence"][0]["name"] == f"Signed off by {MENTOR_NAME}"
        assert "Learn Git Branching" in subject["achievement"]["criteria"]["narrative"]
        assert credential["id"] == f"{server.url}/certificates/{certificate_id}"

        page = await stranger_http.get(f"/certificates/{certificate_id}")
        assert page.status_code == 200
        assert "verdict-valid" in page.text and "Valid" in page.text
        for shown in (MEMBER_NAME, MENTOR_NAME, GOAL, "Learn Git Branching"):
            assert shown in page.text
        assert f'<meta property="og:title" content="{MEMBER_NAME}: {GOAL}">' in page.text
        assert MEMBER not in page.text and MENTOR not in page.text  # no email, ever

        pdf = await stranger_http.get(f"/certificates/{certificate_id}.pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content, tmp_path)
        for shown in (MEMBER_NAME, GOAL, MENTOR_NAME, f"/certificates/{certificate_id}"):
            assert shown in text, (shown, text)


async def test_only_a_mentor_of_the_member_signs_off(server_factory):
    server = server_factory(**WEB_ENV)
    curriculum = await curriculum_with_goal(server)
    add_others(server)
    doc_id = curriculum.doc_id
    async with signed_in(server, MEMBER) as member:
        await wait_until_ready(member, doc_id)
        assert (await ask(member, doc_id)).status_code == 200
        own = await answer(member, doc_id)
        assert own.status_code == 403 and "Only a mentor" in own.text
    async with signed_in(server, OTHER_MENTOR) as other:  # a mentor, of someone else
        assert (await answer(other, doc_id)).status_code == 404
        assert (await other.get(f"/curricula/{doc_id}/sign-offs/stream")).status_code == 404
    async with signed_in(server, STAFF) as staff:  # reads every curriculum, signs off none
        assert (await answer(staff, doc_id)).status_code == 403
    async with signed_in(server, MENTOR) as mentor:
        assert (await ask(mentor, doc_id)).status_code == 403  # the member asks, not a mentor
        mine = (await mentor.get("/certificates")).text
        assert "Sign off and issue the certificate" in mine  # still waiting for the real mentor
        for decision, note, status in (("maybe", "", 422), ("sign-off", "x" * 1001, 422)):
            refused = await answer(mentor, doc_id, decision=decision, note=note)
            assert refused.status_code == status and 'role="alert"' in refused.text
        assert (await answer(mentor, doc_id, goal_id="no-such-goal")).status_code == 404
        declined = await answer(mentor, doc_id, decision="decline", note="Show me the rebase.")
        assert declined.status_code == 200 and "Show me the rebase." in declined.text
    async with signed_in(server, MEMBER) as member:
        page = await timeline(member, doc_id)
        assert "Show me the rebase." in page and "Ask for sign-off" in page  # may ask again
    async with client(server) as anonymous:
        csrf = csrf_in((await anonymous.get("/auth/login")).text)
        fields = {"csrf_token": csrf, "decision": "sign-off"}
        refused = await anonymous.post(
            f"/curricula/{doc_id}/goals/{GOAL_ID}/answer", data=fields, headers=HX
        )
        assert refused.status_code == 404
        assert (await anonymous.get("/certificates/nothing-here")).status_code == 404
        assert (await anonymous.get("/certificates/..%2Fsettings")).status_code == 404
    assert "Traceback" not in server.log()


async def test_a_certificate_is_issued_under_the_public_url(server_factory, stranger):
    server = server_factory(PUBLIC_URL="https://mentorhub.example/", **WEB_ENV)
    curriculum = await curriculum_with_goal(server)
    certificate_id = await certify(server, curriculum)
    async with client(server) as anyone:
        credential = await fetch_json(anyone, f"/certificates/{certificate_id}.json")
        key_set = await fetch_json(anyone, "/.well-known/did.json")
    assert credential["id"] == f"https://mentorhub.example/certificates/{certificate_id}"
    assert credential["issuer"]["id"] == key_set["id"] == "did:web:mentorhub.example"
    status = credential["credentialStatus"]
    assert status["statusListCredential"] == "https://mentorhub.example/certificates/status"
    assert stranger.is_signed(credential, key_set)
