"""How many postings per second the importer decodes and maps from JSON Lines.

Writes N postings (the sample generator's, with fresh ids) as JSON Lines into a temp
dir, plain and gzip-compressed, then times ``iter_postings`` over each file: reading,
msgspec decoding and mapping to core ``Job`` objects, best of several rounds.

    python bench/bench_import_decode.py [--postings 100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from pathlib import Path

import msgspec

from skael_adapters.importer import iter_postings
from skael_adapters.sample.generate import generate_postings


def write_export(directory: Path, count: int) -> tuple[Path, Path]:
    """The same ``count`` postings as ``jobs.jsonl`` and ``jobs.jsonl.gz``."""
    templates = generate_postings()
    plain, packed = directory / "jobs.jsonl", directory / "jobs.jsonl.gz"
    with plain.open("wb") as out, gzip.open(packed, "wb", compresslevel=6) as zipped:
        for number in range(count):
            posting = dict(templates[number % len(templates)], id=1_000_000_000 + number)
            line = msgspec.json.encode(posting) + b"\n"
            out.write(line)
            zipped.write(line)
    return plain, packed


def time_import(path: Path, rounds: int) -> tuple[float, int, int]:
    """Best wall time over ``rounds`` full reads, with the counts of jobs and errors."""
    best, jobs, errors = float("inf"), 0, 0
    for _ in range(rounds):
        started = time.perf_counter()
        jobs = errors = 0
        for item in iter_postings(path):
            if item.job is not None:
                jobs += 1
            else:
                errors += 1
        best = min(best, time.perf_counter() - started)
    return best, jobs, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        files = write_export(Path(tmp), args.postings)
        print(f"wrote {args.postings:,} postings in {time.perf_counter() - started:.1f} s")
        for path in files:
            seconds, jobs, errors = time_import(path, args.rounds)
            size = path.stat().st_size / 1e6
            print(
                f"{path.name:>14}: {size:7.1f} MB  {jobs:,} jobs, {errors} errors  "
                f"{seconds:.2f} s  {jobs / seconds:,.0f} postings/s"
            )


if __name__ == "__main__":
    main()
