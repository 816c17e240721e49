"""Fan-out between instances through Redis pub/sub.

Redis is a notifier, not the record: an update is committed to the shared
database before it is published, and an instance that missed messages (Redis
restarted, a network blip) catches up from the database log - see
RoomManager.catch_up. Each message carries the publishing instance's id, so an
instance never applies its own messages twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

import redis.asyncio as redis
from redis.exceptions import RedisError

from .fanout import RemoteHandler
from .metrics import Metrics

log = logging.getLogger("mentorhub.collab.redis")

CHANNEL_PREFIX = "mentorhub:doc:"
KINDS = {"update": b"u", "awareness": b"a"}
KIND_NAMES = {v: k for k, v in KINDS.items()}
OUTBOX_LIMIT = 10_000
RETRY_SECONDS = (0.1, 0.25, 0.5, 1.0, 2.0)


class RedisFanout:
    def __init__(self, url: str, metrics: Metrics | None = None) -> None:
        self.url = url
        self.instance = uuid.uuid4().bytes  # 16 bytes at the head of each message
        self.metrics = metrics
        self._client: redis.Redis = redis.Redis.from_url(url)
        self._handlers: dict[str, RemoteHandler] = {}
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(OUTBOX_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self._pubsub: redis.client.PubSub | None = None
        self.on_reconnect: Callable[[], Awaitable[None]] | None = None  # catch up then

    @property
    def client(self) -> redis.Redis:
        return self._client

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._publish_loop(), name="redis-publish"),
            asyncio.create_task(self._listen_loop(), name="redis-listen"),
        ]

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._client.aclose()

    # -- the Fanout protocol --------------------------------------------------------

    def publish(self, doc_id: str, kind: str, message: bytes) -> None:
        payload = self.instance + KINDS[kind] + message
        try:
            self._outbox.put_nowait((CHANNEL_PREFIX + doc_id, payload))
        except asyncio.QueueFull:  # Redis is away; the log still has every update
            self._error("outbox full, dropping a notification")

    async def subscribe(self, doc_id: str, handler: RemoteHandler) -> None:
        self._handlers[doc_id] = handler
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.subscribe(CHANNEL_PREFIX + doc_id)

    async def unsubscribe(self, doc_id: str) -> None:
        self._handlers.pop(doc_id, None)
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.unsubscribe(CHANNEL_PREFIX + doc_id)

    # -- background tasks -----------------------------------------------------------

    async def _publish_loop(self) -> None:
        attempt = 0
        while True:
            channel, payload = await self._outbox.get()
            while True:
                try:
                    await self._client.publish(channel, payload)
                    attempt = 0
                    break
                except (RedisError, OSError) as error:
                    self._error(f"publish failed: {type(error).__name__}")
                    await asyncio.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                    attempt += 1
                    if attempt > len(RETRY_SECONDS):
                        break  # give up on this one: peers elsewhere catch up from the log

    async def _listen_loop(self) -> None:
        attempt = 0
        first = True
        while True:
            try:
                self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                await self._pubsub.subscribe("mentorhub:hello")  # opens the connection
                channels = [CHANNEL_PREFIX + d for d in list(self._handlers)]
                if channels:
                    await self._pubsub.subscribe(*channels)
                if not first:
                    log.info("redis is back; catching up from the log")
                    if self.on_reconnect is not None:
                        await self.on_reconnect()
                first = False
                attempt = 0
                async for message in self._pubsub.listen():
                    self._dispatch(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                self._error(f"subscription lost: {type(error).__name__}")
                with contextlib.suppress(Exception):
                    await self._pubsub.aclose()  # type: ignore[union-attr]
                self._pubsub = None
                await asyncio.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                attempt += 1
                first = False

    def _dispatch(self, message: dict[str, object]) -> None:
        if message.get("type") != "message":
            return
        channel = message["channel"]
        data = message["data"]
        if not isinstance(channel, bytes) or not isinstance(data, bytes) or len(data) < 17:
            return
        if data[:16] == self.instance:
            return  # our own message, already applied here
        doc_id = channel.decode()[len(CHANNEL_PREFIX) :]
        handler = self._handlers.get(doc_id)
        kind = KIND_NAMES.get(data[16:17])
        if handler is not None and kind is not None:
            handler(kind, data[17:])

    def _error(self, what: str) -> None:
        log.warning("redis: %s", what)
        if self.metrics is not None:
            self.metrics.redis_errors.inc()
