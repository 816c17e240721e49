"""The certificate PDF: its text (read back with poppler's pdftotext), its paper sizes, any name."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.certificates import (
    CertificateFacts,
    CredentialError,
    Issuer,
    certificate_pdf,
    generate_key,
    issue,
)
from tests.conftest import require

ISSUER = Issuer("https://mentorhub.example")
KEY = generate_key(datetime(2026, 1, 5, tzinfo=UTC))
SIGNED_OFF = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def pdf_text(pdf: bytes, tmp_path: Path, *options: str) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", *options, str(path), "-"], capture_output=True, check=True, timeout=30
    )
    return " ".join(done.stdout.decode("utf-8").split())


def page_size_points(pdf: bytes, tmp_path: Path) -> tuple[float, float]:
    require(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils)")
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, timeout=30)
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout.decode())
    assert found, info.stdout
    assert re.search(r"Pages:\s+1\n", info.stdout.decode())
    return float(found.group(1)), float(found.group(2))


def certificate(member: str, *, criteria: tuple[str, ...] = ("Read a guide", "Build it")) -> dict:
    facts = CertificateFacts(
        certificate_id="Xy7-k2",
        member_name=member,
        goal="Ship a first web app",
        mentor_name="Ana Pérez",
        criteria=criteria,
    )
    return issue(facts, ISSUER, KEY, issued_at=SIGNED_OFF)


def test_the_pdf_holds_the_name_goal_mentor_date_issuer_and_verification_url(tmp_path):
    text = pdf_text(certificate_pdf(certificate("José Núñez")), tmp_path)
    assert "José Núñez" in text
    assert "Ship a first web app" in text
    assert "Signed off by Ana Pérez, mentor, on 2 March 2026" in text
    assert "Issued by mentorHub" in text
    assert "https://mentorhub.example/certificates/Xy7-k2" in text
    assert "Read a guide" in text and "Build it" in text


@pytest.mark.parametrize(
    "member",
    ["Zoë Ångström-Ñúñez", "李小龍", "山田 花子", "김민지", "Ольга Петрова", "Αλέξανδρος"],
)
def test_names_in_any_script_are_drawn_and_extractable(tmp_path, member):
    text = pdf_text(certificate_pdf(certificate(member)), tmp_path)
    assert member in text
    assert "https://mentorhub.example/certificates/Xy7-k2" in text


def test_a_name_no_bundled_font_covers_does_not_break_the_pdf(tmp_path):
    # Linear B has no glyph in either bundled font: the PDF is still made, the rest is legible.
    text = pdf_text(certificate_pdf(certificate("\U00010000 Ana")), tmp_path)
    assert "Ana" in text and "Ship a first web app" in text


@pytest.mark.parametrize(("paper", "size"), [("A4", (841.89, 595.28)), ("Letter", (792, 612))])
def test_one_landscape_page_on_a4_or_letter(tmp_path, paper, size):
    many_items = tuple(f"Item number {n} with a fairly long title to wrap" for n in range(30))
    pdf = certificate_pdf(certificate("Ana", criteria=many_items), paper=paper)
    width, height = page_size_points(pdf, tmp_path)
    assert (width, height) == pytest.approx(size, abs=0.5)
    text = pdf_text(pdf, tmp_path)
    assert "Item number 7" in text and "Item number 8 " not in text and "and 22 more" in text


def test_a_document_that_is_not_a_certificate_is_refused():
    with pytest.raises(CredentialError):
        certificate_pdf({"id": "https://mentorhub.example/certificates/x"})
    with pytest.raises(ValueError):
        certificate_pdf(certificate("Ana"), paper="A3")  # type: ignore[arg-type]
