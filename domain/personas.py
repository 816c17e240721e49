"""The people of mentorHub's user stories, for demo data and tests.

`personas.json` beside this module holds them in the `mentorhub people import` format
(plus `mentees`, how many mentees each has now), and the user stories of the
micro-mentorship idea: each with its request or offer (in the `mentorhub match` format),
the person who must come first, and distractors with what makes each a worse choice
(one of DISTRACTOR_KINDS).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from domain.matching.people import (
    Ask,
    Profile,
    offer_from_dict,
    profile_from_dict,
    request_from_dict,
)

DISTRACTOR_KINDS = (
    "paused", "full", "other format", "far time zone", "related skill only", "fewer skills",
)  # fmt: skip


@dataclass(frozen=True)
class Story:
    """A user story: who asks what, who must be proposed first, and who must not beat them."""

    key: str
    story: str  # as the founding document tells it
    ask: Ask
    expected: str  # email of the person who must come first
    distractors: Mapping[str, str]  # email -> why they are worse: one of DISTRACTOR_KINDS


@dataclass(frozen=True)
class Personas:
    people: tuple[Profile, ...]
    stories: tuple[Story, ...]
    records: tuple[Mapping[str, Any], ...]  # the people as JSON entries, for an import

    def person(self, email: str) -> Profile:
        """The persona with this email (KeyError if there is none)."""
        for person in self.people:
            if person.email == email:
                return person
        raise KeyError(email)

    def story(self, key: str) -> Story:
        """The story with this key (KeyError if there is none)."""
        for story in self.stories:
            if story.key == key:
                return story
        raise KeyError(key)


@cache
def load_personas() -> Personas:
    """The personas and stories shipped with mentorHub, read once per process."""
    text = resources.files("domain").joinpath("personas.json").read_text("utf-8")
    data = json.loads(text)
    stories = []
    for entry in data["stories"]:
        ask = (
            request_from_dict(entry["request"])
            if "request" in entry
            else offer_from_dict(entry["offer"])
        )
        stories.append(
            Story(entry["key"], entry["story"], ask, entry["expected"], entry["distractors"])
        )
    return Personas(
        people=tuple(profile_from_dict(record) for record in data["people"]),
        stories=tuple(stories),
        records=tuple(data["people"]),
    )
