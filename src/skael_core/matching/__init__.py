"""Matching: skill vocabulary, job features, key requirements and the match score."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s_/]+")


def canonical_skill(name: str) -> str:
    """The canonical key of a skill name, in technology-slug form ("Apache Airflow" -> "apache-airflow")."""
    return _SEPARATORS.sub("-", name.strip().lower()).strip("-")
