"""`/certificates`: a person's own certificates and the sign-offs waiting on them.

- A member sees their certificates with links to share, and their goals that are
  ready for sign-off or waiting for a mentor.
- A mentor sees the requests of their mentees, to sign off in one action, and the
  certificates issued on their mentees' curricula.
- Staff see the programme's newest certificates (revoking is on a certificate's page).

The page refreshes live (`/certificates/stream`) when a sign-off or certificate of a
curriculum it shows changes. For other pages (a profile): `listed_certificates`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.certificates import Issuer
from storage.certificate_queries import (
    certificates_of_curricula,
    certificates_of_member,
    recent_certificates,
    user_names,
)
from storage.certificates import CertificateRecord
from storage.curriculum_queries import curricula_rows

from .live_feed import feed_stream
from .sign_off import GoalSignOff, SignOffs, load_sign_offs
from .templating import current_user, render, render_fragment
from .urls import path

OPEN_STATES = ("ready", "requested")  # goals a person may act on, or waits for


@dataclass(frozen=True)
class ListedCertificate:
    """A certificate in a list: its row, who it is for, and where it is."""

    record: CertificateRecord
    member_name: str
    url: str  # the public page, as shared (absolute)
    page_path: str
    json_path: str
    pdf_path: str


def listed_certificates(
    engine: Engine, records: list[CertificateRecord]
) -> list[ListedCertificate]:
    """`records` with names and links, for a list (blocking)."""
    names = user_names(engine, [r.member_user_id for r in records if r.member_user_id])
    listed = []
    for record in records:
        page = path("certificates", record.id)
        listed.append(
            ListedCertificate(
                record=record,
                member_name=names.get(record.member_user_id or 0, "former member"),
                url=Issuer(record.issuer_url).certificate_url(record.id),
                page_path=page,
                json_path=page + ".json",
                pdf_path=page + ".pdf",
            )
        )
    return listed


@dataclass(frozen=True)
class MyCertificates:
    mine: list[ListedCertificate]  # the member's own
    sign_offs: list[SignOffs]  # the curricula they are on, with goals open for sign-off
    on_my_curricula: list[ListedCertificate]  # issued on curricula they mentor
    programme: list[ListedCertificate]  # staff: the newest of all
    curricula: frozenset[str] = frozenset()  # every curriculum they are on

    @property
    def to_sign_off(self) -> list[tuple[SignOffs, GoalSignOff]]:
        """Goals of their mentees waiting for their sign-off."""
        return self._goals("mentor", ("requested",))

    @property
    def to_ask(self) -> list[tuple[SignOffs, GoalSignOff]]:
        """Their own goals that are ready, waiting for a mentor, or were declined."""
        return self._goals("member", OPEN_STATES, declined=True)

    def _goals(
        self, role: str, states: tuple[str, ...], declined: bool = False
    ) -> list[tuple[SignOffs, GoalSignOff]]:
        return [
            (sign_offs, goal)
            for sign_offs in self.sign_offs
            if sign_offs.role == role
            for goal in sign_offs.goals
            if goal.state in states or (declined and goal.declined is not None)
        ]

    @property
    def watched(self) -> set[str]:
        """The curricula whose changes change the page."""
        listed = self.mine + self.on_my_curricula
        return {*self.curricula, *(c.record.doc_id for c in listed if c.record.doc_id)}


def load_my_certificates(engine: Engine, user: Any) -> MyCertificates:
    """Everything the page shows to `user` (blocking)."""
    roles: dict[str, str | None] = {}
    for row in curricula_rows(engine, user.id):
        roles[row.doc_id] = next((p.role for p in row.people if p.user_id == user.id), None)
    sign_offs = [
        s
        for s in load_sign_offs(engine, roles)
        if any(g.state in OPEN_STATES or g.declined for g in s.goals)
    ]
    mentored = [doc_id for doc_id, role in roles.items() if role == "mentor"]
    return MyCertificates(
        mine=listed_certificates(engine, certificates_of_member(engine, user.id)),
        sign_offs=sign_offs,
        on_my_curricula=listed_certificates(engine, certificates_of_curricula(engine, mentored)),
        programme=(
            listed_certificates(engine, recent_certificates(engine)) if user.role == "staff" else []
        ),
        curricula=frozenset(roles),
    )


async def my_certificates(request: Request) -> Response:
    """GET /certificates"""
    user = current_user(request)
    if user is None:
        return RedirectResponse("/auth/login", status_code=303)
    found = await asyncio.to_thread(load_my_certificates, request.app.state.engine, user)
    return render(request, "certificates.html", {"my": found})


async def my_certificates_stream(request: Request) -> Response:
    """GET /certificates/stream: the list again after a change of what it shows."""
    user = current_user(request)
    engine = request.app.state.engine

    async def render_list() -> tuple[set[str] | None, str] | None:
        if user is None:
            return None
        found = await asyncio.to_thread(load_my_certificates, engine, user)
        html = render_fragment(request, "_certificates.html", {"my": found})
        return (None if user.role == "staff" else found.watched), html

    return feed_stream(request, render_list)


def my_certificates_routes() -> list[Route]:
    return [
        Route("/certificates", my_certificates),
        Route("/certificates/stream", my_certificates_stream),
    ]
