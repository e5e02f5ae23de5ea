"""`skael jobs fetch` says what it found in words that read well for 1 and for many, and
counts the postings already stored (issue 16, 13)."""

from __future__ import annotations

import re
from pathlib import Path

from cli.test_cli import run
from support import cli_env


def test_fetch_twice_on_the_sample_source(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    first = run(env, "jobs", "fetch", "--skill", "python", "--limit", "1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "fetched 1 posting from sample: 1 new, 0 already stored"
    every = run(env, "jobs", "fetch", "--skill", "python", "--limit", "100")
    assert every.returncode == 0, every.stderr
    found = re.fullmatch(
        r"fetched (\d+) postings from sample: (\d+) new, 1 already stored", every.stdout.strip()
    )
    assert found and int(found[1]) == int(found[2]) + 1 > 2, every.stdout
    again = run(env, "jobs", "fetch", "--skill", "python", "--limit", "2")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "fetched 2 postings from sample: 0 new, 2 already stored"
