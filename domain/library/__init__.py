"""The shared resource library's rules: pure, no web, no SQL (see docs/library.md).

| module | what it holds |
| --- | --- |
| `urls.py` | `normalise_url`: one resource per link |
| `resources.py` | a resource's fields, levels, styles, visibility; checking a form or a row |
| `reviews.py` | ratings and short reviews |
| `query.py` | the search box's text as terms both databases understand |
| `ranking.py` | the order of search results, the same on every database |
| `figures.py` | median actual time, completion rate, ratings: definitions and sums |
| `exchange.py` | CSV and JSON files of resources, read and written |
"""

from .figures import Figures, MemberUse, Ratings, figures, median_minutes
from .query import SearchQuery, Term, parse_query
from .ranking import rank
from .resources import (
    FIELDS,
    LEVELS,
    STATES,
    STYLE_LABELS,
    STYLES,
    VISIBILITIES,
    NewResource,
    Resource,
    resource_from_fields,
)
from .reviews import MAX_REVIEW, RATINGS, Review, review_from_fields
from .urls import InvalidUrl, normalise_url, try_normalise

__all__ = [
    "FIELDS", "LEVELS", "MAX_REVIEW", "RATINGS", "STATES", "STYLES", "STYLE_LABELS", "VISIBILITIES",
    "Figures", "InvalidUrl", "MemberUse", "NewResource", "Ratings", "Resource", "Review",
    "SearchQuery", "Term", "figures", "median_minutes", "normalise_url", "parse_query", "rank",
    "resource_from_fields", "review_from_fields", "try_normalise",
]  # fmt: skip
