"""Which static files a browser may keep forever, and under which URL (pure: file contents
in, manifest out; docs/static-files.md).

- mentorHub's own CSS, JavaScript and icons (every `.css`, `.js`, `.mjs`, `.svg` outside
  `vendor/`) get a content-hashed name: `editor/board.js` is served as
  `editor/board.<12 hex>.js`. The ES modules import each other by relative URL, so each
  module's served copy has its imports rewritten to the hashed names, and its hash covers
  every module it reaches: a change to `positions.js` gives new URLs to it and to every
  module that imports it, directly or not.
- Vendored files already carry their version in their name (`vendor/htmx-4.0.1.min.js`)
  and are served under it.

Both kinds are `immutable`: what one URL serves never changes. Everything else (licences,
unknown files, the plain names of the hashed files) is revalidated on every use.

An entry module with a current bundle (server/static_bundle.py) is loaded as that one
file instead: `Manifest.module(path)` names what a page should load.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .static_bundle import current_bundles

HASH_LENGTH = 12
OWN_SUFFIXES = (".css", ".js", ".mjs", ".svg")
MODULE_SUFFIXES = (".js", ".mjs")
VENDOR = "vendor/"
# htmx-4.0.1.min.js, hx-sse-4.0.1.js, yjs-bundle-13.6.33.mjs: a version after a hyphen
VERSIONED = re.compile(r"-\d+(?:\.\d+)+(?:\.[A-Za-z0-9]+)+$")
# editor/board.3fa9c2d1e4b5.js: the hashed name of editor/board.js
HASHED = re.compile(rf"^(?P<stem>.+)\.[0-9a-f]{{{HASH_LENGTH}}}(?P<suffix>\.[A-Za-z0-9]+)$")
# a relative module specifier after `from`, `import` or `import(`: what the rewrite changes
SPECIFIER = re.compile(
    r"""(?P<lead>\bfrom\s*|\bimport\s*\(?\s*)(?P<quote>["'])(?P<spec>\.\.?/[^"'\s]*)(?P=quote)"""
)


def is_own(path: str) -> bool:
    """mentorHub's own CSS or JavaScript: served under a content-hashed name."""
    return not path.startswith(VENDOR) and path.endswith(OWN_SUFFIXES)


def is_versioned(path: str) -> bool:
    """A vendored file whose name carries its version."""
    return path.startswith(VENDOR) and VERSIONED.search(path) is not None


def is_cacheable(path: str) -> bool:
    return is_own(path) or is_versioned(path)


@dataclass(frozen=True)
class Asset:
    """One file a browser may cache for good: what its URL serves, plain and gzipped."""

    path: str  # its own name under static/, e.g. "editor/board.js"
    url_path: str  # the name it is served under, e.g. "editor/board.3fa9c2d1e4b5.js"
    content: bytes  # for a module: with its imports rewritten to hashed names
    gzipped: bytes | None  # None when gzip would not make it smaller
    media_type: str
    etag: str
    imports: tuple[str, ...]  # the files its imports name (paths under static/)


@dataclass(frozen=True)
class Manifest:
    assets: Mapping[str, Asset]  # by path
    by_url: Mapping[str, Asset]  # by url_path
    bundles: Mapping[str, str] = field(default_factory=dict)  # entry -> its current bundle

    def module(self, entry: str) -> str:
        """The file a page loads for the entry module `entry`: its bundle when current."""
        return self.bundles.get(entry, entry)

    def url_path(self, path: str) -> str:
        """The name to link `path` by: hashed, versioned, or (any other file) its own."""
        asset = self.assets.get(path)
        return asset.url_path if asset else path

    def find(self, url_path: str) -> tuple[Asset, bool] | None:
        """The asset a requested name serves, and whether the name is current (immutable).

        An out-of-date hash (a page rendered before a deploy) gets today's file, to be
        revalidated rather than kept; a name that is no asset gets None.
        """
        if (asset := self.by_url.get(url_path)) is not None:
            return asset, True
        if (match := HASHED.match(url_path)) is not None:
            asset = self.assets.get(match["stem"] + match["suffix"])
            if asset is not None and asset.path != asset.url_path:
                return asset, False
        return None

    def module_graph(self, entry: str) -> list[str]:
        """The URL paths of every module `entry` imports, directly or not (entry excluded),
        in the order they are first reached: what a page can preload."""
        seen = {entry}
        order: list[str] = []
        stack = list(reversed(self.assets[entry].imports)) if entry in self.assets else []
        while stack:
            path = stack.pop()
            if path in seen or path not in self.assets:
                continue
            seen.add(path)
            order.append(self.assets[path].url_path)
            stack.extend(reversed(self.assets[path].imports))
        return order


def build_manifest(files: Mapping[str, bytes]) -> Manifest:
    """The manifest of `files` (path under static/ -> content); files that are neither
    mentorHub's own CSS/JS nor versioned vendor files are left out."""
    files = {path: content for path, content in files.items() if is_cacheable(path)}
    imports = {path: _imports(path, content, files) for path, content in files.items()}
    names: dict[str, str] = {}
    for path in files:
        if is_own(path):
            names[path] = hashed_name(path, _fingerprint(path, files, imports))
        else:
            names[path] = path
    assets = {}
    for path, content in files.items():
        own_module = is_own(path) and path.endswith(MODULE_SUFFIXES)
        served = _rewrite(path, content, names) if own_module else content
        assets[path] = _asset(path, names[path], served, imports[path])
    by_url = {asset.url_path: asset for asset in assets.values()}
    return Manifest(assets, by_url, current_bundles(files))


def hashed_name(path: str, digest: str) -> str:
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{path}.{digest}"


def _resolve(importer: str, spec: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))


def _imports(path: str, content: bytes, files: Mapping[str, bytes]) -> tuple[str, ...]:
    if not path.endswith(MODULE_SUFFIXES):
        return ()
    found = []
    for match in SPECIFIER.finditer(content.decode(errors="replace")):
        target = _resolve(path, match["spec"])
        if target in files and target not in found:
            found.append(target)
    return tuple(found)


def _fingerprint(
    path: str, files: Mapping[str, bytes], imports: Mapping[str, tuple[str, ...]]
) -> str:
    """A hash of the file and of every file of ours it reaches through imports: the
    modules' served copies name each other's hashes, so the whole graph counts."""
    reached, stack = set(), [path]
    while stack:
        current = stack.pop()
        if current in reached or not is_own(current):
            continue
        reached.add(current)
        stack.extend(imports[current])
    digest = hashlib.sha256()
    for each in sorted(reached):
        digest.update(each.encode() + b"\0" + hashlib.sha256(files[each]).digest())
    return digest.hexdigest()[:HASH_LENGTH]


def _rewrite(path: str, content: bytes, names: Mapping[str, str]) -> bytes:
    """The module with each relative import of a hashed file pointed at its hashed name."""

    def replace(match: re.Match[str]) -> str:
        target = _resolve(path, match["spec"])
        if target not in names or names[target] == target:
            return match[0]
        folder = match["spec"].rpartition("/")[0]
        hashed = names[target].rpartition("/")[2]
        return f"{match['lead']}{match['quote']}{folder}/{hashed}{match['quote']}"

    return SPECIFIER.sub(replace, content.decode()).encode()


def _asset(path: str, url_path: str, content: bytes, imports: tuple[str, ...]) -> Asset:
    packed = gzip.compress(content, compresslevel=9, mtime=0)
    return Asset(
        path=path,
        url_path=url_path,
        content=content,
        gzipped=packed if len(packed) < len(content) else None,
        media_type=mimetypes.guess_type(path)[0] or "application/octet-stream",
        etag=hashlib.sha256(content).hexdigest()[:20],
        imports=imports,
    )
