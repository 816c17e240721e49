"""`mentorhub certificates revoke` and `mentorhub keys rotate|list`: certificates from the
command line, on the database of DATABASE_URL (run by server/admin.py)."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine

from storage.certificate_queries import (
    MAX_REASON,
    certificate,
    revoke_certificate,
    signing_keys,
)
from storage.models import utcnow

from .admin import AdminError
from .certificate_keys import KeyRing


def add_commands(commands: Any) -> None:
    """Register `certificates` and `keys` on the `mentorhub` parser's subparsers."""
    certificates = commands.add_parser(
        "certificates", help="issued certificates", description="Issued certificates."
    )
    certificates_commands = certificates.add_subparsers(dest="certificates_command", required=True)
    revoke = certificates_commands.add_parser(
        "revoke",
        help="revoke a certificate, with a reason",
        description="Revoke a certificate: its page says revoked, with the reason and the "
        "date, and the published revocation list marks it.",
    )
    revoke.add_argument("certificate_id", metavar="ID", help="the id in /certificates/ID")
    revoke.add_argument("--reason", required=True, help="why, as its page shows it")
    revoke.set_defaults(admin=_revoke)

    keys = commands.add_parser("keys", help="certificate signing keys", description="Keys.")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_commands.add_parser(
        "rotate",
        help="make a new signing key; the old one stays published",
        description="Make a new Ed25519 signing key, which signs from now on. The old "
        "key's private half is deleted; its public half stays in /.well-known/did.json, "
        "so every certificate it signed still verifies. Running servers use the new key "
        "at their next signature.",
    )
    rotate.set_defaults(admin=_rotate)
    listing = keys_commands.add_parser(
        "list", help="list the signing keys", description="List every signing key, newest last."
    )
    listing.set_defaults(admin=_list_keys)


def _revoke(engine: Engine, args: argparse.Namespace) -> None:
    reason = " ".join(args.reason.split())
    if not reason or len(reason) > MAX_REASON:
        raise AdminError(f"a reason is 1 to {MAX_REASON} characters")
    if certificate(engine, args.certificate_id) is None:
        raise AdminError(f"no certificate {args.certificate_id!r}")
    if not revoke_certificate(engine, args.certificate_id, None, reason, utcnow()):
        raise AdminError(f"certificate {args.certificate_id} is revoked already")
    print(f"revoked certificate {args.certificate_id}")


def _rotate(engine: Engine, args: argparse.Namespace) -> None:
    retired, new = KeyRing(engine, args.key_password).rotate(utcnow())
    if retired is not None:
        print(f"retired {retired} (still published)")
    print(f"signing with {new}")


def _list_keys(engine: Engine, args: argparse.Namespace) -> None:
    for key in signing_keys(engine):
        state = "signing" if key.current else f"retired {key.retired_at:%Y-%m-%d}"
        print(f"{key.key_id}  created {key.created_at:%Y-%m-%d}  {state}")
