"""Deciding an application on SQLite and PostgreSQL: two staff accepting at the same
moment make one account, and the other is told it was decided already."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from storage.account_queries import add_user
from storage.application_queries import (
    ApplicationRefused,
    accept,
    decline,
    get_application,
    insert_application,
)
from storage.database import write_transaction
from storage.profile_queries import get_person

APPLICATION = {
    "kind": "mentor", "name": "Rita Recursion", "email": "rita@example.org",
    "skills": ["python", "recursion"], "level": "expert", "formats": ["live"],
    "timezone": "Europe/Berlin", "hours_per_week": 2.0, "capacity": 2,
    "about": "Backend work.", "why": "To give back.",
}  # fmt: skip


def test_two_staff_accepting_at_once_make_one_account(engine: Engine):
    staff = [add_user(engine, f"staff{n}@example.org", f"Staff {n}", "staff").id for n in (1, 2)]
    application_id = insert_application(engine, APPLICATION)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(staff_id: int | None, action: str) -> None:
        barrier.wait()
        try:
            with write_transaction(engine) as connection:
                if action == "accept":
                    accept(connection, application_id, staff_id or 0, "Welcome")
                else:
                    decline(connection, application_id, staff_id or 0, "No")
            outcomes.append(action)
        except ApplicationRefused as refused:
            outcomes.append(f"refused: {refused}")

    threads = [
        threading.Thread(target=decide, args=(staff[0], "accept")),
        threading.Thread(target=decide, args=(staff[1], "accept")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["accept", "refused: This application was accepted already."]
    with engine.connect() as connection:
        users = connection.execute(
            sa.text("SELECT id, role FROM user_account WHERE email = 'rita@example.org'")
        ).all()
    [(user_id, role)] = users
    assert role == "mentor"
    decided = get_application(engine, application_id)
    assert decided is not None and decided.state == "accepted" and decided.user_id == user_id
    person = get_person(engine, user_id)
    assert person is not None and person.profile.capacity == 2
    assert {(o.skill, o.level) for o in person.profile.offers} == {
        ("python", "expert"),
        ("recursion", "expert"),
    }


def test_accepting_an_email_that_has_an_account_changes_nothing(engine: Engine):
    staff = add_user(engine, "staff@example.org", "Staff", "staff").id
    add_user(engine, "rita@example.org", "Rita from before", "member")
    application_id = insert_application(engine, APPLICATION)
    with pytest.raises(ApplicationRefused, match="exists already"):
        with write_transaction(engine) as connection:
            accept(connection, application_id, staff or 0, "")
    application = get_application(engine, application_id)
    assert application is not None and application.state == "pending"
