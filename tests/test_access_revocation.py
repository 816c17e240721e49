"""Access ends when it is taken away: open /collab connections and SSE streams of a
person whose access changed are closed (1008 with the reason) or reopened with their
new rights (4001), on every instance - whoever made the change, the web or the command
line."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import websockets
from pycrdt import Doc, Map, Provider, create_update_message
from websockets.exceptions import ConnectionClosed

from tests.polling import until
from tests.server_process import ServerProcess
from tests.test_instances import ThrowawayRedis
from tests.web import WEB_ENV, client, cookie_header, csrf_token, sign_in_as
from tests.yclient import Client, WebsocketChannel, collab_url, connected, new_doc

MEMBER = "appollo@example.org"
MENTOR = "maven@example.org"
STAFF = "sam@example.org"


@dataclass
class Editor:
    """A connected pycrdt client, and how its connection ended."""

    client: Client
    connection: websockets.ClientConnection

    @property
    def doc(self) -> Doc:
        return self.client.doc

    async def closed_with(self, timeout: float = 10) -> tuple[int | None, str | None]:
        """Wait for the server to close the connection; (code, reason) it sent."""
        await until(lambda: self.connection.close_code is not None, timeout=timeout, what="close")
        return self.connection.close_code, self.connection.close_reason

    async def write_after_close_is_refused(self, key: str) -> None:
        """A write made now never leaves: the socket is closed."""
        self.doc.get("meta", type=Map)[key] = "written after access ended"
        update = self.doc.get_update()
        with pytest.raises(ConnectionClosed):
            await self.connection.send(create_update_message(update))


@contextlib.asynccontextmanager
async def editor(
    server: ServerProcess, doc_id: str, token: str | None = None, cookie: str | None = None
) -> AsyncIterator[Editor]:
    """A synced pycrdt editor of `doc_id`, with a token or a session cookie."""
    headers = {"Cookie": cookie} if cookie else {}
    url = collab_url(server.ws_url, doc_id, token)
    async with websockets.connect(url, additional_headers=headers, max_size=None) as connection:
        client_ = Client(new_doc(), connection)
        channel = WebsocketChannel(connection, doc_id, client_.on_awareness)
        async with Provider(client_.doc, channel) as provider:
            await asyncio.wait_for(provider.synced.wait(), 10)
            yield Editor(client_, connection)


async def stored(server: ServerProcess, doc_id: str, token: str, key: str) -> object:
    """What a fresh connection of the curriculum's member reads at meta[key]."""
    async with connected(server.ws_url, doc_id, token=token) as doc:
        return doc.get("meta", type=Map).get(key)


async def written(server: ServerProcess, doc_id: str, member_token: str, ed: Editor) -> None:
    """`ed` writes, and the member's editor receives it (it was committed first): the
    connection is live and may edit."""
    async with editor(server, doc_id, token=member_token) as member:
        ed.doc.get("meta", type=Map)["before"] = "live"
        meta = member.doc.get("meta", type=Map)
        await until(lambda: meta.get("before"), done=lambda v: v == "live", what="a write")


class Stream:
    """An SSE response being read."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.chunks = response.aiter_text()

    async def ended(self, timeout: float = 10) -> bool:
        async with asyncio.timeout(timeout):
            async for _ in self.chunks:
                pass
        return True


@contextlib.asynccontextmanager
async def stream(browser: httpx.AsyncClient, path: str) -> AsyncIterator[Stream]:
    async with browser.stream("GET", path, timeout=httpx.Timeout(10, read=30)) as response:
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/event-stream")
        yield Stream(response)


def token_id(server: ServerProcess, email: str) -> str:
    """The id of the user's live token (`mentorhub tokens list`)."""
    lines = [line.split("\t") for line in server.cli("tokens", "list", email).splitlines()]
    [found] = [fields[0] for fields in lines if fields[2] == "live"]
    return found


@pytest.fixture
def web_server(server_factory) -> ServerProcess:
    return server_factory(ACCESS_CHANGE_POLL_SECONDS="0.2", **WEB_ENV)


def curriculum_with_mentor(server: ServerProcess) -> tuple[str, str, str]:
    """(doc_id, the member's token, the mentor's token)."""
    server.add_user(MENTOR, "mentor")
    doc_id, member_token = server.new_curriculum(MEMBER, mentors=(MENTOR,))
    return doc_id, member_token, server.token(MENTOR)


async def test_revoking_a_token_on_the_web_closes_its_connections_and_ends_streams(web_server):
    doc_id, member_token, mentor_token = curriculum_with_mentor(web_server)
    async with client(web_server) as browser:
        await sign_in_as(browser, MENTOR)
        async with (
            editor(web_server, doc_id, token=mentor_token) as by_token,
            editor(web_server, doc_id, cookie=cookie_header(browser)) as by_session,
            stream(browser, "/curricula/stream") as curricula,
        ):
            await written(web_server, doc_id, member_token, by_token)
            csrf = await csrf_token(browser, "/settings")
            revoke = f"/settings/tokens/{token_id(web_server, MENTOR)}/revoke"
            answer = await browser.post(revoke, data={"csrf_token": csrf})
            assert answer.status_code == 303
            assert await by_token.closed_with() == (1008, "access revoked")
            await by_token.write_after_close_is_refused("after")
            assert await curricula.ended()
            # the session was not revoked: its editor stays, and still writes
            assert by_session.connection.close_code is None
            by_session.doc.get("meta", type=Map)["session"] = "still here"
            await until(
                lambda: stored(web_server, doc_id, member_token, "session"),
                done=lambda value: value == "still here",
                what="the session's write",
            )
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_revoking_a_token_from_the_command_line_closes_its_connections(web_server):
    doc_id, member_token, mentor_token = curriculum_with_mentor(web_server)
    async with editor(web_server, doc_id, token=mentor_token) as mentor:
        await written(web_server, doc_id, member_token, mentor)
        web_server.cli("tokens", "revoke", MENTOR, token_id(web_server, MENTOR))
        assert await mentor.closed_with() == (1008, "access revoked")
        await mentor.write_after_close_is_refused("after")
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_a_connection_opened_on_a_token_checked_a_moment_before_its_revoke_is_closed(
    server_factory,
):
    """The server reuses a token's check for a few seconds (thousands of editors may
    reconnect at once). A connection opened with a revoked token before the server hears
    of the revoke (the command line: up to a poll later) is closed with the others, and
    the next one is refused."""
    server = server_factory(ACCESS_CHANGE_POLL_SECONDS="3", **WEB_ENV)
    doc_id, member_token, mentor_token = curriculum_with_mentor(server)
    url = collab_url(server.ws_url, doc_id, mentor_token)
    async with editor(server, doc_id, token=mentor_token) as first:  # the check is kept
        server.cli("tokens", "revoke", MENTOR, token_id(server, MENTOR))
        async with websockets.connect(url, max_size=None) as second:
            await until(lambda: second.close_code is not None, timeout=10, what="a close")
            assert second.close_code == 1008
        assert await first.closed_with() == (1008, "access revoked")
    async with websockets.connect(url, max_size=None) as third:
        await until(lambda: third.close_code is not None, timeout=10, what="a close")
        assert (third.close_code, third.close_reason) == (1008, "not allowed")


async def test_signing_out_closes_the_sessions_connections_and_streams(web_server):
    doc_id, member_token, mentor_token = curriculum_with_mentor(web_server)
    async with client(web_server) as browser:
        await sign_in_as(browser, MENTOR)
        async with (
            editor(web_server, doc_id, cookie=cookie_header(browser)) as by_session,
            editor(web_server, doc_id, token=mentor_token) as by_token,
            stream(browser, f"/curricula/{doc_id}/timeline/stream") as timeline,
        ):
            await written(web_server, doc_id, member_token, by_session)
            csrf = await csrf_token(browser, "/settings")
            answer = await browser.post("/auth/logout", data={"csrf_token": csrf})
            assert answer.status_code == 303
            assert await by_session.closed_with() == (1008, "signed out")
            await by_session.write_after_close_is_refused("after")
            assert await timeline.ended()
            assert by_token.connection.close_code is None  # the token still holds
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_a_role_change_closes_a_staff_readers_connection(web_server):
    doc_id, member_token, _ = curriculum_with_mentor(web_server)
    web_server.add_user(STAFF, "staff")
    async with editor(web_server, doc_id, token=web_server.token(STAFF)) as staff:
        web_server.cli("users", "set-role", STAFF, "mentor")  # not on the curriculum
        assert await staff.closed_with() == (1008, "role changed")
        await staff.write_after_close_is_refused("after")
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_removal_from_a_curriculum_closes_the_mentors_connections(web_server):
    doc_id, member_token, mentor_token = curriculum_with_mentor(web_server)
    async with client(web_server) as browser:
        await sign_in_as(browser, MENTOR)
        async with (
            editor(web_server, doc_id, token=mentor_token) as mentor,
            stream(browser, f"/curricula/{doc_id}/timeline/stream") as timeline,
        ):
            await written(web_server, doc_id, member_token, mentor)
            web_server.cli("curricula", "remove-mentor", doc_id, MENTOR)
            assert await mentor.closed_with() == (1008, "removed from curriculum")
            await mentor.write_after_close_is_refused("after")
            assert await timeline.ended()
        reopened = await browser.get(f"/curricula/{doc_id}/timeline/stream")
        assert reopened.status_code == 404
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_forget_from_the_command_line_closes_the_connections(web_server):
    doc_id, member_token, mentor_token = curriculum_with_mentor(web_server)
    async with editor(web_server, doc_id, token=mentor_token) as mentor:
        await written(web_server, doc_id, member_token, mentor)
        web_server.cli("forget", MENTOR)
        assert await mentor.closed_with() == (1008, "account removed")
        await mentor.write_after_close_is_refused("after")
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_forget_me_on_the_web_closes_connections_and_ends_streams(web_server):
    doc_id, member_token, mentor_token = curriculum_with_mentor(web_server)
    async with client(web_server) as browser:
        await sign_in_as(browser, MENTOR)
        async with (
            editor(web_server, doc_id, token=mentor_token) as mentor,
            stream(browser, "/curricula/stream") as curricula,
        ):
            await written(web_server, doc_id, member_token, mentor)
            csrf = await csrf_token(browser, "/settings/forget")
            gone = await browser.post(
                "/settings/forget", data={"csrf_token": csrf, "confirm": "yes"}
            )
            assert gone.status_code == 200
            assert await mentor.closed_with() == (1008, "account removed")
            await mentor.write_after_close_is_refused("after")
            assert await curricula.ended()
    assert await stored(web_server, doc_id, member_token, "after") is None


async def test_a_reader_who_may_now_edit_reconnects_with_write_rights(web_server):
    doc_id, member_token, _ = curriculum_with_mentor(web_server)
    web_server.add_user(STAFF, "staff")
    staff_token = web_server.token(STAFF)
    async with editor(web_server, doc_id, token=staff_token) as reader:
        reader.doc.get("meta", type=Map)["by-reader"] = "refused"  # read-only: dropped
        web_server.cli("curricula", "add-mentor", doc_id, STAFF)
        assert await reader.closed_with() == (4001, "access changed, reconnect")
    assert await stored(web_server, doc_id, member_token, "by-reader") is None
    async with editor(web_server, doc_id, token=staff_token) as writer:
        writer.doc.get("meta", type=Map)["by-staff"] = "now a mentor here"
        await until(
            lambda: stored(web_server, doc_id, member_token, "by-staff"),
            done=lambda value: value == "now a mentor here",
            what="the reconnected editor's write",
        )
        # and back: taken off the curriculum, a staff user may only read again
        web_server.cli("curricula", "remove-mentor", doc_id, STAFF)
        assert await writer.closed_with() == (4001, "access changed, reconnect")


@pytest.fixture
def redis_server(tmp_path):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


async def test_a_revoke_on_one_instance_closes_the_connection_on_another(
    server_factory, postgres_url, redis_server
):
    # Polling so slow that only the Redis notice can close the connection in time.
    env = {"REDIS_URL": redis_server.url, "ACCESS_CHANGE_POLL_SECONDS": "600", **WEB_ENV}
    a_server = server_factory(postgres_url, **env)
    b_server = server_factory(postgres_url, **env)
    doc_id, member_token, mentor_token = curriculum_with_mentor(a_server)
    async with (
        client(a_server) as browser,
        editor(b_server, doc_id, token=mentor_token) as on_b,
    ):
        await written(b_server, doc_id, member_token, on_b)
        await sign_in_as(browser, MENTOR)
        csrf = await csrf_token(browser, "/settings")
        revoke = f"/settings/tokens/{token_id(a_server, MENTOR)}/revoke"
        assert (await browser.post(revoke, data={"csrf_token": csrf})).status_code == 303
        assert await on_b.closed_with(timeout=5) == (1008, "access revoked")
        await on_b.write_after_close_is_refused("after")
    assert await stored(b_server, doc_id, member_token, "after") is None
