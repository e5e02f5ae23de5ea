"""Whether a posting answers a fetch query, as the provider's search filters decide.

The sample source searches its postings with it, and both sources use it to find the
stored postings that answer a query (those a fetch does not pay for again): a title's
words all in the posting's title, any skill among its technologies (both canonical), a
country, a place in its location, the seniorities an experience implies, remote or
not, and discovered within the query's age and at or after ``discovered_at_gte``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from skael_core.matching import canonical_skill
from skael_core.model import FetchQuery, Job

from .mapping import seniorities_for_experience

_WORDS = re.compile(r"\w+")


class QueryMatcher:
    """Whether a job answers a query: every given filter must hold (like the provider's)."""

    def __init__(self, query: FetchQuery, now: datetime) -> None:
        self._query = query
        self._since = now - timedelta(days=query.posted_at_max_age_days)
        self._from = query.discovered_at_gte
        self._titles = [_words(t) for t in query.job_titles if _words(t)]
        self._skills = {canonical_skill(s) for s in query.skills} - {""}
        self._countries = {c.strip().upper() for c in query.countries} - {""}
        self._places = [p for p in (_place(loc) for loc in query.locations) if p]
        self._levels = set(seniorities_for_experience(query.experience))

    def __call__(self, job: Job) -> bool:
        return (
            self._fresh(job)
            and self._fits_title(job)
            and self._fits_skills(job)
            and (not self._countries or job.country_code in self._countries)
            and (self._query.remote is None or bool(job.remote) == self._query.remote)
            and (not self._levels or job.seniority in self._levels)
            and self._fits_place(job)
        )

    def _fresh(self, job: Job) -> bool:
        """Within the query's age, and discovered at or after ``discovered_at_gte``
        when it is given (then a posting with no discovery time does not answer)."""
        if job.discovered_at is None:
            return self._from is None
        return job.discovered_at >= self._since and (
            self._from is None or job.discovered_at >= self._from
        )

    def _fits_skills(self, job: Job) -> bool:
        """Any overlap, both sides canonical ("epic-ehr" and "Epic" are one skill)."""
        if not self._skills:
            return True
        return not self._skills.isdisjoint(canonical_skill(s) for s in job.technology_slugs)

    def _fits_title(self, job: Job) -> bool:
        if not self._titles:
            return True
        words = _words(job.job_title)
        return any(wanted <= words for wanted in self._titles)

    def _fits_place(self, job: Job) -> bool:
        if not self._places:
            return True
        where = " ".join(filter(None, (job.location, job.country))).lower()
        return any(place in where for place in self._places)


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))


def _place(location: str) -> str:
    return " ".join(location.split(",", 1)[0].split()).lower()
