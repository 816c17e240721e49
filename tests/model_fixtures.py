"""The shared cases that Python (collab/) and the editor's JavaScript must read alike.

tests/fixtures/ holds junk documents (as a description of their Yjs content), raw
add-form fields, and position-key cases, each with the expected reading. This module
builds the documents with pycrdt, reads every case the Python way, and runs the
JavaScript reader (tests/js/read_cases.mjs) under Node on the same Yjs updates.

After a deliberate change of the rules, rewrite the expected readings with
`python -m tests.model_fixtures` and review the diff.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pycrdt import Array, Doc, Map, Text, XmlFragment, XmlText

from collab.edits import new_item_from_form
from collab.positions import is_key, key_between, keys_between, place
from collab.schema import client_schema, read_curriculum

FIXTURES = Path(__file__).resolve().parent / "fixtures"
READER = Path(__file__).resolve().parent / "js" / "read_cases.mjs"
FILES = {"documents": "junk_documents.json", "forms": "new_item_forms.json",
         "positions": "positions.json", "goals": "goal_documents.json"}  # fmt: skip


def load(kind: str) -> Any:
    return json.loads((FIXTURES / FILES[kind]).read_text())


def shared(spec: Any) -> Any:
    """A value of the description as pycrdt content: {"$text": …}, {"$map": …},
    {"$array": …}, {"$xml": …} and {"$float": "inf"} stand for what JSON cannot say."""
    if isinstance(spec, dict) and len(spec) == 1 and next(iter(spec)).startswith("$"):
        kind, value = next(iter(spec.items()))
        if kind == "$text":
            return Text(value)
        if kind == "$map":
            return Map({key: shared(v) for key, v in value.items()})
        if kind == "$array":
            return Array([shared(v) for v in value])
        if kind == "$xml":
            return XmlFragment([XmlText(value)])
        if kind == "$float":
            return float(value)
        raise ValueError(f"unknown {kind}")
    return spec


def build(document: dict[str, Any], root: str = "items") -> bytes:
    """The Yjs update of a described document (its `items`, or its `goals`)."""
    doc = Doc()
    items = doc.get(root, type=Map)
    with doc.transaction():
        for item_id, entry in document[root].items():
            (kind, value), *_ = entry.items()
            if kind == "map":
                items[item_id] = Map({key: shared(v) for key, v in value.items()})
            elif kind == "text":
                items[item_id] = Text(value)
            elif kind == "array":
                items[item_id] = Array(value)
            else:  # "plain", "json": a plain JSON value
                items[item_id] = value
    return doc.get_update()


def read_items(update: bytes) -> list[dict[str, Any]]:
    doc = Doc()
    doc.apply_update(update)
    return [item.to_dict() for item in read_curriculum(doc).items]


def read_goals(update: bytes) -> list[dict[str, Any]]:
    doc = Doc()
    doc.apply_update(update)
    return [goal.to_dict() for goal in read_curriculum(doc).goals]


def read_form(fields: dict[str, str]) -> dict[str, Any]:
    values, errors = new_item_from_form(fields)
    return {"errors": sorted(errors)} if errors else {"values": values}


def _outcome(call: Any) -> Any:
    try:
        return call()
    except ValueError:
        return {"error": True}


def read_positions(cases: dict[str, list[Any]]) -> dict[str, list[Any]]:
    def placed(keys: list[str], index: int) -> dict[str, Any]:
        key, rekeys = place(keys, index)
        return {"key": key, "rekeys": sorted([i, k] for i, k in rekeys.items())}

    return {
        "is_key": [is_key(case["args"]) for case in cases["is_key"]],
        "key_between": [
            _outcome(lambda c=c: key_between(*c["args"])) for c in cases["key_between"]
        ],
        "keys_between": [
            _outcome(lambda c=c: keys_between(*c["args"])) for c in cases["keys_between"]
        ],
        "place": [_outcome(lambda c=c: placed(*c["args"])) for c in cases["place"]],
    }


def python_readings() -> dict[str, Any]:
    return {
        "documents": [read_items(build(d)) for d in load("documents")],
        "forms": [read_form(case["fields"]) for case in load("forms")],
        "positions": read_positions(load("positions")),
        "goals": [read_goals(build(d, "goals")) for d in load("goals")],
    }


def javascript_readings() -> dict[str, Any]:
    """The same cases read by static/editor/items.js and positions.js under Node."""
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node")
    given = {
        "schema": client_schema(),
        "documents": [base64.b64encode(build(d)).decode() for d in load("documents")],
        "goals": [base64.b64encode(build(d, "goals")).decode() for d in load("goals")],
        "forms": [case["fields"] for case in load("forms")],
        "positions": {
            name: [c["args"] for c in cases] for name, cases in load("positions").items()
        },
    }
    done = subprocess.run(
        [node, str(READER)], input=json.dumps(given), capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    readings: dict[str, Any] = json.loads(done.stdout)
    return readings


def expected() -> dict[str, Any]:
    positions = load("positions")
    return {
        "documents": [d["expected"] for d in load("documents")],
        "forms": [case["expected"] for case in load("forms")],
        "positions": {name: [c["expected"] for c in cases] for name, cases in positions.items()},
        "goals": [d["expected"] for d in load("goals")],
    }


def _write_expected() -> None:
    readings = python_readings()
    documents = load("documents")
    for document, reading in zip(documents, readings["documents"], strict=True):
        document["expected"] = reading
    forms = load("forms")
    for case, reading in zip(forms, readings["forms"], strict=True):
        case["expected"] = reading
    positions = load("positions")
    for name, cases in positions.items():
        for case, reading in zip(cases, readings["positions"][name], strict=True):
            case["expected"] = reading
    goals = load("goals")
    for document, reading in zip(goals, readings["goals"], strict=True):
        document["expected"] = reading
    written = (("documents", documents), ("forms", forms), ("positions", positions),
               ("goals", goals))  # fmt: skip
    for kind, data in written:
        text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
        (FIXTURES / FILES[kind]).write_text(text + "\n")


if __name__ == "__main__":
    _write_expected()
    sys.exit(0)
