"""Encounters: a mentor meets a mentee with a script and records the notes; the page
shows what changed on the curriculum since the last encounter. See docs/encounters.md.

`create_app` adds the routes with `*encounter_routes()`.
"""

from __future__ import annotations

from starlette.routing import Route

from ..notifications import Kind, register_kind
from . import pages, record, scripts

register_kind(
    Kind(
        "encounter_recorded",
        "A mentor records an encounter with you",
        "An email when a mentor writes the notes of a meeting with you.",
    )
)

POST = ["POST"]


def encounter_routes() -> list[Route]:
    return [
        Route("/encounters", pages.my_encounters),
        Route("/encounters/scripts", scripts.scripts_page),
        Route("/encounters/scripts", scripts.add_script_action, methods=POST),
        Route("/encounters/{id}", pages.encounter_page),
        Route("/encounters/{id}", record.save_encounter, methods=POST),
        Route("/encounters/{id}/edit", record.edit_page),
        Route("/encounters/{id}/changes/stream", pages.changes_stream),
        Route("/people/{id}/encounters", pages.member_encounters),
        Route("/people/{id}/encounters", record.create_encounter, methods=POST),
        Route("/people/{id}/encounters/new", record.choose_script),
        Route("/people/{id}/encounters/new/{script}", record.new_encounter),
    ]
