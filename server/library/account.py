"""What the library holds about a person, for their data export (/settings/export)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from storage.library_queries import get_resource, resources_added_by, reviews_by


def library_export(engine: Engine, user_id: int) -> dict[str, Any]:
    """Their reviews (with the resource's link) and the resources they added."""
    reviews = []
    for review in reviews_by(engine, user_id):
        resource = get_resource(engine, review.resource_id)
        reviews.append({
            "resource": resource.url if resource else None, "rating": review.rating,
            "text": review.text, "at": review.at.isoformat(),
            "edited_at": review.edited_at.isoformat() if review.edited_at else None,
        })  # fmt: skip
    added = [
        {"title": r.title, "url": r.url, "state": r.state, "visibility": r.visibility,
         "created_at": r.created_at.isoformat() if r.created_at else None}
        for r in resources_added_by(engine, user_id)
    ]  # fmt: skip
    return {"reviews": reviews, "resources_added": added}
