"""The htmx views in a real browser: live refresh, what users typed stays inert, a11y."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.server_process import ServerProcess

from .conftest import (
    DESKTOP,
    MEMBER,
    MENTOR,
    EditorFactory,
    assert_no_serious_violations,
    new_context,
    new_curriculum,
    wait_until_live,
)
from .test_editor import add_card

XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'


def open_timeline(browser: Browser, server: ServerProcess, doc_id: str) -> Page:
    page = new_context(browser, server, MEMBER).new_page()
    page.goto(f"/curricula/{doc_id}/timeline")
    expect(page.locator("#tl-now")).to_be_visible()
    return page


def test_the_timeline_updates_live_when_the_editor_changes_the_document(
    browser: Browser, editor: EditorFactory, mentorhub: ServerProcess, artifacts: Path
) -> None:
    doc_id = new_curriculum(mentorhub)
    timeline = open_timeline(browser, mentorhub, doc_id)
    page = editor(doc_id, MENTOR)
    wait_until_live(timeline)
    add_card(page, "Linux command line basics", status="now", minutes="90", skills="linux")
    now = timeline.locator(".timeline-now")
    expect(now).to_contain_text("Linux command line basics", timeout=1_000)
    page.locator(".card", has_text="Linux command line basics").get_by_role(
        "button", name="Move to Done"
    ).click()
    expect(timeline.locator(".timeline-past")).to_contain_text(
        "Linux command line basics", timeout=1_000
    )
    timeline.set_viewport_size(DESKTOP)
    timeline.screenshot(path=str(artifacts / "timeline.png"), full_page=True)
    assert_no_serious_violations(timeline)


def test_htmx_form_on_the_timeline_adds_a_resource_the_editor_shows(
    browser: Browser, editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc_id = new_curriculum(mentorhub)
    page = editor(doc_id, MENTOR)
    timeline = open_timeline(browser, mentorhub, doc_id)
    form = timeline.locator("section.add-item form")
    form.get_by_label("Title").fill("PostgreSQL tutorial")
    form.get_by_label("Link").fill("https://www.postgresql.org/docs/current/tutorial.html")
    form.get_by_label("Column").select_option("next")
    form.get_by_role("button", name="Add").click()
    expect(timeline.locator(".timeline-next")).to_contain_text("PostgreSQL tutorial")
    expect(page.locator('ol.cards[data-status="next"]')).to_contain_text(
        "PostgreSQL tutorial", timeout=1_000
    )


def test_a_script_typed_into_a_title_or_a_note_stays_inert_in_every_view(
    browser: Browser, editor: EditorFactory, mentorhub: ServerProcess
) -> None:
    doc_id = new_curriculum(mentorhub, title=XSS)
    page = editor(doc_id, MENTOR)
    add_card(page, XSS, status="now")
    note = page.locator(".card", has_text="window.__pwned").locator("textarea")
    note.fill(XSS)
    views = [page]
    for path in (f"/curricula/{doc_id}/timeline", "/curricula", f"/curricula/{doc_id}"):
        view = new_context(browser, mentorhub, MEMBER).new_page()
        view.goto(path)
        views.append(view)
    # what was typed has arrived in every view, as text...
    expect(views[-1].locator(".card textarea")).to_have_value(XSS)
    for view in views:
        expect(view.get_by_text("<script>", exact=False)).not_to_have_count(0)
    # ...and ran nowhere
    for view in views:
        assert view.evaluate("() => window.__pwned") is None, view.url
        assert view.locator("img[src=x]").count() == 0, view.url
        assert view.get_by_text("<script>", exact=False).count() > 0, view.url
