"""The skill vocabulary: canonical skills, how people write them, and how they relate.

The vocabulary shipped with mentorHub lives in `vocabulary.toml` beside this module
(`load_vocabulary()` reads it once). Callers can extend it with the free tags their library
and curricula use (`Vocabulary.extended`).

A tag that names a known skill in any way (name, label, synonym, abbreviation, plural,
any case or punctuation: `K8s`, `Postgres`, `CI/CD`, `Microservices`) normalises to the
skill's canonical name. A tag that names no known skill is kept as a *free tag*, cleaned to
the same shape as canonical names (`Twelve Factor!` -> `twelve-factor`): people may tag
what the vocabulary does not know yet, and such tags still match each other exactly.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from domain.text import fold, plural_forms, term_key

MAX_TAG_LENGTH = 60
_FREE_TAG_JUNK = re.compile(r"[^\w+#.]+|_+")


class VocabularyError(ValueError):
    """The vocabulary data is inconsistent (a term claimed twice, a missing related skill)."""


class InvalidTag(ValueError):
    """A tag that cannot become a skill name (empty, or only punctuation)."""


@dataclass(frozen=True)
class Skill:
    """One skill of the vocabulary.

    `name` is canonical (lower-case, hyphenated: `ci-cd`); `label` is for people. `synonyms`
    are other ways of writing it, matched in any case. `exact` forms are everyday words too
    (`Go`, `React`) and match free text only as written; `ambiguous` forms (`C`, `R`) also
    need a neighbouring skill or a word like "programming". `related` holds neighbouring
    skills' names, both ways.
    """

    name: str
    label: str
    category: str = "other"
    synonyms: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """Every way of writing the skill that the vocabulary knows, name first."""
        return (self.name, self.label, *self.synonyms, *self.exact, *self.ambiguous)


@dataclass(frozen=True)
class TermIndex:
    """Lookup tables from folded terms to skill names, built once per vocabulary.

    `plain` maps a term key (a tuple of folded tokens) to a skill and is matched in any
    case; `guarded` maps an exact or ambiguous form, as written, to its skill and whether
    it always needs context. `any_case` is what tag lookup uses: every term and form.
    """

    plain: Mapping[tuple[str, ...], str]
    guarded: Mapping[str, tuple[str, bool]]
    any_case: Mapping[tuple[str, ...], str]
    prefixes: frozenset[tuple[str, ...]] = field(default=frozenset())  # of plain keys


def clean_tag(tag: str) -> str:
    """A free tag in canonical shape: folded, words joined by single hyphens, bounded length."""
    cleaned = _FREE_TAG_JUNK.sub("-", fold(tag).strip()).strip("-.")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:MAX_TAG_LENGTH].strip("-.")
    if not cleaned or not any(char.isalnum() for char in cleaned):
        raise InvalidTag(f"a skill needs a letter or a digit: {tag!r}")
    return cleaned


def _clean_or_empty(tag: str) -> str:
    try:
        return clean_tag(tag)
    except InvalidTag:
        return ""


class Vocabulary:
    """A set of skills with lookup by any of their terms. Immutable once built."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        by_name: dict[str, Skill] = {}
        for skill in skills:
            if skill.name in by_name:
                raise VocabularyError(f"skill {skill.name!r} is defined twice")
            by_name[skill.name] = skill
        self._skills = _with_symmetric_related(by_name)
        self._check_terms()

    def __contains__(self, name: object) -> bool:
        return name in self._skills

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills.values())

    def __len__(self) -> int:
        return len(self._skills)

    def get(self, name: str) -> Skill | None:
        """The skill with this canonical name, or None."""
        return self._skills.get(name)

    def label(self, name: str) -> str:
        """How to show a skill or free tag to people."""
        skill = self._skills.get(name)
        return skill.label if skill else name

    def related(self, name: str) -> tuple[str, ...]:
        """Canonical names of the skills related to `name` (empty for a free tag)."""
        skill = self._skills.get(name)
        return skill.related if skill else ()

    def lookup(self, tag: str) -> Skill | None:
        """The skill a tag names in any known way (any case, synonyms, plurals), or None."""
        name = self.index.any_case.get(term_key(tag))
        return self._skills[name] if name else None

    def normalise(self, tag: str) -> str:
        """The canonical name for a tag, or the tag cleaned as a free tag.

        Raises InvalidTag for a tag without any letter or digit.
        """
        skill = self.lookup(tag)
        return skill.name if skill else clean_tag(tag)

    def normalise_all(self, tags: Iterable[str]) -> tuple[str, ...]:
        """Canonical names for several tags, first occurrence kept, order kept."""
        return tuple(dict.fromkeys(self.normalise(tag) for tag in tags))

    def did_you_mean(self, tag: str, limit: int = 3) -> list[str]:
        """Canonical names of known skills spelled like an unknown tag (`kubernets`)."""
        wanted = " ".join(term_key(tag))
        close = difflib.get_close_matches(wanted, self._spellings, n=limit * 3, cutoff=0.8)
        return list(dict.fromkeys(self._spellings[spelling] for spelling in close))[:limit]

    @cached_property
    def _spellings(self) -> dict[str, str]:
        return {" ".join(term_key(term)): skill.name for skill in self for term in skill.terms}

    def extended(self, extra: Iterable[str | Skill]) -> Vocabulary:
        """This vocabulary plus more skills: free tags (names) or whole Skill records.

        A tag that already names a known skill adds nothing.
        """
        added: dict[str, Skill] = {}
        for entry in extra:
            if isinstance(entry, Skill):
                if entry.name not in self._skills:
                    added[entry.name] = entry
                continue
            if self.lookup(entry) is None:
                name = clean_tag(entry)
                added.setdefault(name, Skill(name=name, label=entry.strip(), category="free"))
        if not added:
            return self
        return Vocabulary([*self._skills.values(), *added.values()])

    @cached_property
    def index(self) -> TermIndex:
        """The term tables used by lookup and by suggestions."""
        plain: dict[tuple[str, ...], str] = {}
        guarded: dict[str, tuple[str, bool]] = {}
        any_case: dict[tuple[str, ...], str] = {}
        plurals: dict[tuple[str, ...], set[str]] = {}
        for skill in self._skills.values():
            guarded_keys = {term_key(form) for form in (*skill.exact, *skill.ambiguous)}
            for form in skill.exact:
                guarded[form] = (skill.name, False)
            for form in skill.ambiguous:
                guarded[form] = (skill.name, True)
            for term in skill.terms:
                key = term_key(term)
                any_case[key] = skill.name
                if key not in guarded_keys:
                    plain[key] = skill.name
                    for plural in plural_forms(key[-1]):
                        plurals.setdefault((*key[:-1], plural), set()).add(skill.name)
        every_guarded_key = {term_key(form) for form in guarded}
        for key, names in plurals.items():  # a plural two skills could claim is left out
            if len(names) == 1 and key not in any_case and key not in every_guarded_key:
                (name,) = names
                any_case[key] = name
                plain[key] = name
        prefixes = frozenset(key[:length] for key in plain for length in range(1, len(key) + 1))
        return TermIndex(plain=plain, guarded=guarded, any_case=any_case, prefixes=prefixes)

    def _check_terms(self) -> None:
        owner: dict[tuple[str, ...], str] = {}
        for skill in self._skills.values():
            if not skill.name or _clean_or_empty(skill.name) != skill.name:
                raise VocabularyError(f"skill name {skill.name!r} is not lower-case-hyphenated")
            for term in skill.terms:
                key = term_key(term)
                if not key:
                    raise VocabularyError(f"skill {skill.name!r} has an empty term {term!r}")
                claimed = owner.setdefault(key, skill.name)
                if claimed != skill.name:
                    raise VocabularyError(
                        f"term {term!r} belongs to both {claimed!r} and {skill.name!r}"
                    )


def _with_symmetric_related(skills: dict[str, Skill]) -> dict[str, Skill]:
    related: dict[str, dict[str, None]] = {name: {} for name in skills}
    for skill in skills.values():
        for other in skill.related:
            if other not in skills:
                raise VocabularyError(f"{skill.name!r} relates to unknown skill {other!r}")
            if other != skill.name:
                related[skill.name][other] = None
                related[other][skill.name] = None
    return {
        name: Skill(
            name=skill.name,
            label=skill.label,
            category=skill.category,
            synonyms=skill.synonyms,
            related=tuple(related[name]),
            exact=skill.exact,
            ambiguous=skill.ambiguous,
        )  # fmt: skip
        for name, skill in skills.items()
    }


def parse_vocabulary(text: str) -> Vocabulary:
    """A vocabulary from TOML text in the shape of `vocabulary.toml` (one table per field)."""
    data = tomllib.loads(text)
    skills = []
    for category, entries in data.items():
        for name, entry in entries.items():
            skills.append(
                Skill(
                    name=name,
                    label=entry.get("label", name),
                    category=category,
                    synonyms=tuple(entry.get("synonyms", ())),
                    related=tuple(entry.get("related", ())),
                    exact=tuple(entry.get("exact", ())),
                    ambiguous=tuple(entry.get("ambiguous", ())),
                )  # fmt: skip
            )
    return Vocabulary(skills)


@cache
def load_vocabulary() -> Vocabulary:
    """The vocabulary shipped with mentorHub, read once per process."""
    text = resources.files("domain.skills").joinpath("vocabulary.toml").read_text("utf-8")
    return parse_vocabulary(text)


def normalise_tag(tag: str) -> str:
    """The canonical name for a tag in the shipped vocabulary, or the cleaned free tag."""
    return load_vocabulary().normalise(tag)
