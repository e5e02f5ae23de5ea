"""Resume files made by the tests themselves: PDF (fpdf2) and DOCX (python-docx), two
layouts each, and bad files (encrypted, scanned, not what they claim, a zip bomb)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import fontpkg_fira_sans
from docx.shared import Pt
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

FONTS = Path(fontpkg_fira_sans.ROOT) / "files"


@dataclass(frozen=True)
class Person:
    """What a generated resume says, so a test can compare the parser's answer with it."""

    name: str
    headline: str
    email: str
    phone: str
    place: str
    summary: str
    jobs: tuple[tuple[str, str, str, str, tuple[str, ...]], ...]
    """(title, employer, from, to, bullets), newest first."""
    school: tuple[str, str, str]
    """(degree, institution, years)."""
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    extra: dict[str, str] = field(default_factory=dict)


PRIYA = Person(
    name="Priya Sharma",
    headline="Senior Backend Engineer",
    email="priya.sharma@example.com",
    phone="+91 98765 43210",
    place="Pune, India",
    summary="Backend engineer with a taste for clean APIs, PostgreSQL and calm on-call weeks.",
    jobs=(
        (
            "Senior Backend Engineer",
            "Acme Technologies",
            "Jan 2021",
            "Present",
            ("Built Python and Django services on Kubernetes", "Moved billing to PostgreSQL 15"),
        ),
        (
            "Software Developer",
            "Globex Pvt Ltd",
            "Jun 2017",
            "Dec 2020",
            ("Node.js APIs and React front ends", "Cut page load times by 40%"),
        ),
    ),
    school=("B.Tech Computer Science", "Indian Institute of Technology Bombay", "2013 – 2017"),
    skills=("Python", "Django", "PostgreSQL", "Kubernetes", "Node.js", "React", "Airflow"),
    languages=("English (fluent)", "Hindi (native)", "Marathi"),
)

ANNA = Person(
    name="Anna Kuznetsova",
    headline="Data Analyst",
    email="anna.k@example.org",
    phone="+49 30 1234567",
    place="Berlin, Germany",
    summary="Analyst who turns messy spreadsheets into dashboards people use.",
    jobs=(
        (
            "Data Analyst",
            "Globex GmbH",
            "03/2019",
            "08/2023",
            ("SQL reporting in Tableau", "Python (pandas) pipelines for finance"),
        ),
        ("Junior Analyst", "Initech AG", "2016", "2019", ("Excel models and VBA macros",)),
    ),
    school=(
        "Master of Science, Applied Mathematics",
        "Lomonosov Moscow State University",
        "2014 – 2016",
    ),
    skills=("SQL", "Python", "Tableau", "Excel", "Power BI"),
    languages=("Russian (native)", "English (C1)", "German (B2)"),
)


def _fonts(pdf: FPDF) -> None:
    for style, face in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Fira", style=style, fname=FONTS / f"FiraSans-{face}.ttf")


def pdf_single_column(p: Person) -> bytes:
    """Name on top, contact line, then sections one under the other, bullets as •."""
    pdf = FPDF()
    _fonts(pdf)
    pdf.add_page()
    pdf.set_font("Fira", "B", 20)
    pdf.cell(0, 10, p.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Fira", "", 12)
    pdf.cell(0, 7, p.headline, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Fira", "", 9)
    pdf.cell(0, 6, f"{p.email} | {p.phone} | {p.place}", new_x="LMARGIN", new_y="NEXT")

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("Fira", "B", 13)
        pdf.cell(0, 8, text.upper(), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Fira", "", 10)

    def line(text: str) -> None:
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    heading("Summary")
    line(p.summary)
    heading("Experience")
    for title, employer, start, end, bullets in p.jobs:
        pdf.set_font("Fira", "B", 10)
        line(f"{title} — {employer}")
        pdf.set_font("Fira", "I", 10)
        line(f"{start} – {end}")
        pdf.set_font("Fira", "", 10)
        for bullet in bullets:
            line(f"• {bullet}")
    heading("Education")
    line(f"{p.school[0]}, {p.school[1]}, {p.school[2]}")
    heading("Skills")
    line(", ".join(p.skills))
    heading("Languages")
    line(", ".join(p.languages))
    return bytes(pdf.output())


def pdf_two_columns(p: Person) -> bytes:
    """A grey sidebar (contact, skills, languages) beside the main column (summary,
    experience with employer and dates on one line and the title under it, education)."""
    pdf = FPDF()
    _fonts(pdf)
    pdf.add_page()
    pdf.set_fill_color(235, 235, 235)
    pdf.rect(0, 0, 65, 297, style="F")
    pdf.set_left_margin(8)
    pdf.set_right_margin(210 - 60)
    pdf.set_xy(8, 15)
    pdf.set_font("Fira", "B", 16)
    pdf.multi_cell(52, 8, p.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Fira", "", 9)
    for text in (p.email, p.phone, p.place):
        pdf.multi_cell(52, 5, text, new_x="LMARGIN", new_y="NEXT")
    for title, items in (("Skills", p.skills), ("Languages", p.languages)):
        pdf.ln(4)
        pdf.set_font("Fira", "B", 11)
        pdf.multi_cell(52, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Fira", "", 9)
        for item in items:
            pdf.multi_cell(52, 5, f"- {item}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_left_margin(72)
    pdf.set_right_margin(12)
    pdf.set_xy(72, 15)

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("Fira", "B", 12)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Fira", "", 10)

    heading("Profile")
    pdf.multi_cell(0, 5, f"{p.headline}. {p.summary}", new_x="LMARGIN", new_y="NEXT")
    heading("Work Experience")
    for title, employer, start, end, bullets in p.jobs:
        pdf.set_font("Fira", "B", 10)
        pdf.cell(80, 5, employer)
        pdf.set_font("Fira", "", 10)
        pdf.cell(0, 5, f"{start} - {end}", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Fira", "I", 10)
        pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Fira", "", 10)
        for bullet in bullets:
            pdf.multi_cell(0, 5, f"• {bullet}", new_x="LMARGIN", new_y="NEXT")
    heading("Education")
    pdf.multi_cell(0, 5, p.school[1], new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, f"{p.school[0]}   {p.school[2]}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_headings(p: Person) -> bytes:
    """Word's own styles: contact details in the page header, Title, Heading 1 sections,
    List Bullet items."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"{p.email} · {p.phone} · {p.place}"
    document.add_heading(p.name, level=0)
    document.add_paragraph(p.headline)
    document.add_heading("Professional Summary", level=1)
    document.add_paragraph(p.summary)
    document.add_heading("Experience", level=1)
    for title, employer, start, end, bullets in p.jobs:
        heading = document.add_paragraph()
        heading.add_run(f"{title} at {employer}").bold = True
        document.add_paragraph(f"{start} – {end}").runs[0].italic = True
        for bullet in bullets:
            document.add_paragraph(bullet, style="List Bullet")
    document.add_heading("Education", level=1)
    document.add_paragraph(f"{p.school[0]} — {p.school[1]} ({p.school[2]})")
    document.add_heading("Technical Skills", level=1)
    for skill in p.skills:
        document.add_paragraph(skill, style="List Bullet")
    document.add_heading("Languages", level=1)
    document.add_paragraph(", ".join(p.languages))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_table(p: Person) -> bytes:
    """A two-column table: the sidebar (name, contact, skills, languages) in the left
    cell, the main column (experience with "Employer | dates" then the title, education)
    in the right one."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    side, main = table.rows[0].cells
    side.paragraphs[0].text = p.name.upper()
    side.paragraphs[0].runs[0].font.size = Pt(18)
    for text in (p.headline, p.email, p.phone, p.place, "", "SKILLS"):
        side.add_paragraph(text)
    side.add_paragraph(" · ".join(p.skills))
    side.add_paragraph("LANGUAGES")
    for language in p.languages:
        side.add_paragraph(language, style="List Bullet")
    main.paragraphs[0].text = "EMPLOYMENT HISTORY"
    for title, employer, start, end, bullets in p.jobs:
        main.add_paragraph(f"{employer} | {start} – {end}")
        main.add_paragraph(title)
        for bullet in bullets:
            main.add_paragraph(bullet, style="List Bullet")
    main.add_paragraph("EDUCATION")
    main.add_paragraph(f"{p.school[1]}, {p.school[2]}")
    main.add_paragraph(p.school[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- bad files


def encrypted_pdf(p: Person = PRIYA) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_single_column(p))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page with only shapes on it, as a scanner's image would be: no text layer."""
    pdf = FPDF()
    pdf.add_page()
    for row in range(30):
        pdf.set_fill_color(20 + row * 7, 20, 20)
        pdf.rect(20, 20 + row * 8, 120 - row * 2, 4, style="F")
    return bytes(pdf.output())


def zip_bomb_docx(expanded: int = 40 * 1024 * 1024) -> bytes:
    """A DOCX whose parts unpack to ``expanded`` bytes (zeros compress a thousandfold)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<w:document>" + b" " * expanded + b"</w:document>")
    return out.getvalue()


def zip_not_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("notes.txt", "just a zip archive")
    return out.getvalue()
