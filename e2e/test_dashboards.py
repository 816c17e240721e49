"""The dashboards in a browser, on the demo's months of events: alive at first start, no
serious axe-core violation, no horizontal scroll at phone width, a screenshot of each as
an artifact, and live: a card a mentor moves into Now shows on the member's dashboard and
in the editor's workload warning without a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.oidc_provider import OIDCProvider
from tests.server_process import ServerProcess

from .conftest import (
    DESKTOP,
    MEMBER,
    MENTOR,
    PHONE,
    Person,
    assert_no_serious_violations,
    collect_errors,
    new_context,
)

SAM = Person("sam@example.org", "Sam", "staff")  # the demo's staff member
MILES = Person("miles@example.org", "Miles", "mentor")  # offers recursion in the demo
CHARLIE = Person("charlie@example.org", "Charlie", "member")  # asks about it
DEMO = "demo-appollo"  # Appollo's curriculum in the demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, oidc: OIDCProvider) -> Iterator[ServerProcess]:
    """A server on the demo data (people, curricula, months of learning events)."""
    for person in (SAM, MILES, CHARLIE):
        oidc.set_user(person.email, email=person.email, email_verified=True, name=person.name)
    folder = tmp_path_factory.mktemp("demo-server")
    settings = {
        "DATABASE_URL": f"sqlite:///{folder / 'mentorhub.sqlite3'}",
        "SIGN_IN_RATE_LIMIT_PER_MINUTE": "10000",
        **oidc.env(),
    }
    server = ServerProcess(settings, folder / "server.log")
    server.migrate()
    server.cli("seed-demo")
    yield server.start()
    server.terminate()


@pytest.fixture
def browse(browser: Browser, demo: ServerProcess) -> Iterator:
    """`browse(person, viewport)`: a signed-in context on the demo; fails the test on any
    page error or Content-Security-Policy violation."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_as(person: Person, viewport: dict[str, int] = DESKTOP) -> BrowserContext:
        context = new_context(browser, demo, person, viewport)
        collect_errors(context, person, errors)
        contexts.append(context)
        return context

    yield open_as
    for context in contexts:
        context.close()
    assert not errors, f"errors in the page: {errors}"


WHAT_EACH_SEES = {
    "member": (MEMBER, "Your dashboard", "The job you want"),
    "mentor": (MENTOR, "Your mentees", "Who needs your attention first"),
    "staff": (SAM, "The programme", "Members per status"),
}


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways: {width}px"


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("role", ["member", "mentor", "staff"])
def test_each_dashboard_is_alive_accessible_and_fits_a_phone(
    browse, artifacts: Path, role: str, size: str
) -> None:
    person, heading, section = WHAT_EACH_SEES[role]
    page = browse(person, PHONE if size == "phone" else DESKTOP).new_page()
    page.goto("/dashboard")
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name=section)).to_be_visible()
    if role == "member":  # the demo's months of events: charts with bars, a pace, a streak
        expect(page.locator("#pace")).to_contain_text("x estimates")
        assert page.locator("svg.chart rect").count() > 0
        expect(
            page.get_by_role("img", name="Items finished per week, last 12 weeks")
        ).to_be_visible()
        page.get_by_text("Burn-up as a table").click()  # the text alternative opens
        expect(page.get_by_role("table").first).to_be_visible()
    else:
        expect(page.locator(".status-badge").first).to_be_visible()
    page.screenshot(path=str(artifacts / f"dashboard-{role}-{size}.png"), full_page=True)
    assert_no_serious_violations(page)
    no_horizontal_scroll(page)


def test_a_move_into_now_shows_live_on_the_dashboard_and_in_the_editors_warning(browse) -> None:
    member = browse(MEMBER).new_page()
    member.goto("/dashboard")
    now_column = member.locator(".plan-now")
    expect(now_column).to_contain_text("On now (3)")
    warning = member.locator("#workload .workload")
    before = warning.inner_text()
    assert "Now holds" in before

    editor = browse(MENTOR).new_page()
    editor.goto(f"/curricula/{DEMO}")
    expect(editor.locator("#workload-live")).to_contain_text("Now holds 12 h of estimated work")
    # the move comes from another browser window of the mentor's
    timeline = browse(MENTOR).new_page()
    timeline.goto(f"/curricula/{DEMO}/timeline")
    form = timeline.locator(".add-item form")
    form.get_by_label("Title").fill("Designing Data-Intensive Applications")
    form.get_by_label("Estimate (minutes)").fill("1200")
    form.get_by_label("Column").select_option("now")
    form.get_by_role("button", name="Add").click()

    # each view hears of it after the read model's delay and renders in turn
    live = {"timeout": 15_000}
    expect(timeline.locator("#workload-live")).to_contain_text("Now holds 32 h", **live)
    expect(now_column).to_contain_text("Designing Data-Intensive Applications", **live)
    expect(now_column).to_contain_text("On now (4)", **live)
    expect(warning).not_to_have_text(before, **live)
    expect(member.locator("#workload")).to_contain_text("Now holds 32 h of estimated work", **live)
    expect(editor.locator("#workload-live")).to_contain_text("Now holds 32 h", **live)


def test_a_badge_earned_shows_live_on_the_members_dashboard(browse, artifacts: Path) -> None:
    """Last in this file: it finishes one of the demo's cards in Now."""
    member = browse(MEMBER).new_page()
    member.goto("/dashboard")
    expect(member.get_by_role("heading", name="Badges")).to_be_visible()
    timeline = browse(MENTOR).new_page()
    timeline.goto(f"/curricula/{DEMO}/timeline")
    timeline.get_by_role("button", name="Mark done").first.click()
    # the finish's sync awards the demo's history: badges appear without a reload
    badges = member.locator(".award-list .award")
    expect(badges.filter(has_text="First step")).to_be_visible(timeout=10_000)
    expect(badges.first.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    member.locator(".awards").scroll_into_view_if_needed()
    member.screenshot(path=str(artifacts / "dashboard-with-badges.png"), full_page=True)
    assert_no_serious_violations(member)
    phone = browse(MEMBER, PHONE).new_page()
    phone.goto("/dashboard")
    expect(phone.locator(".award").first).to_be_visible()
    phone.screenshot(path=str(artifacts / "dashboard-with-badges-phone.png"), full_page=True)
    no_horizontal_scroll(phone)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_questions_a_mentor_can_answer_show_on_their_dashboard_live(
    browse, artifacts: Path, size: str
) -> None:
    miles = browse(MILES, PHONE if size == "phone" else DESKTOP).new_page()
    miles.goto("/dashboard")
    questions = miles.locator(".dash-questions")
    expect(questions.get_by_role("heading", name="Questions you can answer")).to_be_visible()
    expect(questions.locator(".dash-question").first).to_be_visible()  # the demo's open one
    title = f"Which recursion exercises come first? ({size})"
    charlie = browse(CHARLIE).new_page()
    charlie.goto("/community/new")
    charlie.get_by_label("Your question").fill(title)
    charlie.get_by_label("Skills").fill("Recursion")
    charlie.get_by_role("button", name="Ask the community").click()
    expect(charlie).to_have_url(re.compile(r"/community/\d+$"))
    asked = questions.locator(".dash-question", has_text=title)  # live, no reload
    expect(asked).to_contain_text("Asked by Charlie", timeout=10_000)
    expect(asked).to_contain_text("0 answers")
    expect(asked.locator(".skill")).to_contain_text(["Recursion"])
    asked.scroll_into_view_if_needed()
    miles.screenshot(path=str(artifacts / f"dashboard-questions-{size}.png"), full_page=True)
    assert_no_serious_violations(miles)
    no_horizontal_scroll(miles)
    asked.get_by_role("link", name=title).click()
    expect(miles).to_have_url(charlie.url)


def test_a_mentor_opens_a_mentees_encounters_from_the_dashboard_in_one_click(browse) -> None:
    page = browse(MENTOR).new_page()  # Maven: the demo's two encounters with Appollo
    page.goto("/dashboard")
    page.get_by_role("link", name="Encounters with Appollo the Apprentice").click()
    expect(page).to_have_url(re.compile(r"/people/\d+/encounters$"))
    expect(page.locator("main")).to_contain_text("Stuck on a problem")
    assert_no_serious_violations(page)
