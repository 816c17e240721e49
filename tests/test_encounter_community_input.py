"""No 500s from input on the encounter and community forms: random values in every field
and in the path, signed in with a valid CSRF token, against a real server."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.encounters import mentorship
from tests.people import import_personas, user_id
from tests.test_form_input import PATH_VALUES, VALUES
from tests.web import WEB_ENV, csrf_in

CHARLIE, MILES, SAM = "charlie@example.org", "miles@example.org", "sam@example.org"
FORMS = {
    "/people/{member}/encounters": ("script", "answer", "checked", "notes", "held_on"),
    "/encounters/{encounter}": ("answer", "checked", "notes"),
    "/encounters/scripts": ("title", "purpose", "questions", "checks"),
    "/community": ("title", "body", "skills"),
    "/community/{question}/answers": ("body",),
    "/community/answers/{answer}/helpful": (),
    "/community/answers/{answer}/library": (),
}


@pytest.fixture
def programme(server_factory, tmp_path):
    server = server_factory(**WEB_ENV)
    import_personas(server, tmp_path)
    return server


def signed_in(server, email: str) -> tuple[httpx.Client, str]:
    browser = httpx.Client(base_url=server.url, timeout=10)
    csrf = csrf_in(browser.get("/auth/login").text)
    assert browser.post("/auth/dev", data={"email": email, "csrf_token": csrf}).is_redirect
    return browser, csrf_in(browser.get("/community").text)


def test_random_input_to_encounters_and_community_never_gets_a_server_error(programme):
    asyncio.run(mentorship(programme, CHARLIE, MILES))
    url = programme.env["DATABASE_URL"]
    member = user_id(url, CHARLIE)
    miles, miles_csrf = signed_in(programme, MILES)
    sam, sam_csrf = signed_in(programme, SAM)
    try:
        base = {"script": "first-meeting", "notes": "Notes.", "csrf_token": miles_csrf}
        made = miles.post(f"/people/{member}/encounters", data=base)
        encounter = made.headers["location"].rsplit("/", 1)[1]
        fields = {
            "title": "A question long enough",
            "skills": "recursion",
            "csrf_token": miles_csrf,
        }
        question = miles.post("/community", data=fields).headers["location"].rsplit("/", 1)[1]
        miles.post(
            f"/community/{question}/answers",
            data={"body": "See https://example.org/", "csrf_token": miles_csrf},
        )
        page = miles.get(f"/community/{question}").text
        (answer,) = re.findall(r"/community/answers/(\d+)/helpful", page)

        @settings(
            max_examples=150, deadline=None, derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )  # fmt: skip
        @given(data=st.data(), path=st.sampled_from(sorted(FORMS)))
        def post(data: st.DataObject, path: str) -> None:
            params = {"member": str(member), "encounter": encounter, "question": question,
                      "answer": answer}  # fmt: skip
            for name in params:
                if f"{{{name}}}" in path and data.draw(st.booleans(), label=f"random {name}"):
                    params[name] = quote(data.draw(PATH_VALUES, label=name), safe="")
            values: dict[str, object] = {
                name: data.draw(VALUES, label=name) for name in FORMS[path]
            }
            for name in ("answer", "checked"):
                if name in values and data.draw(st.booleans(), label=f"{name} as a list"):
                    values[name] = data.draw(st.lists(VALUES, max_size=6), label=f"{name}s")
            staff = path == "/encounters/scripts"
            browser, csrf = (sam, sam_csrf) if staff else (miles, miles_csrf)
            target = path.format(**params)
            answered = browser.post(target, data={**values, "csrf_token": csrf})  # type: ignore[arg-type]
            assert answered.status_code < 500, (target, values, answered.status_code)
            if answered.status_code >= 400:
                assert answered.text.strip(), "an error needs a message"

        post()
    finally:
        miles.close()
        sam.close()
    assert "Traceback" not in programme.log()
