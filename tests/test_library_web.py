"""The library's pages on a real server: curating, suggesting, visibility, files, live
refresh, and bad input that changes nothing."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from tests.library_helpers import (
    HX,
    People,
    add_resource,
    post_form,
    resource_fields,
    text_of,
)
from tests.polling import until
from tests.web import WEB_ENV, client, signed_in

MAVEN, MILA, APPOLLO, DORA, SAM = (
    "maven@example.org",
    "mila@example.org",
    "appollo@example.org",
    "dora@example.org",
    "sam@example.org",
)


@pytest.fixture
def server(server_factory):
    server = server_factory(**WEB_ENV)
    people = People(server.env["DATABASE_URL"])
    try:
        people.add(MAVEN, "mentor", name="Maven Mentor")
        people.add(MILA, "mentor", name="Mila Mentor")
        people.add(SAM, "staff", name="Sam Staff")
        people.add(DORA, name="Dora Member")
        people.curriculum(APPOLLO, mentors=(MAVEN,))  # Appollo is Maven's mentee
    finally:
        people.close()
    return server


async def search(browser, **params: str) -> str:
    answer = await browser.get("/library", params=params, headers=HX)
    assert answer.status_code == 200, answer.text
    return answer.text


async def test_mentors_add_members_suggest_and_a_mentor_accepts(server):
    async with signed_in(server, MAVEN) as maven, signed_in(server, DORA) as dora:
        form = (await maven.get("/library/new")).text
        for label in ("Title", "Link", "Level", "Learning style"):  # what the server requires
            assert re.search(rf">{label} <span class=\"required\"", form), label
        assert not re.search(r">Skills <span class=\"required\"", form)
        kube = await add_resource(maven)
        page = text_of((await maven.get(f"/library/{kube}")).text)
        assert "Learn Kubernetes Basics" in page and "Added by Maven Mentor" in page
        assert "https://kubernetes.io/docs/tutorials/kubernetes-basics" in page  # normalised
        assert "kubernetes containers" in page  # skills from the goals' vocabulary
        results = await search(dora, q="kubernetes basics")
        assert f'href="/library/{kube}"' in results

        # the same link written another way is the same resource
        again = await post_form(
            maven,
            "/library/new",
            resource_fields(
                title="K8s basics",
                url="HTTPS://KUBERNETES.io/docs/tutorials/kubernetes-basics?utm_source=x",
            ),
            page="/library/new",
        )
        assert again.status_code == 409 and f'href="/library/{kube}"' in again.text

        # members may not add, only suggest
        refused = await post_form(dora, "/library/new", resource_fields(url="https://x.example/"))
        assert refused.status_code == 403
        sent = await post_form(
            dora,
            "/library/suggest",
            resource_fields(
                title="Hello Minikube",
                url="https://kubernetes.io/docs/tutorials/hello-minikube/",
                visibility="mentees",  # ignored: a suggestion is for everyone once accepted
            ),
            page="/library/suggest",
        )
        assert sent.status_code == 303
        waiting = (await dora.get("/library/suggest?sent=1")).text
        assert "waits for a mentor" in waiting and "Hello Minikube" in waiting
        assert "Hello Minikube" not in await search(dora, q="minikube")
        queue = (await maven.get("/library/suggestions")).text
        assert "Hello Minikube" in queue and "Suggested by Dora Member" in queue
        assert (await dora.get("/library/suggestions")).status_code == 403
        suggestion = int(queue.split("/library/", 2)[1].split('"')[0].split("/")[0])
        accepted = await post_form(maven, f"/library/{suggestion}/accept", {})
        assert accepted.status_code == 303
        assert "Hello Minikube" in await search(dora, q="minikube")
        twice = await post_form(maven, f"/library/{suggestion}/decline", {})
        assert twice.status_code == 409  # decided already; nothing changed
        assert "Hello Minikube" in await search(dora, q="minikube")

        # a declined suggestion is gone
        await post_form(
            dora,
            "/library/suggest",
            resource_fields(title="My blog", url="https://dora.example/blog"),
            page="/library/suggest",
        )
        queue = (await maven.get("/library/suggestions")).text
        blog = int(queue.split("/library/", 2)[1].split('"')[0].split("/")[0])
        assert (await post_form(maven, f"/library/{blog}/decline", {})).status_code == 303
        assert (await maven.get(f"/library/{blog}")).status_code == 404


async def test_a_resource_kept_for_mentees_is_seen_by_them_alone(server):
    async with (
        signed_in(server, MAVEN) as maven,
        signed_in(server, APPOLLO) as appollo,
        signed_in(server, DORA) as dora,
        signed_in(server, MILA) as mila,
        signed_in(server, SAM) as sam,
    ):
        drill = await add_resource(
            maven,
            title="Maven's on-call drill",
            url="https://maven.example/drill",
            visibility="mentees",
        )
        for person, sees in (
            (maven, True),
            (appollo, True),
            (sam, True),
            (dora, False),
            (mila, False),
        ):
            assert ("on-call drill" in await search(person, q="drill")) is sees
            assert (await person.get(f"/library/{drill}")).status_code == (200 if sees else 404)
        assert (await mila.get(f"/library/{drill}/edit")).status_code == 404
        assert (await sam.get(f"/library/{drill}/edit")).status_code == 200


async def test_bad_input_gets_a_clear_answer_and_changes_nothing(server):
    async with signed_in(server, MAVEN) as maven:
        before = await search(maven)
        bad = await post_form(
            maven,
            "/library/new",
            resource_fields(title="", url="ftp://nope", level="expert", estimate_minutes="soon"),
            page="/library/new",
        )
        assert bad.status_code == 422
        for message in (
            "Give the resource a title.",
            "The link must start with http",
            "The level must be one of",
            "The estimate must be a whole number",
        ):
            assert message in bad.text
        assert 'aria-invalid="true"' in bad.text and await search(maven) == before
        for query, status in (
            ({"level": "expert"}, 400),
            ({"style": "x"}, 400),
            ({"kind": "<b>"}, 400),
            ({"skill": "!!!"}, 400),
            ({"q": "x" * 5000}, 200),
            ({"q": '"*) NEAR ^'}, 200),
        ):
            assert (await maven.get("/library", params=query)).status_code == status, query
        for path in ("/library/99999999999999", "/library/0", "/library/abc", "/library/-1"):
            assert (await maven.get(path)).status_code == 404, path
        assert (
            await post_form(maven, "/library/99999999999/add", {"doc_id": "x"})
        ).status_code == 404
    async with signed_in(server, DORA) as dora:
        assert (await dora.get("/library/export?format=csv")).status_code == 403
        assert (await dora.get("/library/import")).status_code == 403
    async with client(server) as anonymous:
        answer = await anonymous.get("/library")
        assert answer.status_code == 303 and answer.headers["location"] == "/auth/login"


CSV_WITH_ERRORS = (
    "title,url,kind,level,style,skills,estimate_minutes,description\n"
    "Pro Git,https://git-scm.com/book/en/v2,book,beginner,reading,git,480,The Git book\n"
    "SQLBolt,https://sqlbolt.com/,exercise,expert,hands-on,sql,180,\n"
    ",https://example.org/x,article,beginner,reading,,,\n"
)


async def test_import_is_all_or_nothing_and_export_reads_back(server, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_WITH_ERRORS)
    with pytest.raises(RuntimeError) as refused:
        server.cli("library", "import", str(bad))
    message = str(refused.value)
    assert "Row 2, level: The level must be one of" in message
    assert "Row 3, title: Give the resource a title." in message
    assert "Nothing was imported." in message
    assert server.cli("library", "export", "--format", "json") == '{\n  "resources": []\n}'

    good = tmp_path / "good.csv"
    good.write_text(
        CSV_WITH_ERRORS.replace("expert", "beginner").replace(
            ",https://example.org/x", "X,https://example.org/x"
        )
    )
    assert "3 added, 0 updated, 0 unchanged" in server.cli(
        "library", "import", str(good), "--by", MAVEN
    )
    exported = tmp_path / "library.json"
    server.cli("library", "export", str(exported))
    data = json.loads(exported.read_text())
    assert [r["url"] for r in data["resources"]] == [
        "https://git-scm.com/book/en/v2",
        "https://sqlbolt.com/",
        "https://example.org/x",
    ]
    assert "0 added, 0 updated, 3 unchanged" in server.cli("library", "import", str(exported))

    async with signed_in(server, MILA) as mila:
        csv = await mila.get("/library/export?format=csv")
        assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
        assert (
            csv.text.splitlines()[0]
            == "title,url,kind,level,style,skills,estimate_minutes,description,visibility"
        )

        async def upload_csv(data: bytes):  # noqa: ANN202
            files = {"file": ("library.csv", data)}
            form = {"format": "csv"}
            return await post_form(
                mila, "/library/import", form, page="/library/import", files=files
            )

        upload = await upload_csv(CSV_WITH_ERRORS.replace("Pro Git", "Pro Git, again").encode())
        assert upload.status_code == 422 and "Nothing was imported" in upload.text
        assert "Row 2, level" in upload.text
        assert "Pro Git, again" not in await search(mila, q="git")
        upload = await upload_csv(good.read_bytes().replace(b"The Git book", b"Chapters 1-3"))
        assert upload.status_code == 200 and "0 added, 1 updated, 2 unchanged" in upload.text


async def test_library_pages_are_told_of_changes_live(server):
    async with signed_in(server, APPOLLO) as appollo, signed_in(server, MAVEN) as maven:
        seen: list[str] = []

        async def listen() -> None:
            async with appollo.stream("GET", "/library/stream") as stream:
                async for line in stream.aiter_lines():
                    seen.append(line)

        listener = asyncio.create_task(listen())
        try:
            await until(lambda: maven.get("/library"), lambda page: page.status_code == 200)
            await until(lambda: seen, lambda lines: "event: listening" in lines, what="listening")
            assert "event: library" not in seen
            await add_resource(maven, title="Prometheus", url="https://prometheus.io/docs/")
            await until(lambda: seen, lambda lines: "event: library" in lines, what="a notice")
        finally:
            listener.cancel()
