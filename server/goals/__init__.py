"""The dream job and goals panel of the curriculum editor (docs/goals.md).

| module | what it holds |
| --- | --- |
| `skills.py` | JSON endpoints: skill suggestions from the resume, normalising a tag, coverage |
| `panel.py` | what the editor page renders of the panel before the live document takes over |

The resume and the goals themselves are edited in the browser, on the Yjs document
(static/editor/dream-job.js): these endpoints only read.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from . import skills

__all__ = ["goal_routes"]


def goal_routes() -> list[Any]:
    base = "/curricula/{doc_id:id}/skills"
    return [
        Route(base + "/suggest", skills.suggest, methods=["POST"]),
        Route(base + "/normalise", skills.normalise, methods=["POST"]),
        Route(base + "/coverage", skills.coverage_of, methods=["POST"]),
    ]
