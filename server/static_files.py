"""`/static/`: hashed and versioned files from memory, cached for good; the rest from disk,
revalidated (docs/static-files.md).

A file in the manifest (server/static_manifest.py) is served from memory, gzipped ahead
when the browser takes gzip, with `Cache-Control: public, max-age=31536000, immutable`.
Every other file goes through Starlette's `StaticFiles` (ETag, Last-Modified, 304) with
`Cache-Control: no-cache`, so a browser never runs a stale copy of an unhashed name.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .static_manifest import Asset, Manifest, build_manifest, is_cacheable

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class StaticAssets(StaticFiles):
    """Starlette's StaticFiles, with the manifest's files served from memory.

    The manifest is built on first use (the app's lifespan does that at start-up); with
    `watch` (development) it is built again whenever a file under the folder changed, so
    an edited module gets a new URL at the next page load.
    """

    def __init__(self, directory: Path, *, watch: bool = False) -> None:
        super().__init__(directory=directory)
        self.root = Path(directory)
        self.watch = watch
        self._manifest: Manifest | None = None
        self._signature: tuple[tuple[str, int, int], ...] = ()

    def manifest(self) -> Manifest:
        if self._manifest is None or self.watch:
            found = self._scan()
            signature = tuple((path, stat.st_mtime_ns, stat.st_size) for path, stat in found)
            if self._manifest is None or signature != self._signature:
                files = {path: (self.root / path).read_bytes() for path, _ in found}
                self._manifest, self._signature = build_manifest(files), signature
        return self._manifest

    def _scan(self) -> list[tuple[str, os.stat_result]]:
        found = []
        for file in sorted(self.root.rglob("*")):
            path = file.relative_to(self.root).as_posix()
            if is_cacheable(path) and file.is_file():
                found.append((path, file.stat()))
        return found

    def url_path(self, path: str) -> str:
        """The name under /static/ to link the file `path` by."""
        return self.manifest().url_path(path)

    def module_url_path(self, entry: str) -> str:
        """The name under /static/ a page loads the entry module `entry` by: its bundle's
        when the bundle is current, else its own."""
        manifest = self.manifest()
        return manifest.url_path(manifest.module(entry))

    def module_graph(self, entry: str) -> list[str]:
        """The names under /static/ of every module what a page loads for `entry` imports,
        directly or not."""
        manifest = self.manifest()
        return manifest.module_graph(manifest.module(entry))

    async def get_response(self, path: str, scope: Scope) -> Response:
        if scope["method"] in ("GET", "HEAD"):
            found = self.manifest().find(PurePath(path).as_posix())
            if found is not None:
                asset, current = found
                return asset_response(asset, current, Headers(scope=scope))
        return await super().get_response(path, scope)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = REVALIDATE
        return response


def asset_response(asset: Asset, current: bool, request: Headers) -> Response:
    """The asset under a current name (immutable) or an out-of-date one (revalidated)."""
    headers = {"Cache-Control": IMMUTABLE if current else REVALIDATE, "ETag": f'W/"{asset.etag}"'}
    vary = {"Vary": "Accept-Encoding"} if asset.gzipped is not None else {}
    if _matches(request.get("if-none-match", ""), asset.etag):
        return Response(status_code=304, headers=headers | vary)
    # the same test as Starlette's GZipMiddleware, which compresses the other responses
    # and adds the Vary header to a plain one like the last below (a plain answer is
    # right for anyone, so a cache that kept it without Vary would do no harm)
    if asset.gzipped is not None and "gzip" in request.get("accept-encoding", ""):
        headers |= {"Content-Encoding": "gzip", **vary}
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.content, media_type=asset.media_type, headers=headers)


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return f'"{etag}"' in tags or "*" in tags
