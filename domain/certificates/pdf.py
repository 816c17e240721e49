"""The printable PDF of a certificate, drawn with fpdf2 from the signed credential itself.

The PDF shows what the credential states (member, goal, date, the mentor who
signed off, the issuer) and the verification URL, on one landscape A4 or Letter
page. Fonts ship with the package (`fonts/`, with their licences): DejaVu Sans
for Latin, Greek and Cyrillic, and WenQuanYi Micro Hei for Chinese, Japanese and
Korean, used per glyph where DejaVu has none. Scripts that need shaping
(Arabic, Indic) are drawn unshaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from fpdf.fonts import TTFFont

from domain.certificates.credential import Certificate, read_certificate

FONTS = Path(__file__).parent / "fonts"
PaperSize = Literal["A4", "Letter"]
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MAX_ITEMS = 8  # items listed by name; the rest are counted


def long_date(day: date) -> str:
    """`2 March 2026`, the same whatever the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _document(paper: PaperSize, certificate: Certificate) -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format=paper)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    facts = certificate.facts
    texts = [facts.member_name, facts.goal, facts.mentor_name, certificate.issuer_name]
    texts += facts.criteria
    regular, bold = (cast(TTFFont, pdf.fonts[name]) for name in ("dejavu", "dejavuB"))
    covered = regular.cmap.keys() & bold.cmap.keys()
    if any(ord(ch) not in covered for text in texts for ch in text):
        # The CJK font is 4.6 MB: loaded and subset only when a name needs it.
        pdf.add_font("CJKFallback", "", str(FONTS / "WenQuanYiMicroHei.ttf"))
        pdf.set_fallback_fonts(["CJKFallback"], exact_match=False)
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(f"Certificate: {certificate.facts.goal}")
    pdf.set_author(certificate.issuer_name)
    pdf.set_subject(f"{certificate.facts.member_name} reached {certificate.facts.goal}")
    pdf.set_creator("mentorHub")
    pdf.set_lang("en")
    pdf.set_creation_date(certificate.issued_at)
    return pdf


@dataclass(frozen=True)
class _Block:
    text: str
    size: float  # points
    bold: bool = False
    gap: float = 2  # mm after the block
    link: str = ""
    colour: tuple[int, int, int] = (20, 20, 20)


def _blocks(certificate: Certificate) -> list[_Block]:
    facts = certificate.facts
    accent = (40, 70, 120)
    blocks = [
        _Block(certificate.issuer_name, 13, bold=True, gap=4, colour=accent),
        _Block("Certificate of achievement", 26, bold=True, gap=9, colour=accent),
        _Block("This certifies that", 12),
        _Block(facts.member_name, 24, bold=True, gap=4),
        _Block("has reached the goal", 12),
        _Block(facts.goal, 18, bold=True, gap=5),
    ]
    if facts.criteria:
        shown = list(facts.criteria[:_MAX_ITEMS])
        if len(facts.criteria) > _MAX_ITEMS:
            shown.append(f"and {len(facts.criteria) - _MAX_ITEMS} more")
        blocks.append(_Block("by completing: " + " \u00b7 ".join(shown), 9.5, gap=6))
    signed_on = long_date(certificate.issued_at.date())
    return [
        *blocks,
        _Block(f"Signed off by {facts.mentor_name}, mentor, on {signed_on}", 12),
        _Block(f"Issued by {certificate.issuer_name} \u00b7 {certificate.issuer_url}", 10, gap=9),
        _Block("Check this certificate at", 10, gap=0, colour=accent),
        _Block(certificate.url, 11, gap=0, link=certificate.url, colour=accent),
    ]


def _draw(pdf: FPDF, block: _Block, *, dry_run: bool = False) -> float:
    """Draw one centred block (or only measure it); its height in mm with the gap after it."""
    pdf.set_font("DejaVu", "B" if block.bold else "", block.size)
    pdf.set_text_color(*block.colour)
    height = pdf.multi_cell(
        0,
        block.size * 0.5,
        block.text,
        align=Align.C,
        link=block.link,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        dry_run=dry_run,
        output=MethodReturnValue.HEIGHT,
    )
    if not dry_run:
        pdf.ln(block.gap)
    return cast(float, height) + block.gap


def certificate_pdf(credential: Mapping[str, Any], *, paper: PaperSize = "A4") -> bytes:
    """The PDF bytes of a certificate; CredentialError if the credential is not one."""
    if paper not in ("A4", "Letter"):
        raise ValueError("paper is A4 or Letter")
    certificate = read_certificate(credential)
    pdf = _document(paper, certificate)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(0.8)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    blocks = _blocks(certificate)
    total = sum(_draw(pdf, block, dry_run=True) for block in blocks)
    pdf.set_y(max(pdf.t_margin, (pdf.h - total) / 2))
    for block in blocks:
        _draw(pdf, block)
    return bytes(pdf.output())
