"""What the scorer knows about a job and a person, computed once and kept.

A job's :class:`~skael_core.model.JobFeatures` are computed when the job is stored
(:func:`prepare_job`); a person's :class:`ProfileFeatures` once per ranking request.
Scoring then needs only set operations and arithmetic on these.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import msgspec

from ..model import (
    Job,
    JobFeatures,
    PreparedJob,
    Profile,
    RemotePreference,
    ScorePart,
    Technology,
)
from ..sameness import sameness_key
from .duties import duty_words, skill_words
from .key_info import ENTRY_YEARS, Years, read_description, required_text, years_asked
from .money import annual, currency_of, job_pay_usd, pay_text, usd_per_unit
from .occupations import NO_OCCUPATION, Named, occupations_named
from .vocab import (
    _canonical_skill,
    _skills_in_tokens,
    _text_tokens,
    canonical_skills,
    place_keys,
    place_phrases,
    seniority_level,
    skills_in_text,
    title_features,
    title_tokens,
    title_weight,
    tokens,
    vocabulary,
)

# Years of experience at which a person reaches each rank (see SENIORITY_NAMES).
_RANK_FROM_YEARS = ((12, 4), (8, 3), (5, 2), (2, 1), (0, 0))

SENIORITY_NAMES = ("Junior", "Mid-level", "Senior", "Staff", "Executive")


class ProfileFeatures(msgspec.Struct, frozen=True, kw_only=True):
    """A person's side of matching, precomputed from their profile.

    ``skills`` canonical skill keys; ``title_tokens`` the normalised desired role and
    ``title_weight`` their weight; ``seniority_rank`` the rank their years of experience
    reach (else the desired title's seniority word); ``location_keys`` folded preferred
    place names; ``countries`` alpha-2 codes; ``expected_salary`` a year's worth in
    ``salary_currency`` (the profile's, else its first country's), ``usd_per_unit``
    that currency's rate (None when unknown) and ``salary_text`` the expectation as
    explanations name it; ``skill_words`` the stemmed words of each skill and
    ``skill_word_union`` all of them.
    """

    skills: frozenset[str] = frozenset()
    title_tokens: frozenset[str] = frozenset()
    title_weight: float = 0.0
    desired_role: str | None = None
    experience: int | None = None
    seniority_rank: int | None = None
    location_keys: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    remote_preference: RemotePreference | None = None
    expected_salary: float | None = None
    salary_currency: str | None = None
    usd_per_unit: float | None = None
    occupations: frozenset[int] = frozenset()
    occupation_groups: frozenset[int] = frozenset()
    occupation_heads: frozenset[str] = frozenset()
    skill_words: tuple[frozenset[str], ...] = ()
    skill_word_union: frozenset[str] = frozenset()
    salary_text: str = ""
    seniority_memo: dict[tuple[int | None, int | None, int | None], ScorePart] = msgspec.field(
        default_factory=dict
    )
    """The seniority parts scoring met, by the job's (rank, years floor, years top): a
    table of this person's, filled as jobs are scored (the part costs a sentence)."""


def profile_features(profile: Profile) -> ProfileFeatures:
    """The person's side of matching, from their profile.

    The desired role falls back to the title of the first work experience listed.
    """
    role = profile.desired_job_role or next(
        (w.job_title for w in profile.work_experiences if w.job_title.strip()), None
    )
    words, title_rank = title_tokens(role)
    currency = profile.salary_currency or currency_of(next(iter(profile.countries), None))
    salary = profile.expected_salary
    named, groups, heads = occupations_named(tokens(role)) if role else NO_OCCUPATION
    words_of_skills = skill_words(profile.skills)
    yearly = annual(salary, profile.salary_period) if salary else None
    return ProfileFeatures(
        skills=frozenset(canonical_skills(profile.skills)),
        title_tokens=words,
        title_weight=title_weight(words),
        desired_role=role.strip() if role else None,
        experience=profile.experience,
        seniority_rank=rank_for_years(profile.experience, title_rank),
        location_keys=place_phrases(profile.preferred_locations),
        countries=frozenset(profile.countries),
        remote_preference=profile.remote_preference,
        expected_salary=yearly,
        salary_currency=currency,
        usd_per_unit=usd_per_unit(currency),
        occupations=named,
        occupation_groups=groups,
        occupation_heads=heads,
        skill_words=words_of_skills,
        skill_word_union=frozenset().union(*words_of_skills),
        salary_text=f"your expected {yearly:,.0f} {currency}" if yearly and currency else "",
    )


def rank_for_years(years: int | None, fallback: int | None = None) -> int | None:
    """The seniority rank years of experience reach: 0-1 junior ... 12+ executive."""
    if years is None:
        return fallback
    return next(rank for floor, rank in _RANK_FROM_YEARS if years >= floor)


def job_features(job: Job) -> JobFeatures:
    """What the scorer needs from a job, computed once when it is stored.

    Skills are the job's technology slugs (canonicalised) followed by the skills the
    vocabulary recognises in its title and description (optional sections such as
    "Nice to have" and "Benefits" left out); a posting without technology tags also
    keeps the stemmed words of that text (its duties, :mod:`.duties`). The seniority
    rank comes from
    the provider's label, else from title words ("Senior", "Head of", ...). The years
    asked for (a floor, and the top of a range) come from the description's figures,
    else the provider's ``experience`` (a floor), else the description's entry-level
    phrases (0-1 years).
    """
    description = job.description
    text = required_text(description)
    duties = duty_words(_text_tokens(text)[0]) if not job.technologies else frozenset()
    return _features(
        job, skills_in_text(text), years_asked(description), job.technology_slugs, duties
    )


def _features(
    job: Job,
    required: Iterable[str],
    years: Years,
    slugs: tuple[str, ...],
    duties: frozenset[str] = frozenset(),
) -> JobFeatures:
    """:func:`job_features` given the skills of the description's required text, the
    years it asks for and the job's technology slugs."""
    words, title_rank, title_skills, (named, groups, heads) = _title_features(job.job_title)
    order = canonical_skills((*slugs, *title_skills, *required))
    rank = seniority_level(job.seniority)
    floor, top = years
    if floor is None or (years == ENTRY_YEARS and job.experience is not None):
        floor, top = job.experience, None  # a provider's figure beats an entry-level phrase
    low_usd, high_usd = job_pay_usd(
        job.min_salary,
        job.max_salary,
        job.min_salary_usd,
        job.max_salary_usd,
        job.currency,
        job.country_code,
    )
    return JobFeatures(
        skills=frozenset(order),
        title_tokens=words,
        seniority_rank=rank if rank is not None else title_rank,
        min_years=floor,
        max_years=top,
        min_pay_usd=low_usd,
        max_pay_usd=high_usd,
        pay_text=pay_text(job.min_salary, job.max_salary, job.currency),
        occupations=named,
        occupation_groups=groups,
        occupation_heads=heads,
        duty_words=duties,
        location_keys=_place_keys(job.location, job.country, job.country_code),
        skill_order=order,
    )


# Titles and places repeat from posting to posting: their features are remembered.
_TitleFeatures = tuple[frozenset[str], int | None, tuple[str, ...], Named]


@lru_cache(maxsize=8192)
def _title_features(title: str) -> _TitleFeatures:
    words, rank, skills = title_features(title)
    return words, rank, tuple(skills), occupations_named(tokens(title))


_place_keys = lru_cache(maxsize=8192)(place_keys)


def prepare_job(job: Job) -> Job:
    """The job with its matching features and key requirements filled in.

    Key requirements a source already gave are kept when the description yields none;
    technology slugs become canonical skill keys. The description is read once for
    its key requirements, required skills and years.
    """
    description = job.description
    required: Iterable[str] = ()
    years: Years = (None, None)
    duties: frozenset[str] = frozenset()
    key_info = job.key_info
    if description:
        found, low, raw, years = read_description(description)
        key_info = found or key_info
        required = _skills_in_tokens(vocabulary(), low, raw)
        if not job.technologies:
            duties = duty_words(low)
    technologies = _by_canonical_slug(job.technologies)
    features = _features(job, required, years, tuple(technologies), duties)
    return msgspec.structs.replace(
        job, technologies=tuple(technologies.values()), key_info=key_info, features=features
    )


def prepared(job: Job) -> PreparedJob:
    """``job`` made ready for storage (:func:`prepare_job`), as the type storage takes."""
    ready = prepare_job(job)
    return PreparedJob(ready, sameness_key(ready))


def canonical_technologies(technologies: tuple[Technology, ...]) -> tuple[Technology, ...]:
    """Technologies keyed by canonical skill slug (so filters and ranking agree), deduplicated."""
    return tuple(_by_canonical_slug(technologies).values())


def _by_canonical_slug(technologies: tuple[Technology, ...]) -> dict[str, Technology]:
    found: dict[str, Technology] = {}
    for tech in technologies:
        slug = _canonical_skill(tech.technology_slug)
        if slug and slug not in found:
            found[slug] = (
                tech
                if slug == tech.technology_slug
                else msgspec.structs.replace(tech, technology_slug=slug)
            )
    return found
