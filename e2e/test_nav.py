"""The site's main navigation at phone width (375 px), signed in as a member, a mentor and
staff (every link each of them sees, a long name in "Sign out"): it wraps without
horizontal scroll, every link stays on screen and can be tapped, the keyboard reaches each
in order with a visible focus, axe-core passes, and a screenshot of each is saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.oidc_provider import OIDCProvider
from tests.server_process import ServerProcess

from .conftest import MENTOR, PHONE, STAFF, Person, assert_no_serious_violations, new_context

LONG = Person("maximiliana@example.org", "Maximiliana Alexandrova-Featherstonehaugh", "member")
ROLES = {"member": LONG, "mentor": MENTOR, "staff": STAFF}
MIN_TARGET = 24  # px: WCAG 2.2 target size (minimum)


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


@pytest.mark.parametrize("role", ["member", "mentor", "staff"])
def test_the_nav_wraps_at_phone_width_and_the_keyboard_reaches_every_link(
    browser: Browser, mentorhub: ServerProcess, oidc: OIDCProvider, artifacts: Path, role: str
) -> None:
    person = ROLES[role]
    if person is LONG:
        oidc.set_user(LONG.email, email=LONG.email, email_verified=True, name=LONG.name)
        mentorhub.add_user(LONG.email, role=LONG.role, name=LONG.name)
    context = new_context(browser, mentorhub, person, PHONE)
    try:
        page = context.new_page()
        page.goto("/dashboard")
        nav = page.get_by_role("navigation", name="Main")
        controls = nav.locator("a, button")
        names = [name.strip() for name in controls.all_inner_texts()]
        assert "Community" in names and f"Sign out {person.name}" in names
        assert ("Applications" in names) == (role == "staff")
        for n in range(controls.count()):
            box = controls.nth(n).bounding_box()
            assert box is not None, names[n]
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], names[n]
            assert box["height"] >= MIN_TARGET, f"{names[n]}: {box['height']}px high"
        no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"nav-phone-{role}.png"))
        # the keyboard: the skip link first, then each control of the nav in order
        page.locator("body").focus()
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        page.keyboard.press("Tab")  # the brand
        for n, name in enumerate(names):
            page.keyboard.press("Tab")
            expect(controls.nth(n)).to_be_focused()
            outline = controls.nth(n).evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline != "none", f"{name}: no visible focus"
        assert_no_serious_violations(page, "header")
    finally:
        context.close()
