"""Operational endpoints: /healthz and /version."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
from importlib.metadata import PackageNotFoundError, version

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from storage.database import ping

from .settings import PROJECT_ROOT

log = logging.getLogger("mentorhub.health")


def package_version() -> str:
    try:
        return version("mentorhub")
    except PackageNotFoundError:
        return "0+unknown"


def git_commit() -> str:
    """The commit being served: $SOURCE_VERSION (set by build platforms) or git itself."""
    commit = os.environ.get("SOURCE_VERSION") or os.environ.get("GIT_COMMIT")
    if commit:
        return commit
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


async def version_info(request: Request) -> JSONResponse:
    state = request.app.state
    return JSONResponse(
        {
            "name": "mentorhub",
            "version": package_version(),
            "commit": state.commit,
            "settings": state.settings.masked(),
        }
    )


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus exposition of the sync server's metrics."""
    data = generate_latest(request.app.state.metrics.registry)
    return Response(data, media_type=CONTENT_TYPE_LATEST)
