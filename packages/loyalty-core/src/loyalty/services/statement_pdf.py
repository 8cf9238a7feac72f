"""A points statement as a PDF (needs ``loyalty-core[pdf]``: fpdf2, and uharfbuzz to join
Sinhala, Tamil and Arabic/Urdu letters as they are written).

Fonts are embedded so the file prints the same anywhere: DejaVu Sans (the copy matplotlib
ships, else the system's) for Latin, Greek, Cyrillic and Arabic letters, and whatever script
fonts this computer has for the rest (Windows: Nirmala UI, Iskoola Pota, Segoe UI; Linux: Noto).
A character no font here can draw is listed in the answer, so the caller can say so.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import unicodedata
from collections.abc import Iterable
from datetime import date
from collections.abc import Sequence
from pathlib import Path


from loyalty.domain.errors import LoyaltyError
from loyalty.domain.statements import Statement
from loyalty.domain.wording import format_points
from loyalty.domain.wording import points_text
from loyalty.domain.statements import format_day


def _matplotlib_fonts() -> Path | None:
    """matplotlib's bundled fonts folder, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


def _windows_fonts() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def _first(paths: Iterable[Path | None]) -> Path | None:
    return next((p for p in paths if p is not None and p.is_file()), None)


def main_fonts() -> tuple[Path, Path | None]:
    """The regular and bold font of the statement's text."""
    mpl, system = _matplotlib_fonts(), Path("/usr/share/fonts/truetype/dejavu")
    regular = _first([mpl and mpl / "DejaVuSans.ttf", system / "DejaVuSans.ttf",
                      _windows_fonts() / "segoeui.ttf", _windows_fonts() / "arial.ttf"])
    if regular is None:
        raise LoyaltyError("No font to write the statement with was found.",
                           hint="Install matplotlib (it ships DejaVu Sans): "
                                "pip install 'loyalty-core[charts]'.")
    bold = _first([mpl and mpl / "DejaVuSans-Bold.ttf", system / "DejaVuSans-Bold.ttf",
                   _windows_fonts() / "segoeuib.ttf", _windows_fonts() / "arialbd.ttf"])
    return regular, bold


def script_fonts() -> list[Path]:
    """Fonts for scripts DejaVu Sans lacks, as installed on this computer: Sinhala, Tamil,
    Devanagari, and a fuller Arabic (Urdu) font."""
    windows, noto = _windows_fonts(), Path("/usr/share/fonts/truetype/noto")
    candidates = [
        windows / "Nirmala.ttc", windows / "Nirmala.ttf", windows / "iskpota.ttf",
        windows / "segoeui.ttf", windows / "tahoma.ttf",
        noto / "NotoSansSinhala-Regular.ttf", noto / "NotoSansTamil-Regular.ttf",
        noto / "NotoSansDevanagari-Regular.ttf", noto / "NotoNaskhArabic-Regular.ttf",
        Path("/Library/Fonts/Arial Unicode.ttf"),
    ]
    return [p for p in candidates if p.is_file()]


@functools.cache
def _characters(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(font, fontNumber=0, lazy=True) as ttf:
        return frozenset(ttf.getBestCmap())


def missing_characters(text: str, fonts: Sequence[Path]) -> list[str]:
    """The characters of ``text`` that none of ``fonts`` can draw."""
    covered = [_characters(f) for f in fonts]
    return sorted({ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "C"
                   and not any(ord(ch) in c for c in covered)})


def script_of(ch: str) -> str:
    """``'ක'`` -> ``'Sinhala'``: the first word of the character's Unicode name."""
    return unicodedata.name(ch, "UNKNOWN").split()[0].capitalize()


def statement_texts(statement: Statement) -> list[str]:
    """Every piece of text the statement prints, in the shop's locale."""
    return [statement.shop_name, statement.customer_name, statement.phone or "",
            *(line.reason for line in statement.lines)]


def write_statement_pdf(statement: Statement, path: Path, *,
                        fonts: Sequence[Path] | None = None) -> list[str]:
    """Write the statement to ``path`` as an A4 PDF. ``fonts`` (default: ``script_fonts()``)
    are tried, in order, for characters the main font lacks. Returns a sentence per script
    that no font here could draw (empty when every character was drawn)."""
    try:
        from fpdf import FPDF
        from fpdf.fonts import FontFace
    except ImportError:
        raise LoyaltyError("Writing a PDF needs fpdf2, which is not installed.",
                           hint="Install it with: pip install 'loyalty-core[pdf]'.") from None
    regular, bold = main_fonts()
    extra = list(script_fonts() if fonts is None else fonts)
    s, locale = statement, statement.locale

    pdf = FPDF(format="A4")
    pdf.set_title(f"Points statement: {s.customer_name}")
    pdf.set_creator(s.shop_name)
    pdf.add_font("main", fname=regular)
    pdf.add_font("main", style="B", fname=bold or regular)
    names = []
    for index, font in enumerate(extra):
        names.append(f"script{index}")
        pdf.add_font(names[-1], fname=font)

    def family(text: str) -> str:
        """The first font that draws all of ``text``: letters of one word stay joined."""
        for name, font in zip(["main", *names], [regular, *extra]):
            if not missing_characters(text, [font]):
                return name
        return "main"
    pdf.set_fallback_fonts(names, exact_match=False)
    if importlib.util.find_spec("uharfbuzz") is not None:
        pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_margins(18, 18, 18)
    pdf.set_y(18)

    def day(d: date) -> str:
        return format_day(d, locale)

    pdf.set_font(family(s.shop_name), "B" if family(s.shop_name) == "main" else "", 18)
    pdf.cell(0, 10, s.shop_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("main", "", 12)
    pdf.cell(0, 7, "Points statement", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family(s.customer_name), "B" if family(s.customer_name) == "main" else "", 13)
    pdf.cell(0, 8, s.customer_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("main", "", 10)
    since = day(s.since) if s.since else "the first entry"
    details = [f"Customer ID {s.customer_id}" + (f"  ·  {s.phone}" if s.phone else ""),
               f"From {since} to {day(s.until)}  ·  issued {day(s.issued_on)}"]
    for detail in details:
        pdf.cell(0, 6, detail, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    heading = FontFace(emphasis="BOLD", fill_color=(230, 233, 240))
    with pdf.table(col_widths=(28, 92, 27, 27), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT"),
                   headings_style=heading, line_height=7, padding=1.2) as table:
        table.row(("Date", "Reason", "Points", "Balance"))
        table.row(("", "Opening balance", "", format_points(s.opening, locale)))
        for line in s.lines:
            table.row((day(line.day), line.description,
                       format_points(line.points, locale, signed=True),
                       format_points(line.balance, locale)))
        table.row(("", "Closing balance", "", format_points(s.closing, locale)),
                  style=FontFace(emphasis="BOLD"))
    pdf.ln(5)
    pdf.set_font("main", "", 10)
    earned, spent = points_text(s.earned, locale), points_text(s.spent, locale)
    pdf.multi_cell(0, 6, (
        f"Earned {earned} and used {spent} in this period. The closing balance of "
        f"{points_text(s.closing, locale)} is worth {s.closing_value_text}."),
        align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    missing = missing_characters("".join(statement_texts(s)), [regular, *extra])
    scripts: dict[str, list[str]] = {}
    for ch in missing:
        scripts.setdefault(script_of(ch), []).append(ch)
    return [f"No font on this computer draws {script} letters ({''.join(chars[:5])}); "
            f"install a {script} font (e.g. Noto Sans {script}) to print them."
            for script, chars in scripts.items()]
