"""Dashboards: the member's, the mentor's and the staff's (/dashboard), their JSON, and
the workload warning (docs/dashboards.md). `create_app` adds `dashboard_routes()`."""

from __future__ import annotations

from starlette.routing import Route

from .pages import api_dashboard, api_progress, dashboard, dashboard_stream
from .workload import workload_json, workload_stream


def dashboard_routes() -> list[Route]:
    return [
        Route("/dashboard", dashboard),
        Route("/dashboard/stream", dashboard_stream),
        Route("/api/dashboard", api_dashboard),
        Route("/api/curricula/{doc_id:id}/progress", api_progress),
        Route("/curricula/{doc_id:id}/workload", workload_json),
        Route("/curricula/{doc_id:id}/workload/stream", workload_stream),
    ]
