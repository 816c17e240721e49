"""The library's pure rules: one resource per link, the fields, the search terms, the
figures, and the files - tested directly, no server, no database."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.library import (
    InvalidUrl,
    MemberUse,
    Ratings,
    Resource,
    figures,
    normalise_url,
    parse_query,
    rank,
    resource_from_fields,
    review_from_fields,
)
from domain.library.exchange import read_library_file, write_library_file


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("HTTPS://Docs.Python.org/3/tutorial/", "https://docs.python.org/3/tutorial"),
        ("https://docs.python.org:443/3/tutorial", "https://docs.python.org/3/tutorial"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org/?", "https://example.org/"),
        ("https://Example.ORG./a/", "https://example.org/a"),
        ("https://example.org/a/./b/../c//", "https://example.org/a/c"),
        ("https://example.org/a?utm_source=news&utm_medium=mail&id=7&fbclid=x", "https://example.org/a?id=7"),
        ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),  # order kept
        ("https://example.org/a?gclid=1&UTM_Campaign=z", "https://example.org/a"),
        ("https://example.org/page#section-3", "https://example.org/page"),
        ("https://example.org/#/lesson/3", "https://example.org/#/lesson/3"),  # an app's route
        ("https://example.org/#!/lesson", "https://example.org/#!/lesson"),
        ("https://example.org/%7Euser/%2f", "https://example.org/~user/%2F"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("  https://example.org/x  ", "https://example.org/x"),
        ("https://example.org/CaseKept", "https://example.org/CaseKept"),
    ],
)  # fmt: skip
def test_one_link_has_one_normal_form(written: str, normal: str) -> None:
    assert normalise_url(written) == normal
    assert normalise_url(normal) == normal


def test_http_and_https_and_www_stay_apart() -> None:
    links = ["http://example.org/a", "https://example.org/a", "https://www.example.org/a"]
    assert len({normalise_url(link) for link in links}) == 3


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "ftp://example.org/", "javascript:alert(1)", "https://", "https://ex ample.org/",
     "https://example.org:99999999/", "example.org/page", "https://example.org/" + "a" * 2001],
)  # fmt: skip
def test_what_is_not_a_resource_link_is_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(InvalidUrl) as refused:
        normalise_url(bad)
    assert str(refused.value)


_hosts = st.sampled_from(["example.org", "Example.ORG", "docs.python.org", "127.0.0.1"])
_segments = st.lists(st.sampled_from(["a", "B", ".", "..", "", "%7e", "x y", "%2f"]), max_size=5)
_params = st.lists(st.sampled_from(["utm_source=x", "id=1", "q=%41", "fbclid=2", "p"]), max_size=4)


@given(
    st.sampled_from(["http", "HTTPS"]), _hosts, st.sampled_from(["", ":80", ":443", ":8080"]),
    _segments, _params, st.sampled_from(["", "#top", "#/route"]),
)  # fmt: skip
def test_normalising_twice_changes_nothing(scheme, host, port, segments, params, fragment):
    written = f"{scheme}://{host}{port}/{'/'.join(segments)}".replace(" ", "%20")
    written += ("?" + "&".join(params) if params else "") + fragment
    once = normalise_url(written)
    assert normalise_url(once) == once
    assert "utm_" not in once and "fbclid" not in once and "#top" not in once


FIELDS = {
    "title": "  Learn Kubernetes Basics ", "url": "https://Kubernetes.io/docs/tutorials/kubernetes-basics/",
    "kind": "course", "level": "beginner", "style": "hands-on", "skills": "K8s, containers, k8s",
    "estimate_minutes": "360", "description": "Six modules.",
}  # fmt: skip


def test_a_resource_from_a_form_is_normalised() -> None:
    resource, errors = resource_from_fields(FIELDS)
    assert errors == {} and resource is not None
    assert resource.title == "Learn Kubernetes Basics"
    assert resource.url == "https://kubernetes.io/docs/tutorials/kubernetes-basics"
    assert resource.skills == ("kubernetes", "containers")  # the goals' vocabulary, once each
    assert resource.estimate_minutes == 360 and resource.visibility == "shared"


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("title", "x" * 201), ("url", "not a link"), ("kind", "podcast"),
     ("level", "expert"), ("level", ""), ("style", "osmosis"), ("skills", "!!!"),
     ("skills", ",".join(f"s{n}" for n in range(31))), ("estimate_minutes", "-5"),
     ("estimate_minutes", "1.5"), ("estimate_minutes", "100001"), ("description", "x" * 2001),
     ("visibility", "secret"), ("title", "nul\x00byte"), ("description", "\ud800"),
     ("title", ["a list"])],
)  # fmt: skip
def test_each_bad_field_is_named_with_a_message(field: str, value: object) -> None:
    resource, errors = resource_from_fields({**FIELDS, field: value})
    assert resource is None and list(errors) == [field] and errors[field]


def test_reviews_need_a_rating_from_one_to_five() -> None:
    assert review_from_fields({"rating": "4", "text": " Good. "}) == (4, "Good.", {})
    for bad in ("0", "6", "", "four", None, True, 2.5):
        rating, _, errors = review_from_fields({"rating": bad})
        assert rating is None and "rating" in errors
    assert "text" in review_from_fields({"rating": 3, "text": "x" * 1001})[2]


def test_the_search_box_reads_like_a_web_search() -> None:
    query = parse_query('"art of slos" -video kube')
    [group] = query.groups
    assert [(t.words, t.negated, t.prefix) for t in group] == [
        (("art", "of", "slos"), False, False),
        (("video",), True, False),
        (("kube",), False, True),  # still being typed: a prefix
    ]
    assert not parse_query("kube ").groups[0][0].prefix  # a space ends the word
    assert [len(g) for g in parse_query("python or go").groups] == [1, 1]
    assert parse_query("the of and").empty  # stop words alone ask for nothing
    assert parse_query("-video").empty  # nothing but exclusions: nothing to find
    assert parse_query("ci-cd").groups[0][0].words == ("ci", "cd")  # a phrase of its words
    assert not parse_query("go or kube").groups[1][0].prefix  # prefixes only stand alone


def _resource(n: int, title: str, skills: tuple[str, ...] = (), description: str = "") -> Resource:
    return Resource(
        title=title, url=f"https://example.org/{n}", kind="article", level="beginner",
        style="reading", skills=skills, estimate_minutes=None, description=description, id=n,
    )  # fmt: skip


def test_ranking_prefers_titles_then_skills_then_descriptions() -> None:
    candidates = [
        _resource(1, "Cooking for engineers", description="Recursion in the kitchen."),
        _resource(2, "Trees and graphs", skills=("recursion",)),
        _resource(3, "Recursion for beginners"),
    ]
    assert [r.id for r in rank(parse_query("recursion "), candidates)] == [3, 2, 1]
    assert [r.id for r in rank(parse_query(""), candidates)] == [1, 3, 2]  # by title


def test_figures_follow_the_definitions() -> None:
    uses = [
        MemberUse(1), MemberUse(1, True, 30),  # member 1: on the curriculum, finished in 30
        MemberUse(2, True, 90), MemberUse(2, True, None),  # a later finish without a time
        MemberUse(3, True, 60), MemberUse(3, True, 45),  # the latest timed finish counts
        MemberUse(4),  # took it up, not finished
        MemberUse(5, True, None),  # finished, time unknown: counts for completion only
    ]  # fmt: skip
    found = figures(uses)
    assert (found.members, found.finished, found.completion_percent) == (5, 4, 80)
    assert (found.median_minutes, found.timed) == (45, 3)  # median of 30, 90, 45
    assert figures([]).completion_percent is None and figures([]).median_minutes is None
    assert Ratings.of([5, 4, 4]) == Ratings(3, 4.3)


CSV = (
    "title,url,kind,level,style,skills,estimate_minutes,description\r\n"
    "Pro Git,https://git-scm.com/book/en/v2/,book,beginner,reading,git,480,The Git book\r\n"
    '"SQLBolt, lessons",https://sqlbolt.com/,exercise,beginner,hands-on,"sql, postgres",180,\r\n'
)


def test_files_round_trip_as_csv_and_json() -> None:
    read = read_library_file(CSV.encode("utf-8-sig"), "csv")
    assert read.errors == [] and [r.resource.title for r in read.rows] == [
        "Pro Git", "SQLBolt, lessons",
    ]  # fmt: skip
    assert read.rows[1].resource.skills == ("sql", "postgresql")
    resources = [Resource(**vars(row.resource), id=row.row) for row in read.rows]
    for format in ("csv", "json"):
        again = read_library_file(write_library_file(resources, format).encode(), format)
        assert [r.resource for r in again.rows] == [r.resource for r in read.rows], format


def test_a_spreadsheet_formula_is_written_inert_and_read_back_as_it_was() -> None:
    resource, _ = resource_from_fields({**FIELDS, "title": "=HYPERLINK(1)"})
    assert resource is not None
    text = write_library_file([Resource(**vars(resource))], "csv")
    assert "'=HYPERLINK(1)" in text
    assert read_library_file(text.encode(), "csv").rows[0].resource.title == "=HYPERLINK(1)"


def test_every_problem_of_a_file_is_listed_by_row() -> None:
    rows = [
        {**FIELDS, "level": "expert"},
        {**FIELDS, "url": "https://example.org/ok"},
        {**FIELDS, "url": "https://EXAMPLE.org/ok/", "title": ""},
        {**FIELDS, "url": "https://example.org/ok#again"},
        "not an object",
    ]
    found = read_library_file(json.dumps(rows).encode(), "json")
    assert found.errors == [
        "Row 1, level: The level must be one of beginner, intermediate, advanced.",
        "Row 3, title: Give the resource a title.",
        "Row 4, url: the same link as row 2.",
        "Row 5: a resource must be an object with named fields.",
    ]
    assert (
        read_library_file(b"title,colour\r\nx,red\r\n", "csv")
        .errors[0]
        .startswith("Unknown column 'colour'")
    )
    assert read_library_file(b"\xff\xfe", "csv").errors == ["The file is not UTF-8 text."]
    assert read_library_file(b"{", "json").errors[0].startswith("The JSON cannot be read")
    extra = b"title,url,level,style\r\nx,https://example.org/,beginner,video,surplus\r\n"
    assert read_library_file(extra, "csv").errors == [
        "Row 1: more cells than the header has columns."
    ]
    assert read_library_file(b"[" * 100_000, "json").errors[0].startswith("The JSON cannot")
    nul = read_library_file(b"title,url\r\nx\x00,https://example.org/\r\n", "csv").errors
    assert nul and ("cannot be read" in nul[0] or "title" in nul[0])
