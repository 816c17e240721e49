"""The web's usual attacks: cross-site WebSockets, CSRF, missing headers, floods, XSS;
and personal access tokens kept secret."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib

import pytest
import sqlalchemy as sa
import websockets
from pycrdt import create_update_message

from server.security_headers import CONTENT_SECURITY_POLICY
from storage.database import make_engine
from tests.server_process import ServerProcess
from tests.web import WEB_ENV, client, csrf_in, csrf_token, signed_in, websocket_outcome
from tests.yclient import close_code_after, collab_url

MEMBER = "member@example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web-security")
    process = ServerProcess(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            **WEB_ENV,
            "RATE_LIMIT_PER_SECOND": "50",
            "RATE_LIMIT_BURST": "100",
        },
        tmp / "server.log",
    )
    process.migrate()
    process.add_user(MEMBER, name="<script>alert(1)</script> Member")
    yield process.start()
    process.terminate()


async def test_a_cross_origin_websocket_upgrade_is_refused(server):
    doc_id, token = server.new_curriculum(MEMBER)
    url = collab_url(server.ws_url, doc_id, token)
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(url, origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403
    same_origin = server.url  # the server's own host is allowed
    async with websockets.connect(url, origin=same_origin) as ws:
        assert (await ws.recv())[:2] == b"\x00\x00"


async def test_state_changing_requests_need_the_csrf_token(server):
    async with signed_in(server, MEMBER) as browser:
        good = await csrf_token(browser, "/settings")
        no_token = await browser.post("/settings/tokens", data={"name": "x"})
        assert no_token.status_code == 403 and "CSRF" in no_token.text
        wrong = await browser.post("/settings/tokens", data={"name": "x", "csrf_token": "0" * 64})
        assert wrong.status_code == 403
        as_header = await browser.post(
            "/settings/tokens", data={"name": "by header"}, headers={"X-CSRF-Token": good}
        )
        assert as_header.status_code == 200
        as_field = await browser.post(
            "/settings/tokens", data={"name": "by form", "csrf_token": good}
        )
        assert as_field.status_code == 200
        logout = await browser.post("/auth/logout")
        assert logout.status_code == 403  # not even signing out
        assert (await browser.get("/settings")).status_code == 200
    async with client(server) as anonymous:  # the anonymous form of dev sign-in
        refused = await anonymous.post("/auth/dev", data={"email": MEMBER})
        assert refused.status_code == 403
        assert "mentorhub_session" not in anonymous.cookies
    async with client(server) as victim:
        stolen = csrf_in((await victim.get("/auth/login")).text)
    async with client(server) as other_browser:  # a token from another browser is no good
        answer = await other_browser.post("/auth/dev", data={"email": MEMBER, "csrf_token": stolen})
        assert answer.status_code == 403


async def test_every_page_carries_the_security_headers(server):
    async with client(server) as browser:
        for path in ("/auth/login", "/healthz", "/no-such-page"):
            answer = await browser.get(path)
            assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "same-origin"
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY


async def test_pages_escape_what_users_wrote(server):
    async with signed_in(server, MEMBER) as browser:
        page = await browser.get("/settings")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Member" in page.text


async def test_sign_in_is_rate_limited_per_client(server_factory):
    server = server_factory(SIGN_IN_RATE_LIMIT_PER_MINUTE="3", DEV_SIGN_IN="true")
    async with client(server) as browser:
        token = await csrf_token(browser)
        answers = [
            await browser.post("/auth/dev", data={"email": "x@example.org", "csrf_token": token})
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60


async def test_a_websocket_flood_is_closed(server):
    doc_id, token = server.new_curriculum(MEMBER)
    async with websockets.connect(collab_url(server.ws_url, doc_id, token)) as flooder:
        with contextlib.suppress(websockets.ConnectionClosed):
            for _ in range(1000):  # the burst allows 100
                await flooder.send(create_update_message(b"\x00\x00"))
        assert await close_code_after(flooder) == 1008


async def test_a_token_is_shown_once_and_stored_hashed(server):
    async with signed_in(server, MEMBER) as browser:
        csrf = await csrf_token(browser, "/settings")
        made = await browser.post("/settings/tokens", data={"name": "laptop", "csrf_token": csrf})
        token = made.text.split('class="new-token">', 1)[1].split("<", 1)[0]
        assert token.startswith("mh_") and len(token) == 46
        assert made.headers["cache-control"] == "no-store"
        later = await browser.get("/settings")
        assert token not in later.text and token[:10] in later.text
    assert await websocket_outcome(collab_url(server.ws_url, *_a_doc(server, token))) == "synced"
    engine = make_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT token_hash, prefix FROM access_token WHERE name = 'laptop'")
            ).one()
    finally:
        engine.dispose()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:10]
    assert token not in server.log()  # uvicorn logs WebSocket paths: tokens are redacted


async def test_nobody_revokes_another_persons_token(server):
    server.add_user("other@example.org")
    server.token("other@example.org")
    async with signed_in(server, MEMBER) as browser:
        csrf = await csrf_token(browser, "/settings")
        for token_id in range(1, 10):  # whatever the ids, none of the other's is revoked
            await browser.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    doc_id, _ = server.new_curriculum("other@example.org")
    url = collab_url(server.ws_url, doc_id, server.token("other@example.org"))
    assert await websocket_outcome(url) == "synced"
    await asyncio.sleep(0)


def _a_doc(server: ServerProcess, token: str) -> tuple[str, str]:
    doc_id, _ = server.new_curriculum(MEMBER)
    return doc_id, token
