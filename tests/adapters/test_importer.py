"""Reading provider exports: every format, gzip, bad records and unreadable files."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from skael_adapters.importer import ImportFileError, ImportItem, iter_batches, iter_postings

DATA = Path(__file__).parents[1] / "data" / "theirstack"
RESPONSE = DATA / "search_response_60_jobs.json"


def postings() -> list[dict[str, Any]]:
    return json.loads(RESPONSE.read_text())["data"]


def write_lines(path: Path, lines: list[str], *, compress: bool = False) -> Path:
    content = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(content) if compress else content)
    return path


def summary(items: list[ImportItem]) -> tuple[int, list[tuple[int, str]]]:
    ok = sum(item.ok for item in items)
    return ok, [(item.position, item.error or "") for item in items if not item.ok]


def test_a_search_response_is_read_with_indexes() -> None:
    items = list(iter_postings(RESPONSE))

    assert len(items) == 60 and all(item.ok for item in items)
    assert [item.position for item in items] == list(range(60))
    assert items[3].where == "index 3"
    assert items[0].job is not None and items[0].job.source_id == 900000000
    assert items[0].job.source == "theirstack"


def test_a_bare_json_list_is_read(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(postings(), indent=2))

    items = list(iter_postings(path, source="import"))

    assert len(items) == 60 and all(item.ok for item in items)
    assert {item.job.source for item in items if item.job} == {"import"}


def test_a_compact_one_line_search_response_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"metadata": {}, "data": postings()[:5]}))

    assert [item.where for item in iter_postings(path)] == [f"index {i}" for i in range(5)]


def test_json_lines_are_read_with_line_numbers(tmp_path: Path) -> None:
    lines = [json.dumps(p) for p in postings()[:3]]
    path = write_lines(tmp_path / "jobs.txt", [lines[0], "", lines[1], "   ", lines[2]])

    items = list(iter_postings(path))

    assert [item.position for item in items] == [1, 3, 5]
    assert [item.where for item in items] == ["line 1", "line 3", "line 5"]
    assert all(item.ok for item in items)


@pytest.mark.parametrize("name", ["export.json.gz", "export.json", "export", "export.jsonl.gz"])
@pytest.mark.parametrize("shape", ["response", "list", "lines"])
def test_gzip_is_recognised_by_its_magic_bytes(tmp_path: Path, name: str, shape: str) -> None:
    data = postings()[:10]
    if shape == "lines" or name.startswith("export.jsonl"):
        text = "\n".join(json.dumps(p) for p in data) + "\n"
        shape = "lines"
    elif shape == "response":
        text = json.dumps({"metadata": {"total_results": 10}, "data": data}, indent=1)
    else:
        text = json.dumps(data)
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()))

    items = list(iter_postings(path))

    assert len(items) == 10 and all(item.ok for item in items)
    assert items[0].where == ("line 1" if shape == "lines" else "index 0")


def test_bad_records_are_reported_with_their_line(tmp_path: Path) -> None:
    good = [json.dumps(p) for p in postings()[:4]]
    bad_type = json.dumps({**postings()[4], "id": "not-a-number"})
    empty_title = json.dumps({**postings()[5], "job_title": "  "})
    lines = [good[0], '{"id": 5, "job_title": "Cut', good[1], bad_type, "[1, 2]", empty_title]
    path = write_lines(tmp_path / "jobs.jsonl", [*lines, good[2], '{"job_title": "x"}', good[3]])

    ok, errors = summary(list(iter_postings(path)))

    assert ok == 4
    assert [position for position, _ in errors] == [2, 4, 5, 6, 8]
    assert errors[0][1].startswith("malformed JSON")
    assert "Expected `int`, got `str` - at `$.id`" in errors[1][1]
    assert "Expected `object`, got `array`" in errors[2][1]
    assert errors[3][1].startswith("refused") and "job_title" in errors[3][1]
    assert "missing required field `id`" in errors[4][1]


def test_bad_records_in_a_list_are_reported_with_their_index(tmp_path: Path) -> None:
    data: list[Any] = postings()[:3]
    data.insert(1, {"id": 1, "job_title": None})
    data.append("text")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data))

    ok, errors = summary(list(iter_postings(path)))

    assert ok == 3
    assert [position for position, _ in errors] == [1, 4]


def test_a_jsonl_name_forces_json_lines(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "broken.jsonl", ["{not json", json.dumps(postings()[0])])

    ok, errors = summary(list(iter_postings(path)))

    assert ok == 1 and [position for position, _ in errors] == [1]


def test_an_empty_file_has_no_records(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"\n\n")

    assert list(iter_postings(path)) == []


@pytest.mark.parametrize("name", ["missing.json", "missing.jsonl.gz"])
def test_a_missing_file_raises_at_once(tmp_path: Path, name: str) -> None:
    with pytest.raises(ImportFileError, match="no such file") as caught:
        iter_postings(tmp_path / name)

    assert "\n" not in str(caught.value)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="directory"):
        iter_postings(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"<html>not json</html>", b'{"metadata": {},\n "data": [', b'{"metadata": {},\n "x": 1}'],
    ids=["html", "cut", "no-data"],
)
def test_a_whole_document_that_is_not_an_export_raises(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(content)

    with pytest.raises(ImportFileError, match=r"export.json: neither a search response"):
        iter_postings(path)


def test_a_cut_gzip_stream_raises_after_the_lines_it_could_read(tmp_path: Path) -> None:
    lines = [json.dumps(p) for p in postings()] * 20
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    items: list[ImportItem] = []

    with pytest.raises(ImportFileError, match=r"cut.jsonl.gz: unreadable after line"):
        items.extend(iter_postings(path))

    assert len(items) > 100 and all(item.ok for item in items)


def test_batches(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "jobs.jsonl", [json.dumps(p) for p in postings()[:25]])

    sizes = [len(batch) for batch in iter_batches(path, 10)]

    assert sizes == [10, 10, 5]


def test_json_lines_stream_in_bounded_memory(tmp_path: Path) -> None:
    line = json.dumps(postings()[0])
    path = tmp_path / "big.jsonl"
    with path.open("w") as out:
        for number in range(10_000):
            out.write(line.replace('"id": 900000000', f'"id": {number}') + "\n")
    size = path.stat().st_size

    tracemalloc.start()
    try:
        count = sum(1 for item in iter_postings(path) if item.ok)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 10_000
    assert peak < size / 10  # the file is tens of MB; reading it holds a few lines at a time
