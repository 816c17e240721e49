"""Helpers for the library's web tests: posting forms, adding resources, reading figures."""

from __future__ import annotations

import re
import secrets
from html import unescape
from typing import Any

import httpx

from collab.edits import new_curriculum_update
from server.auth.tokens import create_token
from server.read_model_sync import refresh
from storage.account_queries import add_user
from storage.curriculum_queries import create_curriculum
from storage.database import make_engine
from tests.web import csrf_in

HX = {"HX-Request": "true"}
RESOURCE_LINK = re.compile(r"/library/([0-9]+)$")


async def post_form(
    browser: httpx.AsyncClient, path: str, data: dict[str, Any], page: str = "/library",
    **kwargs: Any,
) -> httpx.Response:  # fmt: skip
    """POST a form the way its page does: with the page's CSRF token."""
    token = csrf_in((await browser.get(page)).text)
    return await browser.post(path, data={**data, "csrf_token": token}, **kwargs)


def resource_fields(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Learn Kubernetes Basics", "level": "beginner", "style": "hands-on",
        "kind": "course", "url": "https://kubernetes.io/docs/tutorials/kubernetes-basics/",
        "skills": "k8s, containers", "estimate_minutes": "60", "description": "Six modules.",
        "visibility": "shared", **fields,
    }  # fmt: skip


async def add_resource(browser: httpx.AsyncClient, **fields: Any) -> int:
    """Add a resource through the mentors' form; its id."""
    answer = await post_form(browser, "/library/new", resource_fields(**fields))
    assert answer.status_code == 303, answer.text
    found = RESOURCE_LINK.search(answer.headers["location"])
    assert found, answer.headers["location"]
    return int(found.group(1))


def text_of(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed (to read figures as people do)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class People:
    """People and curricula made straight in the server's database (what `mentorhub
    users add` and `curricula create` do, without a process each)."""

    def __init__(self, database_url: str) -> None:
        self.engine = make_engine(database_url)
        self.ids: dict[str, int] = {}

    def close(self) -> None:
        self.engine.dispose()

    def add(self, email: str, role: str = "member", name: str | None = None) -> int:
        if email not in self.ids:
            user = add_user(self.engine, email, name or email.split("@")[0], role)
            assert user.id is not None
            self.ids[email] = user.id
        return self.ids[email]

    def curriculum(self, member: str, mentors: tuple[str, ...] = (), title: str = "") -> str:
        """A new curriculum of `member` with `mentors` (made as needed); its id."""
        member_id = self.add(member)
        mentor_ids = [self.add(m, "mentor") for m in mentors]
        doc_id = secrets.token_urlsafe(12)
        title = title or f"{member}'s curriculum"
        update = new_curriculum_update(title, member, list(mentors))
        create_curriculum(self.engine, doc_id, title, update, member_id, mentor_ids)
        refresh(self.engine, doc_id)
        return doc_id

    def token(self, email: str) -> str:
        return create_token(self.engine, self.ids[email], "test")
