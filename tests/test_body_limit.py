"""One body limit for every HTTP request, before any parsing, however the CSRF token arrives."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from tests.web import WEB_ENV, csrf_in, signed_in

MEMBER = "appollo@example.org"
LIMIT = 1024 * 1024  # MAX_BODY_BYTES' default
HUGE = 146 * 1024 * 1024  # what was once read whole


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


def peak_memory_kib(pid: int) -> int:
    """The process's peak resident memory (VmHWM), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc")


async def send_raw(url: str, head: str, body_chunks) -> bytes:
    """Write a request by hand, body chunk by chunk, until the server answers or it is all
    sent; returns what the server answered."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    first_bytes = asyncio.Event()

    async def read_answer() -> bytes:
        received = b""
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                received += chunk
                first_bytes.set()
        return received

    answer = asyncio.ensure_future(read_answer())
    try:
        writer.write(head.encode())
        if "Expect: 100-continue" in head:  # the server answers before any body is sent
            async with asyncio.timeout(10):
                await first_bytes.wait()
        for chunk in body_chunks:
            if first_bytes.is_set() or answer.done():
                break
            try:
                writer.write(chunk)
                await writer.drain()
            except ConnectionError:  # the server answered and closed: stop sending
                break
        async with asyncio.timeout(10):
            return await answer
    finally:
        answer.cancel()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def test_a_huge_form_with_the_token_in_the_header_is_refused_unread(server):
    doc_id, _ = server.new_curriculum(MEMBER)
    pid = server.process.pid
    async with signed_in(server, MEMBER) as browser:
        csrf = csrf_in((await browser.get(f"/curricula/{doc_id}/timeline")).text)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        before = peak_memory_kib(pid)
        head = (
            f"POST /curricula/{doc_id}/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
        )
        piece = b"title=" + b"x" * (64 * 1024 - 6)

        # with its length declared: refused at once, before a byte of it is sent or read
        declared = await send_raw(
            server.url,
            head + f"Content-Length: {HUGE}\r\nExpect: 100-continue\r\n\r\n",
            (piece for _ in range(HUGE // len(piece))),
        )
        assert declared.startswith(b"HTTP/1.1 413"), declared[:200]
        assert b"Request body too large" in declared

        # chunked, no length: cut off at the limit
        for total in (HUGE, LIMIT + 512 * 1024):
            chunks = [b"%x\r\n%s\r\n" % (len(piece), piece)] * (total // len(piece))
            chunked = await send_raw(
                server.url, head + "Transfer-Encoding: chunked\r\n\r\n", [*chunks, b"0\r\n\r\n"]
            )
        # (the 146 MiB one may be reset once the server stops reading; this one ends first)
        assert chunked.startswith(b"HTTP/1.1 413"), chunked[:200]
        grown_mib = (peak_memory_kib(pid) - before) / 1024
        assert grown_mib < 16, f"the server's peak memory grew by {grown_mib:.0f} MiB"

        # just under the limit is still read, checked and answered as usual
        form = {"title": "x" * (LIMIT - 2048), "csrf_token": csrf}
        answer = await browser.post(f"/curricula/{doc_id}/items", data=form)
        assert answer.status_code == 422 and "title is too long" in answer.text
        # and the limit holds for the form field token too, and for every route
        over = {"title": "x" * LIMIT, "csrf_token": csrf}
        for path in (f"/curricula/{doc_id}/items", "/settings/tokens", "/auth/logout"):
            assert (await browser.post(path, data=over)).status_code == 413, path
