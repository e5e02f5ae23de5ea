"""The match score: six named parts, a weighted mean, caps for hard mismatches.

How a score is made
-------------------
Each part scores 0-100 and has a fixed weight (:data:`WEIGHTS`):

- ``skills``: the share of the job's skills the person lists (more than five asked
  skills count half each beyond the fifth, since nobody holds a whole wish list); for
  a posting without technology tags, when higher, how many of the person's skills its
  duties name (:mod:`.duties`; three make 100);
- ``title``: overlap of the normalised job title with the desired role (generic
  nouns such as "engineer" count half), or, when higher, how near the occupations they
  name are (:mod:`.occupations`, from ESCO): the same occupation 90, the same ISCO-08
  unit group 70 ("Talent Acquisition Partner" for a "Recruiter"), related occupations
  (titles ending in the same noun) 50;
- ``seniority``: the person's years of experience against the years the job is for:
  the range the posting asks ("5-7 years", "0-1 years"; "8+ years" reaches the top of
  its level's band, or 4 years past its floor), else its level's band (junior 0-2,
  mid-level 2-5, senior 5-10, staff 8-15, executive 12+). Each year short costs 25
  points, each year over 8: under-qualification lowers the fit more than
  over-qualification, and both lower it. Without the person's years, the job's level
  against the level of their desired title;
- ``location``: remote, country and place fit with the remote preference;
- ``salary``: the job's yearly pay range against the expected salary, both in US
  dollars (the provider's USD figures, else the shipped exchange rates; see
  :mod:`.money`), explained in the person's currency;
- ``freshness``: days since the job was posted.

A part whose data is missing on either side is *unknown*: it appears in the
breakdown with score 50, weight 0.0 and a detail naming what is missing, and it does
not move the score: the known parts' weights are renormalised (the score divides by
their sum). This holds for ``skills`` too: a person who lists no skills, or a job that
names none, has no skills part. Once a person lists a skill, adding one the job asks
for can only raise the score and removing one can only lower it.

The uncapped score is the weighted mean of the parts, ``sum(score * weight) /
sum(weight)`` over the breakdown (50 when no part is known), rounded half up. It is
then lowered to the tightest cap that applies (:func:`score_cap`):

- an onsite or hybrid job in a country the person did not choose (and not in a place
  they named): 40;
- a person who wants remote work and a job that is fully onsite: 60;
- an expired posting: 30;
- a job that shares nothing with the person: skills and title both known and both 0
  (another profession): 30.

Everything here reads precomputed features only: set operations and arithmetic, no
regular expressions and no parsing, so scoring stays cheap for large candidate lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

from ..model import Job, JobFeatures, Match, RemotePreference, ScorePart
from .features import SENIORITY_NAMES, ProfileFeatures
from .vocab import vocabulary

WEIGHTS: Final = {
    "skills": 0.35,
    "title": 0.20,
    "seniority": 0.15,
    "location": 0.15,
    "salary": 0.08,
    "freshness": 0.07,
}
CAP_OTHER_COUNTRY: Final = 40
CAP_ONSITE_FOR_REMOTE: Final = 60
CAP_EXPIRED: Final = 30
CAP_UNRELATED: Final = 30
NEUTRAL: Final = 50
SAME_OCCUPATION: Final = 90
SAME_OCCUPATION_GROUP: Final = 70
RELATED_OCCUPATION: Final = 50
_OCCUPATION_KINDS: Final = {
    SAME_OCCUPATION: "the same occupation",
    SAME_OCCUPATION_GROUP: "an occupation of the same group",
    RELATED_OCCUPATION: "an occupation related to that of",
}

_W_SKILLS = WEIGHTS["skills"]
_W_TITLE = WEIGHTS["title"]
_W_SENIORITY = WEIGHTS["seniority"]
_W_LOCATION = WEIGHTS["location"]
_W_SALARY = WEIGHTS["salary"]
_W_FRESHNESS = WEIGHTS["freshness"]

# Seniority fit by (job rank - the rank of the person's desired title) + 4, when their
# years are unknown: a role far above them fits worst, one a step below is still fair.
_RANK_FIT = (15, 20, 40, 70, 100, 60, 25, 10, 5)
# The years of experience each level is for (SENIORITY_NAMES), when a posting gives no
# figure: junior 0-2, mid-level 2-5, senior 5-10, staff 8-15, executive 12 and more.
LEVEL_YEARS: Final = ((0, 2), (2, 5), (5, 10), (8, 15), (12, 70))
_OPEN_RANGE = 4  # "3+ years" of no known level is a job for 3 to 7 years
_SHORT_COST = 25
_OVER_COST = 8
_DUTIES_FULL = 3  # skills of the person named in a posting's duties for a full fit
_SAME = 1 + 1e-9  # amounts closer than this (relatively) are equal: rounding aside
_LISTED = 6
SAME_AMOUNT: Final = _SAME
"""Salary amounts closer than this factor are equal (see :func:`_salary`)."""
DUTIES_FULL: Final = _DUTIES_FULL
"""Skills of the person named in a posting's duties for a full skills part."""

_REMOTE = RemotePreference.REMOTE
_HYBRID = RemotePreference.HYBRID
_ONSITE = RemotePreference.ONSITE


def _unknown(detail: str) -> ScorePart:
    return ScorePart(score=NEUTRAL, weight=0.0, detail=detail)


_NO_SKILLS = _unknown("The posting names no skills.")
_NO_OWN_SKILLS = _unknown("You list no skills to compare with the posting's.")
_NO_TITLE = _unknown("No desired role to compare the title with.")
_NO_SENIORITY = _unknown("Seniority unknown: no years of experience or no level asked.")
_NO_LOCATION = _unknown("No location, country or remote preference to compare.")
_NO_JOB_PLACE = _unknown("The posting does not say where the work is.")
_NO_SALARY = _unknown("No salary on the posting or no expected salary.")
_NO_CURRENCY = _unknown("Your expected salary has no currency with a known exchange rate.")
_NO_DATE = _unknown("Posting date unknown.")
_EXPIRED = ScorePart(score=0, weight=_W_FRESHNESS, detail="The posting has expired.")


def score_job(person: ProfileFeatures, job: Job, today: date) -> Match:
    """How well ``job`` fits ``person`` on ``today``: a 0-100 score, parts and reasons.

    Deterministic: the same inputs give the same score, breakdown and explanation.
    The job must have been through ``prepare_job`` (its ``features`` filled).
    """
    f = job.features
    skills = _skills(person, f)
    title = _title(person, f)
    seniority = _seniority(person, f)
    location, cap, cap_reason = _location(person, job, f)
    salary = _salary(person, job)
    if job.job_expired:
        freshness = _EXPIRED
        if cap > CAP_EXPIRED:
            cap, cap_reason = CAP_EXPIRED, "the posting has expired"
    else:
        freshness = _freshness(job, today)
    if cap > CAP_UNRELATED and _unrelated(skills, title):
        cap, cap_reason = CAP_UNRELATED, "neither your skills nor your desired role fit the job"
    # Summed in breakdown order, as weighted_mean does, so the floats agree exactly.
    weight = (
        skills.weight + title.weight + seniority.weight
        + location.weight + salary.weight + freshness.weight
    )  # fmt: skip
    total = (
        skills.score * skills.weight + title.score * title.weight
        + seniority.score * seniority.weight + location.score * location.weight
        + salary.score * salary.weight + freshness.score * freshness.weight
    )  # fmt: skip
    uncapped = int(total / weight + 0.5) if weight else NEUTRAL
    parts = (skills, title, seniority, location, salary, freshness)
    reasons = " ".join([p.detail for p in parts if p.weight])
    if uncapped > cap:
        reasons = f"{reasons} Capped at {cap}: {cap_reason}."
        uncapped = cap
    return Match(
        score=uncapped,
        explanation=reasons or "Too little is known to judge this job.",
        breakdown={
            "skills": skills,
            "title": title,
            "seniority": seniority,
            "location": location,
            "salary": salary,
            "freshness": freshness,
        },
    )


def weighted_mean(breakdown: Mapping[str, ScorePart]) -> float:
    """The uncapped score of a breakdown: the weighted mean of its known parts."""
    weight = sum(p.weight for p in breakdown.values())
    if not weight:
        return float(NEUTRAL)
    return sum(p.score * p.weight for p in breakdown.values()) / weight


def score_cap(person: ProfileFeatures, job: Job) -> int:
    """The tightest cap that applies to ``job`` for ``person`` (100 when none does)."""
    _, cap, _ = _location(person, job, job.features)
    if job.job_expired:
        cap = min(cap, CAP_EXPIRED)
    if _unrelated(_skills(person, job.features), _title(person, job.features)):
        cap = min(cap, CAP_UNRELATED)
    return cap


def _unrelated(skills: ScorePart, title: ScorePart) -> bool:
    return bool(skills.weight and title.weight) and not skills.score and not title.score


# --------------------------------------------------------------------------- parts


def _listing(items: list[str] | tuple[str, ...]) -> str:
    if len(items) <= _LISTED:
        return ", ".join(items)
    return f"{', '.join(items[:_LISTED])} and {len(items) - _LISTED} more"


def _skills(person: ProfileFeatures, f: JobFeatures) -> ScorePart:
    asked = f.skills
    n = len(asked)
    if not person.skills and not person.skill_words:
        return _NO_OWN_SKILLS if n or f.duty_words else _NO_SKILLS
    if not n:
        if not f.duty_words:
            return _NO_SKILLS
        return _duties_part(_in_duties(person, f), 0, "")
    have = asked & person.skills
    m = len(have)
    score = min(100, int(100 * m / (n if n <= 5 else 5 + (n - 5) * 0.5) + 0.5))
    order = f.skill_order if len(f.skill_order) == n else tuple(sorted(asked))
    if n == 1:
        fit = "held" if m else "missing"
        detail = f"The one required skill, {order[0]}, is {fit}."
    elif m == n:
        detail = f"All {n} required skills: {_listing(order)}."
    elif not m:
        detail = f"None of the {n} required skills: missing {_listing(order)}."
    else:
        matched = [s for s in order if s in have]
        missing = [s for s in order if s not in have]
        detail = f"{m} of {n} required skills: {_listing(matched)}; missing {_listing(missing)}."
    if f.duty_words and score < 100:
        evidence = _in_duties(person, f)
        if evidence and _duties_score(evidence) > score:
            return _duties_part(evidence, score, detail)
    return ScorePart(score=score, weight=_W_SKILLS, detail=detail)


def _in_duties(person: ProfileFeatures, f: JobFeatures) -> tuple[int, ...]:
    """The places (in the person's skill list) of the skills whose words all appear in
    the posting's duties."""
    duties = f.duty_words
    if person.skill_word_union.isdisjoint(duties):
        return ()
    return tuple(i for i, words in enumerate(person.skill_words) if words <= duties)


def _duties_score(evidence: tuple[int, ...]) -> int:
    return int(100 * min(len(evidence), _DUTIES_FULL) / _DUTIES_FULL + 0.5)


def _duties_part(evidence: tuple[int, ...], score: int, detail: str) -> ScorePart:
    """The skills part of a posting without tags, from the person's skills its duties
    name: three of them make a full fit."""
    if not evidence:
        if detail:
            return ScorePart(score=score, weight=_W_SKILLS, detail=detail)
        return _DUTY_PARTS[0]
    count = len(evidence)
    if count < len(_DUTY_PARTS) and _DUTY_PARTS[count].score >= score:
        return _DUTY_PARTS[count]
    named = "1 of your skills appears" if count == 1 else f"{count} of your skills appear"
    text = f"{named} in the posting's duties."
    return ScorePart(score=max(score, _duties_score(evidence)), weight=_W_SKILLS, detail=text)


def _duty_part(count: int) -> ScorePart:
    if not count:
        return ScorePart(
            score=0, weight=_W_SKILLS, detail="None of your skills appear in the posting's duties."
        )
    named = "1 of your skills appears" if count == 1 else f"{count} of your skills appear"
    score = int(100 * min(count, _DUTIES_FULL) / _DUTIES_FULL + 0.5)
    return ScorePart(score=score, weight=_W_SKILLS, detail=f"{named} in the posting's duties.")


_DUTY_PARTS: Final = tuple(_duty_part(count) for count in range(40))


def _title(person: ProfileFeatures, f: JobFeatures) -> ScorePart:
    wanted = person.title_tokens
    offered = f.title_tokens
    if not wanted or not offered:
        return _NO_TITLE
    common = wanted & offered
    if not common:
        occupation = _occupation_fit(person, f)
        if occupation:
            return _occupation_part(occupation, person)
        return ScorePart(
            score=0,
            weight=_W_TITLE,
            detail=f"Title differs from your desired role ({person.desired_role}).",
        )
    nouns = vocabulary().role_nouns
    shared = len(common) - 0.5 * len(common & nouns)
    own = person.title_weight
    theirs = len(offered) - 0.5 * len(offered & nouns)
    score = int(100 * (0.75 * shared / own + 0.25 * shared / (own + theirs - shared)) + 0.5)
    if score < SAME_OCCUPATION and f.occupations:
        occupation = _occupation_fit(person, f)
        if occupation > score:
            return _occupation_part(occupation, person)
    fit = "matches" if score >= 80 else "partly matches" if score >= 40 else "is loosely related to"
    detail = f"Title {fit} your desired role ({person.desired_role})."
    return ScorePart(score=score, weight=_W_TITLE, detail=detail)


def _occupation_fit(person: ProfileFeatures, f: JobFeatures) -> int:
    """How near the occupations the title and the desired role name are: the same
    ESCO occupation, the same ISCO-08 unit group, titles ending in the same noun
    (related), or none of these (0)."""
    if not person.occupations or not f.occupations:
        return 0
    if not person.occupations.isdisjoint(f.occupations):
        return SAME_OCCUPATION
    if not person.occupation_groups.isdisjoint(f.occupation_groups):
        return SAME_OCCUPATION_GROUP
    if not person.occupation_heads.isdisjoint(f.occupation_heads):
        return RELATED_OCCUPATION
    return 0


def _occupation_part(score: int, person: ProfileFeatures) -> ScorePart:
    kind = _OCCUPATION_KINDS[score]
    detail = f"Title names {kind} as your desired role ({person.desired_role})."
    return ScorePart(score=score, weight=_W_TITLE, detail=detail)


def _years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def _seniority(person: ProfileFeatures, f: JobFeatures) -> ScorePart:
    # The part depends on the job's three small numbers only: the person's features
    # keep each distinct one they met (a ranking meets a few dozen).
    key = (f.seniority_rank, f.min_years, f.max_years)
    memo = person.seniority_memo
    part = memo.get(key)
    if part is None:
        part = memo[key] = seniority_part(person, *key)
    return part


def seniority_part(
    person: ProfileFeatures, job_rank: int | None, floor: int | None, top: int | None
) -> ScorePart:
    """The seniority part of a job of level ``job_rank`` asking ``floor``-``top`` years."""
    return _seniority_part(job_rank, floor, top, person.seniority_rank, person.experience)


def years_band(rank: int | None, floor: int | None, top: int | None) -> tuple[int, int] | None:
    """The years of experience a job is for: those it asks ("5-7 years"; "8+ years"
    reaches the top of its level's band, or 4 years past the floor when its level is
    unknown), else its level's band (:data:`LEVEL_YEARS`); None when neither is known."""
    if floor is None:
        return LEVEL_YEARS[rank] if rank is not None else None
    if top is not None:
        return floor, top
    if rank is None:
        return floor, floor + _OPEN_RANGE
    return floor, max(floor, LEVEL_YEARS[rank][1])


def years_fit(years: int, band: tuple[int, int]) -> int:
    """How well ``years`` of experience fit a job for ``band`` years: 100 inside it;
    each year short costs 25 (down to 5), each year over 8 (down to 30), so being
    under-qualified costs more than being over-qualified by as much."""
    low, high = band
    if years < low:
        return max(5, 100 - _SHORT_COST * (low - years))
    if years > high:
        return max(30, 100 - _OVER_COST * (years - high))
    return 100


def _seniority_part(
    job_rank: int | None,
    floor: int | None,
    top: int | None,
    person_rank: int | None,
    exp: int | None,
) -> ScorePart:
    band = years_band(job_rank, floor, top)
    if exp is None or band is None:
        if job_rank is None or person_rank is None:
            return _NO_SENIORITY
        gap = job_rank - person_rank
        side = "fits" if not gap else "is below" if gap < 0 else "is above"
        detail = f"{SENIORITY_NAMES[job_rank]} role {side} your level."
        return ScorePart(score=_RANK_FIT[gap + 4], weight=_W_SENIORITY, detail=detail)
    score = years_fit(exp, band)
    low, high = band
    if floor is None:  # the level's band only
        assert job_rank is not None
        asks = f"{SENIORITY_NAMES[job_rank]} role ({_span(low, high)})"
    else:
        asked = f"{floor}+ years" if top is None else _span(floor, top)
        head = f"{SENIORITY_NAMES[job_rank]} role asks" if job_rank is not None else "Asks"
        asks = f"{head} {asked}"
    if exp < low:
        detail = f"{asks}; you have {exp}."
    elif exp > high:
        detail = f"{asks}; you have {exp}, more than it needs."
    elif floor is None:
        detail = f"{asks} fits your {_years(exp)}."
    else:
        detail = f"{asks}; you have {exp}."
    return ScorePart(score=score, weight=_W_SENIORITY, detail=detail)


def _span(low: int, high: int) -> str:
    return f"{low}-{high} years"


def location_part(person: ProfileFeatures, job: Job) -> tuple[ScorePart, int]:
    """The location part of ``job`` for ``person`` and the cap it imposes (100: none)."""
    part, cap, _ = _location(person, job, job.features)
    return part, cap


def _location(person: ProfileFeatures, job: Job, f: JobFeatures) -> tuple[ScorePart, int, str]:
    """The location part, and the cap (with its reason) it imposes."""
    pref = person.remote_preference
    countries = person.countries
    places = person.location_keys
    if pref is None and not countries and not places:
        return _NO_LOCATION, 100, ""
    if job.remote:
        return _remote_location(person, job), 100, ""
    place = job.location or job.country or job.country_code
    if place is None and job.remote is None and job.hybrid is None:
        return _NO_JOB_PLACE, 100, ""
    code = job.country_code
    in_country = (code in countries) if countries and code else None
    in_place = (not places.isdisjoint(f.location_keys)) if places and f.location_keys else None
    cap, cap_reason = 100, ""
    if in_place:
        score, where = 100, "a preferred location"
    elif in_country is False:
        score, where = 5, "outside your countries"
        cap, cap_reason = CAP_OTHER_COUNTRY, "the job is onsite outside your countries"
    elif in_country:
        score, where = (
            (90, "in your countries")
            if in_place is None
            else (60, "in your countries, not a preferred place")
        )
    elif in_place is False:
        score, where = 35, "not a preferred location"
    else:
        score, where = 70, ""
    mode = "Hybrid" if job.hybrid else "Onsite"
    head = f"{mode} in {place}" if place else f"{mode} work"
    if pref == _REMOTE:
        score = min(score, 60 if job.hybrid else 30)
        where = f"{where}; you prefer remote work" if where else "you prefer remote work"
        if not job.hybrid and cap > CAP_ONSITE_FOR_REMOTE:
            cap, cap_reason = CAP_ONSITE_FOR_REMOTE, "you want remote work and the job is onsite"
    elif pref == _HYBRID and not job.hybrid:
        score = max(0, score - 15)
        where = f"{where}; you prefer hybrid work" if where else "you prefer hybrid work"
    detail = f"{head}, {where}." if where else f"{head}."
    return ScorePart(score=score, weight=_W_LOCATION, detail=detail), cap, cap_reason


def _remote_location(person: ProfileFeatures, job: Job) -> ScorePart:
    """A remote job based outside the person's countries often hires only where it is
    based: a fair fit for someone who asked for remote work, a weak one otherwise."""
    code = job.country_code
    if person.countries and code and code not in person.countries:
        where = job.country or code
        if person.remote_preference == _REMOTE:
            detail = f"Remote, as preferred, but based in {where}, outside your countries."
            return ScorePart(score=60, weight=_W_LOCATION, detail=detail)
        detail = f"Remote, but based in {where}, outside your countries."
        return ScorePart(score=30, weight=_W_LOCATION, detail=detail)
    return _REMOTE_FIT[person.remote_preference]


_REMOTE_FIT: Final[dict[RemotePreference | None, ScorePart]] = {
    _REMOTE: ScorePart(score=100, weight=_W_LOCATION, detail="Remote, as preferred."),
    _HYBRID: ScorePart(score=85, weight=_W_LOCATION, detail="Remote; you prefer hybrid work."),
    _ONSITE: ScorePart(score=65, weight=_W_LOCATION, detail="Remote; you prefer onsite work."),
    None: ScorePart(score=90, weight=_W_LOCATION, detail="Remote."),
}


def _salary(person: ProfileFeatures, job: Job) -> ScorePart:
    """Salary fit: the job's yearly pay range against the expected salary, both in US
    dollars (:mod:`.money`), explained in the person's currency.

    Pay at or above the expectation scores 100, a range covering it 85-100, pay below
    it 85 minus 2 points per percent short. Amounts within a billionth of each other
    are the same and fractions are rounded to nine places, so the same amounts in
    another currency (at the same rate) score the same.
    """
    want = person.expected_salary
    f = job.features
    low, high = f.min_pay_usd, f.max_pay_usd
    if not want or (low is None and high is None):
        return _NO_SALARY
    rate = person.usd_per_unit
    if rate is None:
        return _NO_CURRENCY
    low = high if low is None else low
    high = low if high is None else high
    assert low is not None and high is not None
    if low > high:
        low, high = high, low
    want_usd = want * rate
    mine = person.salary_currency
    expected = person.salary_text
    theirs = f" ({f.pay_text})" if f.pay_text and job.currency != mine else ""
    if want_usd <= low * _SAME:
        score = 100
        detail = f"Pays from {low / rate:,.0f} {mine}{theirs}, at or above {expected}."
    elif want_usd <= high * _SAME:
        score = int(100 - 15 * round((want_usd - low) / (high - low), 9) + 0.5)
        detail = f"Pays {low / rate:,.0f}-{high / rate:,.0f} {mine}{theirs}, covering {expected}."
    else:
        short = round((want_usd - high) / want_usd, 9)
        score = max(0, int(85 - 200 * short + 0.5))
        detail = f"Pays up to {high / rate:,.0f} {mine}{theirs}, {short:.0%} below {expected}."
    return ScorePart(score=score, weight=_W_SALARY, detail=detail)


def _freshness(job: Job, today: date) -> ScorePart:
    posted = job.date_posted
    if posted is None:
        return _NO_DATE
    days = max(0, (today - posted).days)
    if days < len(_FRESHNESS):
        return _FRESHNESS[days]
    return _freshness_part(days)


def freshness_part(days: int) -> ScorePart:
    """The freshness part of a job posted ``days`` ago (not expired)."""
    return _FRESHNESS[days] if days < len(_FRESHNESS) else _freshness_part(days)


def _freshness_part(days: int) -> ScorePart:
    if days <= 3:
        score = 100
    elif days <= 7:
        score = 90
    elif days <= 14:
        score = 75
    elif days <= 30:
        score = 55
    elif days <= 60:
        score = 30
    else:
        score = 10
    if not days:
        detail = "Posted today."
    elif days == 1:
        detail = "Posted yesterday."
    else:
        detail = f"Posted {days} days ago."
    return ScorePart(score=score, weight=_W_FRESHNESS, detail=detail)


_FRESHNESS: Final = tuple(_freshness_part(days) for days in range(400))
