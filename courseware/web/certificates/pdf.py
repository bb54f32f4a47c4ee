"""A certificate as a one-page PDF, drawn with fpdf2 (pure Python: no system libraries, no fonts to install).

fpdf2's built-in Helvetica covers Latin-1; a name with other letters is written with their closest Latin-1 form
(accents dropped where needed, '?' for letters with none), while the HTML page shows the name exactly.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
                             # Latin letters that do not decompose into a base letter and an accent.
                             "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Œ": "OE",
                             "œ": "oe", "Ŧ": "T", "ŧ": "t"})


def latin1(text: str) -> str:
    """Text Helvetica can draw: Latin-1 kept, other letters by their decomposed base letter, else '?'."""
    out = []
    for char in text.translate(_TYPOGRAPHY):
        if ord(char) < 256:
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(base or "?")
    return "".join(out)


def certificate_pdf(*, holder: str, course: str, organisation: str, issued_on: date, expires_on: date | None,
                    code: str, verify_url: str) -> bytes:
    """The certificate: who, which course, when, and how to check it (the code and the verification address)."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(latin1(f"Certificate: {course}"))
    pdf.set_author(latin1(organisation))
    pdf.set_creator("Courseware")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    def line(text: str, size: int, style: str = "", height: float = 12, colour: tuple[int, int, int] = (29, 36, 48)) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, height, latin1(text), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_y(32)
    line(organisation, 14, "", 8, (91, 101, 116))
    line("Certificate of completion", 30, "B", 18, (31, 78, 121))
    pdf.ln(6)
    line("This certifies that", 14, "", 8, (91, 101, 116))
    line(holder, 28, "B", 16)
    line("has completed", 14, "", 8, (91, 101, 116))
    line(course, 20, "B", 12)
    pdf.ln(4)
    line(f"Issued on {issued_on.strftime('%d %B %Y').lstrip('0')}"
         + (f" - expires on {expires_on.strftime('%d %B %Y').lstrip('0')}" if expires_on else ""), 13, "", 8)
    pdf.set_y(168)
    line(f"Verification code: {code}", 13, "B", 7)
    line(f"Check it at {verify_url}", 11, "", 6, (91, 101, 116))
    return bytes(pdf.output())
