"""The Starlette app factory: settings in, app out; resources live in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route

from collab.fanout import LocalFanout
from collab.memory import give_back_every
from collab.metrics import Metrics
from collab.quota import DocumentLimits
from collab.room import DocumentNotSaved, RoomLimits
from collab.rooms import RoomManager
from storage.database import make_engine
from storage.update_log import UpdateLog

if TYPE_CHECKING:
    from collab.redis_fanout import RedisFanout

from . import pages, urls  # noqa: F401 - urls registers the {…:id} path convertor
from .access_changes import AccessWatcher, OpenAccess
from .account import account_routes
from .auth.csrf import CSRFMiddleware
from .auth.oidc import make_oidc_client
from .auth.ratelimit import RateLimiter
from .auth.routes import auth_mount
from .auth.sessions import SessionMiddleware
from .auth.tokens import redact_tokens_in_logs
from .body_limit import BodyLimitMiddleware
from .certificate_keys import KeyRing, key_password
from .certificate_pages import certificate_routes
from .collab_entry import install as install_collab_entry
from .community import community_routes
from .dashboards import dashboard_routes
from .encounters import encounter_routes
from .error_pages import error_page
from .goals import goal_routes
from .health import git_commit, healthz, metrics_endpoint, version_info
from .joining import joining_routes
from .library import library_routes, start_library_live
from .live import curricula_stream, timeline_stream
from .logs import RequestIdMiddleware
from .notifications import start_outbox
from .people_routes import people_routes
from .read_model_sync import start_read_model
from .security_headers import SecurityHeadersMiddleware
from .settings import PROJECT_ROOT, Settings
from .static_files import StaticAssets
from .templating import make_templates

log = logging.getLogger("mentorhub.server")
MEMORY_TRIM_SECONDS = 5.0  # how often freed memory of large stored documents is given back


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        store = UpdateLog(engine, compact_threshold=settings.compact_threshold)
        await store.start()
        limits = RoomLimits(
            max_awareness_bytes=settings.max_awareness_bytes,
            max_pending_bytes=settings.max_pending_bytes,
            document=DocumentLimits(
                max_state_bytes=settings.max_document_bytes,
                max_items=settings.max_items,
                max_goals=settings.max_goals,
                max_notes_bytes=settings.max_notes_bytes,
                max_resume_bytes=settings.max_resume_bytes,
            ),
        )
        metrics = Metrics()
        metrics.watch_store(store)
        redis_fanout: RedisFanout | None = None
        if settings.redis_url:  # imported only then: one instance needs no Redis client
            from collab.redis_fanout import RedisFanout

            redis_fanout = RedisFanout(settings.redis_url, metrics)
        fanout = redis_fanout or LocalFanout()
        rooms = RoomManager(store, fanout, limits, metrics)
        app.state.settings = settings
        app.state.engine = engine
        app.state.store = store
        app.state.metrics = metrics
        app.state.redis = redis_fanout.client if redis_fanout is not None else None
        app.state.commit = git_commit(settings)
        app.state.rooms = rooms
        app.state.templates = make_templates()
        app.state.static_files = static_files
        static_files.manifest()  # hash and compress the static files once, before serving
        app.state.oidc = make_oidc_client(settings)
        redact_tokens_in_logs("uvicorn.error", "uvicorn.access")
        app.state.sign_in_limiter = RateLimiter(settings.sign_in_rate_limit)
        app.state.read_model = await start_read_model(
            engine, rooms, metrics, settings, app.state.redis
        )
        app.state.token_failure_limiter = RateLimiter(settings.sign_in_rate_limit)
        app.state.outbox = start_outbox(engine, settings)  # emails (server/notifications)
        app.state.certificate_keys = KeyRing(engine, key_password(settings))
        app.state.library = await start_library_live(engine, app.state.read_model, app.state.redis)
        app.state.open_access = OpenAccess(engine)  # who has what open, to close it on a change
        app.state.access_watcher = AccessWatcher(
            engine, app.state.open_access, settings.access_change_poll_seconds, app.state.redis
        )
        await app.state.access_watcher.start()
        background: list[asyncio.Task[None]] = [
            asyncio.create_task(give_back_every(MEMORY_TRIM_SECONDS), name="memory trim")
        ]
        if redis_fanout is not None:
            redis_fanout.on_reconnect = rooms.catch_up
            await redis_fanout.start()
            background.append(asyncio.create_task(rooms.catch_up_every(settings.catch_up_seconds)))
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            # each part is stopped even when one before it fails; a failure is logged
            stopping = [
                ("access watcher", app.state.access_watcher.aclose),
                ("email outbox", app.state.outbox.aclose),
                ("rooms", rooms.close),
                ("library", app.state.library.aclose),
                ("read model", app.state.read_model.aclose),
            ]
            if redis_fanout is not None:
                stopping.append(("redis fan-out", redis_fanout.aclose))
            stopping.append(("update log", store.aclose))
            for part, aclose in stopping:
                try:
                    await aclose()
                except Exception:
                    log.exception("shutdown: stopping the %s failed", part)
            engine.dispose()

    # in development a changed file gets a new URL at once; elsewhere hashed once at start
    static_files = StaticAssets(
        PROJECT_ROOT / "static", watch=settings.environment == "development"
    )
    routes = [
        Route("/", pages.home),
        Route("/healthz", healthz),
        Route("/version", version_info),
        Route("/metrics", metrics_endpoint),
        Route("/curricula", pages.curricula),
        Route("/curricula/stream", curricula_stream),
        # ids only of the schema's form ({…:id}, server/urls.py): anything else is 404
        Route("/curricula/{doc_id:id}", pages.editor),
        Route("/curricula/{doc_id:id}/timeline", pages.timeline_view),
        Route("/curricula/{doc_id:id}/timeline/stream", timeline_stream),
        Route("/curricula/{doc_id:id}/items", pages.add_item, methods=["POST"]),
        Route("/curricula/{doc_id:id}/items/{item_id:id}/move", pages.move_item, methods=["POST"]),
        Route("/curricula/{doc_id:id}/items/{item_id:id}/open", pages.open_item),
        Route(
            "/curricula/{doc_id:id}/items/{item_id:id}/start", pages.start_item, methods=["POST"]
        ),
        auth_mount(settings),
        *account_routes(),
        *people_routes(),  # profiles, requests, inbox, offers, /api/match
        *certificate_routes(),
        *library_routes(),
        *goal_routes(),  # the editor's dream job panel: skill suggestions and coverage
        *dashboard_routes(),  # /dashboard, its JSON, the workload warning
        *community_routes(),  # questions to the community, answers (server/community)
        *encounter_routes(),  # encounters with scripts, what changed since (server/encounters)
        *joining_routes(),  # applications to join, and staff's review
        Mount("/static", static_files, name="static"),
    ]
    middleware = [
        Middleware(RequestIdMiddleware),
        Middleware(SecurityHeadersMiddleware),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),  # before any parsing
        Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)),
        Middleware(SessionMiddleware),  # who is signed in: scope["state"]["user"]
        Middleware(CSRFMiddleware),  # after sessions: tokens are bound to the session
        # text responses gzipped (SSE streams excluded by default, WebSockets untouched)
        Middleware(GZipMiddleware, compresslevel=6),
    ]
    # pages in the site's frame for 403 and 404 (error_pages.py); a server edit that could
    # not be stored answers 503 (pages.not_saved)
    errors: dict[Any, Any] = {403: error_page, 404: error_page, DocumentNotSaved: pages.not_saved}
    app = Starlette(
        routes=routes, lifespan=lifespan, middleware=middleware, exception_handlers=errors
    )
    # WebSockets to /collab/{doc_id} take a short path past the stack above, through the
    # request id, the allowed hosts and the session only (server/collab_entry.py)
    return install_collab_entry(app, list(settings.allowed_hosts))
