"""The file adapters on real files: reading generated resumes (pypdf, python-docx) and
laying out Markdown as PDF (fpdf2) and DOCX (python-docx), read back."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from resume_files import PRIYA, docx_headings, docx_table, pdf_single_column, pdf_two_columns
from skael_adapters.files import PdfDocxReader, PdfDocxRenderer
from skael_adapters.files.markdown import Run, blocks
from skael_core.errors import InvalidInput
from skael_core.files import ExportFormat, FileKind


@pytest.fixture(scope="module")
def renderer() -> PdfDocxRenderer:
    return PdfDocxRenderer()


async def test_a_two_column_docx_reads_one_column_after_the_other() -> None:
    text = await PdfDocxReader().text(FileKind.DOCX, docx_table(PRIYA))
    lines = text.splitlines()
    assert lines[0] == "PRIYA SHARMA"
    assert lines.index("LANGUAGES") < lines.index("EMPLOYMENT HISTORY")
    assert "- Hindi (native)" in lines  # a List Bullet paragraph
    assert "Acme Technologies | Jan 2021 – Present" in lines


async def test_a_docx_page_header_is_read_first() -> None:
    text = await PdfDocxReader().text(FileKind.DOCX, docx_headings(PRIYA))
    assert text.splitlines()[:2] == [
        "priya.sharma@example.com · +91 98765 43210 · Pune, India",
        "Priya Sharma",
    ]


async def test_pdf_layouts_keep_their_lines() -> None:
    reader = PdfDocxReader()
    single = (await reader.text(FileKind.PDF, pdf_single_column(PRIYA))).splitlines()
    assert "Senior Backend Engineer — Acme Technologies" in single
    assert "• Moved billing to PostgreSQL 15" in single
    columns = (await reader.text(FileKind.PDF, pdf_two_columns(PRIYA))).splitlines()
    assert columns.index("Skills") < columns.index("Work Experience")


async def test_a_pdf_locked_by_its_owner_only_is_read_and_a_long_one_is_not() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_single_column(PRIYA))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert "Priya Sharma" in await PdfDocxReader().text(FileKind.PDF, locked.getvalue())
    long = PdfWriter()
    for _ in range(3):
        long.add_blank_page(595, 842)
    out = io.BytesIO()
    long.write(out)
    with pytest.raises(InvalidInput, match="3 pages; at most 2"):
        await PdfDocxReader(max_pages=2).text(FileKind.PDF, out.getvalue())


def test_markdown_blocks_keep_headings_lists_and_emphasis() -> None:
    found = blocks("# Name\n\nSome **bold** and *it*.\n\n- one\n  - two\n\n3. three\n\n---\n")
    assert [(b.kind, b.level, b.marker, b.text) for b in found] == [
        ("heading", 1, "", "Name"),
        ("paragraph", 0, "", "Some bold and it."),
        ("item", 1, "•", "one"),
        ("item", 2, "•", "two"),
        ("item", 1, "3.", "three"),
        ("rule", 0, "", ""),
    ]
    assert found[1].runs == [
        Run("Some "),
        Run("bold", bold=True),
        Run(" and "),
        Run("it", italic=True),
        Run("."),
    ]


def _font_of_each_text(reader: PdfReader) -> dict[str, str]:
    seen: dict[str, str] = {}

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if text.strip() and font is not None:
            seen.setdefault(text.strip(), str(font["/BaseFont"]).rsplit("+", 1)[-1])

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return seen


async def test_a_pdf_keeps_the_styles_and_breaks_pages(renderer: PdfDocxRenderer) -> None:
    jobs = "\n".join(f"- Point number {i} about *work* done" for i in range(120))
    markdown = f"# Жанна Петрова\n\n## Experience\n\n{jobs}\n\nA **bold** close."
    pdf = await renderer.render(markdown, "Жанна Петрова - resume", ExportFormat.PDF)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    assert reader.metadata is not None and reader.metadata.title == "Жанна Петрова - resume"
    fonts = _font_of_each_text(reader)
    assert fonts["Жанна Петрова"] == "FiraSansBold"
    assert fonts["Experience"] == "FiraSansBold"
    assert fonts["work"] == "FiraSansItalic"
    assert fonts["bold"] == "FiraSansBold"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "• Point number 119 about work done" in text


async def test_a_docx_names_its_title(renderer: PdfDocxRenderer) -> None:
    out = await renderer.render("# Ana\n\nHi", "Ana - cover letter", ExportFormat.DOCX)
    document = docx.Document(io.BytesIO(out))
    assert document.core_properties.title == "Ana - cover letter"
    assert [p.text for p in document.paragraphs] == ["Ana", "Hi"]
