"""The editor's modules as one file, served only while it matches them (pure: file
contents in, answer out; docs/static-files.md).

`static/bundle.sh` joins an entry module and every module of ours it imports into one
file with esbuild (the vendored Yjs bundle stays a separate, shared file) and writes on
the bundle's first line a digest of the sources it was built from. The sources of a
bundle are its entry and every file under the folder named after it: `editor.js` and
`editor/`. While that digest matches the files being served, pages load the bundle (one
request instead of fourteen, and about a third of the bytes); once a source changes without the
bundle being rebuilt (an edit in development), pages load the modules themselves again,
so a stale bundle is never run.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Mapping
from pathlib import Path

# entry module -> its bundle, both paths under static/
BUNDLES = {"editor.js": "editor.bundle.js"}
HEADER = "/* mentorHub bundle of {entry}, built by static/bundle.sh from sources {digest} */\n"
HEADER_PATTERN = re.compile(
    rb"^/\* mentorHub bundle of (?P<entry>\S+), built by static/bundle\.sh "
    rb"from sources (?P<digest>[0-9a-f]{64}) \*/\n"
)
# esbuild keeps an external import as its source wrote it: `../vendor/x.mjs` in
# editor/board.js is `./vendor/x.mjs` from the bundle, which sits beside the entry.
VENDOR_IMPORT = re.compile(r"""(?P<quote>["'])(?:\.\./)+vendor/""")


class BundleError(ValueError):
    pass


def sources(entry: str, files: Mapping[str, bytes]) -> list[str]:
    """The files a bundle of `entry` is built from: the entry and its folder's modules."""
    folder = entry.rpartition(".")[0] + "/"
    found = [path for path in files if path.startswith(folder) and path.endswith(".js")]
    return sorted([entry, *found])


def digest(entry: str, files: Mapping[str, bytes]) -> str:
    """A SHA-256 over the names and contents of the bundle's sources."""
    total = hashlib.sha256()
    for path in sources(entry, files):
        total.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return total.hexdigest()


def current_bundles(files: Mapping[str, bytes]) -> dict[str, str]:
    """Entry -> bundle, for every bundle present and built from the sources in `files`."""
    current = {}
    for entry, bundle in BUNDLES.items():
        if entry not in files or bundle not in files:
            continue
        header = HEADER_PATTERN.match(files[bundle])
        built_from = (header["entry"].decode(), header["digest"].decode()) if header else None
        if built_from == (entry, digest(entry, files)):
            current[entry] = bundle
    return current


def seal(entry: str, built: str, files: Mapping[str, bytes]) -> str:
    """esbuild's output for `entry`, ready to serve from beside it: vendored imports
    pointed at static/vendor/, and the digest of `files`' sources on the first line."""
    if entry not in BUNDLES:
        raise BundleError(f"{entry} has no bundle (known: {', '.join(BUNDLES)})")
    body = VENDOR_IMPORT.sub(r"\g<quote>./vendor/", built)
    return HEADER.format(entry=entry, digest=digest(entry, files)) + body


def main(argv: list[str]) -> int:
    """`python3 -m server.static_bundle seal STATIC_DIR ENTRY BUILT_FILE`: print the sealed
    bundle (what static/bundle.sh writes)."""
    if len(argv) != 4 or argv[0] != "seal":
        print("usage: python3 -m server.static_bundle seal STATIC_DIR ENTRY BUILT_FILE")
        return 2
    root, entry, built = Path(argv[1]), argv[2], Path(argv[3])
    files = {
        file.relative_to(root).as_posix(): file.read_bytes()
        for file in root.rglob("*.js")
        if file.is_file()
    }
    try:
        sealed = seal(entry, built.read_text(encoding="utf-8"), files)
    except (BundleError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(sealed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
