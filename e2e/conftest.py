"""Browser fixtures: Debian's Chromium driven by Playwright against a real mentorHub server.

Each person gets their own browser context, made by `new_context`, which signs them in
through the OpenID Connect provider, as a person would; `open_editor` opens a curriculum
in it and waits until the document has synced.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import require
from tests.oidc_provider import OIDCProvider, running_provider
from tests.server_process import ServerProcess
from tests.smtp_server import TestSMTPServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}

expect.set_options(timeout=5_000)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str = "member"


MEMBER = Person("appollo@example.org", "Appollo Apprentice", "member")
MENTOR = Person("maven@example.org", "Maven Mentor", "mentor")
STAFF = Person("stella@example.org", "Stella Staff", "staff")  # reads every curriculum


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    require(shutil.which(CHROMIUM) is not None, f"Chromium ({CHROMIUM})")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OIDCProvider]:
    """A real OpenID Connect provider: the browsers sign in through it."""
    with running_provider(tmp_path_factory.mktemp("oidc") / "provider.log") as provider:
        for person in (MEMBER, MENTOR, STAFF):
            provider.set_user(
                person.email, email=person.email, email_verified=True, name=person.name
            )
        yield provider


def start_server(folder: Path, oidc: OIDCProvider, **env: str) -> ServerProcess:
    """A real server on a SQLite file in `folder`, signing in through `oidc`."""
    settings = {
        "DATABASE_URL": f"sqlite:///{folder / 'mentorhub.sqlite3'}",
        "SIGN_IN_RATE_LIMIT_PER_MINUTE": "10000",
        **oidc.env(),
        **env,
    }
    server = ServerProcess(settings, folder / "server.log")
    server.migrate()
    return server.start()


@pytest.fixture(scope="session")
def mentorhub(
    tmp_path_factory: pytest.TempPathFactory, oidc: OIDCProvider
) -> Iterator[ServerProcess]:
    """One real server for the browser suites; every test makes its own curriculum."""
    server = start_server(tmp_path_factory.mktemp("e2e-server"), oidc)
    for person in (MEMBER, MENTOR, STAFF):  # roles are given by staff, not by the provider
        server.add_user(person.email, role=person.role, name=person.name)
    yield server
    server.terminate()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def new_curriculum(server: ServerProcess, title: str = "Appollo's path to SRE") -> str:
    """A fresh curriculum of MEMBER, mentored by MENTOR; returns its id."""
    doc_id, _token = server.new_curriculum(MEMBER.email, (MENTOR.email,), title=title)
    return doc_id


_signed_in: dict[tuple[str, str], Any] = {}  # (server url, email) -> storage state


def sign_in(context: BrowserContext, email: str) -> None:
    """Sign in through the OpenID Connect flow, in the browser, as a person would."""
    page = context.new_page()
    page.goto("/auth/login")
    page.get_by_role("link", name="Sign in with Test Provider").click()
    page.locator('input[name="sub"]').fill(email)  # the provider's own login page
    page.locator('input[name="sub"]').press("Enter")
    page.wait_for_url("**/dashboard")
    page.close()


def new_context(
    browser: Browser,
    server: ServerProcess,
    person: Person,
    viewport: dict[str, int] | None = None,
    **options: Any,
) -> BrowserContext:
    """A browser context signed in as `person` (each sign-in is made once, then reused)."""
    key = (server.url, person.email)
    context = browser.new_context(
        base_url=server.url,
        viewport=viewport or DESKTOP,  # type: ignore[arg-type]
        storage_state=_signed_in.get(key),
        **options,
    )
    context.set_default_timeout(10_000)
    if key not in _signed_in:
        sign_in(context, person.email)
        _signed_in[key] = context.storage_state()
    return context


def open_editor(context: BrowserContext, doc_id: str) -> Page:
    """Open the editor of `doc_id` and wait until its document has synced."""
    page = context.new_page()
    page.goto(f"/curricula/{doc_id}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    page.wait_for_function("() => window.mentorhub && window.mentorhub.provider.synced")
    return page


EditorFactory = Callable[..., Page]


def collect_errors(context: BrowserContext, person: Person, errors: list[str]) -> None:
    """Note in `errors` any uncaught error or Content-Security-Policy violation in the
    context's pages (an inline script or style would be one)."""
    context.on("weberror", lambda error: errors.append(f"{person.name}: {error.error}"))
    context.on(
        "console",
        lambda m: (
            errors.append(f"{person.name}: {m.text}")
            if "Content Security Policy" in m.text
            else None
        ),
    )


@pytest.fixture
def editor(browser: Browser, mentorhub: ServerProcess) -> Iterator[EditorFactory]:
    """`editor(doc_id, person, viewport=None)`: the editor, open in that person's browser.

    Fails the test afterwards if any page threw an uncaught error or broke the
    Content-Security-Policy (an inline script or style would).
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(doc_id: str, person: Person, viewport: dict[str, int] | None = None) -> Page:
        context = new_context(browser, mentorhub, person, viewport)
        collect_errors(context, person, errors)
        contexts.append(context)
        return open_editor(context, doc_id)

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


SERIOUS = ("serious", "critical")


def assert_no_serious_violations(page: Page, context: str | None = None) -> None:
    """Run axe-core on the page (or the part `context` selects): fail on serious or
    critical violations, print the others."""
    violations = Axe().run(page, context=context).response["violations"]
    serious = [v for v in violations if v.get("impact") in SERIOUS]
    for violation in violations:
        nodes = ", ".join(" ".join(map(str, n["target"])) for n in violation["nodes"][:5])
        print(f"axe {violation['impact']}: {violation['id']}: {violation['help']} [{nodes}]")
    assert not serious, "serious accessibility violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}; {v['helpUrl']}\n  "
        + "\n  ".join(f"{n['target']}: {n['failureSummary']}" for n in v["nodes"][:5])
        for v in serious
    )


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[TestSMTPServer]:
    server = TestSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def errors() -> Iterator[list[str]]:
    found: list[str] = []
    yield found
    assert not found, f"errors in the page: {found}"


def open_as(
    browser: Browser, server: ServerProcess, person: Person, errors: list[str],
    viewport: dict[str, int] | None = None,
) -> Page:  # fmt: skip
    context = new_context(browser, server, person, viewport)
    collect_errors(context, person, errors)
    return context.new_page()


def wait_until_live(page: Page) -> None:
    """Wait until every live region of the page listens for changes (static/page.js)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll("[hx-sse\\\\:connect]")].every(
            (region) => region.dataset.live === "listening")""",
        timeout=10_000,
    )


def check_page(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert_no_serious_violations(page)
    width = page.viewport_size["width"] if page.viewport_size else DESKTOP["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
