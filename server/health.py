"""Operational endpoints: /healthz and /version."""

from __future__ import annotations

import asyncio
import logging
import subprocess
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from storage.accounts import User
from storage.database import ping

from .settings import PROJECT_ROOT, Settings

log = logging.getLogger("mentorhub.health")


def package_version() -> str:
    try:
        return version("mentorhub")
    except PackageNotFoundError:
        return "0+unknown"


def git_commit(settings: Settings) -> str:
    """The commit being served: SOURCE_VERSION or GIT_COMMIT (set by build platforms,
    read in server/settings.py), else git itself."""
    if settings.source_commit:
        return settings.source_commit
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


async def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(asyncio.to_thread(ping, state.engine), timeout=5)
        checks["database"] = "ok"
    except Exception as exc:
        log.warning("health check: database unavailable (%s)", type(exc).__name__)
        checks["database"] = "unavailable"
    if state.redis is not None:
        try:
            await asyncio.wait_for(state.redis.ping(), timeout=5)
            checks["redis"] = "ok"
        except Exception as exc:
            log.warning("health check: redis unavailable (%s)", type(exc).__name__)
            checks["redis"] = "unavailable"
    healthy = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )


def settings_shown_to(user: User | None, settings: Settings) -> bool:
    """Who sees the (masked) settings on /version: staff, and anyone outside production."""
    return not settings.is_production or (user is not None and user.role == "staff")


async def version_info(request: Request) -> JSONResponse:
    """The version and commit, public; the settings, secrets masked, only to those
    `settings_shown_to` allows."""
    state = request.app.state
    answer: dict[str, object] = {
        "name": "mentorhub",
        "version": package_version(),
        "commit": state.commit,
    }
    if settings_shown_to(request.scope.get("state", {}).get("user"), state.settings):
        answer["settings"] = state.settings.masked()
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus exposition of the sync server's metrics."""
    data = generate_latest(request.app.state.metrics.registry)
    return Response(data, media_type=CONTENT_TYPE_LATEST)
