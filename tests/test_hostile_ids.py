"""Item ids never become paths: every link, form action and htmx attribute stays on its route.

Item ids are written by clients. An id such as `../../../../settings/tokens/4/revoke?`
pasted into a form action would make a mentor's click post elsewhere with their CSRF
token. These tests put hostile ids into a real document through a real client and read
every page and fragment, then render every template with hostile ids directly.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, unquote

import pytest
from pycrdt import Map, Text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, Route

from collab.schema import Curriculum, Item, columns
from domain.library import LEVELS, STYLE_LABELS, STYLES, Figures, Ratings, Resource, Review
from server.app import create_app
from server.library.common import COLUMN_CHOICES, Destination, ResourceView
from server.listing import CurriculumListing
from server.pages import timeline_context
from server.settings import PROJECT_ROOT, load_settings
from server.static_files import StaticAssets
from server.templating import make_templates
from server.urls import path, segment
from storage.library_search import Filters
from tests.certificate_flow import template_context as certificate_template_context
from tests.polling import until
from tests.web import WEB_ENV, client, csrf_in, signed_in
from tests.yclient import connected

MEMBER, MENTOR = "appollo@example.org", "maven@example.org"
HOSTILE = [
    "../../../../settings/tokens/4/revoke?",
    "../x",
    "a/b",
    "x?next=/evil",
    "x#top",
    "%2F..%2Fsettings",
    "%2e%2e",
    "with space",
    "back\\slash",
    "//evil.test/x",
    "javascript:alert(1)",
    "ünïcödé-😀",
    "x" * 10_240,
    "a.b",
    "\u202eevil",
]
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data-start", "data-items-url"}
HX_URL_ATTRIBUTES = {"hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "hx-sse:connect"}
HX_OTHER_ATTRIBUTES = {"hx-target", "hx-swap", "hx-trigger", "hx-swap-oob", "hx-replace-url"}


def route_templates() -> list[str]:
    """The path of every route of the app, mounts included (`/auth/{...}`)."""
    app = create_app(load_settings({"MENTORHUB_ENV": "test", **WEB_ENV}))
    found: list[str] = []

    def walk(prefix: str, table: list[BaseRoute]) -> None:
        for route in table:
            if isinstance(route, Mount) and route.routes:
                walk(prefix + route.path, route.routes)
            elif isinstance(route, Route):
                found.append(prefix + route.path)

    walk("", app.routes)
    return found


def routes(segment_pattern: str) -> re.Pattern[str]:
    """Every path mentorHub's pages may link to, from the app's own route table; ids and
    other parameters are `segment_pattern`, static files have names of their own."""
    seg = f"(?:{segment_pattern})"
    paths = [
        re.sub(r"\\\{[^}]*\\\}", lambda _: seg, re.escape(template))
        for template in route_templates()
    ]
    name = "[A-Za-z0-9_-][A-Za-z0-9_.-]*"  # no segment of dots alone
    static = f"/static/{name}(?:/{name})*\\.(?:css|js|mjs|svg)"
    return re.compile("|".join([*paths, static]))


ROUTES_WITH_IDS = routes("[A-Za-z0-9_-]{1,64}")
ROUTES_WITH_QUOTED = routes("[A-Za-z0-9_~%-]+")


class Links(HTMLParser):
    """Every URL a page generates, with the attribute it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("hx-"):
                assert name in HX_URL_ATTRIBUTES | HX_OTHER_ATTRIBUTES, f"unknown {name}"
            if (name in URL_ATTRIBUTES or name in HX_URL_ATTRIBUTES) and value is not None:
                self.found.append((name, value))


def links(html: str) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(html)
    return parser.found


def assert_stays_on_its_route(name: str, url: str, pattern: re.Pattern[str], origin: str) -> None:
    where = f"{name}={url[:120]!r}"
    if re.fullmatch("#[a-z][a-z0-9-]*", url):  # a fixed anchor on the page itself
        return
    if url.startswith(f"{origin}/"):  # url_for() makes absolute URLs of the server's own
        url = url[len(origin) :]
    assert url.startswith("/") and not url.startswith("//"), where
    assert not set("?#\\") & set(url), where
    for part in url[1:].split("/")[: None if url != "/" else 0]:
        # browsers read ".", ".." and their %2e spellings as steps up the path
        assert unquote(part).strip(".") != "", where
    assert pattern.fullmatch(url), where


# -- through a real server, with a real client writing the ids ---------------------


@pytest.fixture
def server(server_factory):
    return server_factory(**WEB_ENV)


async def test_hostile_item_ids_written_by_a_client_never_leave_their_route(server):
    doc_id, token = server.new_curriculum(MEMBER, mentors=(MENTOR,), title="Appollo's path")
    async with connected(server.ws_url, doc_id, token=token) as doc:
        with doc.transaction():
            items = doc.get("items", type=Map)
            for n, item_id in enumerate([*HOSTILE, "good-card"]):
                status = ("next", "now", "later")[n % 3]
                card = {"title": f"Card {n}", "url": "https://example.org/", "status": status}
                items[item_id] = Map({**card, "position": "V", "notes": Text()})
        async with signed_in(server, MENTOR) as mentor, signed_in(server, MEMBER) as member:
            base = f"/curricula/{doc_id}"
            await until(
                lambda: member.get(f"{base}/timeline"), lambda page: "good-card" in page.text
            )
            csrf = csrf_in((await mentor.get(f"{base}/timeline")).text)
            hx = {"HX-Request": "true", "X-CSRF-Token": csrf}
            pages: dict[str, str] = {}
            for who, browser in (("mentor", mentor), ("member", member)):
                for page in (
                    "/curricula",
                    base,
                    f"{base}/timeline",
                    "/settings",
                    "/settings/forget",
                ):
                    answer = await browser.get(page)
                    assert answer.status_code == 200, page
                    pages[f"{who} {page}"] = answer.text
                partial = await browser.get(f"{base}/timeline", headers={"HX-Request": "true"})
                pages[f"{who} timeline fragment"] = partial.text
            added = await mentor.post(f"{base}/items", data={"title": "Added"}, headers=hx)
            refused = await mentor.post(f"{base}/items", data={"title": ""}, headers=hx)
            moved = await mentor.post(
                f"{base}/items/good-card/move", data={"status": "now"}, headers=hx
            )
            assert (added.status_code, refused.status_code, moved.status_code) == (200, 422, 200)
            pages |= {"add fragment": added.text, "422 fragment": refused.text}
            pages["move fragment"] = moved.text
            pages["live timeline"] = await first_event(mentor, f"{base}/timeline/stream", doc)
            pages["live list"] = await first_event(mentor, "/curricula/stream", doc)
            async with client(server) as anonymous:
                pages["sign-in page"] = (await anonymous.get("/auth/login")).text

            generated = [(page, *link) for page, html in pages.items() for link in links(html)]
            for page, name, url in generated:
                if name == "data-ws-url":
                    continue
                assert_stays_on_its_route(f"{page}: {name}", url, ROUTES_WITH_IDS, server.url)
            built = {url for _, _, url in generated}
            for action in ("open", "start", "move"):  # the good card's links are all there
                assert f"{base}/items/good-card/{action}" in built, action
            assert not any(hostile in html for html in pages.values() for hostile in HOSTILE[:3])

            # a hostile id in a request's path is refused before any handler runs
            member_hx = {"X-CSRF-Token": csrf_in((await member.get(base)).text)}
            for item_id in HOSTILE[:6]:
                item = quote(item_id, safe="")
                for answer in (
                    await member.get(f"{base}/items/{item}/open"),
                    await member.post(f"{base}/items/{item}/start", headers=member_hx),
                    await mentor.post(
                        f"{base}/items/{item}/move", data={"status": "now"}, headers=hx
                    ),
                ):
                    assert answer.status_code == 404, (item_id, answer.request.url)
            answer = await member.get(f"/curricula/{quote('../settings', safe='')}/timeline")
            assert answer.status_code == 404


async def first_event(browser, url: str, doc) -> str:
    """The first live refresh the stream sends after the document changes.

    One read of the stream is awaited at a time and never cancelled (a cancelled read
    would close the stream's line iterator); the document changes again every 0.5 s
    until an event arrives."""

    def change() -> None:
        doc.get("meta", type=Map)["title"] = f"Appollo's path {datetime.now(UTC)}"

    async with browser.stream("GET", url) as stream:
        lines = stream.aiter_lines()
        await asyncio.sleep(0)  # the request is on its way; the change below follows it
        change()
        received = ""
        reading = asyncio.ensure_future(anext(lines))
        try:
            async with asyncio.timeout(5):
                while not (received.endswith("\n\n") and "data: " in received):
                    done, _ = await asyncio.wait({reading}, timeout=0.5)
                    if not done:
                        change()
                        continue
                    received += reading.result() + "\n"
                    reading = asyncio.ensure_future(anext(lines))
        finally:
            reading.cancel()
    return "\n".join(line[6:] for line in received.splitlines() if line.startswith("data: "))


# -- every template and link builder, handed hostile ids directly --------------------


def test_the_link_builder_keeps_every_id_in_one_segment():
    for hostile in [*HOSTILE, "%", "~", "x.", ".x"]:
        built = path("curricula", hostile, "items", hostile, "open")
        parts = built[1:].split("/")
        assert len(parts) == 5 and unquote(parts[1]) == unquote(parts[3]) == hostile
        assert not set("/?#.\\ ") & set(parts[1])
        assert segment(hostile) == parts[1]
    for step_up in (".", "..", "...", ""):
        with pytest.raises(ValueError):
            path("curricula", step_up)


def library_context(doc_id: str) -> dict[str, object]:
    """What the library's templates are given (a curriculum id is a destination)."""
    resource = Resource(
        title="R", url="https://example.org/", kind="book", level="beginner", style="video",
        skills=("python",), estimate_minutes=60, description="d", id=7,
        created_at=datetime.now(UTC),
    )  # fmt: skip
    view = ResourceView(resource, Figures(2, 1, 30, 1), Ratings(1, 4.0))
    review = Review(1, 7, 1, "Ann", 4, "Good", datetime.now(UTC))
    return {
        "resource": resource, "r": resource, "view": view, "results": [view], "total": 1,
        "q": "x", "filters": Filters(), "skills": ["python"], "levels": LEVELS,
        "styles": STYLES, "style_labels": STYLE_LABELS, "kinds": ("book",),
        "destinations": [Destination(doc_id, "c"), Destination("other", "d")],
        "column_choices": COLUMN_CHOICES, "reviews": [review], "waiting": [resource], "names": {},
        "purpose": "edit", "heading": "h", "button": "b", "values": {}, "errors": {},
        "formats": ("csv", "json"), "can_review": True, "can_edit": True, "title": "t",
    }  # fmt: skip


# Templates that show ids written by clients (documents' and items' ids): the pages of
# curricula, the account pages around them, and the library's (curricula are its
# destinations). Other features' pages show ids the database made (integers), checked
# through the real server above.
DOCUMENT_TEMPLATES = ("*.html", "account/*.html", "auth/*.html", "library/*.html")


def test_every_template_keeps_hostile_ids_in_their_segment():
    static = StaticAssets(PROJECT_ROOT / "static")
    app = Starlette(routes=[Mount("/static", static, name="static")])  # for url_for
    app.state.static_files = static
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": [],
            "query_string": b"",
            "scheme": "http",
            "server": ("127.0.0.1", 80),
            "root_path": "",
            "app": app,
            "router": app.router,
            "state": {},
        }  # fmt: skip
    )
    hostile = [h for h in HOSTILE if len(h) < 200] + ["x" * 10_240]
    items = tuple(
        Item(id=h, title=f"Card {n}", url="https://example.org/", status=("now", "next")[n % 2])
        for n, h in enumerate(hostile)
    )
    curriculum = Curriculum(title="Hostile", items=items)
    token = SimpleNamespace(
        id=hostile[0], name="t", prefix="mh_", created_at=datetime.now(UTC), last_used_at=None,
        revoked_at=None,
    )  # fmt: skip
    user = SimpleNamespace(name="Maven", email=MENTOR, role="mentor")
    context = {
        "request": request, "user": user, "csrf_token": "t", "doc_id": hostile[0],
        "access": "edit", "can_edit": True, "columns": columns(curriculum), "ws_url": "ws://x",
        "user_name": "Maven", "user_color": "#000", "schema_json": "{}", "profile": user,
        "tokens": [token], "new_token": None, "message": "m", "provider": "p",
        "dev_sign_in": True, "demo_users": [user], "error": None,
        "curricula": [CurriculumListing(doc_id=h, title="c") for h in hostile],
        **timeline_context(curriculum), **certificate_template_context(hostile),
        **library_context(hostile[0]),
    }  # fmt: skip
    env = make_templates().env
    rendered = 0
    templates = sorted(t for pattern in DOCUMENT_TEMPLATES for t in TEMPLATES.glob(pattern))
    for template in templates:
        name = template.relative_to(TEMPLATES).as_posix()
        html = env.get_template(name).render(context)
        for attribute, url in links(html):
            origin = "http://127.0.0.1"
            assert_stays_on_its_route(f"{name}: {attribute}", url, ROUTES_WITH_QUOTED, origin)
            if url.startswith("#"):
                continue
            for part in url.removeprefix(origin).strip("/").split("/"):
                decoded = unquote(part)
                assert decoded in hostile or re.fullmatch(r"[a-z0-9._-]*", decoded), (name, url)
        rendered += 1
    assert rendered == len(templates) >= 10
