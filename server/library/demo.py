"""The demo library: real, free resources across the skills of the demo goals, and a
few reviews by the demo members, loaded by `mentorhub seed-demo` through the same
import as `mentorhub library import` (data: domain/library/demo_library.json)."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import Engine

from domain.library.exchange import read_library_file
from storage.library_figures import learn_links
from storage.library_queries import import_library

DEMO_FILE = "demo_library.json"


def seed_library(engine: Engine) -> list[str]:
    """Add the demo resources not in the library yet (existing ones are left as they
    are); what was created, for the console."""
    data = resources.files("domain.library").joinpath(DEMO_FILE).read_bytes()
    done = import_library(engine, read_library_file(data, "json"), update=False)
    learn_links(engine)  # the demo curricula's cards link to these resources
    if not done.added:
        return []
    return [f"the resource library: {done.added} resources, {done.reviews} reviews"]
