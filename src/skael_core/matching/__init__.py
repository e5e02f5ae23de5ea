"""Matching: skill vocabulary, job features, key requirements and the match score.

The vocabulary (skill aliases, role synonyms, seniority words) is data, in
``data/vocabulary.json``; the score's rules are documented in :mod:`.scorer`.
"""

from __future__ import annotations

from .features import ProfileFeatures, job_features, prepare_job, prepared, profile_features
from .key_info import extract_key_info
from .scorer import score_job
from .vocab import canonical_skill

__all__ = [
    "ProfileFeatures",
    "canonical_skill",
    "extract_key_info",
    "job_features",
    "prepare_job",
    "prepared",
    "profile_features",
    "score_job",
]
