"""The shipped skill vocabulary: its size and consistency, and how tags normalise."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from collab.demo import APPOLLO_ITEMS, CHARLIE_ITEMS
from domain.skills import (
    InvalidTag,
    VocabularyError,
    clean_tag,
    load_vocabulary,
    normalise_tag,
    parse_vocabulary,
)
from domain.text import term_key


def _raw() -> dict[str, dict[str, dict[str, object]]]:
    text = resources.files("domain.skills").joinpath("vocabulary.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_the_vocabulary_holds_at_least_200_skills_of_the_field() -> None:
    vocabulary = load_vocabulary()
    assert len(vocabulary) >= 200
    fields = {skill.category for skill in vocabulary}
    for field in ("languages", "web", "data", "cloud-and-operations", "design", "careers",
                  "leadership-and-management", "business"):  # fmt: skip
        assert field in fields
    for name in ("kubernetes", "postgresql", "ci-cd", "coding-interviews", "recursion",
                 "onboarding", "engineering-management", "ux-design", "ui-design",
                 "graphic-design", "startups", "java", "public-speaking", "mentoring"):  # fmt: skip
        assert name in vocabulary, name


def test_every_name_is_canonical_and_every_skill_has_a_label() -> None:
    for skill in load_vocabulary():
        assert skill.name == clean_tag(skill.name), skill.name
        assert skill.name == skill.name.lower()
        assert skill.label.strip(), skill.name


def test_no_term_points_at_two_skills() -> None:
    """Read the data file directly, so this holds whatever the loader does."""
    owner: dict[tuple[str, ...], str] = {}
    clashes = []
    for entries in _raw().values():
        for name, entry in entries.items():
            terms = [name, entry["label"], *entry.get("synonyms", []), *entry.get("exact", []),
                     *entry.get("ambiguous", [])]  # fmt: skip
            for term in terms:
                key = term_key(str(term))
                if owner.setdefault(key, name) != name:
                    clashes.append((term, owner[key], name))
    assert clashes == []


def test_every_related_skill_exists_and_relations_go_both_ways() -> None:
    names = {name for entries in _raw().values() for name in entries}
    for entries in _raw().values():
        for name, entry in entries.items():
            for other in entry.get("related", []):
                assert other in names, f"{name} relates to unknown {other}"
    vocabulary = load_vocabulary()
    for skill in vocabulary:
        for other in skill.related:
            assert skill.name in vocabulary.related(other)
    assert {"algorithms", "coding-interviews"} <= set(vocabulary.related("recursion"))


def test_a_term_claimed_twice_or_an_unknown_relation_is_refused() -> None:
    with pytest.raises(VocabularyError, match="belongs to both"):
        parse_vocabulary(
            '[x]\nkubernetes = { label = "Kubernetes", synonyms = ["k8s"] }\n'
            'k3s = { label = "K3s", synonyms = ["K8s"] }\n'
        )
    with pytest.raises(VocabularyError, match="unknown skill"):
        parse_vocabulary('[x]\nrecursion = { label = "Recursion", related = ["algorithms"] }\n')
    with pytest.raises(VocabularyError, match="lower-case"):
        parse_vocabulary('[x]\n"Big Data" = { label = "Big data" }\n')


@pytest.mark.parametrize(
    ("tag", "skill"),
    [("k8s", "kubernetes"), ("K8S", "kubernetes"), ("Kubernetes", "kubernetes"),
     ("postgres", "postgresql"), ("psql", "postgresql"), ("PostgreSQL", "postgresql"),
     ("CI/CD", "ci-cd"), ("ci cd", "ci-cd"), ("Continuous Integration", "ci-cd"),
     ("js", "javascript"), ("JS", "javascript"), ("C++", "cpp"), ("c#", "csharp"),
     (".NET", "dotnet"), ("Go", "go"), ("golang", "go"), ("R", "r"),
     ("Microservices", "microservices"), ("startup", "startups"), ("SREs", "sre"),
     ("Site Reliability Engineering", "sre"), ("first 90 days", "onboarding"),
     ("coding interview", "coding-interviews"), ("UX", "ux-design"), ("UI", "ui-design"),
     ("Graphic Design", "graphic-design"), ("people management", "engineering-management"),
     ("  Recursion  ", "recursion"), ("Résumés", "resume-writing")],
)  # fmt: skip
def test_a_tag_normalises_to_its_canonical_skill(tag: str, skill: str) -> None:
    assert normalise_tag(tag) == skill


def test_an_unknown_tag_is_kept_as_a_cleaned_free_tag() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.lookup("Yak Shaving!") is None
    assert vocabulary.normalise("Yak  Shaving!") == "yak-shaving"
    assert vocabulary.normalise("__Quantum__Knitting__") == "quantum-knitting"
    assert len(vocabulary.normalise("a" * 500)) == 60
    assert vocabulary.label("yak-shaving") == "yak-shaving"
    for empty in ("", "   ", "!!!", "---"):
        with pytest.raises(InvalidTag):
            vocabulary.normalise(empty)


def test_normalising_several_tags_removes_duplicates_and_keeps_order() -> None:
    tags = ["k8s", "Terraform", "Kubernetes", "kubernetes", "postgres", "Yak shaving"]
    assert load_vocabulary().normalise_all(tags) == (
        "kubernetes", "terraform", "postgresql", "yak-shaving",
    )  # fmt: skip


def test_did_you_mean_offers_known_skills_for_a_misspelled_tag() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.did_you_mean("kubernets") == ["kubernetes"]
    assert vocabulary.did_you_mean("recurson") == ["recursion"]
    assert vocabulary.did_you_mean("terafrom") == ["terraform"]
    assert vocabulary.did_you_mean("quantum knitting") == []


def test_extending_adds_free_tags_and_ignores_known_ones() -> None:
    vocabulary = load_vocabulary()
    extended = vocabulary.extended(["Chaos Toolkit", "k8s"])
    assert len(extended) == len(vocabulary) + 1
    assert extended.normalise("chaos toolkit") == "chaos-toolkit"
    assert vocabulary.extended(["k8s", "Postgres"]) is vocabulary


def test_every_tag_of_the_demo_curricula_names_a_known_skill() -> None:
    vocabulary = load_vocabulary()
    tags = {tag for row in (*APPOLLO_ITEMS, *CHARLIE_ITEMS) for tag in row[5]}
    assert [tag for tag in sorted(tags) if vocabulary.lookup(tag) is None] == []
