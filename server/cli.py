"""The `mentorhub` command: serve, migrate, and administration (server/admin.py)."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

from .settings import Settings, SettingsError, load_settings

# This module imports the application only in the functions that need it: `mentorhub
# serve` binds its socket first (server/bound_socket.py), then imports it.


def _serve(settings: Settings, bound: socket.socket) -> int:
    import uvicorn

    from collab.memory import share_one_heap

    from .app import create_app
    from .collection_pauses import leave_startup_out_of_collections
    from .prompt_exit import PromptServer
    from .websocket_protocol import CollabWebSocketProtocol

    share_one_heap()  # before uvicorn and asyncio.to_thread start threads

    config = uvicorn.Config(
        create_app(settings),  # on `bound`, bound to settings.host and settings.port
        # uvicorn's "websockets-sansio", lighter, writing relayed frames made once
        ws=CollabWebSocketProtocol,
        ws_max_size=settings.max_message_bytes,
        # No permessage-deflate: it would compress each message once per peer (undoing
        # "encode once") and keep a zlib context per connection; Yjs updates are compact.
        ws_per_message_deflate=False,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        log_level=settings.log_level,
        log_config=None,  # our own handlers (server/logs.py)
        lifespan="on",
        # X-Forwarded-For/-Proto only from the proxies named in TRUSTED_PROXIES (none by
        # default); given explicitly so that uvicorn's own FORWARDED_ALLOW_IPS never applies
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        timeout_graceful_shutdown=10,
    )
    server = PromptServer(config)  # uvicorn's, ending as soon as its work is done

    async def run() -> None:
        task = asyncio.create_task(server.serve(sockets=[bound]))
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started:
            leave_startup_out_of_collections()  # no full-GC walk over them while serving
            port = server.servers[0].sockets[0].getsockname()[1]
            print(f"mentorHub listening on http://{settings.host}:{port}", flush=True)
        await task

    asyncio.run(run())
    return 0 if server.started else 1


def _migrate(settings: Settings) -> int:
    from storage.database import run_migrations

    run_migrations(settings.database_url)
    print("database is up to date", flush=True)
    return 0


def _seed_demo(settings: Settings) -> int:
    from storage.database import make_engine

    from .demo_certificates import seed_demo_certificates
    from .demo_seed import seed_demo

    engine = make_engine(settings.database_url)
    try:
        created = seed_demo(engine)
        created += seed_demo_certificates(engine, settings)
    finally:
        engine.dispose()
    for line in created:
        print(f"created {line}", flush=True)
    if not created:
        print("demo data is already there", flush=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .admin import add_commands as add_admin_commands
    from .certificate_cli import add_commands as add_certificate_commands
    from .library.cli import add_commands as add_library_commands
    from .read_model_cli import add_commands as add_read_model_commands

    parser = argparse.ArgumentParser(prog="mentorhub", description="mentorHub server and admin")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the web app and the sync server on $HOST:$PORT")
    commands.add_parser("migrate", help="apply database migrations (the release step)")
    commands.add_parser(
        "seed-demo",
        help="add the demo people and curricula (idempotent; for local runs)",
        description="Add Maven the Mentor, Appollo the Apprentice, Charlie, Miles and Sam "
        "(staff) with two demo curricula, and the people of the user stories with their "
        "profiles and two open requests, and the demo resource library. Existing ones are "
        "left as they are.",
    )
    add_admin_commands(commands)
    add_read_model_commands(commands)
    add_certificate_commands(commands)
    add_library_commands(commands)
    return parser


def _settings() -> Settings | None:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"mentorhub: {exc}", file=sys.stderr)
        return None


def _bind_then_serve() -> int:
    """`mentorhub serve`: bind the socket before the application is imported, then serve."""
    from .bound_socket import bind

    settings = _settings()
    if settings is None:
        return 2
    try:
        bound = bind(settings.host, settings.port)
    except OSError as exc:
        print(
            f"mentorhub: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr
        )
        return 1
    from .collection_pauses import no_collections_while_starting
    from .logs import configure_logging

    no_collections_while_starting()  # the imports and startup ahead: until serving

    configure_logging(settings.log_level, settings.log_format)
    return _serve(settings, bound)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["serve"]:
        return _bind_then_serve()
    args = build_parser().parse_args(argv)  # `serve` with anything after it: its usage
    settings = _settings()
    if settings is None:
        return 2
    from .admin import run as run_admin
    from .logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    if args.command == "migrate":
        return _migrate(settings)
    if args.command == "seed-demo":
        return _seed_demo(settings)
    if hasattr(args, "admin"):
        return run_admin(args, settings)
    return 2


if __name__ == "__main__":
    sys.exit(main())
