"""Host header and DNS rebinding; client addresses behind proxies and their rate limits."""

from __future__ import annotations

import secrets

import httpx
import pytest
import websockets

from tests.web import WEB_ENV, csrf_token, websocket_outcome

MEMBER = "appollo@example.org"


def random_address() -> str:
    return ".".join(str(secrets.randbelow(254) + 1) for _ in range(4))


async def test_only_allowed_hosts_are_answered(server_factory):
    server = server_factory(**WEB_ENV)
    port = server.url.rsplit(":", 1)[1]
    async with httpx.AsyncClient(base_url=server.url) as browser:
        for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
            assert (await browser.get("/healthz", headers={"Host": host})).status_code == 200
        # a name rebound to this machine by an attacker's DNS
        for host in (f"evil.example:{port}", "attacker.test", f"127.0.0.1.evil.example:{port}"):
            answer = await browser.get("/auth/login", headers={"Host": host})
            assert answer.status_code == 400 and "Invalid host header" in answer.text, host

    doc_id, token = server.new_curriculum(MEMBER)
    url = f"{server.ws_url}/{doc_id}?token={token}"
    assert await websocket_outcome(url) == "synced"
    rebound = f"ws://evil.example:{port}/collab/{doc_id}?token={token}"
    with pytest.raises(websockets.InvalidStatus) as refused:  # the upgrade is refused outright
        async with websockets.connect(rebound, host="127.0.0.1", port=int(port)):
            pass
    assert refused.value.response.status_code == 400


async def test_the_websocket_origin_is_checked_against_the_allowed_hosts(server_factory):
    server = server_factory(ALLOWED_HOSTS="127.0.0.1,mentorhub.example.org", **WEB_ENV)
    doc_id, token = server.new_curriculum(MEMBER)
    url = f"{server.ws_url}/{doc_id}?token={token}"
    port = server.url.rsplit(":", 1)[1]
    # a proxy may hand the server any Host; the browser's origin is what counts
    behind_a_proxy = {"Host": f"127.0.0.1:{port}", "Origin": "https://mentorhub.example.org"}
    assert await websocket_outcome(url, behind_a_proxy) == "synced"
    assert await websocket_outcome(url, {"Origin": server.url}) == "synced"
    for origin in ("https://evil.example", "null", "file://", "https://mentorhub.example.org.evil"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websocket_outcome(url, {"Origin": origin})
        assert refused.value.response.status_code == 403, origin


async def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(server_factory):
    limited = {**WEB_ENV, "SIGN_IN_RATE_LIMIT_PER_MINUTE": "3"}
    server = server_factory(**limited)
    async with httpx.AsyncClient(base_url=server.url) as browser:
        token = await csrf_token(browser)
        codes = []
        for _ in range(5):  # each claims to come from somewhere else
            answer = await browser.post(
                "/auth/dev",
                data={"email": "nobody@example.org", "csrf_token": token},
                headers={"X-Forwarded-For": random_address()},
            )
            codes.append(answer.status_code)
    assert codes == [400, 400, 400, 429, 429]
    server.terminate()

    proxied = server_factory(TRUSTED_PROXIES="127.0.0.1", **limited)  # behind a proxy here
    async with httpx.AsyncClient(base_url=proxied.url) as browser:
        token = await csrf_token(browser)
        for _ in range(5):  # the proxy tells who each client is: five clients, one try each
            answer = await browser.post(
                "/auth/dev",
                data={"email": "nobody@example.org", "csrf_token": token},
                headers={"X-Forwarded-For": random_address()},
            )
            assert answer.status_code == 400


async def test_wrong_tokens_on_collab_cost_the_client_address(server_factory):
    server = server_factory(**{**WEB_ENV, "SIGN_IN_RATE_LIMIT_PER_MINUTE": "3"})
    doc_id, token = server.new_curriculum(MEMBER)
    url = f"{server.ws_url}/{doc_id}"
    assert await websocket_outcome(f"{url}?token={token}") == "synced"  # a right one is free
    for _ in range(3):
        wrong = "mh_" + secrets.token_urlsafe(32)
        spoofed = {"X-Forwarded-For": random_address()}
        assert await websocket_outcome(f"{url}?token={wrong}", spoofed) == 1008
    # past the limit the address is refused, even with a right token, saying why
    async with websockets.connect(f"{url}?token={token}") as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "too many failed sign-ins")
    headers = {"Authorization": f"Bearer {token}"}
    assert await websocket_outcome(url, headers) == 1008
