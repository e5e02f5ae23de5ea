"""How many jobs per second ``prepare_job`` prepares on one core.

Builds the bundled sample postings (360) plus N generated ones (other seeds, so the
descriptions vary), then runs ``prepare_job`` over all of them, best of several rounds.
The process pins itself to one CPU where the platform allows it (or run it under
``taskset -c 0``).

    python bench/bench_prepare.py [--generated 2000] [--seed 11] [--rounds 7]
                                  [--only-sample] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time

import msgspec

from skael_adapters.sample import SampleJobSource
from skael_adapters.sample.generate import generate_postings
from skael_adapters.theirstack.mapping import to_job
from skael_adapters.theirstack.wire import JobPosting
from skael_core.matching import prepare_job
from skael_core.model import Job


def build_jobs(generated: int, seed: int, *, only_sample: bool = False) -> list[Job]:
    """The sample set, then ``generated`` postings from ``seed`` mapped as the importer does."""
    jobs = SampleJobSource().all_jobs()
    if only_sample or not generated:
        return jobs
    postings = msgspec.convert(generate_postings(generated, seed), list[JobPosting])
    return jobs + [to_job(posting, source="bench") for posting in postings]


def measure(jobs: list[Job], rounds: int) -> float:
    """Best jobs/s of ``rounds`` passes of ``prepare_job`` over ``jobs``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for job in jobs:
            prepare_job(job)
        best = min(best, time.perf_counter() - started)
    return len(jobs) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--only-sample", action="store_true", help="the 360 sample jobs only")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one pass")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    jobs = build_jobs(args.generated, args.seed, only_sample=args.only_sample)
    chars = sum(len(job.description or "") for job in jobs) / len(jobs)
    print(f"{len(jobs):,} jobs, descriptions {chars:,.0f} characters on average")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for job in jobs:
            prepare_job(job)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    rate = measure(jobs, args.rounds)
    print(f"prepare_job: {rate:,.0f} jobs/s on one core (best of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
