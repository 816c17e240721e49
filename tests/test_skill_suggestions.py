"""Skill suggestions from free text: what a reverse resume or a job ad names, and where."""

from __future__ import annotations

from typing import Any

from domain.skills import load_vocabulary, suggest_skills

SRE_AD = """\
Site Reliability Engineer - Platform team

You will keep our services fast and available. We run on Kubernetes (k8s) in AWS,
managed with Terraform, with postgres and Redis behind them. You will build CI/CD
pipelines, join the on-call rotation, write runbooks and blameless postmortems, and
define SLOs with product teams.

You have: Linux and shell scripting, Go or Python, Prometheus and Grafana, and you are
calm during incident response. Good judgement, going the extra mile and a sense of
humour are a plus. Go ahead and apply even if you lack R&D or C-level experience.
"""

EXPECTED = {
    "sre": ["Site Reliability Engineer"],
    "kubernetes": ["Kubernetes", "k8s"],
    "aws": ["AWS"],
    "terraform": ["Terraform"],
    "postgresql": ["postgres"],
    "redis": ["Redis"],
    "ci-cd": ["CI/CD"],
    "on-call": ["on-call", "runbooks"],
    "postmortems": ["blameless postmortems"],
    "slo": ["SLOs"],
    "linux": ["Linux"],
    "shell": ["shell scripting"],
    "go": ["Go"],
    "python": ["Python"],
    "prometheus": ["Prometheus"],
    "grafana": ["Grafana"],
    "incident-response": ["incident response"],
}


def _found(text: str, **options: Any) -> dict[str, list[str]]:
    return {s.skill: [m.phrase for m in s.mentions] for s in suggest_skills(text, **options)}


def test_an_sre_job_ad_gives_its_skills_with_the_phrases_that_named_them() -> None:
    suggestions = suggest_skills(SRE_AD)
    assert {s.skill: [m.phrase for m in s.mentions] for s in suggestions} == EXPECTED
    for suggestion in suggestions:
        for mention in suggestion.mentions:
            assert SRE_AD[mention.start : mention.end] == mention.phrase
    by_skill = {s.skill: s for s in suggestions}
    assert by_skill["kubernetes"].label == "Kubernetes"
    assert by_skill["postgresql"].phrase == "postgres"
    assert SRE_AD[by_skill["ci-cd"].start : by_skill["ci-cd"].end] == "CI/CD"
    assert [s.skill for s in suggestions][:3] == ["sre", "kubernetes", "aws"]  # text order


def test_common_words_do_not_fire_inside_or_as_words() -> None:
    text = (
        "Good goals keep us going. Go ahead and ask. Plan C failed, Vitamin C helped, "
        "and R&D and C-level people agreed. React quickly when asked. In Spring 2024 "
        "we will compose a letter, rest a little and excel at it. A good node of a graph. "
        "Her individual performance was a solid focus of the review."
    )
    assert _found(text) == {}


def test_short_names_fire_in_the_company_of_other_skills_or_of_a_qualifier() -> None:
    assert _found("Languages: C, C++, R and Python.") == {
        "c": ["C"], "cpp": ["C++"], "r": ["R"], "python": ["Python"],
    }  # fmt: skip
    assert _found("I write services in Go every day.") == {"go": ["Go"]}
    assert _found("Go programming for beginners.") == {"go": ["Go programming"]}
    assert _found("We use R for statistics.") == {"r": ["R"], "statistics": ["statistics"]}
    assert _found("Built the front end in React with TypeScript.") == {
        "frontend-development": ["front end"], "react": ["React"], "typescript": ["TypeScript"],
    }  # fmt: skip
    assert _found("Skills\n- Rust\n- Kotlin") == {"rust": ["Rust"], "kotlin": ["Kotlin"]}
    assert _found("Spring Boot services.") == {"spring": ["Spring Boot"]}


def test_case_plurals_and_punctuation_inside_terms_are_understood() -> None:
    found = _found("SREs run MICROSERVICES; ci / cd Pipelines; Machine Learning models.")
    assert found == {
        "sre": ["SREs"], "microservices": ["MICROSERVICES"], "ci-cd": ["ci / cd"],
        "machine-learning": ["Machine Learning"],
    }  # fmt: skip


def test_a_term_never_spans_a_comma_or_a_sentence() -> None:
    assert "machine-learning" not in _found("We build a machine, learning as we go.")
    assert "machine-learning" not in _found("A machine. Learning is fun.")


def test_the_longest_term_wins() -> None:
    assert _found("We maintain data pipelines.") == {"data-engineering": ["data pipelines"]}
    assert _found("Node.js and Vue.js") == {"nodejs": ["Node.js"], "vue": ["Vue.js"]}


def test_the_demo_reverse_resume_suggests_the_skills_of_its_goals() -> None:
    from collab.demo import APPOLLO_RESUME

    found = _found(APPOLLO_RESUME)
    assert found["slo"][0] == "service level objectives"
    assert found["github-actions"] == ["GitHub Actions"]
    assert found["deployment-strategies"] == ["zero-downtime deploys"]
    goal_skills = ("linux", "git", "python", "docker", "kubernetes", "postgresql", "prometheus")
    for skill in (*goal_skills, "grafana", "terraform", "incident-response", "postmortems"):
        assert skill in found, skill


def test_the_extra_vocabulary_adds_the_library_and_curricula_tags() -> None:
    text = "I ran experiments with the Chaos Toolkit and wrote about twelve-factor apps."
    assert "chaos-toolkit" not in _found(text)
    found = _found(text, extra_vocabulary=["chaos-toolkit"])
    assert found["chaos-toolkit"] == ["Chaos Toolkit"]
    assert found["software-architecture"] == ["twelve-factor"]


def test_skills_already_chosen_can_be_left_out() -> None:
    found = _found("Kubernetes, Terraform and postgres", exclude=["k8s", "Postgres"])
    assert found == {"terraform": ["Terraform"]}


def test_spans_stay_right_with_accents_and_other_scripts() -> None:
    text = "Résumé tips: Ünïcode first, then Kubernetes — and Python!"
    found = suggest_skills(text)
    assert [(s.skill, text[s.start : s.end]) for s in found] == [
        ("resume-writing", "Résumé"), ("kubernetes", "Kubernetes"), ("python", "Python"),
    ]  # fmt: skip


def test_an_empty_or_skill_free_text_suggests_nothing() -> None:
    assert suggest_skills("") == []
    assert suggest_skills("We had a lovely picnic by the river.") == []
    assert load_vocabulary().extended([]) is load_vocabulary()


def test_links_and_email_addresses_name_no_skill() -> None:
    text = (
        "Links: https://alex.web.app/ux-design and www.example.org/kubernetes, "
        "mail alex.python@example.org. I do UX research."
    )
    assert _found(text) == {"user-research": ["UX research"]}
