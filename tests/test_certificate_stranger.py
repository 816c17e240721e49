"""The verification snippet in docs/certificates.md, run exactly as a stranger would run it."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import rfc8785

from domain.certificates import (
    CertificateFacts,
    Issuer,
    generate_key,
    issue,
    key_set_document,
    rotate,
    status_list_credential,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "certificates.md"
ISSUER = Issuer("https://mentorhub.example")
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def stranger() -> SimpleNamespace:
    return documented_snippet()


def documented_snippet() -> SimpleNamespace:
    """The documented snippet, run on its own; it imports only the stdlib and cryptography."""
    section = DOC.read_text(encoding="utf-8").split("## Verifying a certificate yourself", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    imported = set(re.findall(r"^(?:from|import) ([\w.]+)", code, re.MULTILINE))
    assert {name.split(".")[0] for name in imported} <= {
        "base64", "gzip", "hashlib", "json", "cryptography",
    }  # fmt: skip
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102 - the documented code itself
    return SimpleNamespace(**namespace)


def over_the_wire(document: dict) -> dict:
    return json.loads(json.dumps(document, ensure_ascii=False, indent=2))


def facts(name: str) -> CertificateFacts:
    return CertificateFacts(
        certificate_id="a1",
        member_name=name,
        goal="Ship a first web app \u2014 \u201cfor real\u201d",
        mentor_name="Ana P\u00e9rez",
        criteria=['Read "HTTP\\basics"', "Build it", "Deploy it \U0001f680"],
    )


NAMES = [
    "Jos\u00e9 N\u00fa\u00f1ez",
    "\u674e\u5c0f\u9f8d",
    "\u00c5sa \u00d8deg\u00e5rd",
    "Zo\u00eb \U0001f600",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_snippets_json_is_exactly_rfc_8785_on_certificates(stranger, name):
    credential = over_the_wire(issue(facts(name), ISSUER, generate_key(NOW), issued_at=NOW))
    assert stranger.jcs(credential) == rfc8785.dumps(credential)
    assert stranger.jcs(credential["proof"]) == rfc8785.dumps(credential["proof"])


@pytest.mark.parametrize("name", NAMES)
def test_a_stranger_verifies_a_certificate_with_the_json_and_the_key_set(stranger, name):
    key = generate_key(NOW)
    credential = over_the_wire(issue(facts(name), ISSUER, key, issued_at=NOW, status_index=9))
    key_set = over_the_wire(key_set_document(ISSUER, [key]))
    assert stranger.is_signed(credential, key_set) is True


def test_a_stranger_sees_a_changed_certificate_fail(stranger):
    key = generate_key(NOW)
    credential = over_the_wire(issue(facts("Ana"), ISSUER, key, issued_at=NOW))
    key_set = over_the_wire(key_set_document(ISSUER, [key]))
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    assert stranger.is_signed(changed, key_set) is False
    changed = copy.deepcopy(credential)
    changed["validFrom"] = "2025-03-02T09:30:00Z"
    assert stranger.is_signed(changed, key_set) is False
    other = over_the_wire(key_set_document(ISSUER, [generate_key(NOW)]))
    listed_not_published = {**other, "assertionMethod": key_set["assertionMethod"]}
    assert stranger.is_signed(credential, listed_not_published) is False
    assert stranger.is_signed(credential, other) is False


def test_a_stranger_verifies_old_certificates_after_rotation(stranger):
    keys = [generate_key(NOW - timedelta(days=400))]
    old = over_the_wire(issue(facts("Ana"), ISSUER, keys[0], issued_at=NOW - timedelta(days=300)))
    keys = rotate(keys, NOW)
    new = over_the_wire(issue(facts("Bo"), ISSUER, keys[-1], issued_at=NOW))
    key_set = over_the_wire(key_set_document(ISSUER, keys))
    assert stranger.is_signed(old, key_set) and stranger.is_signed(new, key_set)


def test_a_stranger_reads_revocation_from_the_published_list(stranger):
    key = generate_key(NOW)
    credential = over_the_wire(issue(facts("Ana"), ISSUER, key, issued_at=NOW, status_index=77))
    key_set = over_the_wire(key_set_document(ISSUER, [key]))
    revoked = over_the_wire(status_list_credential(ISSUER, [3, 77], key, NOW))
    assert stranger.is_revoked(credential, revoked, key_set) is True
    not_revoked = over_the_wire(status_list_credential(ISSUER, [3, 76, 78], key, NOW))
    assert stranger.is_revoked(credential, not_revoked, key_set) is False
    forged = over_the_wire(status_list_credential(ISSUER, [], generate_key(NOW), NOW))
    forged_set = over_the_wire(key_set_document(ISSUER, [key]))
    with pytest.raises(ValueError):
        stranger.is_revoked(credential, forged, forged_set)
