"""A labelled set of clear-cut pairs: for each profile, job A fits clearly better than B.

The pairs in ``tests/data/match_pairs.json`` span professions (software, nursing,
accounting, sales, teaching, logistics, design, ...) and countries (Germany, India, the
US, the UK, Brazil, Japan, Canada); each names its reason. At least 95% must be ordered
right by ``score_job``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest

from skael_core.matching import prepare_job, profile_features, score_job
from skael_core.model import Job, Profile

PAIRS = Path(__file__).parent.parent / "data" / "match_pairs.json"
REQUIRED_ACCURACY = 0.95


def load() -> tuple[date, list[dict[str, Any]]]:
    data = json.loads(PAIRS.read_text())
    return date.fromisoformat(data["today"]), data["pairs"]


def ordered_right(pair: dict[str, Any], today: date) -> tuple[bool, int, int]:
    person = profile_features(msgspec.convert(pair["profile"], Profile))
    a = score_job(person, prepare_job(msgspec.convert(pair["job_a"], Job)), today)
    b = score_job(person, prepare_job(msgspec.convert(pair["job_b"], Job)), today)
    return a.score > b.score, a.score, b.score


def test_the_labelled_set_is_broad() -> None:
    _, pairs = load()
    assert len(pairs) >= 40
    assert len({p["profession"] for p in pairs}) >= 7
    assert {"DE", "IN", "US", "GB", "BR", "JP"} <= {p["country"] for p in pairs}
    assert all(p["reason"] for p in pairs)


def test_score_job_orders_at_least_95_percent_of_pairs_right(
    capsys: pytest.CaptureFixture[str],
) -> None:
    today, pairs = load()
    results = [(pair["id"], *ordered_right(pair, today)) for pair in pairs]
    wrong = [r for r in results if not r[1]]
    accuracy = 1 - len(wrong) / len(results)
    right = len(results) - len(wrong)
    with capsys.disabled():
        print(f"\nmatch pairs ordered right: {accuracy:.1%} ({right}/{len(results)})")
    assert accuracy >= REQUIRED_ACCURACY, f"wrongly ordered: {wrong}"
