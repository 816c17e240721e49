"""Certificates as Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0).

`issue` turns what the server knows about a signed-off goal into a signed
`OpenBadgeCredential`: the issuer's profile, `validFrom`, the member (an
`IdentityObject` of type `name`, since members have no DID), the achievement
(name = the goal, its description, and as criteria the items that served it),
the mentor's sign-off as evidence, and optionally a revocation-list entry.
`read_certificate` reads those facts back for pages and the PDF.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.certificates.issuer import Issuer, check_certificate_id
from domain.certificates.keys import SigningKey, sign
from domain.certificates.proof import timestamp, utc
from domain.certificates.status_list import VC_CONTEXT, status_entry

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
SIGN_OFF_GENRE = "Mentor sign-off"
_SIGNED_OFF_BY = "Signed off by "
_LIMITS = {"member_name": 200, "goal": 300, "goal_description": 2000, "mentor_name": 200}
MAX_CRITERIA = 200


class CredentialError(ValueError):
    """A document that does not hold a mentorHub certificate's facts."""


def clean_text(text: str, what: str, limit: int, *, required: bool = True) -> str:
    """`text` with runs of whitespace made one space; ValueError if empty, too long or odd."""
    if not isinstance(text, str):
        raise ValueError(f"{what} must be text")
    cleaned = " ".join(text.split())
    if required and not cleaned:
        raise ValueError(f"{what} must not be empty")
    if len(cleaned) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cleaned):
        raise ValueError(f"{what} holds control characters")
    return cleaned


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states. Text is cleaned (whitespace collapsed) on creation."""

    certificate_id: str
    member_name: str
    goal: str
    mentor_name: str
    goal_description: str = ""
    criteria: Sequence[str] = field(default_factory=tuple)  # the items that served the goal

    def __post_init__(self) -> None:
        check_certificate_id(self.certificate_id)
        for name, limit in _LIMITS.items():
            value = clean_text(
                getattr(self, name),
                name.replace("_", " "),
                limit,
                required=name != "goal_description",
            )
            object.__setattr__(self, name, value)
        if isinstance(self.criteria, str) or len(self.criteria) > MAX_CRITERIA:
            raise ValueError(f"criteria is a list of at most {MAX_CRITERIA} item titles")
        items = tuple(clean_text(item, "a criterion", 300) for item in self.criteria)
        object.__setattr__(self, "criteria", items)


def _default_description(goal: str) -> str:
    return f"Reached the goal \u201c{goal}\u201d."


def _description(facts: CertificateFacts) -> str:
    return facts.goal_description or _default_description(facts.goal)


def _criteria_narrative(criteria: Sequence[str]) -> str:
    if not criteria:
        return "Every item serving the goal was done."
    return "\n".join(f"- {item}" for item in criteria)


def build_credential(
    facts: CertificateFacts, issuer: Issuer, issued_at: datetime, status_index: int | None = None
) -> dict[str, Any]:
    """The unsigned credential (what `issue` signs)."""
    url = issuer.certificate_url(facts.certificate_id)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": url,
        "type": list(CREDENTIAL_TYPE),
        "name": facts.goal,
        "description": (
            f"{facts.member_name} reached the goal \u201c{facts.goal}\u201d, "
            f"signed off by {facts.mentor_name}."
        ),
        "issuer": issuer.profile(),
        "validFrom": timestamp(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": facts.member_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": f"{url}#achievement",
                "type": ["Achievement"],
                "name": facts.goal,
                "description": _description(facts),
                "criteria": {"narrative": _criteria_narrative(facts.criteria)},
            },
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "genre": SIGN_OFF_GENRE,
                "name": _SIGNED_OFF_BY + facts.mentor_name,
                "narrative": (
                    f"{facts.mentor_name}, a mentor of {facts.member_name}, confirmed "
                    "that every item serving the goal was done."
                ),
            }
        ],
    }
    if status_index is not None:
        credential["credentialStatus"] = status_entry(issuer, status_index)
    return credential


def issue(
    facts: CertificateFacts,
    issuer: Issuer,
    key: SigningKey,
    *,
    issued_at: datetime,
    status_index: int | None = None,
) -> dict[str, Any]:
    """The signed certificate: an OpenBadgeCredential with an `eddsa-jcs-2022` proof by `key`.

    `status_index` is the certificate's place in the revocation list (see
    `status_list`); without it the certificate can only be revoked on mentorHub's
    own page, not in the published list.
    """
    return sign(build_credential(facts, issuer, issued_at, status_index), issuer, key, issued_at)


@dataclass(frozen=True)
class Certificate:
    """The facts of a credential, read back for display (page, PDF)."""

    facts: CertificateFacts
    issued_at: datetime
    issuer_name: str
    issuer_url: str
    url: str  # the verification page, also the credential's id


def _get(mapping: Any, *path: str | int) -> Any:
    value = mapping
    for step in path:
        if isinstance(step, int):
            ok = isinstance(value, list) and len(value) > step
        else:
            ok = isinstance(value, Mapping) and step in value
        if not ok:
            raise CredentialError("missing " + ".".join(str(part) for part in path))
        value = value[step]
    return value


def read_certificate(credential: Mapping[str, Any]) -> Certificate:
    """The facts a mentorHub credential states (its proof is not checked here)."""
    url = _get(credential, "id")
    if not isinstance(url, str) or "/certificates/" not in url:
        raise CredentialError("the credential's id is not a certificate URL")
    subject = _get(credential, "credentialSubject")
    names = [
        item["identityHash"]
        for item in _get(subject, "identifier")
        if isinstance(item, Mapping)
        and item.get("identityType") == "name"
        and isinstance(item.get("identityHash"), str)
    ]
    sign_offs = [
        item.get("name", "")
        for item in credential.get("evidence") or []
        if isinstance(item, Mapping) and item.get("genre") == SIGN_OFF_GENRE
    ]
    narrative = _get(subject, "achievement", "criteria", "narrative")
    criteria = [line[2:] for line in str(narrative).splitlines() if line.startswith("- ")]
    description = _get(subject, "achievement", "description")
    goal = _get(subject, "achievement", "name")
    try:
        issued_at = utc(datetime.fromisoformat(_get(credential, "validFrom")))
        facts = CertificateFacts(
            certificate_id=url.rsplit("/", 1)[-1],
            member_name=names[0] if names else "",
            goal=goal,
            mentor_name=sign_offs[0].removeprefix(_SIGNED_OFF_BY) if sign_offs else "",
            goal_description="" if description == _default_description(goal) else description,
            criteria=criteria,
        )
        issuer_name = _get(credential, "issuer", "name")
        issuer_url = _get(credential, "issuer", "url")
    except (TypeError, ValueError) as error:
        raise CredentialError(f"not a mentorHub certificate: {error}") from error
    return Certificate(facts, issued_at, str(issuer_name), str(issuer_url), url)
