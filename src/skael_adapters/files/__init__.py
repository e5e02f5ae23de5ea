"""Files in and out: reading uploaded PDF and DOCX resumes (pypdf, python-docx), and
laying out documents as PDF (fpdf2, fonts from PyPI packages) and DOCX (python-docx)."""

from __future__ import annotations

from .reader import PdfDocxReader
from .renderer import PdfDocxRenderer

__all__ = ["PdfDocxReader", "PdfDocxRenderer"]
