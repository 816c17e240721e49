"""A certificate's life on a real server: a changed byte reads "tampered", revocation by
staff or the command line reads "revoked" on the page and in the signed list, key
rotation keeps old certificates verifiable, ForgetMe leaves no name or email."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storage.database import make_engine
from tests.certificate_flow import (
    MEMBER,
    MEMBER_NAME,
    MENTOR,
    MENTOR_NAME,
    STAFF,
    add_goal,
    add_others,
    certify,
    curriculum_with_goal,
    fetch_json,
)
from tests.test_certificate_pdf import pdf_text
from tests.test_certificate_stranger import documented_snippet
from tests.web import WEB_ENV, client, csrf_in, database_mentions, signed_in


@pytest.fixture(scope="module")
def stranger():
    return documented_snippet()


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


def execute(server, statement: str, **values) -> list:
    engine = make_engine(server.env["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(statement), values)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


async def published(server, certificate_id: str) -> tuple[dict, dict, dict]:
    """What a stranger fetches: the certificate, the key set, the revocation list."""
    async with client(server) as anyone:
        return (
            await fetch_json(anyone, f"/certificates/{certificate_id}.json"),
            await fetch_json(anyone, "/.well-known/did.json"),
            await fetch_json(anyone, "/certificates/status"),
        )


async def page_of(server, certificate_id: str) -> str:
    async with client(server) as anyone:
        page = await anyone.get(f"/certificates/{certificate_id}")
    assert page.status_code == 200, page.text
    return page.text


async def test_a_changed_byte_in_the_stored_certificate_reads_tampered(server, stranger):
    certificate_id = await certify(server, await curriculum_with_goal(server))
    [(stored,)] = execute(server, "SELECT credential FROM certificate WHERE id = :id",
                          id=certificate_id)  # fmt: skip
    at = stored.index("Be fluent")
    changed = stored[:at] + "Be Fluent" + stored[at + len("Be fluent") :]  # one byte: f -> F
    assert len(changed.encode()) == len(stored.encode()) and changed != stored
    execute(server, "UPDATE certificate SET credential = :c WHERE id = :id", c=changed,
            id=certificate_id)  # fmt: skip

    page = await page_of(server, certificate_id)
    assert "verdict-tampered" in page and "Tampered" in page and "verdict-valid" not in page
    assert MEMBER_NAME not in page  # what a changed document claims is not shown as fact
    credential, key_set, _ = await published(server, certificate_id)
    assert stranger.is_signed(credential, key_set) is False
    async with client(server) as anyone:
        assert (await anyone.get(f"/certificates/{certificate_id}.pdf")).status_code == 409


async def test_staff_revoke_with_a_reason_and_the_page_and_list_say_revoked(server, stranger):
    curriculum = await curriculum_with_goal(server)
    add_others(server)
    certificate_id = await certify(server, curriculum)
    credential, key_set, status_list = await published(server, certificate_id)
    assert stranger.is_revoked(credential, status_list, key_set) is False

    async with signed_in(server, MEMBER) as member:
        csrf = csrf_in((await member.get("/certificates")).text)
        revoke = f"/certificates/{certificate_id}/revoke"
        refused = await member.post(revoke, data={"csrf_token": csrf, "reason": "mine"})
        assert refused.status_code == 403
    async with signed_in(server, STAFF) as staff:
        page = (await staff.get(f"/certificates/{certificate_id}")).text
        assert "Revoke this certificate" in page
        csrf = csrf_in(page)
        empty = await staff.post(revoke, data={"csrf_token": csrf, "reason": "  "})
        assert empty.status_code == 422 and "Give a reason" in empty.text
        done = await staff.post(
            revoke, data={"csrf_token": csrf, "reason": "Signed off by mistake"}
        )
        assert done.status_code == 303
        again = await staff.post(revoke, data={"csrf_token": csrf, "reason": "twice"})
        assert again.status_code == 409

    page = await page_of(server, certificate_id)
    assert "verdict-revoked" in page and "Signed off by mistake" in page
    assert re.search(r"Revoked</strong> on <time datetime=\"\d{4}-\d\d-\d\d\">", page)
    _, key_set, status_list = await published(server, certificate_id)
    assert stranger.is_signed(credential, key_set) is True  # genuine, and revoked
    assert stranger.is_revoked(credential, status_list, key_set) is True
    async with client(server) as anyone:
        assert (await anyone.get(f"/certificates/{certificate_id}.pdf")).status_code == 410
    async with signed_in(server, MEMBER) as member:
        assert (
            "Ask for sign-off"
            in (await member.get(f"/curricula/{curriculum.doc_id}/timeline")).text
        )


async def test_revoking_from_the_command_line(server, stranger):
    certificate_id = await certify(server, await curriculum_with_goal(server))
    out = server.cli("certificates", "revoke", certificate_id, "--reason", "Duplicate of another")
    assert certificate_id in out
    with pytest.raises(RuntimeError, match="revoked already"):
        server.cli("certificates", "revoke", certificate_id, "--reason", "again")
    with pytest.raises(RuntimeError, match="no certificate"):
        server.cli("certificates", "revoke", "nope", "--reason", "x")
    assert "Duplicate of another" in await page_of(server, certificate_id)
    credential, key_set, status_list = await published(server, certificate_id)
    assert stranger.is_revoked(credential, status_list, key_set) is True


async def test_key_rotation_keeps_old_certificates_verifiable(server, stranger):
    curriculum = await curriculum_with_goal(server)
    old_id = await certify(server, curriculum)
    old, key_set_before, _ = await published(server, old_id)
    assert len(key_set_before["verificationMethod"]) == 1

    out = server.cli("keys", "rotate")
    assert "retired key-" in out and "signing with key-" in out
    shell = "Be at home in the shell"
    await add_goal(server, curriculum, "g-shell", shell, [("Linux Journey", "done")], "shell")
    new_id = await certify(server, curriculum, "g-shell", shell)
    new, key_set, status_list = await published(server, new_id)

    assert len(key_set["verificationMethod"]) == 2
    assert set(key_set["assertionMethod"]) > set(key_set_before["assertionMethod"])
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    assert stranger.is_signed(old, key_set) and stranger.is_signed(new, key_set)
    assert stranger.is_revoked(old, status_list, key_set) is False  # signed by the new key
    assert "verdict-valid" in await page_of(server, old_id)
    listing = server.cli("keys", "list").splitlines()
    assert len(listing) == 2 and "retired" in listing[0] and "signing" in listing[1]
    private = execute(server, "SELECT key_id FROM signing_key WHERE private_key_pem IS NOT NULL")
    assert len(private) == 1  # the retired key's private half is gone


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_forget_me_revokes_the_members_certificates_and_leaves_no_trace(
    server_factory, database, request, stranger
):
    url = request.getfixturevalue("postgres_url") if database == "postgresql" else None
    server = server_factory(url, **WEB_ENV)
    certificate_id = await certify(server, await curriculum_with_goal(server))
    credential, _, _ = await published(server, certificate_id)  # a copy they shared

    async with signed_in(server, MEMBER) as member:
        csrf = csrf_in((await member.get("/settings/forget")).text)
        gone = await member.post("/settings/forget", data={"csrf_token": csrf, "confirm": "yes"})
        assert gone.status_code == 200

    page = await page_of(server, certificate_id)
    assert "verdict-revoked" in page and "account removed" in page and MEMBER_NAME not in page
    async with client(server) as anyone:
        assert (await anyone.get(f"/certificates/{certificate_id}.json")).status_code == 410
        assert (await anyone.get(f"/certificates/{certificate_id}.pdf")).status_code == 410
        key_set = await fetch_json(anyone, "/.well-known/did.json")
        status_list = await fetch_json(anyone, "/certificates/status")
    assert stranger.is_revoked(credential, status_list, key_set) is True
    assert database_mentions(server.env["DATABASE_URL"], [MEMBER_NAME, MEMBER]) == []
    tombstone = "SELECT credential, goal_title, member_user_id, status_index FROM certificate"
    [(stored, goal, member, index)] = execute(server, tombstone)
    assert (stored, goal, member) == (None, None, None) and index is not None


async def test_forget_me_of_the_mentor_signs_their_certificates_again_without_them(
    server, stranger, tmp_path
):
    certificate_id = await certify(server, await curriculum_with_goal(server))
    shared_before, _, _ = await published(server, certificate_id)
    server.cli("forget", MENTOR)

    credential, key_set, status_list = await published(server, certificate_id)
    assert stranger.is_signed(credential, key_set) is True
    assert stranger.is_signed(shared_before, key_set) is True  # copies shared earlier too
    assert stranger.is_revoked(credential, status_list, key_set) is False
    assert credential["evidence"][0]["name"] == "Signed off by a former mentor"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == MEMBER_NAME
    assert credential["validFrom"] == shared_before["validFrom"]
    page = await page_of(server, certificate_id)
    assert "verdict-valid" in page and "a former mentor" in page and MENTOR_NAME not in page
    assert database_mentions(server.env["DATABASE_URL"], [MENTOR_NAME, MENTOR]) == []
    async with client(server) as anyone:
        pdf = await anyone.get(f"/certificates/{certificate_id}.pdf")
    assert "a former mentor" in pdf_text(pdf.content, tmp_path)


async def test_the_demo_data_holds_a_certificate_that_verifies(server, tmp_path):
    out = server.cli("seed-demo")
    found = re.search(r"certificate: Appollo the Apprentice, .* \(/certificates/([\w-]+)\)", out)
    assert found, out
    assert "certificate" not in server.cli("seed-demo")  # once
    certificate_id = found.group(1)
    page = await page_of(server, certificate_id)
    assert "verdict-valid" in page
    for shown in ("Appollo the Apprentice", "Be fluent with Linux, the shell and Git",
                  "Maven the Mentor", "Learn Git Branching"):  # fmt: skip
        assert shown in page
    async with signed_in(server, "appollo@example.org") as appollo:
        mine = (await appollo.get("/certificates")).text
        assert f"/certificates/{certificate_id}" in mine
        timeline = (await appollo.get("/curricula/demo-appollo/timeline")).text
        assert "Certified" in timeline
