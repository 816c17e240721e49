"""Sign-in with OpenID Connect against a real provider (oidc-provider-mock), sessions,
sign-out and development sign-in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
import sqlalchemy as sa

from storage.database import make_engine
from tests.oidc_provider import OIDCProvider
from tests.polling import until
from tests.server_process import ServerProcess
from tests.web import client, cookie_header, csrf_token, signed_in, websocket_outcome


def db_url(server: ServerProcess) -> str:
    return server.env["DATABASE_URL"]


def users(server: ServerProcess) -> list[dict]:
    engine = make_engine(db_url(server))
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT * FROM user_account ORDER BY id")).all()
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


async def start_flow(browser: httpx.AsyncClient) -> str:
    """Start signing in; return the provider's authorization URL."""
    start = await browser.get("/auth/oidc/start")
    assert start.status_code == 302, start.text
    return start.headers["location"]


async def approve(authorize_url: str, sub: str) -> str:
    """Sign in at the provider as `sub`; return the callback URL it redirects to."""
    async with httpx.AsyncClient(timeout=10) as provider:
        form = await provider.get(authorize_url)
        assert form.status_code == 200 and 'name="sub"' in form.text
        answer = await provider.post(authorize_url, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def oidc_sign_in(browser: httpx.AsyncClient, sub: str) -> httpx.Response:
    callback = await approve(await start_flow(browser), sub)
    return await browser.get(callback)


@pytest.fixture
def oidc_server(server_factory, oidc_provider: OIDCProvider) -> ServerProcess:
    return server_factory(**oidc_provider.env())


async def test_first_sign_in_creates_the_user_from_the_claims(oidc_server, oidc_provider):
    oidc_provider.set_user(
        "alice-sub",
        email="Alice@Example.org",
        email_verified=True,
        name="Alice Liddell",
        picture="https://example.org/alice.png",
    )
    async with client(oidc_server) as browser:
        login = await browser.get("/auth/login")
        assert "Sign in with Test Provider" in login.text
        authorize = await start_flow(browser)
        query = parse_qs(urlsplit(authorize).query)
        assert authorize.startswith(oidc_provider.url)
        assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
        assert query["state"] and query["nonce"]
        assert query["scope"] == ["openid email profile"]
        done = await browser.get(await approve(authorize, "alice-sub"))
        assert done.status_code == 303 and done.headers["location"] == "/dashboard"
        first_cookie = browser.cookies["mentorhub_session"]
        page = await browser.get("/settings")
        assert page.status_code == 200 and "Alice Liddell" in page.text
    [alice] = users(oidc_server)
    assert alice["email"] == "alice@example.org"
    assert alice["name"] == "Alice Liddell"
    assert alice["picture"] == "https://example.org/alice.png"
    assert alice["role"] == "member"
    assert (alice["oidc_issuer"], alice["oidc_subject"]) == (oidc_provider.issuer, "alice-sub")

    # A later sign-in finds the same user by (issuer, subject), with a new session id.
    oidc_provider.set_user("alice-sub", email="alice@new.example.org", name="Renamed")
    async with client(oidc_server) as browser:
        assert (await oidc_sign_in(browser, "alice-sub")).status_code == 303
        assert browser.cookies["mentorhub_session"] != first_cookie
    assert [u["id"] for u in users(oidc_server)] == [alice["id"]]


async def test_a_forged_state_is_refused(oidc_server, oidc_provider):
    oidc_provider.set_user("mallory", email="mallory@example.org")
    async with client(oidc_server) as browser:
        callback = await approve(await start_flow(browser), "mallory")
        parts = urlsplit(callback)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query["state"] = "forged-" + query["state"]
        answer = await browser.get(urlunsplit(parts._replace(query=urlencode(query))))
        assert answer.status_code == 400
        assert "We could not sign you in" in answer.text
        assert "mentorhub_session" not in browser.cookies
    assert users(oidc_server) == []
    assert "MismatchingStateError" in oidc_server.log()


async def test_a_code_issued_for_another_flow_fails_the_nonce_check(oidc_server, oidc_provider):
    """Two flows in one browser: the first flow's callback (its own state, so the state
    check passes) with the code of the second flow, whose ID token carries the second
    nonce. The nonce check must catch the swap (a code injection)."""
    oidc_provider.set_user("victim", email="victim@example.org")
    async with client(oidc_server) as browser:
        first = await start_flow(browser)
        first_cookies = dict(browser.cookies)
        second = await start_flow(browser)
        assert parse_qs(urlsplit(first).query)["nonce"] != parse_qs(urlsplit(second).query)["nonce"]
        second_code = parse_qs(urlsplit(await approve(second, "victim")).query)["code"][0]
        first_state = parse_qs(urlsplit(first).query)["state"][0]
        browser.cookies.clear()
        browser.cookies.update(first_cookies)  # the browser as it was after the first start
        query = urlencode({"code": second_code, "state": first_state})
        answer = await browser.get(f"/auth/callback?{query}")
        assert answer.status_code == 400
        assert "mentorhub_session" not in browser.cookies
    assert users(oidc_server) == []
    assert "sign-in refused: InvalidClaimError" in oidc_server.log()
    assert "Invalid claim: 'nonce'" in oidc_server.log()


async def test_an_expired_session_is_refused(server_factory, oidc_provider):
    server = server_factory(SESSION_MAX_AGE_SECONDS="1", **oidc_provider.env())
    oidc_provider.set_user("brief", email="brief@example.org", name="Brief Visit")
    doc_id, _ = server.new_curriculum("brief@example.org")
    url = f"{server.ws_url}/{doc_id}"
    async with client(server) as browser:
        assert (await oidc_sign_in(browser, "brief")).status_code == 303
        cookies = {"Cookie": cookie_header(browser)}
        assert (await browser.get("/settings")).status_code == 200
        assert await websocket_outcome(url, cookies) == "synced"
        # a second later the session has expired
        expired = await until(lambda: browser.get("/settings"), lambda r: r.status_code != 200)
        assert expired.status_code == 303 and expired.headers["location"] == "/auth/login"
        # (the cookie and the stored session each expire within the same second)
        await until(lambda: websocket_outcome(url, cookies), lambda outcome: outcome == 1008)


async def test_sign_out_deletes_the_session(server_factory):
    server = server_factory(DEV_SIGN_IN="true")
    server.add_user("leaving@example.org")
    async with signed_in(server, "leaving@example.org") as browser:
        old_cookie = browser.cookies["mentorhub_session"]
        token = await csrf_token(browser, "/settings")
        out = await browser.post("/auth/logout", data={"csrf_token": token})
        assert out.status_code == 303 and out.headers["location"] == "/auth/login"
        assert "mentorhub_session" not in browser.cookies
    async with client(server, cookies={"mentorhub_session": old_cookie}) as replay:
        assert (await replay.get("/settings")).status_code == 303  # the row is gone


async def test_dev_sign_in_exists_only_when_enabled(server_factory):
    server = server_factory()  # DEV_SIGN_IN unset
    server.add_user("someone@example.org")
    async with client(server) as browser:
        token = await csrf_token(browser)
        page = await browser.get("/auth/login")
        assert "Demo users" not in page.text and "someone@example.org" not in page.text
        answer = await browser.post(
            "/auth/dev", data={"email": "someone@example.org", "csrf_token": token}
        )
        assert answer.status_code == 404
        assert "mentorhub_session" not in browser.cookies


async def test_dev_sign_in_does_not_tell_whether_an_email_exists(server_factory):
    server = server_factory(DEV_SIGN_IN="true")
    async with client(server) as browser:
        token = await csrf_token(browser)
        answer = await browser.post(
            "/auth/dev", data={"email": "nobody@example.org", "csrf_token": token}
        )
    assert answer.status_code == 400
    assert "We could not sign you in" in answer.text and "nobody" not in answer.text


async def test_without_a_provider_there_is_no_provider_button(server):
    async with client(server) as browser:
        page = await browser.get("/auth/login")
        assert page.status_code == 200 and "Sign in with" not in page.text
        assert (await browser.get("/auth/oidc/start")).status_code == 404
