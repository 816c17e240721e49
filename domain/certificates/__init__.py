"""Certificates anyone can verify: signed Open Badges 3.0 credentials, keys, revocation, PDF.

See docs/certificates.md for the format, the decisions and a stranger's verification.
"""

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
from domain.certificates.pdf import certificate_pdf
from domain.certificates.proof import ProofError, canonical_json
from domain.certificates.status_list import StatusListError, status_list_credential
from domain.certificates.verify import Status, Verdict, parse_json, verify, verify_json

__all__ = [
    "Certificate",
    "CertificateFacts",
    "CredentialError",
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
    "rotate",
    "status_list_credential",
    "verify",
    "verify_json",
]
