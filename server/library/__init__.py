"""The shared resource library's pages and actions (docs/library.md).

| module | what it holds |
| --- | --- |
| `pages.py` | `/library` (search as one types, filters) and `/library/{id}` |
| `forms.py` | adding and editing (mentors, staff), suggesting (everyone), the suggestions queue |
| `actions.py` | adding a resource to a curriculum in one action; rating and reviewing |
| `files.py` | CSV and JSON download and upload |
| `live.py` | live pages (`/library/stream`), learning the links of cards |
| `cli.py` | `mentorhub library import|export` |
| `account.py` | what the library holds about a person, for their data export |
| `demo.py` | the demo library for `mentorhub seed-demo` |
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from . import actions, files, forms, pages
from .live import library_stream, start_library_live

__all__ = ["library_routes", "start_library_live"]


def library_routes() -> list[Any]:
    one = "/library/{resource_id:int}"
    return [
        Route("/library", pages.library_page),
        Route("/library/stream", library_stream),
        Route("/library/new", forms.new_page),
        Route("/library/new", forms.new_action, methods=["POST"]),
        Route("/library/suggest", forms.suggest_page),
        Route("/library/suggest", forms.suggest_action, methods=["POST"]),
        Route("/library/suggestions", forms.queue_page),
        Route("/library/export", files.export_file),
        Route("/library/import", files.import_page),
        Route("/library/import", files.import_action, methods=["POST"]),
        Route(one, pages.resource_page),
        Route(one + "/open", pages.open_resource),
        Route(one + "/edit", forms.edit_page),
        Route(one + "/edit", forms.edit_action, methods=["POST"]),
        Route(one + "/accept", forms.accept_action, methods=["POST"]),
        Route(one + "/decline", forms.decline_action, methods=["POST"]),
        Route(one + "/add", actions.add_to_curriculum, methods=["POST"]),
        Route(one + "/review", actions.review_action, methods=["POST"]),
        Route(one + "/review/delete", actions.delete_review_action, methods=["POST"]),
    ]
