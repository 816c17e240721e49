"""`mentorhub read-model rebuild`: recompute the read model from the stored documents."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine

from .read_model_sync import rebuild


def add_commands(commands: Any) -> None:
    """Register `read-model` on the `mentorhub` parser's subparsers (run by server/admin)."""
    read_model = commands.add_parser(
        "read-model", help="the SQL read model of the documents", description="The read model."
    )
    read_model_commands = read_model.add_subparsers(dest="read_model_command", required=True)
    again = read_model_commands.add_parser(
        "rebuild",
        help="recompute every curriculum's rows from its stored document",
        description="Recompute the read model's rows (summaries, items, goals) of every "
        "curriculum from its stored document. Learning events are history, not state: "
        "they are kept as they are, not derived again. Safe while servers run.",
    )
    again.set_defaults(admin=_rebuild)


def _rebuild(engine: Engine, args: argparse.Namespace) -> None:
    print(f"rebuilt the read model of {rebuild(engine)} curricula")
