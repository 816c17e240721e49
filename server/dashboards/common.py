"""What every dashboard handler shares: who asks (a session or a personal access token),
whether they want JSON, and the access check of one curriculum."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from storage.accounts import User

from ..access import Access, document_access
from ..auth.tokens import token_given, user_for_token
from ..templating import current_user

NOT_FOUND = "There is no curriculum here, or you may not open it."
TOKEN_REQUIRED = "a personal access token is required: Authorization: Bearer mh_…"


def wants_json(request: Request) -> bool:
    """True when the client asks for JSON before HTML (`Accept: application/json`)."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def token_user(request: Request) -> User | None:
    """The owner of the request's bearer token (None: no token, or a wrong one)."""
    if not request.headers.get("authorization"):
        return None
    token = token_given(request.headers, {})
    return await user_for_token(request.app.state.engine, token) if token else None


def unauthorised() -> JSONResponse:
    return JSONResponse(
        {"error": TOKEN_REQUIRED}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
    )


async def require_access(request: Request, user: User | None, doc_id: str) -> Access:
    """READ at least on `doc_id`, else 404 (the same answer whether it exists or not)."""
    access = await document_access(request.app.state, user, doc_id)
    if access < Access.READ:
        raise HTTPException(404, NOT_FOUND)
    return access


async def session_access(request: Request, doc_id: str) -> Access:
    return await require_access(request, current_user(request), doc_id)
