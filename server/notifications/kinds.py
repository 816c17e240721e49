"""The kinds of notification, each of which a person can turn off.

A feature that sends a new kind registers it once, at import, beside the code that
sends it, and adds its email template `templates/email/<key>.txt`:

    register_kind(Kind("answer", "Someone answers your question",
                       "An email when someone answers a question you asked."))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str  # also the template's name: templates/email/<key>.txt
    label: str  # on the settings page
    description: str = ""
    optional: bool = True  # False: always sent (e.g. a welcome email), not on the settings page


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Add a kind (registering the same one twice is harmless; a different one is not)."""
    known = KINDS.get(kind.key)
    if known is not None and known != kind:
        raise ValueError(f"notification kind {kind.key!r} is registered already")
    KINDS[kind.key] = kind
    return kind


def optional_kinds() -> list[Kind]:
    """The kinds a person may turn off, in the order they were registered."""
    return [kind for kind in KINDS.values() if kind.optional]


register_kind(
    Kind(
        "proposal",
        "A member asks you to mentor them",
        "An email when a member sends you their request.",
    )
)
register_kind(
    Kind(
        "request_accepted",
        "A mentor accepts your request",
        "An email when a mentor accepts your request; it links to your curriculum.",
    )
)
register_kind(
    Kind(
        "request_declined",
        "A mentor declines your request",
        "An email with the mentor's note when they decline.",
    )
)
register_kind(
    Kind(
        "offer_taken",
        "A member takes up your offer",
        "An email when a member takes up one of your offers.",
    )
)
