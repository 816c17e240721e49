"""Hashed names for mentorHub's own CSS and JavaScript, imports rewritten to them, and the
manifest of what browsers may keep for good (server/static_manifest.py, pure)."""

from __future__ import annotations

import gzip
import posixpath
import re
from pathlib import Path

from server.settings import PROJECT_ROOT
from server.static_files import StaticAssets
from server.static_manifest import SPECIFIER, build_manifest

FILES = {
    "app.css": b"body { color: black; }\n",
    "main.js": (
        b'import { Y } from "./vendor/lib-1.2.3.mjs";\n'
        b"import {\n  a,\n  b,\n} from './parts/a.js';\n"
        b'export { c } from "./parts/c.js";\n'
        b'const lazy = () => import("./parts/lazy.js");\n'
    ),
    "parts/a.js": b'import { leaf } from "./leaf.js";\nexport const a = leaf, b = 2;\n',
    "parts/c.js": b"export const c = 3;\n",
    "parts/leaf.js": b"export const leaf = 1;\n",
    "parts/lazy.js": b"export default 4;\n",
    "vendor/lib-1.2.3.mjs": b"export const Y = {};\n",
    "vendor/LICENSE-lib.txt": b"MIT\n",
    "vendor/build.sh": b"#!/bin/sh\n",
}


def names(files: dict[str, bytes]) -> dict[str, str]:
    manifest = build_manifest(files)
    return {path: manifest.url_path(path) for path in files}


def served(files: dict[str, bytes], path: str) -> str:
    return build_manifest(files).assets[path].content.decode()


def test_own_files_get_hashed_names_and_vendored_files_keep_their_versioned_ones():
    found = names(FILES)
    assert re.fullmatch(r"app\.[0-9a-f]{12}\.css", found["app.css"])
    assert re.fullmatch(r"parts/leaf\.[0-9a-f]{12}\.js", found["parts/leaf.js"])
    assert found["vendor/lib-1.2.3.mjs"] == "vendor/lib-1.2.3.mjs"
    # neither hashed nor versioned: linked and served by their own names
    assert found["vendor/LICENSE-lib.txt"] == "vendor/LICENSE-lib.txt"
    assert "vendor/LICENSE-lib.txt" not in build_manifest(FILES).assets


def test_imports_between_modules_name_the_hashed_files():
    found = names(FILES)
    main = served(FILES, "main.js")
    assert f'from "./{found["parts/c.js"]}"' in main
    assert f"}} from './{found['parts/a.js']}'" in main  # an import over several lines
    assert f'import("./{found["parts/lazy.js"]}")' in main
    assert 'from "./vendor/lib-1.2.3.mjs"' in main  # already versioned: unchanged
    leaf = found["parts/leaf.js"].rpartition("/")[2]
    assert f'from "./{leaf}"' in served(FILES, "parts/a.js")


def test_a_change_gives_new_names_to_the_file_and_everything_that_imports_it():
    edited = {**FILES, "parts/leaf.js": b"export const leaf = 10;\n"}
    before, after = names(FILES), names(edited)
    changed = {path for path in FILES if before[path] != after[path]}
    assert changed == {"parts/leaf.js", "parts/a.js", "main.js"}
    # and the served importer points at the new name
    assert after["parts/leaf.js"].rpartition("/")[2] in served(edited, "parts/a.js")


def test_modules_that_import_each_other_are_hashed_and_change_together():
    files = {
        "a.js": b'import { b } from "./b.js";\nexport const a = 1;\n',
        "b.js": b'import { a } from "./a.js";\nexport const b = 2;\n',
    }
    before = names(files)
    after = names({**files, "b.js": files["b.js"] + b"// changed\n"})
    assert before["a.js"] != after["a.js"] and before["b.js"] != after["b.js"]
    assert before["b.js"] in served(files, "a.js") and before["a.js"] in served(files, "b.js")


def test_the_module_graph_lists_every_module_reached_once_in_import_order():
    manifest = build_manifest(FILES)
    found = names(FILES)
    assert manifest.module_graph("main.js") == [
        "vendor/lib-1.2.3.mjs",
        found["parts/a.js"],
        found["parts/leaf.js"],
        found["parts/c.js"],
        found["parts/lazy.js"],
    ]
    assert manifest.module_graph("app.css") == []


def test_a_current_name_is_for_good_an_outdated_hash_gets_todays_file_to_revalidate():
    manifest = build_manifest(FILES)
    current = manifest.url_path("parts/c.js")
    asset, immutable = manifest.find(current)
    assert asset.path == "parts/c.js" and immutable
    asset, immutable = manifest.find("parts/c.0123456789ab.js")
    assert asset.path == "parts/c.js" and not immutable
    assert manifest.find("vendor/lib-1.2.3.mjs")[1] is True
    assert manifest.find("vendor/lib-1.2.3.0123456789ab.mjs") is None
    assert manifest.find("parts/nothing.0123456789ab.js") is None
    assert manifest.find("vendor/LICENSE-lib.txt") is None


def test_the_gzipped_copy_is_the_served_content():
    text = FILES["main.js"] * 50
    asset = build_manifest({**FILES, "main.js": text}).assets["main.js"]
    assert gzip.decompress(asset.gzipped) == asset.content
    assert len(asset.gzipped) < len(asset.content)


def test_every_relative_import_in_mentorhubs_own_modules_names_a_file_it_serves():
    static = PROJECT_ROOT / "static"
    files = {p.relative_to(static).as_posix(): p.read_bytes() for p in static.rglob("*.*js")}
    manifest = build_manifest(files)
    own = [a for a in manifest.assets.values() if not a.path.startswith("vendor/")]
    assert {"editor.js", "editor/items.js", "editor/board.js"} <= {a.path for a in own}
    for asset in own:
        for match in SPECIFIER.finditer(asset.content.decode()):
            folder = posixpath.dirname(asset.url_path)
            resolved = posixpath.normpath(posixpath.join(folder, match["spec"]))
            assert manifest.find(resolved) == (manifest.by_url[resolved], True), (
                f"{asset.path} imports {match['spec']}, which is no current hashed name"
            )
    assert manifest.module_graph("editor.js")[0] == "vendor/yjs-bundle-13.6.33.mjs"


def test_in_development_an_edited_file_gets_a_new_url_at_once(tmp_path: Path):
    for path, content in FILES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    watching, fixed = StaticAssets(tmp_path, watch=True), StaticAssets(tmp_path)
    before = watching.url_path("parts/leaf.js")
    assert fixed.url_path("parts/leaf.js") == before
    (tmp_path / "parts/leaf.js").write_bytes(b"export const leaf = 'edited, and longer';\n")
    assert watching.url_path("parts/leaf.js") != before
    assert watching.url_path("main.js") != names(FILES)["main.js"]
    assert fixed.url_path("parts/leaf.js") == before  # built once: production keeps its names
