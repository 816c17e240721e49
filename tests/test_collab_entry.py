"""The short path of a /collab WebSocket (server/collab_entry.py), through a real server:
it still checks the Host, resolves the session, logs under the request's id, and serves
nothing but `/collab/{doc_id}` itself."""

from __future__ import annotations

import pytest
import websockets

from tests.polling import until
from tests.web import WEB_ENV, client, cookie_header, csrf_token, sign_in_as, websocket_outcome

MEMBER, STRANGER = "appollo@example.org", "stranger@example.org"


async def refused_upgrade(url: str, headers: dict[str, str] | None = None, **connect) -> int:
    """The HTTP status with which the server refuses to open a WebSocket."""
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(url, additional_headers=headers or {}, **connect):
            pass
    return refused.value.response.status_code


async def test_a_collab_socket_checks_host_and_session(server_factory):
    server = server_factory(**WEB_ENV)
    doc_id, _ = server.new_curriculum(MEMBER)
    port = int(server.url.rsplit(":", 1)[1])
    async with client(server) as browser:
        await sign_in_as(browser, MEMBER)
        cookie = {"Cookie": cookie_header(browser)}
        url = f"{server.ws_url}/{doc_id}"
        assert await websocket_outcome(url) == 1008  # nobody signed in
        assert await websocket_outcome(url, cookie) == "synced"
        # the same signed-in browser, through a name rebound to this machine
        rebound = f"ws://evil.example:{port}/collab/{doc_id}"
        assert await refused_upgrade(rebound, cookie, host="127.0.0.1", port=port) == 400

        token = await csrf_token(browser, "/settings")
        out = await browser.post("/auth/logout", data={"csrf_token": token})
        assert out.status_code == 303
    assert await websocket_outcome(url, cookie) == 1008  # a signed-out session is nobody


async def test_only_one_segment_after_collab_is_a_document(server_factory):
    server = server_factory(**WEB_ENV)
    doc_id, token = server.new_curriculum(MEMBER)
    assert await websocket_outcome(f"{server.ws_url}/{doc_id}?token={token}") == "synced"
    for path in (f"{doc_id}/x", f"{doc_id}/", f"{doc_id}%2Fx", "", f"/{doc_id}"):
        # as before: no route, the upgrade refused (uvicorn answers a close before accept 403)
        assert await refused_upgrade(f"{server.ws_url}/{path}?token={token}") == 403, path


async def test_a_collab_socket_logs_under_its_request_id(server_factory):
    server = server_factory(**WEB_ENV)
    doc_id, _ = server.new_curriculum(MEMBER)
    stranger = server.token(server.add_user(STRANGER))
    url = f"{server.ws_url}/{doc_id}?token={stranger}"
    assert await websocket_outcome(url, {"X-Request-ID": "collab-entry-check"}) == 1008
    await until(
        lambda: [
            line
            for line in server.log().splitlines()
            if "[collab-entry-check]" in line and "refused a collab connection" in line
        ],
        what="the refusal logged under the request's id",
    )
