"""Document writers: the offline template writer and an optional LLM writer."""

from __future__ import annotations

from .llm import LlmDocumentWriter
from .template import TemplateDocumentWriter

__all__ = ["LlmDocumentWriter", "TemplateDocumentWriter"]
