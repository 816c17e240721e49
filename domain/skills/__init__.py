"""Skills: the shipped vocabulary, suggestions from free text, and coverage of goals.

    from domain.skills import load_vocabulary, suggest_skills, coverage

See docs/skills.md.
"""

from domain.skills.coverage import (
    GoalCoverage,
    GoalRef,
    ItemRef,
    SkillCoverage,
    coverage,
    unserved_skills,
)
from domain.skills.suggestions import Mention, Suggestion, suggest_skills
from domain.skills.vocabulary import (
    InvalidTag,
    Skill,
    Vocabulary,
    VocabularyError,
    clean_tag,
    load_vocabulary,
    normalise_tag,
    parse_vocabulary,
)

__all__ = [
    "GoalCoverage",
    "GoalRef",
    "InvalidTag",
    "ItemRef",
    "Mention",
    "Skill",
    "SkillCoverage",
    "Suggestion",
    "Vocabulary",
    "VocabularyError",
    "clean_tag",
    "coverage",
    "load_vocabulary",
    "normalise_tag",
    "parse_vocabulary",
    "suggest_skills",
    "unserved_skills",
]
