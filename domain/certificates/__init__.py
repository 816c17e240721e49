"""Certificates anyone can verify: signed Open Badges 3.0 credentials, keys, revocation, PDF.

See docs/certificates.md for the format, the decisions and a stranger's verification.
"""

from collections.abc import Mapping
from typing import Any, Literal

from domain.certificates.credential import (
    Certificate,
    CertificateFacts,
    CredentialError,
    build_credential,
    issue,
    read_certificate,
)
from domain.certificates.issuer import Issuer, check_certificate_id
from domain.certificates.keys import (
    KeySetError,
    SigningKey,
    VerificationKey,
    current_key,
    generate_key,
    key_set_document,
    rotate,
)
from domain.certificates.proof import ProofError, canonical_json
from domain.certificates.readiness import GoalReadiness, readiness
from domain.certificates.status_list import StatusListError, status_list_credential
from domain.certificates.verify import Status, Verdict, parse_json, verify, verify_json


def certificate_pdf(
    credential: Mapping[str, Any], *, paper: Literal["A4", "Letter"] = "A4"
) -> bytes:
    """The printable PDF of a credential (`domain.certificates.pdf`); fpdf2 and its fonts
    are loaded on first use, not when the package is imported."""
    from domain.certificates.pdf import certificate_pdf as draw

    return draw(credential, paper=paper)


__all__ = [
    "Certificate",
    "CertificateFacts",
    "CredentialError",
    "GoalReadiness",
    "Issuer",
    "KeySetError",
    "ProofError",
    "SigningKey",
    "Status",
    "StatusListError",
    "Verdict",
    "VerificationKey",
    "build_credential",
    "canonical_json",
    "certificate_pdf",
    "check_certificate_id",
    "current_key",
    "generate_key",
    "issue",
    "key_set_document",
    "parse_json",
    "read_certificate",
    "readiness",
    "rotate",
    "status_list_credential",
    "verify",
    "verify_json",
]
