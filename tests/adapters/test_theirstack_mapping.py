"""Theirstack request building and response mapping, pure: no HTTP."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skael_adapters.theirstack import (
    KNOWN_FILTERS,
    JobPosting,
    SearchResponse,
    build_search_body,
    seniorities_for_experience,
    technology_name,
    to_job,
)
from skael_adapters.theirstack.mapping import location_pattern
from skael_adapters.theirstack.responses import error_message, wait_hint
from skael_core.model import FetchQuery, Job

DATA = Path(__file__).parents[1] / "data" / "theirstack"


def recorded() -> SearchResponse:
    raw = (DATA / "search_response_60_jobs.json").read_bytes()
    return msgspec.json.decode(raw, type=SearchResponse)


def posting(**fields: object) -> JobPosting:
    return msgspec.json.decode(
        msgspec.json.encode({"id": 1, "job_title": "Nurse", **fields}), type=JobPosting
    )


# --------------------------------------------------------------------------- request


def test_a_full_query_maps_to_provider_filters() -> None:
    query = FetchQuery(
        job_titles=("Data  Engineer ", "data engineer", ""),
        skills=("Python", "Apache Airflow", "python"),
        experience=6,
        locations=("São Paulo, Brazil", "C++ (remote)"),
        countries=("de", "US", "Germany"),
        remote=False,
        limit=50,
        posted_at_max_age_days=14,
    )

    body = build_search_body(query, [7, 8, 7])

    assert body == {
        "job_title_or": ["Data Engineer"],
        "job_technology_slug_or": ["python", "apache-airflow"],
        "job_seniority_or": ["mid_level", "senior"],
        "job_country_code_or": ["DE", "US"],
        "job_location_pattern_or": ["São Paulo", r"C\+\+ \(remote\)"],
        "remote": False,
        "limit": 50,
        "posted_at_max_age_days": 14,
        "job_id_not": [7, 8],
        "include_total_results": False,
    }


def test_an_empty_query_still_sends_a_date_filter() -> None:
    body = build_search_body(FetchQuery(), [])

    assert body == {"limit": 25, "posted_at_max_age_days": 30, "include_total_results": False}


def test_a_watermark_is_sent_as_discovered_at_gte_in_utc() -> None:
    moment = datetime(2026, 11, 20, 16, 10, 48, 250000, tzinfo=UTC)
    body = build_search_body(FetchQuery(discovered_at_gte=moment), [7, 8])

    assert body["discovered_at_gte"] == "2026-11-20T16:10:48.250000+00:00"
    assert body["job_id_not"] == [7, 8]
    assert set(body) <= KNOWN_FILTERS


@pytest.mark.parametrize(
    ("years", "levels"),
    [
        (None, ()),
        (-3, ("junior",)),
        (0, ("junior",)),
        (1, ("junior",)),
        (2, ("junior", "mid_level")),
        (4, ("junior", "mid_level")),
        (5, ("mid_level", "senior")),
        (8, ("mid_level", "senior")),
        (9, ("senior", "staff")),
        (40, ("senior", "staff")),
    ],
)
def test_seniority_follows_the_documented_table(years: int | None, levels: tuple[str]) -> None:
    assert seniorities_for_experience(years) == levels


def test_known_ids_are_bounded() -> None:
    body = build_search_body(FetchQuery(), range(1000), known_ids_limit=500)

    assert body["job_id_not"] == list(range(500))


@pytest.mark.parametrize(
    ("location", "pattern"),
    [
        ("Berlin", "Berlin"),
        ("  New   York , NY", "New York"),
        ("St. John's", r"St\. John's"),
        ("a|b (c) [d] {e} ^$*+?\\", r"a\|b \(c\) \[d\] \{e\} \^\$\*\+\?\\"),
    ],
)
def test_locations_become_literal_patterns(location: str, pattern: str) -> None:
    assert location_pattern(location) == pattern


queries = st.builds(
    FetchQuery,
    job_titles=st.lists(st.text(max_size=30), max_size=4).map(tuple),
    skills=st.lists(st.text(max_size=20), max_size=6).map(tuple),
    experience=st.none() | st.integers(-5, 60),
    locations=st.lists(st.text(max_size=30), max_size=4).map(tuple),
    countries=st.lists(st.text(max_size=4), max_size=4).map(tuple),
    remote=st.none() | st.booleans(),
    limit=st.integers(1, 500),
    posted_at_max_age_days=st.integers(1, 3650),
)


@given(query=queries, exclude=st.lists(st.integers(1, 2**53), max_size=600))
def test_every_query_yields_a_valid_body(query: FetchQuery, exclude: list[int]) -> None:
    body = build_search_body(query, exclude, known_ids_limit=500)

    assert set(body) <= KNOWN_FILTERS
    assert body["posted_at_max_age_days"] == query.posted_at_max_age_days
    assert "blur_company_data" not in body
    assert all(value not in (None, "", [], {}) for value in body.values())
    for key in ("job_title_or", "job_technology_slug_or", "job_location_pattern_or"):
        assert all(isinstance(v, str) and v for v in body.get(key, []))
    for code in body.get("job_country_code_or", []):
        assert len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()
    for slug in body.get("job_technology_slug_or", []):
        assert slug == slug.lower() and slug == slug.strip()
    assert len(body.get("job_id_not", [])) <= 500
    assert set(body.get("job_seniority_or", [])) <= {"junior", "mid_level", "senior", "staff"}


@given(location=st.text(max_size=40).filter(lambda t: t.split(",", 1)[0].strip()))
def test_location_patterns_match_their_text_literally(location: str) -> None:
    pattern = location_pattern(location)
    place = " ".join(location.split(",", 1)[0].split())

    assert re.fullmatch(pattern, place)
    assert "(?" not in pattern  # no look-arounds or other extensions: RE2 accepts it


def test_the_body_is_json_encodable() -> None:
    query = FetchQuery(job_titles=("Nurse",), countries=("GB",))

    assert msgspec.json.decode(msgspec.json.encode(build_search_body(query, [1])))


# --------------------------------------------------------------------------- response


def test_the_recorded_response_maps_to_60_jobs() -> None:
    jobs = [to_job(p) for p in recorded().data]

    assert len(jobs) == 60
    assert len({job.source_id for job in jobs}) == 60
    assert all(isinstance(job, Job) and job.source == "theirstack" for job in jobs)
    assert all(job.discovered_at and job.discovered_at.tzinfo is UTC for job in jobs)


def test_a_recorded_job_keeps_every_field_skael_uses() -> None:
    job = to_job(recorded().data[0])

    assert job.source_id == 900000000
    assert job.job_title == "Accountant"
    assert job.date_posted == date(2026, 11, 16)
    assert job.discovered_at == datetime(2026, 11, 16, 12, 4, 1, tzinfo=UTC)
    assert (job.min_salary, job.max_salary, job.currency) == (63000, 74000, "GBP")
    assert (job.min_salary_usd, job.max_salary_usd) == (80512.48, 94111.03)
    assert job.employment_status == ("full_time",)
    assert (job.country_code, job.country, job.location) == ("GB", "United Kingdom", "London")
    assert job.technology_slugs == ("sap", "excel", "oracle-netsuite")
    assert [t.technology_name for t in job.technologies] == ["SAP", "Excel", "Oracle NetSuite"]
    assert job.company_obj is not None
    assert job.company_obj.company_name == "Tidewater Analytics"
    assert job.company_obj.company_domain == "tidewater-analytics.example"
    assert job.company_obj.id == "tidewater-analytics"
    assert job.industry_id == job.company_obj.industry_id == 4
    assert job.apply_url == job.url
    assert job.features == Job(source="x", source_id=1, job_title="x").features
    assert job.key_info == ()


def test_the_hiring_team_is_mapped() -> None:
    job = to_job(
        posting(
            hiring_team=[
                {
                    "first_name": "Dana",
                    "full_name": "Dana Okafor",
                    "linkedin_url": "https://people.example.com/in/dana",
                    "role": "Talent Partner",
                    "image_url": None,
                },
                {"first_name": None, "full_name": None, "role": None},
            ]
        )
    )

    (member,) = job.hiring_team
    assert member.name == "Dana Okafor"
    assert member.title == "Talent Partner"
    assert member.linkedin_profile_url == "https://people.example.com/in/dana"


def test_nulls_and_unknown_fields_are_tolerated() -> None:
    fields = {key: None for key in JobPosting.__struct_fields__ if key not in ("id", "job_title")}

    job = to_job(posting(**fields, brand_new_field={"nested": [1, 2]}))

    assert job.job_title == "Nurse"
    assert job.company_obj is None and job.technologies == () and job.country_code is None


@pytest.mark.parametrize(
    "fields",
    [{"id": "900"}, {"id": 1.5}, {"job_title": 5}, {"id": None}],
    ids=["id-str", "id-float", "title-int", "id-null"],
)
def test_what_skael_needs_is_strict(fields: dict[str, object]) -> None:
    with pytest.raises(msgspec.ValidationError):
        posting(**fields)


def test_a_missing_title_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError, match="job_title"):
        msgspec.json.decode(b'{"id": 3}', type=JobPosting)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"country_code": "gb"}, "GB"),
        ({"country_code": "XX"}, None),
        ({"country_code": "GBR"}, None),
        ({"country_code": "U1"}, None),
        ({"country_code": None, "country_codes": ["de", "FR"]}, "DE"),
        ({"locations": [{"country_code": "BR", "display_name": "São Paulo, Brazil"}]}, "BR"),
        ({"country_code": "", "country_codes": [], "locations": []}, None),
    ],
)
def test_country_codes_are_normalised_or_dropped(
    fields: dict[str, object], expected: str | None
) -> None:
    assert to_job(posting(**fields)).country_code == expected


def test_an_invalid_company_country_is_dropped_too() -> None:
    job = to_job(posting(company_object={"id": 42, "name": "Acme", "country_code": "Europe"}))

    assert job.company_obj is not None
    assert job.company_obj.country_code is None and job.company_obj.id == "42"
    assert job.company == "Acme"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-16T12:04:01", datetime(2026, 11, 16, 12, 4, 1, tzinfo=UTC)),
        ("2026-11-16T12:04:01Z", datetime(2026, 11, 16, 12, 4, 1, tzinfo=UTC)),
        ("2026-11-16T14:04:01+02:00", datetime(2026, 11, 16, 12, 4, 1, tzinfo=UTC)),
        ("2026-11-16 12:04:01.250", datetime(2026, 11, 16, 12, 4, 1, 250000, tzinfo=UTC)),
        ("yesterday", None),
    ],
)
def test_discovered_at_is_utc_aware(text: str, expected: datetime | None) -> None:
    job = to_job(posting(discovered_at=text))

    assert job.discovered_at == expected
    assert job.discovered_at is None or job.discovered_at.utcoffset().total_seconds() == 0


def test_the_location_falls_back_in_order() -> None:
    place = {"display_name": "Pune, Maharashtra, India", "country_name": "India"}

    assert to_job(posting(location=None, short_location="Pune, MH")).location == "Pune, MH"
    assert to_job(posting(location=None, locations=[place])).location == place["display_name"]
    assert to_job(posting(locations=[place])).country == "India"


def test_matching_phrases_and_statuses_become_tuples() -> None:
    job = to_job(
        posting(matching_phrases=["python"], employment_statuses=["part_time", "contract"])
    )

    assert job.matching_phrase == ("python",)
    assert job.employment_status == ("part_time", "contract")


def test_technologies_are_deduplicated_with_readable_names() -> None:
    job = to_job(posting(technology_slugs=["apache-airflow", "PostgreSQL", "postgresql", ""]))

    assert [(t.technology_slug, t.technology_name) for t in job.technologies] == [
        ("apache-airflow", "Apache Airflow"),
        ("postgresql", "PostgreSQL"),
    ]


def test_an_empty_title_is_refused_by_the_core() -> None:
    with pytest.raises(ValueError, match="job_title"):
        to_job(posting(job_title="   "))


@pytest.mark.parametrize(
    ("slug", "name"),
    [("react", "React"), ("power-bi", "Power BI"), ("google-ads", "Google Ads"), ("aws", "AWS")],
)
def test_technology_names(slug: str, name: str) -> None:
    assert technology_name(slug) == name


# --------------------------------------------------------------------------- error bodies


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("error_402_out_of_credits.json", "E-009 Not enough credits: Your team has no API"),
        ("error_422_validation.json", "E-012 Validation error: job_seniority_or: value 'intern'"),
        ("error_422_fastapi_style.json", "body.limit: Input should be greater than or equal to 1"),
        ("error_429_rate_limited.json", "E-014 Too many requests exception: Rate limit exceeded"),
        ("error_500.json", "E-016 Internal server error: Unexpected error."),
    ],
)
def test_both_error_shapes_are_read(file: str, message: str) -> None:
    assert error_message((DATA / file).read_bytes()).startswith(message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", ""),
        (b'{"detail": "Not authenticated"}', "Not authenticated"),
        (b'{"error": "quota"}', "quota"),
        (b"<html>\n<h1>Bad   gateway</h1></html>", "<html> <h1>Bad gateway</h1></html>"),
        (b'{"unexpected": true}', '{"unexpected": true}'),
        (b"x" * 500, "x" * 197 + "..."),
    ],
)
def test_other_error_bodies_give_a_short_text(body: bytes, message: str) -> None:
    assert error_message(body) == message


def test_retry_after_comes_first() -> None:
    headers = {"retry-after": "4", "ratelimit-reset": "30"}

    assert wait_hint(headers, rate_limited=True) == 4


def test_ratelimit_reset_counts_only_when_rate_limited() -> None:
    headers = {"ratelimit-reset": "7"}

    assert wait_hint(headers, rate_limited=True) == 7
    assert wait_hint(headers, rate_limited=False) is None


def test_wait_hints_in_other_forms() -> None:
    now = 1_800_000_000.0
    in_ten = format_datetime(datetime.fromtimestamp(now + 10, UTC), usegmt=True)

    assert wait_hint({"retry-after": in_ten}, rate_limited=True, now=now) == 10
    assert wait_hint({"ratelimit-reset": str(int(now) + 5)}, rate_limited=True, now=now) == 5
    assert wait_hint({"retry-after": "soon"}, rate_limited=False) is None
    assert wait_hint({"retry-after": "-1", "ratelimit-reset": "3"}, rate_limited=True) == 3
