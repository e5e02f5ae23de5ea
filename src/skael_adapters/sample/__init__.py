"""The bundled sample job source: synthetic postings in Theirstack's shape, offline."""

from .source import SampleJobSource

__all__ = ["SampleJobSource"]
