"""An import collects garbage less often, and leaves collection as it found it."""

from __future__ import annotations

import gc

import pytest

from skael_web import cli


@pytest.fixture(autouse=True)
def nothing_frozen() -> None:
    """Start with no frozen objects (a web app started earlier in this process froze its
    start-up objects); unfreezing only hands them back to the collector."""
    gc.unfreeze()


def test_an_import_collects_young_objects_less_often_and_restores_the_settings() -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with cli._few_collections():
        assert gc.get_threshold() == (cli.IMPORT_GC_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0  # what existed before is left out of collections
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_the_settings_come_back_when_the_import_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), cli._few_collections():
        raise RuntimeError("a failed import")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_before_the_import_is_kept() -> None:
    gc.freeze()
    try:
        kept = gc.get_freeze_count()
        with cli._few_collections():
            pass
        assert gc.get_freeze_count() >= kept
    finally:
        gc.unfreeze()
