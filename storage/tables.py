"""The SQLAlchemy `Table` behind a SQLModel model, typed.

SQLModel sets `__table__` on each table model at class creation, but does not declare
it, so a type checker cannot see it; Core queries (`sa.select(table_of(User))`,
`sa.insert(table_of(User))`) go through this one function instead.
"""

from __future__ import annotations

from typing import TypeVar, cast

import sqlalchemy as sa
from sqlmodel import SQLModel

T = TypeVar("T")


def table_of(model: type[SQLModel]) -> sa.Table:
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]


def known(value: T | None) -> T:
    """A value the database always returns (a new row's id, a non-null column), as such."""
    if value is None:
        raise RuntimeError("the database returned no value where one is always stored")
    return value
