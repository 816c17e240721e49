"""Rendering pages: one Jinja2 environment (autoescaping), the context every page gets."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from collab.schema import client_schema

from .auth.csrf import csrf_token_for
from .settings import PROJECT_ROOT
from .urls import path

# Pages are personal and change: kept only by the browser, and checked before each use.
PAGE_CACHE = {"Cache-Control": "private, no-cache"}


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
    templates.env.autoescape = True  # every template, whatever its file name
    templates.env.filters["minutes"] = format_minutes
    templates.env.filters["duration"] = format_duration
    templates.env.globals["static_url"] = static_url
    templates.env.globals["module_url"] = module_url
    templates.env.globals["module_preloads"] = module_preloads
    templates.env.globals["path"] = path  # every URL built from ids goes through it
    templates.env.globals["schema"] = client_schema()  # kinds, columns, labels, limits
    return templates


@pass_context
def static_url(context: Any, path: str) -> str:
    """The URL of a file under static/: hashed or versioned, so browsers keep it for good."""
    request: Request = context["request"]
    return request.url_for("static", path=request.app.state.static_files.url_path(path)).path


@pass_context
def module_url(context: Any, entry: str) -> str:
    """The URL of an entry module under static/: its bundle's when the bundle is current."""
    request: Request = context["request"]
    served = request.app.state.static_files.module_url_path(entry)
    return request.url_for("static", path=served).path


@pass_context
def module_preloads(context: Any, entry: str) -> list[str]:
    """The URLs of every module an entry module (or its bundle) imports, for
    `rel=modulepreload`."""
    request: Request = context["request"]
    graph = request.app.state.static_files.module_graph(entry)
    return [request.url_for("static", path=path).path for path in graph]


def format_minutes(value: int | None) -> str:
    if value is None:
        return ""
    hours, minutes = divmod(int(value), 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def format_duration(value: int | None) -> str:
    """Minutes as a person says a time span: `1 h 30 min`, or `about 18 days` past a day."""
    if value is not None and value >= 24 * 60:
        days = round(value / (24 * 60))
        return f"about {days} day" if days == 1 else f"about {days} days"
    return format_minutes(value)


def current_user(request: Request) -> Any:
    return getattr(request.state, "user", None)


def page_context(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    """What every template gets: the user, and the CSRF token its forms carry."""
    return {
        "request": request,
        "user": current_user(request),
        "csrf_token": csrf_token_for(request),
        **context,
    }


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    full = page_context(request, context)
    return templates.TemplateResponse(
        request, template, full, status_code=status_code, headers=PAGE_CACHE
    )


def render_fragment(request: Request, template: str, context: dict[str, Any]) -> str:
    """A partial as a string (for live updates pushed over SSE)."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.env.get_template(template).render(page_context(request, context))
