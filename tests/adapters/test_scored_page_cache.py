"""The process's scored-page cache: bounded, least recently used out first."""

from __future__ import annotations

from skael_adapters.caches import MemoryScoredPageCache
from skael_core.model import Page, RankedJob


def page(total: int) -> Page[RankedJob]:
    return Page(items=[], total=total)


def test_keeps_pages_with_their_versions_up_to_its_size() -> None:
    cache = MemoryScoredPageCache(size=2)
    first, second, third = page(1), page(2), page(3)
    cache.put(b"a", "v1", first)
    cache.put(b"b", "v1", second)
    assert cache.get(b"a") == ("v1", first)  # now the most recently used
    cache.put(b"c", "v2", third)
    assert len(cache) == 2
    assert cache.get(b"b") is None
    assert cache.get(b"a") == ("v1", first)
    assert cache.get(b"c") == ("v2", third)


def test_a_newer_page_replaces_the_kept_one() -> None:
    cache = MemoryScoredPageCache(size=4)
    cache.put(b"a", "v1", page(1))
    newer = page(2)
    cache.put(b"a", "v2", newer)
    assert cache.get(b"a") == ("v2", newer) and len(cache) == 1
