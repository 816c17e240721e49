"""The Starlette app factory: settings in, app out; resources live in the lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from collab.fanout import LocalFanout
from collab.room import RoomLimits
from collab.rooms import RoomManager
from storage.database import make_engine
from storage.update_log import UpdateLog

from .collab_endpoint import collab_socket
from .health import git_commit, healthz, version_info
from .settings import Settings

log = logging.getLogger("mentorhub.server")


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        store = UpdateLog(engine, compact_threshold=settings.compact_threshold)
        await store.start()
        limits = RoomLimits(
            max_awareness_bytes=settings.max_awareness_bytes,
            max_pending_bytes=settings.max_pending_bytes,
        )
        app.state.settings = settings
        app.state.engine = engine
        app.state.store = store
        app.state.redis = None
        app.state.commit = git_commit()
        app.state.rooms = RoomManager(store, LocalFanout(), limits)
        try:
            yield
        finally:
            await app.state.rooms.close()
            await store.aclose()
            engine.dispose()

    routes = [
        Route("/healthz", healthz),
        Route("/version", version_info),
        WebSocketRoute("/collab/{doc_id}", collab_socket),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
