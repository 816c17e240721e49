"""Timings of the certificate functions: signing, verifying, the revocation list and the PDF.

Run: .venv/bin/python bench/certificates.py   (prints the median of repeated calls)
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from domain.certificates import (
    CertificateFacts,
    Issuer,
    certificate_pdf,
    generate_key,
    issue,
    key_set_document,
    status_list_credential,
    verify,
    verify_json,
)

ISSUER = Issuer("https://mentorhub.example")
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
KEY = generate_key(NOW)
KEY_SET = key_set_document(ISSUER, [KEY])
REVOKED = range(0, 131_072, 97)  # 1,352 revoked certificates


def certificate(name: str) -> dict:
    facts = CertificateFacts(
        "k3v9-Qa7", name, "Ship a first web app", "Ana Pérez", criteria=["Read", "Build", "Ship"]
    )
    return issue(facts, ISSUER, KEY, issued_at=NOW, status_index=4242)


def median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    latin, cjk = certificate("José Núñez"), certificate("김민지 李小龍")
    text = json.dumps(latin)
    listing = status_list_credential(ISSUER, REVOKED, KEY, NOW)
    rows = [
        ("issue (sign) a certificate", median_ms(lambda: certificate("José Núñez"), 300)),
        ("verify_json a certificate", median_ms(lambda: verify_json(text, KEY_SET), 300)),
        (
            "verify against the revocation list",
            median_ms(lambda: verify(latin, KEY_SET, status_list=listing), 100),
        ),
        (
            "sign the revocation list (1,352 revoked)",
            median_ms(lambda: status_list_credential(ISSUER, REVOKED, KEY, NOW), 30),
        ),
        ("PDF, Latin name", median_ms(lambda: certificate_pdf(latin), 10)),
        ("PDF, Korean and Chinese name", median_ms(lambda: certificate_pdf(cjk), 10)),
    ]
    print("| operation | median |\n| --- | --- |")
    for name, milliseconds in rows:
        print(f"| {name} | {milliseconds:.2f} ms |")
    print(f"\nPDF sizes: {len(certificate_pdf(latin))} and {len(certificate_pdf(cjk))} bytes")


if __name__ == "__main__":
    main()
