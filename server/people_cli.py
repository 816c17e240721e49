"""`mentorhub people import FILE.json` and `mentorhub match --request|--offer FILE.json`.

The import checks every entry before it writes anything: a file with one bad entry
changes nothing, and every bad entry is named with what is wrong. The formats are in
docs/matching.md.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from domain.matching import InvalidProfile, Match, Profile, offer_from_dict, request_from_dict
from domain.matching import profile_from_dict as matching_profile
from storage.account_queries import get_user_by_email, normalise_email
from storage.accounts import ROLES
from storage.profile_queries import import_people

from .matchmaking import rank_ask

PERSON_FIELDS = frozenset(
    {"email", "name", "role", "about", "offers", "seeks", "formats", "timezone",
     "hours_per_week", "capacity", "mentees", "paused"}
)  # fmt: skip


class PeopleCommandError(ValueError):
    """The command was refused; the message says why (possibly over several lines)."""


def add_commands(commands: Any) -> None:
    people = commands.add_parser("people", help="people and profiles", description="People.")
    people_commands = people.add_subparsers(dest="people_command", required=True)
    load = people_commands.add_parser(
        "import",
        help="create or update people with their profiles from a JSON list",
        description="Create or update people and their profiles from a JSON list (see "
        "docs/matching.md). All or nothing: any bad entry is reported and nothing changes.",
    )
    load.add_argument("file", type=Path, help="FILE.json: a list of people")
    load.set_defaults(admin=_import)

    match = commands.add_parser(
        "match",
        help="rank people for a request or an offer",
        description="Rank mentors for a request, or members for an offer, with the reasons.",
    )
    which = match.add_mutually_exclusive_group(required=True)
    which.add_argument("--request", type=Path, metavar="FILE.json", help="a member's request")
    which.add_argument("--offer", type=Path, metavar="FILE.json", help="a mentor's offer")
    match.add_argument("--json", action="store_true", help='print [{"email", "score", "reasons"}]')
    match.add_argument("--limit", type=int, default=10, help="at most this many (default 10)")
    match.add_argument(
        "--on", type=date.fromisoformat, metavar="YYYY-MM-DD",
        help="the day whose working hours are compared (default: today)",
    )  # fmt: skip
    match.set_defaults(admin=_match)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PeopleCommandError(f"cannot read {path}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PeopleCommandError(f"{path} is not valid JSON: {error}") from None


def read_people(data: Any) -> list[tuple[Profile, bool]]:
    """The import's entries as (profile, whether it names `mentees`), or every error."""
    if not isinstance(data, list):
        raise PeopleCommandError("the file must hold a JSON list of people")
    errors, people, seen = [], [], set()
    for number, entry in enumerate(data, start=1):
        where = f"entry {number}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a JSON object")
            continue
        if isinstance(entry.get("email"), str):
            where += f" ({entry['email']})"
        unknown = sorted(set(entry) - PERSON_FIELDS)
        if unknown:
            errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
            continue
        try:
            profile = matching_profile(entry)
        except (InvalidProfile, TypeError) as error:
            errors.append(f"{where}: {error}")
            continue
        email = normalise_email(profile.email)
        if profile.role not in ROLES:
            errors.append(f"{where}: role must be one of {', '.join(ROLES)}")
        elif "@" not in email:
            errors.append(f"{where}: email is not an email address")
        elif email in seen:
            errors.append(f"{where}: the same email is in the file twice")
        else:
            seen.add(email)
            people.append((profile, "mentees" in entry))
    if errors:
        raise PeopleCommandError("nothing was imported:\n  " + "\n  ".join(errors))
    return people


def _import(engine: Engine, args: argparse.Namespace) -> None:
    people = read_people(_read_json(args.file))
    done = import_people(engine, people)
    print(f"imported {len(people)} people: {len(done.created)} new, {len(done.updated)} updated")


def _match(engine: Engine, args: argparse.Namespace) -> None:
    path = args.request or args.offer
    data = _read_json(path)
    if not isinstance(data, dict):
        raise PeopleCommandError(f"{path} must hold one JSON object")
    try:
        ask = request_from_dict(data) if args.request else offer_from_dict(data)
    except (InvalidProfile, TypeError) as error:
        raise PeopleCommandError(f"{path}: {error}") from None
    author = get_user_by_email(engine, ask.author)
    ranking = rank_ask(engine, ask, author.id if author else None, on=args.on)
    matches = ranking.matches[: max(args.limit, 0)]
    if args.json:
        print(json.dumps([m.as_dict() for m in matches], indent=2, ensure_ascii=False))
        return
    print(format_ranking(matches))


def format_ranking(matches: list[Match]) -> str:
    if not matches:
        return "nobody to propose"
    lines = []
    for number, match in enumerate(matches, start=1):
        lines.append(f"{number}. {match.person.name} <{match.person.email}>  {match.score:.2f}")
        lines += [f"   - {reason}" for reason in match.reasons]
    return "\n".join(lines)
