"""The short path of a /collab WebSocket (server/collab_entry.py), through a real server:
it still checks the Host, resolves the session, logs under the request's id, and serves
nothing but `/collab/{doc_id}` itself."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
import uvicorn
import websockets

from server import collab_entry
from server.app import create_app
from server.settings import load_settings
from storage.database import run_migrations
from tests.polling import until
from tests.storage_fixtures import sqlite_database_url
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
    assert "refused a collab connection" not in server.log()  # never reached the endpoint


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


async def test_an_exception_in_the_endpoint_is_logged_and_the_server_serves_on(
    tmp_path, monkeypatch, caplog
):
    """In-process (the endpoint is broken on purpose): uvicorn logs what escapes it."""

    async def broken(websocket) -> None:
        raise RuntimeError("the endpoint broke")

    monkeypatch.setattr(collab_entry, "collab_socket", broken)
    database_url = sqlite_database_url(tmp_path)
    run_migrations(database_url)
    settings = load_settings({"MENTORHUB_ENV": "test", "DATABASE_URL": database_url})
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, lifespan="on", log_config=None
    )
    server = uvicorn.Server(config)
    caplog.set_level(logging.ERROR, logger="uvicorn.error")
    serving = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started or serving.done(), what="the server started")
        port = server.servers[0].sockets[0].getsockname()[1]
        assert await refused_upgrade(f"ws://127.0.0.1:{port}/collab/abc") == 500
        async with httpx.AsyncClient() as browser:
            answer = await browser.get(f"http://127.0.0.1:{port}/healthz")
            assert answer.status_code == 200
    finally:
        server.should_exit = True
        await serving
    logged = [r for r in caplog.records if "Exception in ASGI application" in r.getMessage()]
    assert logged and "the endpoint broke" in str(logged[0].exc_info)
