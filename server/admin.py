"""Administration from the command line: users, tokens, curricula, ForgetMe.

`mentorhub users add|set-role`, `mentorhub tokens create|list|revoke`, `mentorhub
curricula create|add-mentor|remove-mentor` and `mentorhub forget` use the same settings
(DATABASE_URL) as the server. A refused command prints why on stderr, exits 1 and
changes nothing; what a script needs (a token, a document id) is printed alone on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from typing import Any

from sqlalchemy import Engine

from collab.edits import new_curriculum_update
from storage.account_queries import (
    AccountError,
    add_user,
    get_user_by_email,
    list_tokens,
    revoke_token,
    set_role,
)
from storage.accounts import ROLES, User
from storage.curriculum_queries import add_mentor, create_curriculum, remove_mentor
from storage.database import make_engine
from storage.update_log import UpdateLog

from .auth.tokens import create_token
from .certificate_keys import KeyRing, key_password
from .forget import forget_user
from .people_cli import PeopleCommandError
from .people_cli import add_commands as add_people_commands
from .read_model_sync import refresh
from .settings import Settings


class AdminError(Exception):
    """A command was refused; the message says why."""


def add_commands(commands: Any) -> None:
    """Register the admin subcommands on the `mentorhub` parser's subparsers."""
    users = commands.add_parser("users", help="manage users", description="Manage users.")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    add = users_commands.add_parser("add", help="add a user", description="Add a user.")
    add.add_argument("email", help="their email address (unique)")
    add.add_argument("--name", required=True, help="their name as others see it")
    add.add_argument("--role", choices=ROLES, default="member", help="default: member")
    add.set_defaults(admin=_users_add)
    role = users_commands.add_parser(
        "set-role",
        help="make a user a member, mentor or staff",
        description="Change a user's role; their open connections are checked again at once.",
    )
    role.add_argument("email", help="the user's email")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(admin=_users_set_role)

    tokens = commands.add_parser(
        "tokens", help="personal access tokens", description="Personal access tokens."
    )
    tokens_commands = tokens.add_subparsers(dest="tokens_command", required=True)
    create = tokens_commands.add_parser(
        "create",
        help="create a token for a user; prints it",
        description="Create a personal access token for a user and print it (alone) on stdout.",
    )
    create.add_argument("email", help="the user's email")
    create.add_argument("--name", default="command line", help="what the token is for")
    create.set_defaults(admin=_tokens_create)
    listing = tokens_commands.add_parser(
        "list", help="a user's tokens", description="List a user's tokens: id, prefix, name."
    )
    listing.add_argument("email", help="the user's email")
    listing.set_defaults(admin=_tokens_list)
    revoke = tokens_commands.add_parser(
        "revoke",
        help="revoke a user's token",
        description="Revoke a user's token; connections opened with it are closed.",
    )
    revoke.add_argument("email", help="the user's email")
    revoke.add_argument("token", help="the token's id or its prefix, as `tokens list` shows")
    revoke.set_defaults(admin=_tokens_revoke)

    curricula = commands.add_parser("curricula", help="curricula", description="Curricula.")
    curricula_commands = curricula.add_subparsers(dest="curricula_command", required=True)
    new = curricula_commands.add_parser(
        "create",
        help="create a member's curriculum; prints its id",
        description="Create a curriculum for a member, with their mentors; print its id.",
    )
    new.add_argument("--member", required=True, help="the member's email (role member)")
    new.add_argument(
        "--mentor", action="append", default=[], help="a mentor's email (role mentor); repeatable"
    )
    new.add_argument("--title", help="default: <member name>'s curriculum")
    new.set_defaults(admin=_curricula_create)
    for name, action, what in (
        ("add-mentor", _curricula_add_mentor, "put a mentor (or staff) on a curriculum"),
        ("remove-mentor", _curricula_remove_mentor, "take a mentor off a curriculum"),
    ):
        people = curricula_commands.add_parser(name, help=what, description=what.capitalize())
        people.add_argument("doc_id", help="the curriculum's id")
        people.add_argument("email", help="the mentor's email")
        people.set_defaults(admin=action)

    forget = commands.add_parser(
        "forget",
        help="erase a user (ForgetMe)",
        description="Erase a user: profile, sessions, tokens, memberships; their name and "
        "email in shared curricula (and their history) become 'former member'.",
    )
    forget.add_argument("email", help="the user's email")
    forget.set_defaults(admin=_forget)
    add_people_commands(commands)  # people import, match (server/people_cli.py)


def run(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    args.key_password = key_password(settings)  # ForgetMe signs certificates again
    try:
        args.admin(engine, args)
        return 0
    except (AdminError, AccountError, PeopleCommandError) as error:
        print(f"mentorhub: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def _user(engine: Engine, email: str) -> User:
    user = get_user_by_email(engine, email)
    if user is None or user.id is None:
        raise AdminError(f"no user with email {email!r}")
    return user


def _users_add(engine: Engine, args: argparse.Namespace) -> None:
    user = add_user(engine, args.email, args.name, args.role)
    print(f"added {user.role} {user.email}")


def _tokens_create(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    assert user.id is not None
    print(create_token(engine, user.id, args.name))


def _users_set_role(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    assert user.id is not None
    changed = set_role(engine, user.id, args.role)
    print(f"{user.email} is {'now' if changed else 'already'} {args.role}")


def _tokens_list(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    for token in list_tokens(engine, user.id or 0):
        state = "revoked" if token.revoked_at is not None else "live"
        print(f"{token.id}\t{token.prefix}\t{state}\t{token.name}")


def _tokens_revoke(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    assert user.id is not None
    given = args.token.strip()
    found = [t for t in list_tokens(engine, user.id) if given in (str(t.id), t.prefix)]
    if len(found) != 1 or found[0].id is None:
        raise AdminError(f"{user.email} has no token {given!r} (or more than one with it)")
    if not revoke_token(engine, user.id, found[0].id):
        raise AdminError(f"token {given} is revoked already")
    print(f"revoked token {found[0].id} of {user.email}")


def _curricula_add_mentor(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    if user.role not in ("mentor", "staff"):
        raise AdminError(f"{user.email} is a {user.role}, not a mentor")
    assert user.id is not None
    if not add_mentor(engine, args.doc_id, user.id):
        raise AdminError(f"no curriculum {args.doc_id!r}, or {user.email} is on it already")
    refresh(engine, args.doc_id)  # the mentors' lists show it
    print(f"{user.email} mentors {args.doc_id}")


def _curricula_remove_mentor(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    assert user.id is not None
    if not remove_mentor(engine, args.doc_id, user.id):
        raise AdminError(f"{user.email} is not a mentor on {args.doc_id!r}")
    refresh(engine, args.doc_id)
    print(f"{user.email} no longer mentors {args.doc_id}")


def _curricula_create(engine: Engine, args: argparse.Namespace) -> None:
    member = _user(engine, args.member)
    if member.role != "member":
        raise AdminError(f"{member.email} is a {member.role}, not a member")
    mentors = [_user(engine, email) for email in args.mentor]
    for mentor in mentors:
        if mentor.role != "mentor":
            raise AdminError(f"{mentor.email} is a {mentor.role}, not a mentor")
    title = (args.title or f"{member.name}'s curriculum").strip()
    if not title or len(title) > 200:
        raise AdminError("a title must be 1 to 200 characters")
    doc_id = secrets.token_urlsafe(12)  # 16 characters of A-Z a-z 0-9 _ -
    update = new_curriculum_update(title, member.email, [m.email for m in mentors])
    assert member.id is not None
    mentor_ids = [m.id for m in mentors if m.id is not None]
    create_curriculum(engine, doc_id, title, update, member.id, mentor_ids)
    refresh(engine, doc_id)  # listed with its counts from the start
    print(doc_id)


def _forget(engine: Engine, args: argparse.Namespace) -> None:
    user = _user(engine, args.email)
    # A running server's open rooms are not reached from here: the scrub reaches their
    # editors when the room reloads (see docs/auth.md). Rewrites lock the document.
    keys = KeyRing(engine, args.key_password)
    erasure = asyncio.run(forget_user(engine, UpdateLog(engine), None, user, keys=keys))
    print(
        f"erased user {user.id}: {len(erasure.deleted)} curricula deleted, "
        f"{len(erasure.scrubbed)} kept and scrubbed"
    )
