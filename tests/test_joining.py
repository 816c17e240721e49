"""Joining, through a real server: an application accepted by staff ends in an account
that signs in (OpenID Connect, the test provider) with its profile, and a welcome email
at the test SMTP server; a declined one creates nothing; bad input gets 422 with what is
wrong and stores nothing; only staff review; applying is rate-limited like sign-in and
never tells whether an email has an account."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from storage.database import make_engine
from tests.oidc_provider import OIDCProvider
from tests.polling import until
from tests.server_process import ServerProcess
from tests.smtp_server import TestSMTPServer
from tests.test_auth_oidc import oidc_sign_in
from tests.web import WEB_ENV, client, csrf_in, csrf_token, database_mentions, signed_in

STAFF = "stella@example.org"
BOOKING = "https://calendar.example.org/mentorhub-intro"
RITA = {
    "name": "Rita Recursion",
    "email": "Rita@Example.org",
    "skills": "Python, coding interviews",
    "level": "expert",
    "capacity": "2",
    "hours_per_week": "2",
    "formats": ["live", "review"],
    "timezone": "Europe/Berlin",
    "why": "I was helped when I started; I want to do the same.",
    "about": "Ten years of backend work, many interviews on both sides.",
}
SAM = {
    "name": "Sam Starter",
    "email": "sam@example.org",
    "skills": "recursion, JS",
    "hours_per_week": "1.5",
    "formats": ["email"],
    "timezone": "America/New_York",
    "why": "I get stuck on recursion questions in interviews.",
}


def rows(server: ServerProcess, query: str) -> list[dict[str, Any]]:
    engine = make_engine(server.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


def skills_of(application: dict[str, Any]) -> list[str]:
    skills = application["skills"]  # JSON: a list on PostgreSQL, text on SQLite
    return skills if isinstance(skills, list) else json.loads(skills)


def users(server: ServerProcess) -> list[str]:
    return [row["email"] for row in rows(server, "SELECT email FROM user_account ORDER BY id")]


def applications(server: ServerProcess) -> list[dict[str, Any]]:
    return rows(server, "SELECT * FROM join_application ORDER BY id")


async def apply(browser: httpx.AsyncClient, kind: str, form: dict[str, Any]) -> httpx.Response:
    """Fill the form as a person without an account would: its page first, then post."""
    token = await csrf_token(browser, f"/join/{kind}")
    return await browser.post(f"/join/{kind}", data={**form, "csrf_token": token})


async def decide(
    staff: httpx.AsyncClient, application_id: int, action: str, note: str
) -> httpx.Response:
    page = await staff.get(f"/applications/{application_id}")
    assert page.status_code == 200, page.text
    data = {"note": note, "csrf_token": csrf_in(page.text)}
    return await staff.post(f"/applications/{application_id}/{action}", data=data)


@pytest.fixture
def smtp_server() -> Any:
    server = TestSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def joining(server_factory, oidc_provider: OIDCProvider, smtp_server) -> ServerProcess:
    server = server_factory(
        **WEB_ENV, **oidc_provider.env(), **smtp_server.env(), INTRODUCTION_BOOKING_URL=BOOKING
    )
    server.add_user(STAFF, role="staff", name="Stella Staff")
    return server


async def test_an_accepted_mentor_signs_in_with_a_profile_and_gets_the_welcome_email(
    joining, oidc_provider, smtp_server
):
    async with client(joining) as stranger:
        applied = await apply(stranger, "mentor", RITA)
        assert applied.status_code == 303 and applied.headers["location"] == "/join/thanks"
        thanks = await stranger.get("/join/thanks")
        assert "We received your application" in thanks.text
    [application] = applications(joining)
    assert application["state"] == "pending" and application["email"] == "rita@example.org"
    assert skills_of(application) == ["python", "coding-interviews"]
    assert users(joining) == [STAFF]  # nothing made until staff decide

    async with signed_in(joining, STAFF) as staff:
        listed = await staff.get("/applications")
        assert listed.status_code == 200 and "Rita Recursion" in listed.text
        page = await staff.get(f"/applications/{application['id']}")
        assert "I was helped when I started" in page.text and "Python" in page.text
        accepted = await decide(staff, application["id"], "accept", "Welcome aboard, Rita!")
        assert accepted.status_code == 303
        decided = await staff.get(accepted.headers["location"])
        assert "accepted" in decided.text and "Welcome aboard, Rita!" in decided.text
        again = await decide_again(staff, application["id"])
        assert again.status_code == 409 and "accepted already" in again.text
    assert users(joining) == [STAFF, "rita@example.org"]
    [rita] = rows(joining, "SELECT * FROM user_account WHERE email = 'rita@example.org'")
    assert rita["role"] == "mentor" and rita["name"] == "Rita Recursion"

    [email] = smtp_server.inbox.wait_for(lambda got: len(got) == 1)
    assert email["To"] == "rita@example.org"
    assert email["Subject"] == "Welcome to mentorHub, Rita Recursion"
    body = email.get_content()
    assert "Welcome aboard, Rita!" in body
    assert f"{joining.url}/auth/login" in body and "Sign in with Test Provider" in body
    assert BOOKING in body

    # She signs in with the provider, under the email she applied with: the account made
    # for her is linked, and her profile is what she wrote.
    oidc_provider.set_user(
        "rita-sub", email="rita@example.org", email_verified=True, name="Rita R."
    )
    async with client(joining) as browser:
        done = await oidc_sign_in(browser, "rita-sub")
        assert done.status_code == 303, done.text
        profile = await browser.get(f"/people/{rita['id']}")
        assert profile.status_code == 200
        for shown in ("Rita Recursion", "Python", "expert", "Europe/Berlin", "2 of 2 mentee"):
            assert shown in profile.text, shown
    assert users(joining) == [STAFF, "rita@example.org"]  # the same account, no second one


async def decide_again(staff: httpx.AsyncClient, application_id: int) -> httpx.Response:
    """A second decision on a decided application (a stale page, or two staff at once)."""
    token = csrf_in((await staff.get("/applications")).text)
    return await staff.post(
        f"/applications/{application_id}/decline", data={"note": "", "csrf_token": token}
    )


async def test_a_declined_application_creates_nothing_but_a_polite_email(joining, smtp_server):
    async with client(joining) as stranger:
        assert (await apply(stranger, "member", SAM)).status_code == 303
    [application] = applications(joining)
    async with signed_in(joining, STAFF) as staff:
        declined = await decide(staff, application["id"], "decline", "Not this round.")
        assert declined.status_code == 303
        page = await staff.get(declined.headers["location"])
        assert "declined" in page.text and "Not this round." in page.text
        assert "Accept and send" not in page.text  # decided: no buttons any more
        [email] = smtp_server.inbox.wait_for(lambda got: len(got) == 1)
        assert email["To"] == "sam@example.org"
        assert email["Subject"] == "Your application to mentorHub"
        body = email.get_content()
        assert "Hello Sam Starter" in body and "Not this round." in body
        assert f"{joining.url}/join" in body
        await until(
            lambda: staff.get(declined.headers["location"]),
            lambda page: "A polite email with this note was sent" in page.text,
            what="the page saying the email went out",
        )
    assert users(joining) == [STAFF]
    assert rows(joining, "SELECT user_id FROM profile") == []
    assert rows(joining, "SELECT id FROM notification_outbox") == []
    async with client(joining) as browser:
        token = await csrf_token(browser)
        refused = await browser.post("/auth/dev", data={"email": SAM["email"], "csrf_token": token})
        assert refused.status_code == 400  # no account to sign in to


async def test_staff_are_told_when_the_decline_email_could_not_be_sent(server_factory):
    unreachable = TestSMTPServer()  # never started: connections are refused
    server = server_factory(**WEB_ENV, **unreachable.env())
    server.add_user(STAFF, role="staff")
    async with client(server) as stranger:
        assert (await apply(stranger, "member", SAM)).status_code == 303
    [application] = applications(server)
    async with signed_in(server, STAFF) as staff:
        declined = await decide(staff, application["id"], "decline", "")
        assert declined.status_code == 303
        page = await until(
            lambda: staff.get(declined.headers["location"]),
            lambda page: "could not be sent" in page.text,
            what="the page saying the email did not go out",
        )
        assert "please write to them yourself" in page.text
    assert applications(server)[0]["reply"].startswith("not sent: ")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "Tell us your name."),
        ({"email": "not-an-email"}, "email", "does not look like an email address"),
        ({"skills": ""}, "skills", "Name at least one skill you can help with."),
        ({"skills": "pythn, cooking the books"}, "skills", "Not a skill we know"),
        ({"hours_per_week": ""}, "hours_per_week", "how many hours a week"),
        ({"hours_per_week": "1e400"}, "hours_per_week", "Write a number"),
        ({"hours_per_week": "500"}, "hours_per_week", "168 hours a week"),
        ({"capacity": "inf"}, "capacity", "Write a whole number"),
        ({"capacity": "0"}, "capacity", "Between 1 and 50"),
        ({"formats": ["carrier pigeon"]}, "formats", "Unknown format"),
        ({"formats": []}, "formats", "at least one way to meet"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a time zone we know"),
        ({"why": " "}, "why", "why you want to join"),
        ({"why": "x" * 2001}, "why", "At most 2000 characters"),
        ({"level": "guru"}, "level", "Choose one of"),
        ({"name": "Rita\u0000"}, "name", "letters, digits and punctuation"),
    ],
)
async def test_bad_input_is_refused_with_what_is_wrong_and_stores_nothing(
    server_factory, change, field, message
):
    server = server_factory(**WEB_ENV)
    async with client(server) as stranger:
        answer = await apply(stranger, "mentor", {**RITA, **change})
    assert answer.status_code == 422, answer.text
    assert message in answer.text
    assert f'id="{field}-error"' in answer.text  # beside its field, for screen readers
    assert applications(server) == []


async def test_a_skill_is_normalised_and_a_form_without_csrf_is_refused(server_factory):
    server = server_factory(**WEB_ENV)
    async with client(server) as stranger:
        forged = await stranger.post("/join/member", data=SAM)
        assert forged.status_code == 403
        assert (await apply(stranger, "member", SAM)).status_code == 303
    [sam] = applications(server)
    assert skills_of(sam) == ["recursion", "javascript"]  # synonyms normalised


async def test_only_staff_review(joining):
    async with client(joining) as stranger:
        assert (await apply(stranger, "member", SAM)).status_code == 303
        assert (await stranger.get("/applications")).status_code == 303  # sign in first
    [application] = applications(joining)
    joining.add_user("maven@example.org", role="mentor")
    async with signed_in(joining, "maven@example.org") as mentor:
        token = csrf_in((await mentor.get("/profile")).text)
        for answer in (
            await mentor.get("/applications"),
            await mentor.get(f"/applications/{application['id']}"),
            await mentor.post(
                f"/applications/{application['id']}/accept",
                data={"note": "", "csrf_token": token},
            ),
        ):
            assert answer.status_code == 403, answer.request.url
    assert applications(joining)[0]["state"] == "pending"
    assert "sam@example.org" not in users(joining)
    async with signed_in(joining, STAFF) as staff:
        assert (await staff.get("/applications/999999")).status_code == 404
        assert (await staff.get("/applications/nope")).status_code == 404


async def test_applying_never_tells_whether_an_email_has_an_account(joining):
    joining.add_user("known@example.org", role="member", name="Known")
    async with client(joining) as stranger:
        known = await apply(stranger, "member", {**SAM, "email": "KNOWN@example.org"})
        unknown = await apply(stranger, "member", {**SAM, "email": "new@example.org"})
    assert (known.status_code, known.headers["location"]) == (
        unknown.status_code,
        unknown.headers["location"],
    )
    first = applications(joining)[0]
    async with signed_in(joining, STAFF) as staff:
        refused = await decide(staff, first["id"], "accept", "")
        assert refused.status_code == 409 and "exists already" in refused.text
    assert applications(joining)[0]["state"] == "pending"  # nothing changed
    [known_user] = rows(joining, "SELECT * FROM user_account WHERE email = 'known@example.org'")
    assert known_user["name"] == "Known"


async def test_applying_is_rate_limited_like_signing_in(server_factory):
    server = server_factory(DEV_SIGN_IN="true", SIGN_IN_RATE_LIMIT_PER_MINUTE="3")
    async with client(server) as stranger:
        answers = [(await apply(stranger, "member", SAM)).status_code for _ in range(4)]
    assert answers == [303, 303, 303, 429]
    assert len(applications(server)) == 3


def test_the_welcome_email_without_a_booking_page_says_the_team_will_write():
    from types import SimpleNamespace

    from server.joining.review import WELCOME  # registers the kind
    from server.notifications import compose

    person = SimpleNamespace(name="Sam", email="sam@example.org")
    subject, body = compose(
        WELCOME.key, person=person, site_url="https://mentorhub.example.org", note="",
        applied_as="member", provider=None, dev_sign_in=False, booking_url=None,
        settings_url="https://mentorhub.example.org/settings/notifications",
    )  # fmt: skip
    assert subject == "Welcome to mentorHub, Sam"
    assert "The team will write to you to arrange a first conversation." in body
    assert "to join as a member" in body and "sam@example.org" in body


async def test_staff_see_a_new_application_arrive_live(joining):
    async with signed_in(joining, STAFF) as staff:
        seen: list[str] = []

        async def listen() -> None:
            async with staff.stream("GET", "/applications/stream") as stream:
                async for line in stream.aiter_lines():
                    seen.append(line)

        listener = asyncio.create_task(listen())
        try:
            # The stream sends the list each time it changes. Whether the first application
            # comes before or after the stream's first look, a next one is a change it sends.
            async with client(joining) as stranger:
                for n in range(20):
                    name = f"Sam Starter {n}"
                    answer = await apply(stranger, "member", {**SAM, "name": name})
                    assert answer.status_code == 303
                    try:
                        await until(
                            lambda: seen,
                            lambda lines, name=name: any(name in line for line in lines),
                            timeout=2,
                        )
                        break
                    except AssertionError:
                        continue
            assert any("Sam Starter" in line and "/applications/" in line for line in seen)
        finally:
            listener.cancel()
    async with client(joining) as stranger:
        assert (await stranger.get("/applications/stream")).status_code == 303


async def test_forget_me_takes_the_accepted_application_with_the_account(joining):
    async with client(joining) as stranger:
        assert (await apply(stranger, "mentor", RITA)).status_code == 303
    [application] = applications(joining)
    async with signed_in(joining, STAFF) as staff:
        assert (await decide(staff, application["id"], "accept", "")).status_code == 303
    joining.cli("forget", "rita@example.org")
    assert applications(joining) == []
    assert database_mentions(joining.env["DATABASE_URL"], ["Rita Recursion", "rita@example"]) == []
