"""Worker processes decode, map and prepare an export exactly as one process would."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skael_adapters import parallel_import as parallel
from skael_adapters.importer import ImportFileError, ImportItem, iter_postings
from skael_adapters.parallel_import import ImportPool, ImportWorkerError, PreparedItem
from skael_core import matching
from support import process_gone

DATA = Path(__file__).parents[1] / "data" / "theirstack"
RESPONSE = DATA / "search_response_60_jobs.json"


def postings() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(RESPONSE.read_text())["data"]
    return data


def prepared(item: ImportItem) -> PreparedItem:
    job = None if item.job is None else matching.prepared(item.job)
    return PreparedItem(position=item.position, where=item.where, job=job, error=item.error)


def in_one_process(path: Path) -> list[PreparedItem]:
    """What the import did before workers: ``iter_postings``, each job prepared."""
    return [prepared(item) for item in iter_postings(path)]


def export_lines() -> list[str]:
    """Postings with blank lines, bad records and a provider id given three times."""
    data = postings()
    lines = [json.dumps(p) for p in data]
    lines[5:5] = ["", "   ", "{broken json", json.dumps({**data[0], "id": "not a number"})]
    lines.insert(20, json.dumps({**data[1], "job_title": " "}))
    lines.insert(30, json.dumps({**data[2], "job_title": "Renamed the first time"}))
    lines.append(json.dumps({**data[2], "job_title": "Renamed the second time"}))
    return lines * 3  # every provider id again further on: later records win


def write(path: Path, lines: list[str], *, compress: bool = False) -> Path:
    content = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few postings and few in flight, so one file makes many of each."""
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 10_000)
    monkeypatch.setattr(parallel, "IN_FLIGHT", 2)


@pytest.fixture
def pool() -> Iterator[ImportPool]:
    with ImportPool(2) as started:
        yield started
    assert all(process_gone(pid) for pid in started.pids)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_workers_give_the_items_of_one_process_in_file_order(
    tmp_path: Path, pool: ImportPool, small_blocks: None, compress: bool
) -> None:
    path = write(tmp_path / "export.jsonl.gz", export_lines(), compress=compress)

    items = list(pool.items(path))

    assert items == in_one_process(path)
    assert len(items) == 3 * 65  # 67 lines a copy, two of them blank
    assert [item.position for item in items if not item.ok][:3] == [8, 9, 21]
    third = postings()[2]["id"]
    renamed = [i.job.job.job_title for i in items if i.job and i.job.job.source_id == third]
    assert renamed[-1] == "Renamed the second time"
    assert all(item.job.job.features.skills for item in items if item.job)  # prepared


def test_a_pool_serves_several_files_one_after_the_other(
    tmp_path: Path, pool: ImportPool, small_blocks: None
) -> None:
    first = write(tmp_path / "first.jsonl", export_lines()[:40])
    second = write(tmp_path / "second.txt", export_lines()[40:])

    assert list(pool.items(first)) == in_one_process(first)
    assert list(pool.items(second)) == in_one_process(second)


def test_a_search_response_is_prepared_in_this_process(tmp_path: Path, pool: ImportPool) -> None:
    path = tmp_path / "page.json"
    data: list[Any] = postings()[:10]
    data.insert(3, {"id": 1, "job_title": None})
    path.write_text(json.dumps({"metadata": {}, "data": data}, indent=1))

    assert list(pool.items(path)) == in_one_process(path)


def test_a_cut_gzip_stream_gives_the_lines_read_then_the_same_error(
    tmp_path: Path, pool: ImportPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "BLOCK_BYTES", 100_000)  # the last block: part of one
    whole = gzip.compress("".join(line + "\n" for line in export_lines() * 4).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    expected: list[PreparedItem] = []
    with pytest.raises(ImportFileError) as before:
        expected.extend(map(prepared, iter_postings(path)))
    items: list[PreparedItem] = []

    with pytest.raises(ImportFileError) as caught:
        items.extend(pool.items(path))

    assert str(caught.value) == str(before.value)
    assert "unreadable after line" in str(caught.value)
    assert items == expected and len(items) > 100


def test_a_missing_file_raises_at_once(tmp_path: Path, pool: ImportPool) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        pool.items(tmp_path / "missing.jsonl")


def test_leaving_the_items_early_stops_the_workers(tmp_path: Path, small_blocks: None) -> None:
    path = write(tmp_path / "export.jsonl", export_lines())
    with ImportPool(2) as pool:
        items = pool.items(path)
        next(items)
        items.close()  # as when --strict stops at a bad record

        assert all(process_gone(pid) for pid in pool.pids)


def test_a_worker_that_dies_fails_the_import_without_hanging(
    tmp_path: Path, small_blocks: None
) -> None:
    path = write(tmp_path / "export.jsonl", export_lines() * 4)
    started = time.monotonic()
    with pytest.raises(ImportWorkerError, match="stopped"), ImportPool(1) as pool:
        for count, _ in enumerate(pool.items(path)):
            if count == 5:
                os.kill(pool.pids[0], signal.SIGKILL)

    assert time.monotonic() - started < 10
    assert all(process_gone(pid) for pid in pool.pids)


def test_workers_exit_when_their_input_closes() -> None:
    """What a worker sees when the importing process dies: its pipes close."""
    pool = ImportPool(1)
    for worker in pool._workers:
        worker.stop(abort=False)  # closes the input only

    deadline = time.monotonic() + 10
    while not all(w.process.poll() is not None for w in pool._workers):
        assert time.monotonic() < deadline, "a worker outlived its input"
        time.sleep(0.05)
    assert [w.process.returncode for w in pool._workers] == [0]
    pool.close()


def test_a_worker_prepares_lines_as_one_process_does(tmp_path: Path) -> None:
    lines = export_lines()[:12]
    path = write(tmp_path / "export.jsonl", lines)
    numbered = [(n, line.encode()) for n, line in enumerate(lines, 1) if line.strip()]

    assert parallel.prepare_lines(numbered, "theirstack") == in_one_process(path)


def test_workers_pay_with_two_cpus_and_a_few_megabytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small.jsonl"
    small.write_bytes(b"x" * 1000)
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"x" * parallel.PARALLEL_MIN_BYTES)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)

    assert parallel.default_workers() == 2
    assert parallel.pays_off([big], 1)
    assert parallel.pays_off([small, big, tmp_path / "missing.jsonl"], 3)
    assert not parallel.pays_off([small], 1)
    assert not parallel.pays_off([big], 0)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 1)
    assert not parallel.pays_off([big], 1)
    assert parallel.default_workers() == 1
    monkeypatch.setattr(parallel, "available_cpus", lambda: 8)
    assert parallel.default_workers() == 8


def test_a_worker_starts_without_the_http_client() -> None:
    """What a worker imports (the mapping of provider records, not the HTTP source)
    leaves out httpx and stamina, a tenth of a second of each worker's start-up."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, skael_adapters.parallel_import;"
            " print(sorted({'httpx', 'stamina'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
    from skael_adapters.theirstack import PROVIDER, TheirstackJobSource  # still there

    assert TheirstackJobSource.__name__ == "TheirstackJobSource" and PROVIDER
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        import skael_adapters.theirstack as theirstack

        _ = theirstack.Nothing
