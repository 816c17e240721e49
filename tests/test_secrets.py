"""Secrets never leave the server: /version masks and withholds, logs redact tokens."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from urllib.parse import quote

import httpx
import pytest
import websockets

from server.auth.tokens import new_token, redact_tokens
from server.health import settings_shown_to
from server.settings import load_settings
from tests.polling import until
from tests.web import WEB_ENV, signed_in

PASSWORDS = ("hunter2", "hunter3", "hunter4", "hunter5")
PRODUCTION = {
    "MENTORHUB_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DEV_SIGN_IN": "",
}


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:hunter2@db/mentorhub",
        "postgresql://app@db/mentorhub?password=hunter2&sslmode=require",
        "postgresql:///mentorhub?host=/run&user=app&PassWord=hunter2",
        "postgresql://app@db/mentorhub?sslpassword=hunter2",
        "postgresql://app:hunter2@db/mentorhub?password=hunter3&sslkey=hunter4",
        "host=db user=app password=hunter2 dbname=mentorhub",
        "host=db user=app password = 'hunter2 hunter3' dbname=mentorhub",
        "postgresql://app:hun@ter2/x@db/mentorhub",
    ],
)
def test_every_form_of_database_password_is_masked(url):
    settings = load_settings({"DATABASE_URL": url, "REDIS_URL": url.replace("postgresql", "redis")})
    shown = str(settings.masked())
    assert not any(password in shown for password in PASSWORDS), shown
    assert "ter2" not in shown and "***" in shown


def test_settings_are_shown_to_staff_and_outside_production_only():
    production, test = load_settings(PRODUCTION), load_settings({"MENTORHUB_ENV": "test"})
    staff, member = SimpleNamespace(role="staff"), SimpleNamespace(role="member")
    assert settings_shown_to(staff, production)
    assert not settings_shown_to(member, production) and not settings_shown_to(None, production)
    assert settings_shown_to(None, test) and settings_shown_to(member, test)


async def test_version_masks_passwords_and_keeps_settings_from_anonymous_users_in_production(
    server_factory, postgres_url
):
    user, _, host = postgres_url.removeprefix("postgresql://").partition("@")
    url = f"postgresql://{user}:hunter2@{host}?password=hunter3&sslpassword=hunter4"
    server = server_factory(url, **WEB_ENV)
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        shown = await anonymous.get("/version")
    assert shown.status_code == 200 and shown.json()["settings"]["database_url"]
    assert not any(password in shown.text for password in PASSWORDS), shown.text
    server.terminate()

    production = server_factory(url, **PRODUCTION)
    async with httpx.AsyncClient(base_url=production.url) as anonymous:
        public = (await anonymous.get("/version")).json()
    assert set(public) == {"name", "version", "commit"}


async def test_tokens_are_redacted_from_logs_however_they_are_encoded(server_factory):
    server = server_factory(**WEB_ENV)
    doc_id, token = server.new_curriculum("appollo@example.org")
    secret = token[3:]
    encodings = [
        token,
        quote(token, safe=""),
        "%6Dh%5F" + secret,
        "%6d%68%5f" + secret,
        "".join(f"%{ord(c):02X}" for c in token),
        "".join(f"%{ord(c):02x}" for c in token),
        "mh%255F" + secret,
    ]
    async with httpx.AsyncClient(base_url=server.url) as browser:
        for n, encoded in enumerate(encodings):
            await browser.get(f"/curricula?token={encoded}&n={n}")
            await browser.get("/healthz", headers={"X-Request-ID": encoded[:64]})
        for encoded in encodings:
            try:
                async with websockets.connect(f"{server.ws_url}/{doc_id}?token={encoded}") as ws:
                    await asyncio.wait_for(ws.recv(), 5)
            except websockets.ConnectionClosed:
                pass
    async with signed_in(server, "appollo@example.org"):
        pass  # a request after all of the above: once it is logged, they are too
    log = await until(server.log, lambda text: "/auth/dev" in text)
    assert "mh_[redacted]" in log
    for form in (secret, quote(secret, safe=""), secret[:12], secret[-12:]):
        assert form not in log, f"a token is in the log: {form}"
    for encoded in encodings:
        assert encoded[:64] not in log and encoded[-20:] not in log, encoded


def test_redact_tokens_catches_every_encoding():
    token = new_token()
    secret = token[3:]
    lines = [
        f"GET /collab/doc?token={token} HTTP/1.1",
        f"Authorization: Bearer {token}",
        f"/collab/doc?token={quote(token, safe='')}",
        f"/collab/doc?x=1&token=%6Dh%5F{secret}",
        f"/collab/doc?TOKEN%3D%6d%68%5f{secret}",
        "".join(f"%{ord(c):02X}" for c in token),
        f"[{token[:64]}] a request id a client chose",
    ]
    for line in lines:
        redacted = redact_tokens(line)
        assert secret[:10] not in redacted and secret[-10:] not in redacted, redacted
        assert "[redacted]" in redacted
