"""One model, not two that drift: Python and the editor's JavaScript read alike.

The shared cases (tests/fixtures/, see tests/model_fixtures.py) are junk documents,
raw add-form fields and position keys, each with its expected reading; the Python
reader and the JavaScript one (under Node, on the very same Yjs updates) must both
give exactly that.
"""

from __future__ import annotations

import html
import json
import shutil
from typing import Any

import pytest

from collab.schema import client_schema
from tests.conftest import require
from tests.model_fixtures import expected, javascript_readings, load, python_readings
from tests.server_process import ServerProcess
from tests.web import WEB_ENV, signed_in


def differences(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    found = []
    for n, (document, a, b) in enumerate(
        zip(load("documents"), got["documents"], want["documents"], strict=True)
    ):
        for item_a, item_b in zip(a, b, strict=False):
            if item_a != item_b:
                found.append(f"document {n} ({document['name']}): {item_a} != {item_b}")
        if len(a) != len(b):
            found.append(f"document {n} ({document['name']}): {len(a)} items, not {len(b)}")
    for case, a, b in zip(load("forms"), got["forms"], want["forms"], strict=True):
        if a != b:
            found.append(f"form {json.dumps(case['fields'])[:160]}: {a} != {b}")
    for name, cases in load("positions").items():
        for case, a, b in zip(cases, got["positions"][name], want["positions"][name], strict=True):
            if a != b:
                found.append(f"{name}{tuple(case['args'])}: {a} != {b}")
    for document, a, b in zip(load("goals"), got["goals"], want["goals"], strict=True):
        if a != b:
            found.append(f"goals ({document['name']}): {a} != {b}")
    return found


def test_python_reads_the_shared_cases_as_expected():
    assert differences(python_readings(), expected()) == []


def test_javascript_reads_the_shared_cases_as_expected():
    require(shutil.which("node") is not None, "Node.js")
    assert differences(javascript_readings(), expected()) == []


def test_the_cases_cover_what_matters():
    documents = {d["name"]: d for d in load("documents")}
    assert sum(len(d["items"]) for d in documents.values()) >= 100
    assert len(documents["ids not of the schema's form"]["expected"]) == 2
    forms = [case["expected"] for case in load("forms")]
    assert sum("errors" in f for f in forms) >= 20 and sum("values" in f for f in forms) >= 20
    goals = {d["name"]: d["expected"] for d in load("goals")}
    dates = [g["target_date"] for g in goals["target dates"]]
    assert dates.count(None) >= 12 and len(dates) - dates.count(None) >= 5


@pytest.fixture
def server(server_factory) -> ServerProcess:
    return server_factory(**WEB_ENV)


async def test_the_editor_page_hands_the_schema_to_the_javascript(server):
    doc_id, _ = server.new_curriculum("appollo@example.org")
    async with signed_in(server, "appollo@example.org") as browser:
        page = (await browser.get(f"/curricula/{doc_id}")).text
    start = page.index('data-schema="') + len('data-schema="')
    handed = json.loads(html.unescape(page[start : page.index('"', start)]))
    assert handed == client_schema()
    assert handed["defaultKind"] == "other"
