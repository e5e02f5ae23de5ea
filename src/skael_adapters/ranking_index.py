"""The ranking index: every stored job's ranking features as numpy columns.

:class:`NumpyRankingIndex` answers the core's :class:`~skael_core.ports.RankingIndex`:
for a person, a filter and a day it gives the ids of the matching jobs in the order of
an upper bound of their score, ``(bound, posted, id)`` highest first, a chunk at a time.
The core scores those jobs exactly and stops when no job left can enter its page
(``usecases.jobs.best_by_bounds``), so the page is the one scoring every job gives.

How a bound is made, for every job at once
------------------------------------------
A :class:`Segment` holds jobs as columns: interned terms (skills, technologies, title
words, occupations, duty words, place keys) as inverted lists (term -> rows), and small
integers and floats per row (skill count, title weight, seniority class, remote and
hybrid, country, pay in US dollars, day posted, expired). Per request:

1. the filter (``memory._matches`` semantics for technology, location, remote,
   country_code, min_salary, exclude_ids, exclude_companies; any other filter makes
   the index decline) is a mask;
2. stage A, over every row: the skills part (skills held, by counting the person's
   skills' lists; duties evidence where a posting has duty words), the title part
   (shared words, occupations) and the location part with its cap exactly, freshness
   at its lowest score for postings older than the weeks it falls over (and expired
   ones) and at 100 for the rest, seniority and salary taken at 100: an upper bound,
   30 where skills and title are both known and both 0 (the unrelated cap). Part scores
   travel as small codes and one gather into a per-person table (freshness x location
   outcome x skills x title) gives the bound;
3. rows are taken by stage-A level, highest first (a sample of every 16th row says
   how far down about 4,096 rows lie), and stage B computes their bound
   with every part (seniority and location by per-person tables over classes, salary
   on a billionth's margin, freshness, caps): a key is given out once it beats every
   stage-A bound of the rows not yet taken.

The weighted mean is taken in whole numbers (weights in hundredths), rounded half up:
at least the scorer's float result, which can only round an exact half down.

Keeping current
---------------
The index is loaded in the background (:meth:`NumpyRankingIndex.load`) from
``changed_since(0, ...)`` pages; until then :meth:`order` answers None and the core
takes its candidates path. Each :meth:`order` first reads the jobs written since its
mark and takes a new one (``JobRepository.changes``: one statement on PostgreSQL,
then ``changed_since`` for any further page): their old rows die in the
segment that held them and the changed jobs make a new small segment, rebuilt from
the changed jobs kept (at most ``max_changed``; past that the index loads afresh in
the background, serving meanwhile).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, Final

import msgspec
import numpy as np
import numpy.typing as npt

from skael_core.matching.features import ProfileFeatures
from skael_core.matching.scorer import (
    CAP_EXPIRED,
    CAP_UNRELATED,
    DUTIES_FULL,
    NEUTRAL,
    RELATED_OCCUPATION,
    SAME_AMOUNT,
    SAME_OCCUPATION,
    SAME_OCCUPATION_GROUP,
    freshness_part,
    location_part,
    seniority_part,
)
from skael_core.matching.vocab import vocabulary
from skael_core.model import Job, JobFeatures, JobFilter, company_key
from skael_core.ports import RankingIndex, RankKey, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("skael")

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]

PAGE = 5_000
"""Jobs read per unit of work while loading or catching up (a SQLite read holds the
event loop for its length: a few milliseconds a thousand jobs)."""
W_SKILLS, W_TITLE, W_SENIORITY, W_LOCATION, W_SALARY, W_FRESHNESS = 35, 20, 15, 15, 8, 7
"""The scorer's weights in hundredths (``scorer.WEIGHTS``)."""
UNKNOWN = 101
"""A part's score code when it is unknown (weight 0)."""
GROUP = 4096
"""Rows stage B takes at once, about (the first time; four times more each time after)."""
SAMPLE_STEP = 16
"""Stage A's levels are counted on every 16th row."""
_FRESH_DAYS = 400
FRESH_SPAN = 1024
"""Posting days a segment tells apart for stage A's freshness: days older than the
newest minus this many share the newest of them's freshness (an upper bound)."""
SKILLS_HELD = 32
"""Columns of the skills table: skills of a person a job holds, 31 or more as 31."""
TITLE_SHARED = 64
"""Columns of the title table: title weight shared (doubled), 63 or more as 63."""
_HANDLED = frozenset(
    {"technology", "location", "remote", "country_code", "min_salary", "exclude_ids",
     "exclude_companies"}
)  # fmt: skip
_FILTER_DEFAULTS = {f.name: f.default for f in msgspec.structs.fields(JobFilter)}


class Terms:
    """Interned values of one kind (skills, title words, ...): value -> small id."""

    def __init__(self) -> None:
        self.ids: dict[Hashable, int] = {}

    def __call__(self, value: Hashable) -> int:
        found = self.ids.get(value)
        if found is None:
            found = self.ids[value] = len(self.ids)
        return found

    def get(self, value: Hashable) -> int:
        return self.ids.get(value, -1)


class Vocabulary:
    """Every kind of term the segments share, so one id means one term in all of them."""

    def __init__(self) -> None:
        self.skill, self.tech, self.title, self.duty, self.place = (Terms() for _ in range(5))
        self.occupation, self.group, self.head = Terms(), Terms(), Terms()
        self.seniority, self.code, self.text, self.company = Terms(), Terms(), Terms(), Terms()
        self.lowered: list[str] = []  # lower-cased location and country texts, by id
        self.code(None)
        self.seniority((None, None, None))
        self.company(None)

    def text_id(self, text: str | None) -> int:
        lowered = (text or "").lower()
        found = self.text.get(lowered)
        if found < 0:
            found = self.text(lowered)
            self.lowered.append(lowered)
        return found


class Postings:
    """An inverted list: for each term id, the rows holding it (ascending)."""

    def __init__(self, terms: Sequence[int], rows: Sequence[int], size: int) -> None:
        term = np.asarray(terms, dtype=np.int32)
        row = np.asarray(rows, dtype=np.int32)
        order = np.argsort(term, kind="stable")
        self.rows: I32 = row[order]
        counts = np.bincount(term, minlength=size) if len(term) else np.zeros(size, np.int64)
        self.starts: I64 = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def of(self, term: int) -> I32:
        if term < 0 or term + 1 >= len(self.starts):
            return np.empty(0, np.int32)
        return self.rows[self.starts[term] : self.starts[term + 1]]

    def all_of(self, terms: Iterable[int]) -> I32:
        lists = [self.of(t) for t in terms]
        return np.concatenate(lists) if lists else np.empty(0, np.int32)

    @property
    def nbytes(self) -> int:
        return int(self.rows.nbytes + self.starts.nbytes)


class _Columns:
    """A segment's columns as they are gathered, one job at a time."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.v = vocab
        self.nouns = vocabulary().role_nouns
        # compact arrays, not lists: a million jobs' worth of Python ints would not fit
        self.ids = array("q")
        self.posted = array("i")
        self.flags = array("b")  # expired, has_title, has_duty, has_place, has_keys
        self.small = array("B")  # skill count, title weight x2, remote, hybrid
        self.seniority, self.code = array("i"), array("i")
        self.location, self.country, self.company = array("i"), array("i"), array("i")
        self.pay = array("d")  # low, high (NaN: none), offered (filter)
        self.pairs: dict[str, tuple[array[int], array[int]]] = {
            kind: (array("i"), array("i"))
            for kind in ("skill", "tech", "title", "occupation", "group", "head", "duty", "place")
        }

    def _pair(self, kind: str, terms: Callable[[Hashable], int], values: Iterable[Any]) -> None:
        found, rows = self.pairs[kind]
        row = len(self.ids)
        for value in values:
            found.append(terms(value))
            rows.append(row)

    def add(self, job: Job) -> None:
        v, f = self.v, job.features
        self._pair("skill", v.skill, f.skills)
        self._pair("tech", v.tech, set(job.technology_slugs))
        self._pair("title", v.title, f.title_tokens)
        if f.occupations:
            self._pair("occupation", v.occupation, f.occupations)
            self._pair("group", v.group, f.occupation_groups)
            self._pair("head", v.head, f.occupation_heads)
        self._pair("duty", v.duty, f.duty_words)
        self._pair("place", v.place, f.location_keys)
        self.ids.append(job.id)
        self.posted.append(job.date_posted.toordinal() if job.date_posted else 0)
        place = job.location or job.country or job.country_code
        self.flags.extend(
            (
                bool(job.job_expired),
                bool(f.title_tokens),
                bool(f.duty_words),
                place is not None,
                bool(f.location_keys),
            )
        )
        tokens = f.title_tokens
        self.small.extend(
            (
                min(len(f.skills), 255),
                min(2 * len(tokens) - len(tokens & self.nouns), 255),
                _tri(job.remote),
                _tri(job.hybrid),
            )
        )
        self.seniority.append(v.seniority((f.seniority_rank, f.min_years, f.max_years)))
        self.code.append(v.code(job.country_code))
        self.location.append(v.text_id(job.location))
        self.country.append(v.text_id(job.country))
        self.company.append(v.company(None if job.company is None else company_key(job.company)))
        offered = job.max_salary if job.max_salary is not None else job.min_salary
        self.pay.extend((*_pay_range(f), np.nan if offered is None else offered))

    def extend(self, jobs: Iterable[Job]) -> None:
        for job in jobs:
            self.add(job)

    def build(self) -> Segment:
        return Segment(self)


def _tri(value: bool | None) -> int:
    """None, False, True as 0, 1, 2."""
    return 0 if value is None else 1 + value


def _pay_range(f: JobFeatures) -> tuple[float, float]:
    """The yearly pay range in US dollars as the scorer reads it (low <= high), NaN: none."""
    low, high = f.min_pay_usd, f.max_pay_usd
    if low is None and high is None:
        return np.nan, np.nan
    low = high if low is None else low
    high = low if high is None else high
    assert low is not None and high is not None
    return (high, low) if low > high else (low, high)


class Segment:
    """The columns of a set of jobs; a row dies when its job is written again."""

    def __init__(self, c: _Columns) -> None:
        v = c.v
        self.size = n = len(c.ids)
        self.ids: I64 = np.asarray(c.ids, np.int64)
        self.order_ids: I64 = np.sort(self.ids)
        self.row_of_sorted: I64 = np.argsort(self.ids, kind="stable")
        self.posted: I64 = np.asarray(c.posted, np.int64)
        flags = np.asarray(c.flags, np.bool_).reshape(n, 5)
        self.expired, self.has_title, self.has_duty, self.has_place, self.has_keys = (
            np.ascontiguousarray(flags[:, i]) for i in range(5)
        )
        small = np.asarray(c.small, np.uint8).reshape(n, 4)
        self.skill_count, self.title2, self.remote, self.hybrid = (
            np.ascontiguousarray(small[:, i]) for i in range(4)
        )
        self.seniority = np.asarray(c.seniority, np.int32)
        self.code = np.asarray(c.code, np.int32)
        self.location = np.asarray(c.location, np.int32)
        self.country = np.asarray(c.country, np.int32)
        self.company = np.asarray(c.company, np.int32)
        pay = np.asarray(c.pay, np.float64).reshape(n, 3)
        self.low, self.high, self.offered = (np.ascontiguousarray(pay[:, i]) for i in range(3))
        sizes = {
            "skill": v.skill, "tech": v.tech, "title": v.title, "occupation": v.occupation,
            "group": v.group, "head": v.head, "duty": v.duty, "place": v.place,
        }  # fmt: skip
        self.lists = {kind: Postings(*c.pairs[kind], len(sizes[kind].ids)) for kind in c.pairs}
        self.code_count = len(v.code.ids)
        place_class = (self.remote.astype(np.int32) * 3 + self.hybrid) * 2 + self.has_place
        self.place_key = place_class * np.int32(self.code_count) + self.code
        self.skill_less: Bools = (self.skill_count == 0) & ~self.has_duty
        self.title_less: Bools = ~self.has_title
        # stage A's freshness key: 0 no day, 1 expired, 2 + the day posted from fresh_low
        known = self.posted > 0
        newest = int(self.posted[known].max()) if known.any() else 0
        oldest = int(self.posted[known].min()) if known.any() else 0
        self.fresh_low = max(oldest, newest - FRESH_SPAN)
        key = np.clip(self.posted, self.fresh_low, self.fresh_low + FRESH_SPAN)
        key += 2 - self.fresh_low
        key[~known] = 0
        key[self.expired] = 1
        self.fresh_key: npt.NDArray[np.uint16] = key.astype(np.uint16)
        self.alive: Bools = np.ones(n, np.bool_)
        self.dead = 0

    def rows_of(self, job_ids: Sequence[int]) -> I64:
        """The rows of those of ``job_ids`` this segment holds."""
        if not self.size:
            return np.empty(0, np.int64)
        wanted = np.asarray(job_ids, np.int64)
        at = np.minimum(np.searchsorted(self.order_ids, wanted), self.size - 1)
        held = self.order_ids[at] == wanted
        found: I64 = self.row_of_sorted[at[held]]
        return found

    def kill(self, job_ids: Sequence[int]) -> None:
        rows = self.rows_of(job_ids)
        rows = rows[self.alive[rows]]
        self.alive[rows] = False
        self.dead += len(rows)

    @property
    def nbytes(self) -> int:
        arrays = [value for value in vars(self).values() if isinstance(value, np.ndarray)]
        return sum(a.nbytes for a in arrays) + sum(p.nbytes for p in self.lists.values())


# --------------------------------------------------------------------------- a request


class Person:
    """A person's side of the bound, built once per request: term ids and part tables."""

    def __init__(self, person: ProfileFeatures, vocab: Vocabulary, today: date) -> None:
        self.features = person
        self.today = today.toordinal()
        self.skilled = bool(person.skills or person.skill_words)
        self.skill_ids = [t for t in map(vocab.skill.get, sorted(person.skills)) if t >= 0]
        self.duty_ids = [[vocab.duty.get(w) for w in sorted(words)] for words in person.skill_words]
        self.duty_ids = [ids for ids in self.duty_ids if min(ids, default=-1) >= 0]
        nouns = vocabulary().role_nouns
        wanted = sorted(person.title_tokens)
        self.titled = bool(wanted)
        self.title_terms = [(vocab.title.get(w), 1 if w in nouns else 2) for w in wanted]
        self.occupations = [vocab.occupation.get(o) for o in person.occupations]
        self.groups = [vocab.group.get(g) for g in person.occupation_groups]
        self.heads = [vocab.head.get(h) for h in person.occupation_heads]
        self.places = [vocab.place.get(p) for p in person.location_keys]
        # part scores travel as codes: their rank among the values the part can take
        skills = SKILL_SCORES
        self.sk_values, self.sk_code = _codes(skills, (0, 33, 67, 100))
        titles = _title_table(person.title_weight, TITLE_SHARED - 1)
        fits = (RELATED_OCCUPATION, SAME_OCCUPATION_GROUP, SAME_OCCUPATION)
        self.ti_values, self.ti_code = _codes(titles, (0, *fits))
        self.title_table = self.ti_code[titles].ravel()
        self.seniority = _table(
            [seniority_part(person, *key) for key in _triples(vocab.seniority.ids)],
            lambda part: (part.score, round(part.weight * 100)),
        )
        self.country_in = _country_table(person, vocab)
        # the location classes' distinct (score x weight, weight, cap): their outcomes
        distinct: dict[tuple[int, int, int], int] = {}
        classes = [
            distinct.setdefault(tuple(row), len(distinct))
            for row in _location_table(person).tolist()
        ]
        self.class_outcome = np.asarray(classes, np.uint8)
        outcomes = np.asarray(list(distinct), np.int64).reshape(-1, 3)
        self.outcomes = len(outcomes)
        self.outcome_total = outcomes[:, 0].astype(np.int64)
        self.outcome_weight = outcomes[:, 1].astype(np.int64)
        self.outcome_cap = outcomes[:, 2].astype(np.int64)
        fresh = [freshness_part(days) for days in range(_FRESH_DAYS)]
        stale = min(part.score for part in fresh)
        # two freshness classes, as (score x weight, weight, cap), each a table of its
        # own: 100 (no day, whose part is unknown, or a day within the weeks the score
        # falls over) and the lowest score (the days after those, and expired postings,
        # which score 0 under a cap); each at least the scorer's part. Most of a large
        # store is that old; more classes made the table too large to build per request.
        self.fresh_classes = np.asarray(
            [(100 * W_FRESHNESS, W_FRESHNESS, 100), (stale * W_FRESHNESS, W_FRESHNESS, 100)],
            np.int64,
        )
        self.stage_a = self._stage_a()
        # the strides of stage A's flat table (freshness, location, skills, title)
        self.sk_step = len(self.ti_values)
        self.place_step = len(self.sk_values) * self.sk_step
        self.skill_table = self.sk_code[SKILL_SCORES].ravel()
        self.fresh = np.asarray([p.score * W_FRESHNESS for p in fresh], np.int32)
        self.fresh_step = self.outcomes * self.place_step
        self.fresh_class = np.asarray([int(p.score == stale) for p in fresh], np.int32)
        want, rate = person.expected_salary, person.usd_per_unit
        self.want_usd = want * rate if want and rate is not None else None

    def _stage_a(self) -> U8:
        """The stage-A bound by (freshness class, location outcome, skills code, title
        code), flat."""
        from . import ranking_kernels as kernels

        total, weight, cap = _stage_a_tables(self.sk_values, self.ti_values)
        outcomes = (self.outcome_total, self.outcome_weight, self.outcome_cap)
        return kernels.bound_table(total, weight, cap, outcomes, self.fresh_classes)

    def fresh_table(self, seg: Segment) -> I32:
        """By a row's ``fresh_key`` in ``seg``: its freshness class, times ``fresh_step``.
        A key of days clipped at ``fresh_low`` takes the freshness of ``fresh_low``, the
        newest day it stands for."""
        days = self.today - (seg.fresh_low + np.arange(FRESH_SPAN + 1, dtype=np.int64))
        classes = self.fresh_class[np.clip(days, 0, _FRESH_DAYS - 1)]
        found: I32 = np.concatenate(([0, 1], classes)).astype(np.int32) * np.int32(self.fresh_step)
        return found

    def place_table(self, seg: Segment) -> U8:
        """The location outcome at ``place_key * 3 + in_place`` for a row's ``place_key``
        in ``seg`` and in_place 0 (missed), 1 (hit) or 2 (unknown)."""
        count = seg.code_count
        place_class = np.repeat(np.arange(18, dtype=np.int32), count)
        codes = np.tile(np.arange(count, dtype=np.int32), 18)
        base = (place_class * 3 + self.country_in[codes]) * 3
        found: U8 = self.class_outcome[base[:, None] + np.arange(3, dtype=np.int32)].ravel()
        return found


def _triples(keys: Iterable[Hashable]) -> Iterator[tuple[int | None, int | None, int | None]]:
    for key in keys:
        assert isinstance(key, tuple)
        yield key


def _table(parts: Sequence[Any], value: Callable[[Any], tuple[int, int]]) -> I32:
    """Rows of (score x weight, weight) for each class, weights in hundredths."""
    pairs = [value(part) for part in parts] or [(0, 0)]
    return np.asarray([(s * w, w) for s, w in pairs], np.int32).reshape(-1, 2)


def _skill_table(held_most: int) -> U8:
    """The skills score by (skills the job names, those the person holds), as the scorer
    computes it: ``min(100, int(100 * m / d + 0.5))`` with ``d`` counting skills beyond
    the fifth half. Row 0 (a job naming none) scores 0 (duties may raise it)."""
    n = np.arange(256, dtype=np.float64)[:, None]
    m = np.arange(held_most + 1, dtype=np.float64)[None, :]
    d = np.where(n <= 5, n, 5 + (n - 5) * 0.5)
    d[0] = 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.floor(100 * m / d + 0.5)
    score = np.minimum(100, score)
    score[0] = 0
    return score.astype(np.uint8)


SKILL_SCORES: Final = _skill_table(SKILLS_HELD - 1)
"""The skills table, the same for everyone (a constant, computed once on import)."""
SKILL_SCORES.setflags(write=False)


def _title_table(own: float, shared_most: int) -> U8:
    """The title score by (job title weight x2, shared weight x2): the scorer's
    ``int(100 * (0.75 * shared / own + 0.25 * shared / (own + theirs - shared)) + 0.5)``,
    0 where nothing is shared."""
    theirs = (np.arange(256, dtype=np.float64) / 2)[:, None]
    shared = (np.arange(shared_most + 1, dtype=np.float64) / 2)[None, :]
    if not own:
        return np.zeros((256, shared_most + 1), np.uint8)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = 0.75 * shared / own + 0.25 * shared / (own + theirs - shared)
        score = np.floor(100 * part + 0.5)
    score = np.nan_to_num(np.clip(score, 0, 100))
    score[:, 0] = 0
    found: U8 = score.astype(np.uint8)
    return found


def _codes(scores: U8, more: Sequence[int]) -> tuple[I64, U8]:
    """The values a part can take (``scores``' own, ``more``, :data:`UNKNOWN`), sorted,
    and by value its code (its place among them): codes keep the values' order."""
    present = np.zeros(UNKNOWN + 1, np.bool_)
    present[scores.ravel()] = True
    present[[*more, UNKNOWN]] = True
    values = np.flatnonzero(present)
    code = np.zeros(UNKNOWN + 1, np.uint8)
    code[values] = np.arange(len(values), dtype=np.uint8)
    return values.astype(np.int64), code


def _stage_a_tables(sk_values: I64, ti_values: I64) -> tuple[I32, I32, U8]:
    """By (skills code, title code): the weighted sum and the weight of those two parts
    with seniority and salary known at 100 (a part of 100 never lowers a mean of parts
    of at most 100), and the cap they set (30 when both are known and both 0)."""
    sk = sk_values[:, None]
    ti = ti_values[None, :]
    sk_w = np.where(sk == UNKNOWN, 0, W_SKILLS)
    ti_w = np.where(ti == UNKNOWN, 0, W_TITLE)
    rest = W_SENIORITY + W_SALARY
    total = np.where(sk == UNKNOWN, 0, sk) * sk_w + np.where(ti == UNKNOWN, 0, ti) * ti_w
    total = total + 100 * rest
    cap = np.where((sk == 0) & (ti == 0), CAP_UNRELATED, 100)
    return (
        np.asarray(total, np.int32),
        np.asarray(sk_w + ti_w + rest, np.int32),
        np.asarray(cap, np.uint8),
    )


def _country_table(person: ProfileFeatures, vocab: Vocabulary) -> U8:
    """By country id: 1 one of the person's countries, 0 another, 2 unknown (no code, or
    the person named no country)."""
    found = np.full(max(len(vocab.code.ids), 1), 2, np.uint8)
    if person.countries:
        for code, at in vocab.code.ids.items():
            if code is not None:
                found[at] = 1 if code in person.countries else 0
    return found


def _location_table(person: ProfileFeatures) -> I32:
    """Location (score x weight, weight, cap) by class ``(((remote * 3 + hybrid) * 2 +
    has_place) * 3 + in_country) * 3 + in_place``, from the scorer itself on a stand-in
    job of each class (classes no job can have are filled all the same)."""
    found = np.zeros((162, 3), np.int32)
    inside = next(iter(sorted(person.countries)), "ZZ")
    outside = next(c for c in ("ZZ", "ZY", "ZX") if c not in person.countries)
    place = next(iter(sorted(person.location_keys)), "")
    for at in range(162):
        rest, in_place = divmod(at, 3)
        rest, in_country = divmod(rest, 3)
        rest, has_place = divmod(rest, 2)
        remote, hybrid = divmod(rest, 3)
        if in_country != 2 and not (has_place and person.countries):
            continue  # no row has this class: a code is a place; no countries, no fit
        if in_place != 2 and not person.location_keys:
            continue
        code = (outside, inside, None)[in_country]
        job = Job(
            id=0,
            source="index",
            source_id=0,
            job_title="job",
            remote=(None, False, True)[remote],
            hybrid=(None, False, True)[hybrid],
            location="place" if has_place else None,
            country_code=code,
            features=JobFeatures(
                location_keys=(frozenset({"~"}), frozenset({place}), frozenset())[in_place]
            ),
        )
        part, cap = location_part(person, job)
        weight = round(part.weight * 100)
        found[at] = (part.score * weight, weight, cap)
    return found


# --------------------------------------------------------------------------- bounds


class _Bounds:
    """One segment's bounds for one request: stage A over every row, stage B on demand."""

    def __init__(self, seg: Segment, p: Person, mask: Bools | None) -> None:
        from . import ranking_kernels as kernels  # numba: imported by the first load

        self.seg, self.p = seg, p
        n, lists = seg.size, seg.lists
        # the sparse parts first, from the inverted lists: per row, the person's skills
        # and title weight it holds, the codes duties and occupations raise it to, and
        # whether it names one of the person's places
        held, skill_floor = np.zeros(n, np.uint8), np.zeros(n, np.uint8)
        if p.skilled:
            for term in p.skill_ids[: SKILLS_HELD - 1]:
                kernels.add_rows(held, lists["skill"].of(term))
            self._duties(skill_floor)
        shared, title_floor = np.zeros(n, np.uint8), np.zeros(n, np.uint8)
        if p.titled:
            self._title(shared, title_floor)
        keyed = bool(p.features.location_keys)
        hit = np.zeros(n, np.uint8)
        if keyed:
            hit[lists["place"].all_of(p.places)] = 1
        # then every row once (see ranking_kernels)
        self.sk, self.ti, self.place, self.a = kernels.stage_a(
            skill_count=seg.skill_count, held=held, skill_stride=SKILLS_HELD,
            skill_table=p.skill_table, skill_floor=skill_floor, skill_less=seg.skill_less,
            skill_unknown=int(p.sk_code[UNKNOWN]), title_weight=seg.title2, shared=shared,
            title_stride=TITLE_SHARED, title_table=p.title_table, title_floor=title_floor,
            title_less=seg.title_less, title_unknown=int(p.ti_code[UNKNOWN]),
            place_key=seg.place_key, has_keys=seg.has_keys, hit=hit,
            place_table=p.place_table(seg), fresh_key=seg.fresh_key,
            fresh_table=p.fresh_table(seg), bound_table=p.stage_a, place_step=p.place_step,
            skill_step=p.sk_step, mask=mask, skilled=p.skilled, titled=p.titled, keyed=keyed,
        )  # fmt: skip
        self.mask = mask

    def _duties(self, floor: U8) -> None:
        """Raise ``floor`` (skills codes) to the score of the person's skills a
        row's duties name (each skill by all its words)."""
        seg, p = self.seg, self.p
        duty = seg.lists["duty"]
        if not p.duty_ids or not len(duty.rows):
            return
        marked = np.zeros(seg.size, np.bool_)
        found: list[I32] = []
        for words in p.duty_ids:
            rows = duty.of(words[0])
            for word in words[1:]:
                if not len(rows):
                    break
                marked[rows] = True
                other = duty.of(word)
                kept = other[marked[other]]
                marked[rows] = False
                rows = kept
            found.append(rows)
        rows, evidence = np.unique(np.concatenate(found), return_counts=True)
        duties = np.floor(100 * np.minimum(evidence, DUTIES_FULL) / DUTIES_FULL + 0.5)
        floor[rows] = p.sk_code[duties.astype(np.intp)]

    def _title(self, shared: U8, floor: U8) -> None:
        """Per row, the title weight it shares with the person (doubled: a word not a role
        noun counts twice) into ``shared``, and the codes of occupations it shares into
        ``floor``."""
        from . import ranking_kernels as kernels

        lists, p = self.seg.lists, self.p
        weight = 0
        for term, times in p.title_terms:
            weight += times
            if weight >= TITLE_SHARED:
                break
            kernels.add_rows(shared, lists["title"].of(term), times)
        if p.occupations:
            for kind, terms, fit in (
                ("head", p.heads, RELATED_OCCUPATION),
                ("group", p.groups, SAME_OCCUPATION_GROUP),
                ("occupation", p.occupations, SAME_OCCUPATION),
            ):
                rows = lists[kind].all_of(terms)
                floor[rows] = np.maximum(floor[rows], p.ti_code[fit])

    def exact(self, rows: I64) -> I64:
        """Stage B: the bound of ``rows`` with every part; as ``(bound, posted, id)`` keys."""
        seg, p = self.seg, self.p
        sk, ti = p.sk_values[self.sk[rows]], p.ti_values[self.ti[rows]]
        sk_w = np.where(sk == UNKNOWN, 0, W_SKILLS)
        ti_w = np.where(ti == UNKNOWN, 0, W_TITLE)
        total = np.where(sk_w > 0, sk, 0) * sk_w + np.where(ti_w > 0, ti, 0) * ti_w
        weight = sk_w + ti_w
        seniority = p.seniority[seg.seniority[rows]]
        total += seniority[:, 0]
        weight += seniority[:, 1]
        place = self.place[rows]
        total += p.outcome_total[place]
        weight += p.outcome_weight[place]
        salary_total, salary_weight = self._salary(rows)
        total += salary_total
        weight += salary_weight
        posted, expired = seg.posted[rows], seg.expired[rows]
        days = np.clip(p.today - posted, 0, _FRESH_DAYS - 1)
        total += np.where(expired | (posted == 0), 0, p.fresh[days])
        weight += np.where(expired | (posted > 0), W_FRESHNESS, 0)
        safe = np.maximum(weight, 1)
        bound = np.where(weight > 0, (2 * total + weight) // (2 * safe), NEUTRAL)
        cap = np.minimum(p.outcome_cap[place], np.where(expired, CAP_EXPIRED, 100))
        cap = np.where((sk == 0) & (ti == 0), np.minimum(cap, CAP_UNRELATED), cap)
        bound = np.minimum(bound, cap).astype(np.int64)
        return (bound << 52) | (posted << 32) | seg.ids[rows]

    def _salary(self, rows: I64) -> tuple[I64, I64]:
        """Salary (score x weight, weight): the scorer's, but a billionth kinder where it
        rounds a fraction to nine places, so never below it."""
        want = self.p.want_usd
        zero = np.zeros(len(rows), np.int64)
        if want is None:
            return zero, zero
        low, high = self.seg.low[rows], self.seg.high[rows]
        known = ~np.isnan(low)
        low, high = np.where(known, low, 1.0), np.where(known, high, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            covered = np.floor(100 - 15 * ((want - low) / (high - low) - 1e-9) + 0.5)
            short = np.floor(85 - 200 * ((want - high) / want - 1e-9) + 0.5)
        score = np.where(
            want <= low * SAME_AMOUNT,
            100,
            np.where(want <= high * SAME_AMOUNT, np.nan_to_num(covered, nan=100), short),
        )
        score = np.clip(score, 0, 100).astype(np.int64)
        weight = np.where(known, W_SALARY, 0)
        return score * weight, weight

    def keys(self) -> Iterator[tuple[I64, int]]:
        """Stage-B keys of the rows, a stage-A level range at a time, highest first,
        each with a stage-A bound of every row left after it (-1: none).

        A range ends at a level a sample of the rows puts about :data:`GROUP` rows
        above (the level only decides how much is computed at once, never the order).
        """
        a = self.a
        sample = np.bincount(a[::SAMPLE_STEP], minlength=256)[::-1].cumsum()[::-1]
        top, want = 255, GROUP // SAMPLE_STEP
        while top > 0:
            level = max(1, next((lv for lv in range(top, 0, -1) if sample[lv] >= want), 1))
            rows = np.flatnonzero(a >= level) if top == 255 else self._between(level, top)
            yield self.exact(rows), level - 1
            top, want = level - 1, want * 4
        rows = np.flatnonzero(a == 0)
        if self.mask is not None:
            rows = rows[self.mask[rows]]
        yield self.exact(rows), -1

    def _between(self, low: int, high: int) -> I64:
        """Rows with ``low <= a <= high`` (uint8 arithmetic wraps below ``low``)."""
        return np.flatnonzero((self.a - np.uint8(low)) <= np.uint8(high - low))


def _merge(groups: Iterator[tuple[I64, int]]) -> Iterator[int]:
    """Keys highest first from stage-B groups: a key goes out once no row left behind
    could have a higher one (its bound above every stage-A bound left)."""
    pool = np.empty(0, np.int64)
    for keys, rest in groups:
        pool = np.sort(np.concatenate((pool, keys)))[::-1]
        floor = (rest + 1) << 52
        cut = int(np.searchsorted(-pool, -floor, side="right"))
        for start in range(0, cut, 256):
            yield from pool[start : min(start + 256, cut)].tolist()
        pool = pool[cut:]
    for start in range(0, len(pool), 256):
        yield from pool[start : start + 256].tolist()


_LOW32 = (1 << 32) - 1
_LOW20 = (1 << 20) - 1


def _chunks(keys: Iterator[int], first: int) -> Iterator[list[RankKey]]:
    size = first
    chunk: list[RankKey] = []
    for key in keys:
        chunk.append((key >> 52, (key >> 32) & _LOW20, key & _LOW32))
        if len(chunk) >= size:
            yield chunk
            chunk, size = [], min(size * 2, 4096)
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- filters


def _filter_mask(seg: Segment, vocab: Vocabulary, f: JobFilter) -> Bools | None:
    """The rows ``f`` keeps (and alive), None for all."""
    mask: Bools | None = seg.alive.copy() if seg.dead else None

    def narrow(keep: Bools) -> None:
        nonlocal mask
        mask = keep if mask is None else mask & keep

    if f.remote is not None:
        narrow((seg.remote == 2) == f.remote)
    if f.country_code:
        narrow(seg.code == vocab.code.get(f.country_code))
    if f.min_salary is not None:
        with np.errstate(invalid="ignore"):
            narrow(seg.offered >= f.min_salary)
    if f.technologies:
        keep = np.zeros(seg.size, np.bool_)
        keep[seg.lists["tech"].all_of([vocab.tech.get(t) for t in f.technologies])] = True
        narrow(keep)
    if f.locations:
        needles = [n.lower() for n in f.locations]
        texts = np.asarray([any(n in t for n in needles) for t in vocab.lowered] or [False])
        narrow(texts[seg.location] | texts[seg.country])
    if f.exclude_companies:
        blocked = np.zeros(len(vocab.company.ids), np.bool_)
        for name in f.exclude_companies:
            at = vocab.company.get(name)
            if at >= 0:
                blocked[at] = True
        narrow(~blocked[seg.company])
    if f.exclude_ids:
        keep = np.ones(seg.size, np.bool_)
        keep[seg.rows_of(f.exclude_ids)] = False
        narrow(keep)
    return mask


def applies(f: JobFilter) -> bool:
    """Whether the index applies every filter ``f`` sets exactly."""
    return all(
        name in _HANDLED or getattr(f, name) == default
        for name, default in _FILTER_DEFAULTS.items()
    )


# --------------------------------------------------------------------------- the index


class NumpyRankingIndex(RankingIndex):
    """Every stored job's ranking features in numpy columns (see the module docstring).

    Created by the container and loaded by :meth:`load` in the background. Keeps at
    most ``max_jobs`` jobs (past that it stops, and the core takes its other path) and
    at most ``max_changed`` jobs changed since it was loaded before it loads afresh.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, *, max_jobs: int = 2_000_000, max_changed: int = 50_000
    ) -> None:
        self._uow = uow
        self._max_jobs = max_jobs
        self._max_changed = max_changed
        self._vocab = Vocabulary()
        self._main: Segment | None = None
        self._changed: dict[int, Job] = {}
        self._delta: Segment | None = None
        self._mark = 0
        self._lock = asyncio.Lock()
        self._loading: asyncio.Task[None] | None = None
        self.too_large = False

    @property
    def ready(self) -> bool:
        return self._main is not None

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in (self._main, self._delta) if s is not None)

    def start(self) -> None:
        """Load in the background (once at a time)."""
        if self._loading is None or self._loading.done():
            self._loading = asyncio.ensure_future(self.load())

    async def stop(self) -> None:
        loading, self._loading = self._loading, None
        if loading is not None and not loading.done():
            loading.cancel()
            await asyncio.gather(loading, return_exceptions=True)

    async def load(self) -> None:
        """Read every stored job into a new main segment and start serving from it."""
        from . import ranking_kernels  # numba starts here, not with every skael command

        await asyncio.to_thread(ranking_kernels.warm)  # compiled here, not in a request
        vocab = Vocabulary()
        columns = _Columns(vocab)
        async with self._uow(read_only=True) as uow:
            mark = await uow.jobs.change_mark()
        after = 0
        while True:
            async with self._uow(read_only=True) as uow:
                page = await uow.jobs.changed_since(0, after, PAGE)
            # in a thread: requests are served between its steps meanwhile
            await asyncio.to_thread(columns.extend, page)
            if len(columns.ids) > self._max_jobs:
                self.too_large = True
                log.warning("ranking index: more than %d jobs, not used", self._max_jobs)
                return
            if len(page) < PAGE:
                break
            after = page[-1].id
        main = await asyncio.to_thread(columns.build)
        async with self._lock:
            self._vocab, self._main, self._mark = vocab, main, mark
            self._changed, self._delta = {}, None
        log.info("ranking index: %d jobs, %.0f MB", main.size, main.nbytes / 1e6)

    async def catch_up(self, uow: UnitOfWork) -> None:
        """Take in the jobs written since the last look."""
        async with self._lock:
            main = self._main
            if main is None:
                return
            mark, page = await uow.jobs.changes(self._mark, PAGE)
            changed = page
            while len(page) == PAGE:
                page = await uow.jobs.changed_since(self._mark, page[-1].id, PAGE)
                changed = changed + page
            self._mark = mark
            if not changed:
                return
            ids = [job.id for job in changed]
            main.kill(ids)
            self._changed.update((job.id, job) for job in changed)
            columns = _Columns(self._vocab)
            for job in self._changed.values():
                columns.add(job)
            self._delta = columns.build()
            if len(self._changed) > self._max_changed:
                self.start()

    async def order(
        self, uow: UnitOfWork, person: ProfileFeatures, filters: JobFilter, today: date
    ) -> Iterator[Sequence[RankKey]] | None:
        if self._main is None or not applies(filters):
            return None
        await self.catch_up(uow)
        return self.ordered(person, filters, today)

    def ordered(
        self, person: ProfileFeatures, filters: JobFilter, today: date, first: int = 64
    ) -> Iterator[list[RankKey]]:
        """The keys of the jobs ``filters`` keeps, by bound, in chunks (as :meth:`order`,
        without catching up)."""
        vocab = self._vocab
        p = Person(person, vocab, today)
        streams = [
            _merge(_Bounds(seg, p, _filter_mask(seg, vocab, filters)).keys())
            for seg in (self._main, self._delta)
            if seg is not None and seg.size
        ]
        merged = heapq.merge(*streams, reverse=True)
        return _chunks(merged, first)
