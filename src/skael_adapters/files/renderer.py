"""Documents laid out as PDF (fpdf2) and DOCX (python-docx) from their Markdown.

The PDF embeds its fonts, which come from PyPI packages, so every name prints on any
machine and no font is fetched: Fira Sans (``fontpkg-fira-sans``: Latin with its
accents, Greek, Cyrillic) in its regular, bold, italic and bold italic faces, and
Poppins (``fontpkg-poppins``) for Devanagari, which fpdf2 uses for the characters Fira
Sans lacks. Devanagari needs its letters shaped (conjuncts, vowel signs placed before
their consonant), which fpdf2 does with HarfBuzz (``uharfbuzz``); shaping costs time,
so it is switched on only for a document that holds such text.

The DOCX keeps the same structure as Word styles: the first-level heading is the
document's Title, deeper headings are Heading 1, 2, ...; list items are List Bullet or
List Number (by depth); bold and italic are run properties. A DOCX names its fonts and
the reader's word processor supplies them.

Both are built in a worker thread: a page of layout is CPU work that must not hold up
the event loop.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

from skael_core.files import ExportFormat
from skael_core.ports import DocumentRenderer

from .markdown import Block, Run, blocks

_STYLES = (("", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic"))
_HEADING_SIZES = {1: 20.0, 2: 13.5, 3: 11.5}
_BODY_SIZE = 10.0
_LINE = 5.0
_INDENT = 5.0


def _font_files(package: str, prefix: str) -> dict[str, Path]:
    module = __import__(package)
    root = Path(module.ROOT) / "files"
    return {style: root / f"{prefix}-{face}.ttf" for style, face in _STYLES}


def needs_shaping(text: str) -> bool:
    """Whether ``text`` holds Devanagari, whose letters must be shaped to print right."""
    return any("\u0900" <= c <= "\u097f" or "\ua8e0" <= c <= "\ua8ff" for c in text)


class PdfDocxRenderer(DocumentRenderer):
    """PDF with fpdf2 and packaged fonts; DOCX with python-docx."""

    def __init__(self) -> None:
        self.latin = _font_files("fontpkg_fira_sans", "FiraSans")
        self.devanagari = _font_files("fontpkg_poppins", "Poppins")
        missing = [p for p in (*self.latin.values(), *self.devanagari.values()) if not p.is_file()]
        if missing:
            raise RuntimeError(f"skael: font files are missing: {missing[0]}")

    async def render(self, markdown: str, title: str, format: ExportFormat) -> bytes:
        if format is ExportFormat.PDF:
            return await asyncio.to_thread(self.pdf, markdown, title)
        if format is ExportFormat.DOCX:
            return await asyncio.to_thread(self.docx, markdown, title)
        raise ValueError(f"not a format this renderer lays out: {format}")

    # ----------------------------------------------------------------------- PDF

    def pdf(self, markdown: str, title: str) -> bytes:
        from fpdf import FPDF

        pdf = FPDF(format="A4")
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(True, margin=16)
        for style, path in self.latin.items():
            pdf.add_font("Sans", style=style, fname=path)
        if needs_shaping(markdown) or needs_shaping(title):
            for style, path in self.devanagari.items():
                pdf.add_font("Devanagari", style=style, fname=path)
            pdf.set_fallback_fonts(["Devanagari"], exact_match=False)
            pdf.set_text_shaping(True)
        pdf.set_title(title)
        pdf.set_creator("Skael")
        pdf.add_page()
        for block in blocks(markdown):
            _draw(pdf, block)
        return bytes(pdf.output())

    # ----------------------------------------------------------------------- DOCX

    def docx(self, markdown: str, title: str) -> bytes:
        import docx

        document = docx.Document()
        document.core_properties.title = title
        document.core_properties.author = "Skael"
        styles = _StyleIds(document)
        for block in blocks(markdown):
            _add(document, block, styles)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _style(run: Run) -> str:
    return ("B" if run.bold else "") + ("I" if run.italic else "")


def _draw(pdf: Any, block: Block) -> None:
    margin = pdf.l_margin
    if block.kind == "rule":
        pdf.ln(2)
        pdf.line(margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)
        return
    if block.kind == "heading":
        size = _HEADING_SIZES.get(block.level, _BODY_SIZE + 0.5)
        pdf.ln(3 if block.level > 1 else 0)
        _write(pdf, block.runs, size, size * 0.5, bold=True)
        pdf.ln(size * 0.5 + 1)
        if block.level == 2:
            pdf.set_draw_color(160, 160, 160)
            pdf.line(margin, pdf.get_y() - 0.5, pdf.w - pdf.r_margin, pdf.get_y() - 0.5)
            pdf.ln(1.5)
        return
    if block.kind == "item":
        indent = margin + _INDENT * (block.level - 1)
        pdf.set_x(indent)
        pdf.set_font("Sans", size=_BODY_SIZE)
        pdf.cell(_INDENT, _LINE, block.marker)
        pdf.set_left_margin(indent + _INDENT)
        _write(pdf, block.runs, _BODY_SIZE, _LINE)
        pdf.set_left_margin(margin)
        pdf.ln(_LINE + 0.5)
        return
    _write(pdf, block.runs, _BODY_SIZE, _LINE)
    pdf.ln(_LINE + 1.5)


def _write(pdf: Any, runs: list[Run], size: float, height: float, bold: bool = False) -> None:
    for run in runs:
        style = _style(Run(run.text, run.bold or bold, run.italic))
        pdf.set_font("Sans", style=style, size=size)
        pdf.write(height, run.text)


class _StyleIds:
    """Paragraph style ids by name, each looked up once per document: python-docx looks a
    style name up through every style of the document on each paragraph otherwise."""

    def __init__(self, document: Any) -> None:
        self._styles = document.styles
        self._ids: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._ids:
            self._ids[name] = self._styles[name].style_id
        return self._ids[name]


def _style_name(block: Block) -> str | None:
    if block.kind == "heading":
        return "Title" if block.level == 1 else f"Heading {block.level - 1}"
    if block.kind == "item":
        name = "List Number" if block.marker[:1].isdigit() else "List Bullet"
        depth = min(block.level, 3)
        return name if depth == 1 else f"{name} {depth}"
    return None


def _add(document: Any, block: Block, styles: _StyleIds) -> None:
    paragraph = document.add_paragraph()
    name = _style_name(block)
    if name is not None:
        paragraph._p.get_or_add_pPr().style = styles[name]
    for run in block.runs:
        added = paragraph.add_run(run.text)
        added.bold = run.bold or None
        added.italic = run.italic or None
