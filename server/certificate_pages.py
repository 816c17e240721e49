"""Certificates in public: the page anyone can open, its JSON and PDF, the key set, the
revocation list, and revocation by staff. None of them needs a sign-in.

| route | what |
| --- | --- |
| `GET /certificates/{id}` | the page: valid, revoked (reason, date) or tampered |
| `GET /certificates/{id}.json` | the signed credential, byte for byte as stored |
| `GET /certificates/{id}.pdf` | the PDF, drawn from the credential on each request |
| `GET /certificates/{id}/stream` | the page's verdict again after a change (signed in) |
| `POST /certificates/{id}/revoke` | staff: revoke with a reason |
| `GET /.well-known/did.json` | the key set (did:web) |
| `GET /certificates/status` | the signed revocation list (Bitstring Status List) |
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from domain.certificates import (
    Certificate,
    CredentialError,
    Issuer,
    Status,
    certificate_pdf,
    check_certificate_id,
    key_set_document,
    read_certificate,
    status_list_credential,
    verify_json,
)
from storage.certificate_queries import (
    MAX_REASON,
    certificate,
    revoke_certificate,
    revoked_status_indexes,
)
from storage.certificates import CertificateRecord
from storage.models import utcnow

from .certificate_keys import KeyRing, KeyUnavailable, issuer_for
from .live_feed import feed_stream
from .my_certificates import my_certificates_routes
from .sign_off import sign_off_routes
from .templating import current_user, render, render_fragment
from .urls import path

NOT_FOUND = "There is no certificate here."
# Anyone may fetch what a verifier needs, from any origin (a verifier in a web page too).
PUBLIC = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=60"}
VERDICTS = {Status.VALID: "valid", Status.REVOKED: "revoked"}  # any other: "tampered"


def certificate_path(certificate_id: str, suffix: str = "") -> str:
    """`/certificates/{id}` and `.json`, `.pdf`, `/revoke` after it (ids are server-made)."""
    return path("certificates", check_certificate_id(certificate_id)) + suffix


@dataclass(frozen=True)
class Examined:
    """A stored certificate, checked as a stranger would check it."""

    record: CertificateRecord
    status: str  # valid | revoked | tampered
    reason: str
    certificate: Certificate | None  # what it states; None when erased or not genuine
    issuer: Issuer


def examine(keys: KeyRing, record: CertificateRecord) -> Examined:
    """Verify the stored credential with the published keys (blocking)."""
    issuer = Issuer(record.issuer_url)
    if record.credential is None:  # erased by ForgetMe: a revoked tombstone
        return Examined(record, "revoked", "the certificate was erased", None, issuer)
    key_set = key_set_document(issuer, keys.published())
    revoked = {issuer.certificate_url(record.id)} if record.revoked_at is not None else set()
    verdict = verify_json(record.credential, key_set, revoked_ids=revoked)
    status = VERDICTS.get(verdict.status, "tampered")
    stated = None
    if status != "tampered":
        try:
            stated = read_certificate(json.loads(record.credential))
        except (ValueError, CredentialError):
            status = "tampered"
    return Examined(record, status, verdict.reason, stated, issuer)


async def _examined(request: Request) -> Examined:
    state = request.app.state
    record = await asyncio.to_thread(
        certificate, state.engine, request.path_params["certificate_id"]
    )
    if record is None:
        raise HTTPException(404, NOT_FOUND)
    return await asyncio.to_thread(examine, state.certificate_keys, record)


def page_context(request: Request, examined: Examined, error: str | None = None) -> dict[str, Any]:
    record, stated = examined.record, examined.certificate
    user = current_user(request)
    facts = stated.facts if stated is not None else None
    if facts is not None:
        title = f"{facts.member_name}: {facts.goal}"
        description = (
            f"{facts.member_name} reached the goal \u201c{facts.goal}\u201d on mentorHub, "
            f"signed off by {facts.mentor_name}."
        )
    else:
        title = "A revoked certificate" if examined.status == "revoked" else "A changed certificate"
        description = f"mentorHub certificate {record.id}: {examined.status}."
    return {
        "examined": examined,
        "record": record,
        "facts": facts,
        "title": title,
        "description": description,
        "page_url": examined.issuer.certificate_url(record.id),
        "json_path": certificate_path(record.id, ".json"),
        "pdf_path": certificate_path(record.id, ".pdf"),
        "stream_path": (
            certificate_path(record.id, "/stream")
            if user is not None and record.doc_id is not None
            else None
        ),
        "revoke_path": certificate_path(record.id, "/revoke"),
        "can_revoke": user is not None and user.role == "staff" and record.revoked_at is None,
        "error": error,
    }


async def certificate_page(request: Request) -> Response:
    """GET /certificates/{id}: the public page."""
    examined = await _examined(request)
    return render(request, "certificate.html", page_context(request, examined))


async def certificate_json(request: Request) -> Response:
    """GET /certificates/{id}.json: the credential exactly as signed and stored."""
    examined = await _examined(request)
    stored = examined.record.credential
    if stored is None:
        return JSONResponse({"error": "This certificate was revoked and erased."}, 410, PUBLIC)
    name = f'inline; filename="mentorhub-certificate-{examined.record.id}.json"'
    headers = {**PUBLIC, "Cache-Control": "no-cache", "Content-Disposition": name}
    return Response(stored, media_type="application/json", headers=headers)


async def certificate_pdf_file(request: Request) -> Response:
    """GET /certificates/{id}.pdf: drawn from the credential, only while it is valid."""
    examined = await _examined(request)
    if examined.status == "revoked":
        raise HTTPException(410, "This certificate was revoked; it has no PDF any more.")
    if examined.status != "valid" or examined.record.credential is None:
        raise HTTPException(409, "This certificate no longer verifies; it has no PDF.")
    credential = json.loads(examined.record.credential)
    pdf = await asyncio.to_thread(certificate_pdf, credential)
    name = f'inline; filename="mentorhub-certificate-{examined.record.id}.pdf"'
    headers = {"Cache-Control": "no-cache", "Content-Disposition": name}
    return Response(pdf, media_type="application/pdf", headers=headers)


async def certificate_stream(request: Request) -> Response:
    """GET /certificates/{id}/stream: the verdict again when the certificate changes."""
    examined = await _examined(request)
    doc_id = examined.record.doc_id
    if current_user(request) is None or doc_id is None:
        raise HTTPException(404, NOT_FOUND)

    async def render_status() -> tuple[set[str] | None, str]:
        fresh = await _examined(request)
        context = page_context(request, fresh)
        return {doc_id}, render_fragment(request, "_certificate_status.html", context)

    return feed_stream(request, render_status)


async def revoke(request: Request) -> Response:
    """POST /certificates/{id}/revoke: staff revoke a certificate, giving a reason."""
    user = current_user(request)
    if user is None:
        return RedirectResponse("/auth/login", status_code=303)
    if user.role != "staff":
        raise HTTPException(403, "Only staff revoke certificates.")
    examined = await _examined(request)
    async with request.form() as form:
        given = form.get("reason")
    reason = " ".join(given.split()) if isinstance(given, str) else ""
    if not reason or len(reason) > MAX_REASON:
        error = f"Give a reason of 1 to {MAX_REASON} characters."
        return render(request, "certificate.html", page_context(request, examined, error), 422)
    state = request.app.state
    record = examined.record
    if not await asyncio.to_thread(
        revoke_certificate, state.engine, record.id, user.id, reason, utcnow()
    ):
        raise HTTPException(409, "This certificate is revoked already.")
    if record.doc_id is not None:
        await state.read_model.announce(record.doc_id)
    return RedirectResponse(certificate_path(record.id), status_code=303)


async def key_set(request: Request) -> Response:
    """GET /.well-known/did.json: every key mentorHub ever signed with (did:web)."""
    keys: KeyRing = request.app.state.certificate_keys
    published = await asyncio.to_thread(keys.published)
    return JSONResponse(key_set_document(issuer_for(request), published), headers=PUBLIC)


async def status_list(request: Request) -> Response:
    """GET /certificates/status: the revocation list, signed now by the current key."""
    state = request.app.state
    keys: KeyRing = state.certificate_keys
    try:
        key = await asyncio.to_thread(keys.signing_key)
    except KeyUnavailable:
        raise HTTPException(503, "The revocation list cannot be signed right now.") from None
    revoked = await asyncio.to_thread(revoked_status_indexes, state.engine)
    document = status_list_credential(issuer_for(request), revoked, key, utcnow())
    return JSONResponse(document, headers=PUBLIC)


def certificate_routes() -> list[BaseRoute]:
    """Every route of certificates and sign-offs (the fixed paths before `{id}`)."""
    return [
        *sign_off_routes(),
        *my_certificates_routes(),
        Route("/.well-known/did.json", key_set),
        Route("/certificates/status", status_list),
        Route("/certificates/{certificate_id:id}.json", certificate_json),
        Route("/certificates/{certificate_id:id}.pdf", certificate_pdf_file),
        Route("/certificates/{certificate_id:id}/stream", certificate_stream),
        Route("/certificates/{certificate_id:id}/revoke", revoke, methods=["POST"]),
        Route("/certificates/{certificate_id:id}", certificate_page),
    ]
