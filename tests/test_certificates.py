"""Certificates: signed Open Badges 3.0 credentials that verify with only the JSON and the key."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.certificates import (
    CertificateFacts,
    Issuer,
    KeySetError,
    SigningKey,
    Status,
    StatusListError,
    current_key,
    generate_key,
    issue,
    key_set_document,
    read_certificate,
    rotate,
    status_list_credential,
    verify,
    verify_json,
)
from domain.certificates.encoding import multibase_decode, public_key_from_multibase
from domain.certificates.proof import add_proof, check_proof
from domain.certificates.status_list import MIN_ENTRIES, decode_list, encode_list

ISSUER = Issuer("https://mentorhub.example")
SIGNED_OFF = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FACTS = CertificateFacts(
    certificate_id="k3v9-Qa7",
    member_name="José Núñez 李小龍",
    goal="Ship a first web app",
    mentor_name="Ana Pérez",
    goal_description="Build and deploy a small web application.",
    criteria=["Read: HTTP basics", "Build a Flask app", "Deploy it"],
)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return generate_key(datetime(2026, 1, 5, tzinfo=UTC))


@pytest.fixture(scope="module")
def credential(key: SigningKey) -> dict:
    return issue(FACTS, ISSUER, key, issued_at=SIGNED_OFF, status_index=4242)


def published(*keys: SigningKey) -> dict:
    """The key set as a stranger gets it: JSON text over the wire, parsed."""
    return json.loads(json.dumps(key_set_document(ISSUER, keys)))


def test_the_credential_is_an_open_badge_with_the_goal_the_member_and_the_items(credential):
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["id"] == "https://mentorhub.example/certificates/k3v9-Qa7"
    assert credential["issuer"] == {
        "id": "did:web:mentorhub.example",
        "type": ["Profile"],
        "name": "mentorHub",
        "url": "https://mentorhub.example/",
    }
    assert credential["validFrom"] == "2026-03-02T09:30:00Z"
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "José Núñez 李小龍"
    assert subject["achievement"]["name"] == "Ship a first web app"
    assert "- Build a Flask app" in subject["achievement"]["criteria"]["narrative"]
    assert credential["evidence"][0]["name"] == "Signed off by Ana Pérez"
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"


def test_a_certificate_verifies_with_only_the_json_and_the_published_key(credential, key):
    text = json.dumps(credential, ensure_ascii=False, indent=2)
    verdict = verify_json(text.encode("utf-8"), published(key))
    assert verdict.status is Status.VALID and verdict.valid
    assert verdict.key_id == key.key_id


def test_a_changed_byte_anywhere_fails(credential, key):
    data = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    key_set = published(key)
    method = credential["proof"]["verificationMethod"].encode()
    start = data.index(method)
    in_method = range(start, start + len(method))
    unknown_key = 0
    for position in range(len(data)):
        changed = bytearray(data)
        changed[position] ^= 0x01
        verdict = verify_json(bytes(changed), key_set)
        # A changed key id names a key the issuer does not publish (unless it broke the JSON).
        allowed = (
            {Status.TAMPERED, Status.UNKNOWN_KEY} if position in in_method else {Status.TAMPERED}
        )
        assert verdict.status in allowed, (position, chr(data[position]), verdict)
        unknown_key += verdict.status is Status.UNKNOWN_KEY
    assert unknown_key > len(in_method) // 2


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Someone Else"),
        lambda c: c["credentialSubject"]["achievement"].update(name="Another goal"),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["issuer"].update(id="did:web:elsewhere.example"),
        lambda c: c.pop("credentialStatus"),
        lambda c: c.update(extra="added"),
        lambda c: c.update(extra=2**64),  # outside JCS's numbers: cannot have been signed
        lambda c: c["proof"].update(created="2026-03-03T00:00:00Z"),
        lambda c: c["proof"].update(proofValue=c["proof"]["proofValue"][:-2]),
        lambda c: c.pop("proof"),
        lambda c: c["@context"].append("https://example.org/more"),
    ],
)
def test_a_changed_field_reads_tampered(credential, key, change):
    changed = copy.deepcopy(credential)
    change(changed)
    assert verify(changed, published(key)).status is Status.TAMPERED


def test_a_key_the_issuer_does_not_publish_reads_unknown_key(credential, key):
    stranger = generate_key(SIGNED_OFF)
    forged = issue(FACTS, ISSUER, stranger, issued_at=SIGNED_OFF)
    verdict = verify(forged, published(key))
    assert verdict.status is Status.UNKNOWN_KEY
    assert verify(credential, published(stranger)).status is Status.UNKNOWN_KEY
    other_issuer = key_set_document(Issuer("https://other.example"), [key])
    assert verify(credential, other_issuer).status is Status.UNKNOWN_KEY


def test_rotation_keeps_old_certificates_verifiable(key):
    old = issue(FACTS, ISSUER, key, issued_at=SIGNED_OFF)
    keys = rotate([key], SIGNED_OFF + timedelta(days=30))
    assert current_key(keys) is keys[-1] and keys[-1].key_id != key.key_id
    new = issue(FACTS, ISSUER, current_key(keys), issued_at=SIGNED_OFF + timedelta(days=31))
    key_set = published(*keys)
    assert verify(old, key_set).key_id == key.key_id
    assert verify(new, key_set).key_id == keys[-1].key_id
    assert verify(old, key_set).valid and verify(new, key_set).valid
    # A retired key whose private half is gone still verifies from its public half.
    retired = published(key.verification_key(), keys[-1])
    assert verify(old, retired).valid
    # Withdrawing a (leaked) key from the set makes what it signed unknown.
    assert verify(old, published(keys[-1])).status is Status.UNKNOWN_KEY


def test_revoked_certificates_read_revoked_from_the_table_or_the_published_list(credential, key):
    key_set = published(key)
    assert verify(credential, key_set, revoked_ids={credential["id"]}).status is Status.REVOKED
    listing = status_list_credential(ISSUER, [4242], key, SIGNED_OFF + timedelta(days=2))
    listing = json.loads(json.dumps(listing))
    assert verify(credential, key_set, status_list=listing).status is Status.REVOKED
    others = status_list_credential(ISSUER, [7, 4241, 4243], key, SIGNED_OFF)
    assert verify(credential, key_set, status_list=others).status is Status.VALID
    # A changed certificate reads tampered even when it is also revoked.
    changed = copy.deepcopy(credential)
    changed["name"] = "Something else"
    assert verify(changed, key_set, status_list=listing).status is Status.TAMPERED


def test_a_revocation_list_not_signed_by_the_issuer_is_refused(credential, key):
    forged = status_list_credential(ISSUER, [], generate_key(SIGNED_OFF), SIGNED_OFF)
    with pytest.raises(StatusListError):
        verify(credential, published(key), status_list=forged)
    edited = status_list_credential(ISSUER, [], key, SIGNED_OFF)
    edited["credentialSubject"]["encodedList"] = encode_list([4242])
    with pytest.raises(StatusListError):
        verify(credential, published(key), status_list=edited)


def test_the_status_bitstring_follows_the_specification():
    bits = decode_list(encode_list([0, 9, MIN_ENTRIES - 1]))
    assert len(bits) == MIN_ENTRIES // 8
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
    assert sum(bin(byte).count("1") for byte in bits) == 3
    with pytest.raises(StatusListError):
        decode_list("u" + "A" * 40)


def test_the_private_key_survives_pem_storage_encrypted_or_not(key, credential):
    for password in (None, b"a long secret from the settings"):
        pem = key.private_key_pem(password)
        assert pem.startswith("-----BEGIN") and ("ENCRYPTED" in pem) == bool(password)
        loaded = SigningKey.from_pem(key.key_id, key.created, pem, password)
        again = issue(FACTS, ISSUER, loaded, issued_at=SIGNED_OFF, status_index=4242)
        assert again == credential  # Ed25519 is deterministic: the same key signs the same bytes
    with pytest.raises(ValueError):
        SigningKey.from_pem("key-20200101-00000000", key.created, key.private_key_pem())


def test_a_malformed_key_set_is_an_error_not_a_verdict(credential):
    with pytest.raises(KeySetError):
        verify(credential, {"id": ISSUER.did})


def test_the_w3c_eddsa_jcs_2022_test_vector_signs_and_verifies():
    """Test vector of W3C Data Integrity EdDSA Cryptosuites v1.0, eddsa-jcs-2022."""
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
    }
    public = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    secret = multibase_decode("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    assert secret[:2] == b"\x80\x26"  # multicodec ed25519-priv
    signed = add_proof(
        document,
        Ed25519PrivateKey.from_private_bytes(secret[2:]),
        f"https://vc.example/issuers/5678#{public}",
        datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC),
    )
    expected = (
        "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
    )
    assert signed["proof"]["proofValue"] == expected
    check_proof(signed, public_key_from_multibase(public))


def test_the_facts_read_back_from_the_credential(credential):
    certificate = read_certificate(credential)
    assert certificate.facts == FACTS
    assert certificate.issued_at == SIGNED_OFF
    assert certificate.url == "https://mentorhub.example/certificates/k3v9-Qa7"
    assert certificate.issuer_name == "mentorHub"


def test_the_issuer_is_a_did_web_resolving_to_its_key_set():
    assert ISSUER.key_set_url == "https://mentorhub.example/.well-known/did.json"
    local = Issuer("http://127.0.0.1:8000/")
    assert local.did == "did:web:127.0.0.1%3A8000"
    assert local.certificate_url("abc") == "http://127.0.0.1:8000/certificates/abc"
    under_path = Issuer("https://example.org/mentorhub")
    assert under_path.did == "did:web:example.org:mentorhub"
    assert under_path.key_set_url == "https://example.org/mentorhub/did.json"
    for bad in ("ftp://example.org", "https://example.org/?q=1", "example.org"):
        with pytest.raises(ValueError):
            Issuer(bad)


@pytest.mark.parametrize(
    "changes",
    [
        {"certificate_id": "../etc"},
        {"certificate_id": ""},
        {"member_name": "   "},
        {"goal": "x" * 301},
        {"mentor_name": "Ana\x00"},
        {"criteria": "not a list"},
    ],
)
def test_bad_facts_are_refused(changes):
    fields = {
        "certificate_id": "abc",
        "member_name": "Ana",
        "goal": "A goal",
        "mentor_name": "Bo",
        **changes,
    }
    with pytest.raises(ValueError):
        CertificateFacts(**fields)


def test_whitespace_in_facts_is_collapsed():
    facts = CertificateFacts("abc", "  Ana \n Li ", "A\tgoal", "Bo", criteria=[" one\n two "])
    assert (facts.member_name, facts.goal, facts.criteria) == ("Ana Li", "A goal", ("one two",))


def test_the_domain_modules_load_no_web_framework_database_or_server_code():
    probe = (
        "import sys, domain.badges, domain.certificates; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'starlette', 'sqlalchemy', 'sqlmodel', 'redis', 'server', 'storage', 'collab'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
