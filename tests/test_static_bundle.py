"""The editor's modules as one bundle: loaded while it matches the modules, never once it
is stale, and the committed one is what static/bundle.sh builds (server/static_bundle.py)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from server.settings import PROJECT_ROOT
from server.static_bundle import current_bundles, seal
from server.static_files import StaticAssets
from server.static_manifest import build_manifest

from .conftest import require

SOURCES = {
    "editor.js": b'import { Y } from "./vendor/yjs-1.0.0.mjs";\nimport "./editor/a.js";\n',
    "editor/a.js": b'import { Y } from "../vendor/yjs-1.0.0.mjs";\nexport const a = 1;\n',
    "vendor/yjs-1.0.0.mjs": b"export const Y = {};\n",
}
BUILT = (
    'import{Y}from"./vendor/yjs-1.0.0.mjs";import{Y as Y2}from"../vendor/yjs-1.0.0.mjs";'
    "const a=1;\n"
)


def with_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, "editor.bundle.js": seal("editor.js", BUILT, files).encode()}


def test_a_page_loads_the_bundle_while_it_was_built_from_the_modules_served():
    manifest = build_manifest(with_bundle(SOURCES))
    assert manifest.module("editor.js") == "editor.bundle.js"
    assert manifest.url_path("editor.bundle.js").startswith("editor.bundle.")
    # the bundle still shares the vendored Yjs with the rest: it is what a page preloads
    assert manifest.module_graph("editor.bundle.js") == ["vendor/yjs-1.0.0.mjs"]
    served = manifest.assets["editor.bundle.js"].content.decode()
    assert '"../vendor/' not in served and served.count('from"./vendor/yjs-1.0.0.mjs"') == 2


def test_an_edited_or_added_module_makes_the_page_load_the_modules_again():
    bundled = with_bundle(SOURCES)
    edited = {**bundled, "editor/a.js": b"export const a = 2;\n"}
    added = {**bundled, "editor/b.js": b"export const b = 3;\n"}
    for files in (edited, added):
        assert current_bundles(files) == {}
        assert build_manifest(files).module("editor.js") == "editor.js"
    without = {path: content for path, content in bundled.items() if path != "editor.bundle.js"}
    assert build_manifest(without).module("editor.js") == "editor.js"


def test_a_bundle_of_another_entry_or_with_a_forged_header_is_not_loaded():
    bundle = with_bundle(SOURCES)["editor.bundle.js"]
    other = bundle.replace(b"bundle of editor.js", b"bundle of page.js", 1)
    assert current_bundles({**SOURCES, "editor.bundle.js": other}) == {}
    assert current_bundles({**SOURCES, "editor.bundle.js": BUILT.encode()}) == {}


def test_in_development_editing_a_module_switches_the_page_to_the_modules(tmp_path: Path):
    for path, content in with_bundle(SOURCES).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    watching = StaticAssets(tmp_path, watch=True)
    assert watching.module_url_path("editor.js").startswith("editor.bundle.")
    (tmp_path / "editor/a.js").write_bytes(b"export const a = 'edited';\n")
    assert watching.module_url_path("editor.js").startswith("editor.")
    assert not watching.module_url_path("editor.js").startswith("editor.bundle.")


def test_the_committed_editor_bundle_matches_the_editor_modules():
    static = PROJECT_ROOT / "static"
    files = {p.relative_to(static).as_posix(): p.read_bytes() for p in static.rglob("*.*js")}
    assert current_bundles(files) == {"editor.js": "editor.bundle.js"}, (
        "static/editor.bundle.js is stale: run bash static/bundle.sh and commit it"
    )
    manifest = build_manifest(files)
    # every module the editor reaches is one of the bundle's sources (or vendored)
    reached = {manifest.by_url[url].path for url in manifest.module_graph("editor.js")}
    assert {p for p in reached if not p.startswith("vendor/")} <= {
        p for p in files if p.startswith("editor/")
    }


def test_rebuilding_the_bundle_gives_the_committed_file_byte_for_byte():
    require(shutil.which("npm") is not None, "Node.js and npm")
    done = subprocess.run(
        ["bash", str(PROJECT_ROOT / "static" / "bundle.sh"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
