"""No dead code in the packages: vulture finds nothing but what a framework or template uses."""

from __future__ import annotations

from pathlib import Path

import vulture

ROOT = Path(__file__).resolve().parent.parent

# name -> who uses it, where vulture cannot see
USED_ELSEWHERE = {
    "collect": "prometheus_client calls a collector's collect()",
    "format": "logging calls a formatter's format()",
    "msg": "logging reads a record's msg",
    "autoescape": "Jinja2 reads it",
    "regex": "Starlette's path convertor protocol",
    "convert": "Starlette's path convertor protocol",
    "to_string": "Starlette's path convertor protocol",
    "done_minutes": "templates/_timeline.html",
    "planned_minutes": "templates/_timeline.html",
    "_configure": "a SQLAlchemy event listener",
    "_begin": "a SQLAlchemy event listener",
    "main_loop": "uvicorn's Server.serve calls it (server/prompt_exit.py overrides it)",
    "isolation_level": "SQLAlchemy reads it",
    "naming_convention": "SQLAlchemy reads it",
    "impl": "SQLAlchemy's TypeDecorator",
    "cache_ok": "SQLAlchemy's TypeDecorator",
    "process_bind_param": "SQLAlchemy's TypeDecorator",
    "process_result_value": "SQLAlchemy's TypeDecorator",
    "updated_at": "a column written by the database",
    "last_load_rows": "tests/test_storage.py checks what a load read",
    "GOING_AWAY": "a close code of the protocol",
    "SERVICE_RESTART": "a close code of the protocol",
    "goals_of": "the read model's API, read by tests/read_model_checks.py",
    "free": "templates/people/_inbox.html (a mentor's free places)",
    "update_item": "tests (the read model against random edits); card editing forms to come",
    "delete_item": "tests (the read model against random edits); card editing forms to come",
    "delete_goal": "tests (the read model against random edits); the goals editor to come",
    "page_path": "templates/_certificates.html",
    "json_path": "templates/_certificates.html",
    "pdf_path": "templates/_certificates.html",
    "programme": "templates/_certificates.html",
    "to_sign_off": "templates/_certificates.html",
    "to_ask": "templates/_certificates.html",
    "outside_models": "storage/migrations/env.py: Alembic's include_name",
    "resource_by_url": "tests; badges and the workload warning (docs/library.md)",
    "resources_added_by": "the mentors' badges to come (docs/library.md)",
    "target_label": "templates/_timeline.html",
    "programme_events": "read-model API; the staff dashboard reads finished_times",
    "activity_chart": "templates/dashboards/_member.html, _staff.html",
    "minutes_chart": "templates/dashboards/_member.html",
    "burn_up_chart": "templates/dashboards/_member.html",
    "in_mentorship": "templates/dashboards/_mentees.html (the mentor's record link)",
    "middleware_stack": "Starlette.__call__ runs it (server/collab_entry.py)",
}


def _table_column(item: vulture.core.Item) -> bool:
    """A column of a table in storage/: read and written by SQL through its name."""
    in_storage = Path(item.filename).resolve().parent == ROOT / "storage"
    return in_storage and item.typ == "variable"


def test_no_code_is_unused() -> None:
    finder = vulture.Vulture()
    finder.scavenge(
        [str(ROOT / package) for package in ("server", "collab", "storage")],
        exclude=[str(ROOT / "storage" / "migrations")],
    )
    unused = [
        f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno} {item.typ} {item.name}"
        for item in finder.get_unused_code(min_confidence=60)
        if item.name not in USED_ELSEWHERE and not _table_column(item)
    ]
    assert unused == [], "unused code (remove it, or give it a caller):\n" + "\n".join(unused)
