"""Encounters through the pages: a mentor picks a script and records the notes for a
mentee, the mentee is emailed and sees them, only the author edits them, strangers are
refused with a clear 403, bad input is a 4xx that changes nothing, and staff add scripts."""

from __future__ import annotations

import pytest

from collab import edits
from tests.encounters import NOTES, encounter_id, mentorship, record
from tests.people import counts, import_personas, user_id
from tests.read_model_checks import database_of, rows_match
from tests.web import WEB_ENV, csrf_token, database_mentions, signed_in
from tests.yclient import peer

CHARLIE, MILES, KENJI, SAM = (
    "charlie@example.org", "miles@example.org", "kenji@example.org", "sam@example.org",
)  # fmt: skip
TABLES = ["encounter", "notification_outbox"]


@pytest.fixture
def programme(server_factory, database_url, smtp, tmp_path):
    """On SQLite and on PostgreSQL."""
    server = server_factory(database_url, **WEB_ENV, **smtp.env())
    import_personas(server, tmp_path)
    return server


async def test_a_mentor_records_an_encounter_the_member_reads_and_is_emailed(programme, smtp):
    url = programme.env["DATABASE_URL"]
    doc_id = await mentorship(programme, CHARLIE, MILES)
    charlie = user_id(url, CHARLIE)
    async with signed_in(programme, MILES) as miles:
        chooser = await miles.get(f"/people/{charlie}/encounters/new")
        assert chooser.status_code == 200
        for title in ("First meeting", "Stuck on a problem", "First 90 days"):
            assert title in chooser.text
        form = await miles.get(f"/people/{charlie}/encounters/new/first-meeting")
        assert "This is your first encounter" in form.text
        created = encounter_id(await record(miles, charlie))

    def told(m):
        return m["To"] == CHARLIE and "encounter" in m["Subject"]

    email = next(m for m in smtp.inbox.wait_for(lambda got: any(map(told, got))) if told(m))
    assert email["Subject"] == "Miles recorded your encounter: First meeting"
    assert f"/encounters/{created}" in email.get_content()
    async with signed_in(programme, CHARLIE) as reader:
        page = (await reader.get(f"/encounters/{created}")).text
        assert NOTES in page and "Get a junior developer job." in page
        assert "This is the first encounter" in page and f'href="/curricula/{doc_id}"' in page
        assert "Edit the notes" not in page
        assert (
            f'href="/people/{charlie}/encounters"' in (await reader.get(f"/people/{charlie}")).text
        )
        listed = (await reader.get(f"/people/{charlie}/encounters")).text
        assert f'href="/encounters/{created}"' in listed
        assert f'href="/encounters/{created}"' in (await reader.get("/encounters")).text


async def test_only_the_author_edits_the_notes(programme):
    url = programme.env["DATABASE_URL"]
    await mentorship(programme, CHARLIE, MILES)
    charlie = user_id(url, CHARLIE)
    async with signed_in(programme, MILES) as miles:
        created = encounter_id(await record(miles, charlie))
        token = await csrf_token(miles, f"/encounters/{created}/edit")
        edited = await miles.post(
            f"/encounters/{created}", data={"notes": "Revised notes.", "csrf_token": token}
        )
        assert edited.status_code == 303
        assert "Revised notes." in (await miles.get(f"/encounters/{created}")).text
    for email in (CHARLIE, SAM):  # the member and staff see the notes, and may not edit them
        async with signed_in(programme, email) as other:
            token = await csrf_token(other, f"/encounters/{created}")
            refused = await other.post(
                f"/encounters/{created}", data={"notes": "Hijacked.", "csrf_token": token}
            )
            assert refused.status_code == 403
            assert "Only Miles, who wrote these notes, can edit them." in refused.text
            assert (await other.get(f"/encounters/{created}/edit")).status_code == 403
    async with signed_in(programme, CHARLIE) as reader:
        page = (await reader.get(f"/encounters/{created}")).text
        assert "Revised notes." in page and "Hijacked." not in page


async def test_strangers_are_refused_and_bad_input_changes_nothing(programme):
    url = programme.env["DATABASE_URL"]
    await mentorship(programme, CHARLIE, MILES)
    charlie = user_id(url, CHARLIE)
    async with signed_in(programme, MILES) as miles:
        created = encounter_id(await record(miles, charlie))
        before = counts(url, TABLES)
        bad = [
            ({"script": "no-such-script"}, 400, "Choose one of the scripts."),
            ({"notes": "", "answer": ""}, 422, "Write the notes of the encounter"),
            ({"held_on": "yesterday"}, 422, "YYYY-MM-DD"),
            ({"held_on": "2999-01-01"}, 422, "cannot be held in the future"),
            ({"checked": ["Something else"]}, 422, "Tick only the script"),
            ({"answer": ["a", "b", "c", "d"]}, 422, "more answers than the script"),
            ({"notes": "x" * 20_001}, 422, "at most 20000 characters"),
        ]
        for fields, status, message in bad:
            answer = await record(miles, charlie, **fields)
            assert answer.status_code == status, (fields, answer.status_code)
            assert message in answer.text, fields
        assert (await miles.get(f"/people/{charlie}/encounters/new/nope")).status_code == 404
        assert (await miles.get("/people/99999/encounters/new")).status_code == 404
        assert (await miles.get("/encounters/99999")).status_code == 404
        assert (await miles.get("/encounters/notanumber")).status_code == 404
        assert counts(url, TABLES) == before
    async with signed_in(programme, KENJI) as kenji:  # a mentor, but not Charlie's
        refused = await record(kenji, charlie)
        assert refused.status_code == 403
        assert "Only a mentor of Charlie can record an encounter with them." in refused.text
        assert (await kenji.get(f"/encounters/{created}")).status_code == 403
        assert (await kenji.get(f"/people/{charlie}/encounters")).status_code == 403
        assert (await kenji.get(f"/encounters/{created}/changes/stream")).status_code == 403
    assert counts(url, TABLES) == before


async def test_staff_add_scripts_that_mentors_then_use(programme):
    url = programme.env["DATABASE_URL"]
    await mentorship(programme, CHARLIE, MILES)
    charlie = user_id(url, CHARLIE)
    script = {
        "title": "Career change",
        "purpose": "Moving from one field to another.",
        "questions": "What do you want to leave behind?\nWhat do you bring along?",
        "checks": "A first step is chosen",
    }
    async with signed_in(programme, MILES) as miles:
        token = await csrf_token(miles, "/encounters/scripts")
        refused = await miles.post("/encounters/scripts", data={**script, "csrf_token": token})
        assert refused.status_code == 403 and "Only staff can add scripts" in refused.text
    async with signed_in(programme, SAM) as sam:
        token = await csrf_token(sam, "/encounters/scripts")
        empty = await sam.post("/encounters/scripts", data={"title": "", "csrf_token": token})
        assert empty.status_code == 422 and "Give the script a title." in empty.text
        added = await sam.post("/encounters/scripts", data={**script, "csrf_token": token})
        assert added.status_code == 303
        again = await sam.post("/encounters/scripts", data={**script, "csrf_token": token})
        assert again.status_code == 422 and "exists already" in again.text
    async with signed_in(programme, MILES) as miles:
        chooser = (await miles.get(f"/people/{charlie}/encounters/new")).text
        assert f'href="/people/{charlie}/encounters/new/career-change"' in chooser
        created = await record(
            miles, charlie, script="career-change", answer=["Nights on call."],
            checked=["A first step is chosen"],
        )  # fmt: skip
        page = (await miles.get(f"/encounters/{encounter_id(created)}")).text
        assert "Career change" in page and "Nights on call." in page


async def test_forgetting_someone_scrubs_them_from_others_encounters_and_questions(programme):
    url = programme.env["DATABASE_URL"]
    doc_id = await mentorship(programme, CHARLIE, MILES)
    charlie = user_id(url, CHARLIE)
    async with peer(programme.ws_url, doc_id, token=programme.token(CHARLIE)) as member:
        edits.add_item(member.doc, title="Kenji's kata", item_id="kata", assigned_by=KENJI)
        with database_of(programme) as engine:
            await rows_match(engine, doc_id, member.doc)
    async with signed_in(programme, MILES) as miles:
        notes = f"Kenji ({KENJI}) will pair with Charlie next week."
        created = encounter_id(await record(miles, charlie, notes=notes))
    async with signed_in(programme, CHARLIE) as asker:
        token = await csrf_token(asker, "/community")
        asked = await asker.post(
            "/community",
            data={"title": "Is Kenji's pairing style good for me?", "skills": "pair programming",
                  "csrf_token": token},
        )  # fmt: skip
        assert asked.status_code == 303
    mentions = [m for m in database_mentions(url, [KENJI, "Kenji"]) if "encounter" in m]
    assert mentions and any("baseline" in m for m in mentions)
    programme.cli("forget", KENJI)
    left = database_mentions(url, [KENJI, "Kenji"])
    assert not [m for m in left if m.startswith(("encounter", "community"))], left
    async with signed_in(programme, CHARLIE) as reader:
        page = (await reader.get(f"/encounters/{created}")).text
        assert "former member (former member) will pair with Charlie" in page
