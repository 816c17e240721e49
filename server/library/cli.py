"""`mentorhub library import FILE` and `mentorhub library export [FILE]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from domain.library.exchange import FORMATS, read_library_file, write_library_file
from storage.account_queries import get_user_by_email
from storage.library_queries import (
    ImportRefused,
    LibraryError,
    import_library,
    visible_resources,
)
from storage.library_search import Viewer

from ..admin import AdminError


def add_commands(commands: Any) -> None:
    """Register `library` on the `mentorhub` parser's subparsers (run by server/admin)."""
    library = commands.add_parser(
        "library", help="the shared resource library", description="The resource library."
    )
    library_commands = library.add_subparsers(dest="library_command", required=True)
    load = library_commands.add_parser(
        "import",
        help="add resources from a CSV or JSON file (all or nothing)",
        description="Add the file's resources to the library; a link already there is "
        "updated. The file is checked whole first: with any problem, every row at fault "
        "is listed and nothing changes. See docs/library.md for the columns.",
    )
    load.add_argument("file", type=Path, help="a .csv or .json file")
    load.add_argument("--format", choices=FORMATS, help="default: from the file's name")
    load.add_argument("--by", help="the email of who adds rows that name nobody")
    load.add_argument(
        "--keep-existing", action="store_true", help="leave resources already there as they are"
    )
    load.set_defaults(admin=_import)
    save = library_commands.add_parser(
        "export",
        help="write every accepted resource as CSV or JSON",
        description="Write every accepted resource (shared and kept for mentees).",
    )
    save.add_argument("file", type=Path, nargs="?", help="default: standard output")
    save.add_argument("--format", choices=FORMATS, help="default: from the file's name, or csv")
    save.set_defaults(admin=_export)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.file.suffix.lower().lstrip(".") if args.file else ""
    return suffix if suffix in FORMATS else "csv"


def _import(engine: Engine, args: argparse.Namespace) -> None:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise AdminError(f"cannot read {args.file}: {error.strerror}") from None
    added_by = None
    if args.by:
        user = get_user_by_email(engine, args.by)
        if user is None:
            raise AdminError(f"no user with email {args.by}")
        added_by = user.id
    file = read_library_file(data, _format(args))
    try:
        done = import_library(engine, file, added_by=added_by, update=not args.keep_existing)
    except ImportRefused as refused:
        raise AdminError("\n".join([*refused.errors, "Nothing was imported."])) from None
    except LibraryError as error:
        raise AdminError(f"{error} Nothing was imported.") from None
    print(
        f"imported {args.file.name}: {done.added} added, {done.updated} updated, "
        f"{done.unchanged} unchanged, {done.reviews} reviews"
    )


def _export(engine: Engine, args: argparse.Namespace) -> None:
    text = write_library_file(visible_resources(engine, Viewer(None, staff=True)), _format(args))
    if args.file is None:
        sys.stdout.write(text)
        return
    args.file.write_text(text, encoding="utf-8")
    print(f"wrote {args.file}")
