"""Wire shapes of the HTTP API contract, kept separate from the domain Structs.

Inputs accept the aliases of the contract: a Struct holds both spellings
(``user_name``/``username``, ``email_id``/``email``, ``phone_number``/``number``,
``countries``/``country``) and ``changes()`` merges them, the contract's own name
first. Lists (skills, locations, countries) arrive as a list or one comma-separated
string; the core normalises them.

Outputs: every success is ``{"messages": "success", ...}``; a single object (profile,
job, match score, document) sits at the top level beside ``messages``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Final, Literal, Self, TypeVar

import msgspec
from litestar import Request
from litestar.params import PathParameter, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from skael_core.errors import InvalidInput
from skael_core.matching.money import money_facts
from skael_core.model import (
    Activity,
    Analysis,
    ApplicationStatus,
    CatalogEntry,
    Certification,
    Document,
    DocumentKind,
    Education,
    Job,
    RankedJob,
    SalaryPeriod,
    User,
    WorkExperience,
)
from skael_core.resume_facts import ResumeFacts
from skael_core.usecases.accounts import ProfileChanges, Session
from skael_core.usecases.jobs import FetchOutcome, FetchRequest
from skael_core.usecases.tracking import ApplicationView

from .boundary import agree_spellings
from .errors import invalid_body
from .wording import SPACE, choice, choice_pattern, choice_words, chosen

T = TypeVar("T")
S = TypeVar("S", bound=msgspec.Struct)

MAX_ID: Final = 2**53 - 1
"""The largest id and offset taken: the largest integer a JSON number read as a double
keeps exactly (JavaScript's ``Number.MAX_SAFE_INTEGER``), well inside the stores' signed
64-bit columns (PostgreSQL's ``bigint``, SQLite's ``INTEGER``). A bound of 2^63-1 would
read as 2^63 to such clients and tools; larger values are refused with a 422."""

Skip = Annotated[
    int, QueryParameter(ge=0, le=MAX_ID, description="How many items to skip, 0 to 2^53-1.")
]
Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Page size, 1 to 100.")]
SearchText = Annotated[str | None, QueryParameter(max_length=200)]
"""A text filter in the query: at most 200 characters."""
UserIdQuery = Annotated[
    int | None,
    QueryParameter(ge=1, le=MAX_ID, description="Must be the caller's id when given."),
]
Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
"""An id in a body: a positive integer, at most 2^53-1."""
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
"""An id in the path: a positive integer, at most 2^53-1."""

ShortText = Annotated[str, Meta(max_length=200)]
"""A short text (a name, a title): at most 200 characters."""
LongText = Annotated[str, Meta(max_length=10_000)]
"""A long text (a summary, notes, feedback): at most 10 000 characters."""
VISIBLE = f"[^{SPACE}]"
"""A character that is not white space."""
NOT_BLANK: Final = "a text that is not blank"
NonBlank = Annotated[str, Meta(pattern=VISIBLE, max_length=200, description=NOT_BLANK)]
"""A short text that must not be blank."""
Email = Annotated[
    str,
    Meta(
        pattern=f"^[{SPACE}]*[^@{SPACE}]+@[^@{SPACE}]+\\.[^@{SPACE}]+[{SPACE}]*$",
        max_length=254,
        description="an e-mail address such as ada@example.com",
    ),
]
"""An email address (compared case-insensitively)."""
_REMOTE_WORDS = ("remote", "hybrid", "onsite", "on-site", "on site", "office")
RemotePreferenceText = Annotated[
    str,
    Meta(
        pattern="^[{0}]*(?:{1})?[{0}]*$".format(
            SPACE,
            "|".join(
                "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in w) for w in _REMOTE_WORDS
            ),
        ),
        description=choice_words(
            ("Remote", "Hybrid", "Onsite"), "on-site and office mean Onsite; blank means none"
        ),
    ),
]
"""A remote preference as people type it; blank means none."""
STATUSES: Final = tuple(s.value for s in ApplicationStatus)
StatusText = Annotated[str, choice(STATUSES)]
"""An application status, in any letter case."""
StatusQuery = Annotated[
    str | None,
    QueryParameter(pattern=choice_pattern(STATUSES), description=choice_words(STATUSES)),
]
KINDS: Final = tuple(k.value for k in DocumentKind)
KindText = Annotated[str, choice(KINDS)]
"""A document kind, in any letter case."""
KindQuery = Annotated[
    str | None, QueryParameter(pattern=choice_pattern(KINDS), description=choice_words(KINDS))
]


CurrencyText = Annotated[
    str,
    Meta(
        max_length=20,
        description="An ISO 4217 currency code such as EUR or INR (any letter case); "
        "blank: the currency of the first of the profile's countries.",
        extra_json_schema={"extra": {"enum": [*sorted(money_facts().currencies), "", None]}},
    ),
]
"""The currency of an expected salary (the core checks it is an ISO 4217 code)."""
SalaryPeriodText = Annotated[
    str,
    Meta(
        max_length=20,
        description="annual (the default), monthly or hourly (any letter case).",
        extra_json_schema={"extra": {"enum": [*(p.value for p in SalaryPeriod), "", None]}},
    ),
]
"""What an expected salary is stated for; blank means annual."""
Password = Annotated[str, Meta(min_length=8, max_length=1024)]
"""A new password: 8 to 1024 characters."""
NonNegative = Annotated[float, Meta(ge=0, extra_json_schema={"extra": {"minimum": 0}})]
"""A number, 0 or more. (Litestar leaves a ``ge=0`` of an optional field out of the
OpenAPI document, being falsy; integers say ``gt=-1`` instead, numbers say it again.)"""
Nested = Annotated[list[T], Meta(max_length=50)]
"""Entries of a profile (work experiences, educations, certifications): at most 50."""
TextList = str | Annotated[list[ShortText], Meta(max_length=100)]
"""A list of at most 100 items, or one comma-separated string."""
AnyOf = Annotated[str, Meta(max_length=1000)]
"""One value, or several comma-separated of which any will do (technologies, places)."""
YEARS_PATTERN = (
    f"^[{SPACE}]*(?:(?:70|[1-6]?[0-9])[{SPACE}]*\\+?[{SPACE}]*"
    f"(?:[Yy](?:[Ee][Aa])?[Rr][Ss]?)?[{SPACE}]*)?$"
)
"""Text holding years of experience ("4", "5+", "3 years", "1 yr"), or blank for none."""
Years = Annotated[
    int | Annotated[str, Meta(max_length=40)],
    Meta(
        description='Years of experience: a whole number 0-70, or text holding one ("4", '
        '"5+", "3 years"); blank text means none.',
        extra_json_schema={
            "extra": {
                "oneOf": [
                    {"type": "integer", "minimum": 0, "maximum": 70},
                    {"type": "string", "maxLength": 40, "pattern": YEARS_PATTERN},
                    {"type": "null"},
                ]
            }
        },
    ),
]
"""Years of experience, a number or text (the core reads the text: ``normalize.years``)."""
FractionalScore = Annotated[
    float,
    Meta(
        ge=0,
        le=100,
        description="0-100; a fraction is rounded, halves up.",
        extra_json_schema={"extra": {"minimum": 0}},
    ),
]
"""A given match score (the minimum said again for the OpenAPI document: see NonNegative)."""

FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def first(*values: T | UnsetType) -> T | UnsetType:
    """The first value that was sent, so the contract's name wins over its alias."""
    for value in values:
        if value is not UNSET:
            return value
    return UNSET


def same_id(path_id: int, body_id: int | None, field: str) -> int:
    """The id of the path; a body naming another one is a mistake worth a 422."""
    if body_id is not None and body_id != path_id:
        raise InvalidInput.field(field, f"{body_id} does not match {path_id} in the path")
    return path_id


def _pick(obj: Any, cls: type[S]) -> S:
    """``cls`` filled from the attributes of ``obj`` of the same names (nested too)."""
    return msgspec.convert(obj, cls, from_attributes=True)


async def read_form_or_json(request: Request[Any, Any, Any], cls: type[S]) -> S:
    """A body sent as a form or as JSON, as ``cls``; blank form fields count as left out."""
    try:
        if request.content_type[0] in FORMS:
            form = await request.form()
            fields = {k: v for k, v in form.items() if isinstance(v, str) and v.strip()}
            return msgspec.convert(fields, cls, strict=False)
        return msgspec.convert(integral(msgspec.json.decode(await request.body() or b"{}")), cls)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise invalid_body(exc) from None


def integral(value: Any) -> Any:
    """``value`` with every whole float as an int: JSON (and JSON Schema) hold 2.0 an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [integral(v) for v in value]
    if isinstance(value, dict):
        return {k: integral(v) for k, v in value.items()}
    return value


class Wire(msgspec.Struct, kw_only=True):
    """Base of the wire Structs."""


class AliasedIn(Wire, kw_only=True):
    """A body taking some fields under two names (``spellings``, the contract's first):
    both sent with different values are a 422 naming both."""

    spellings: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __post_init__(self) -> None:
        agree_spellings(self, self.spellings)


class Success(Wire, kw_only=True):
    messages: Literal["success"] = "success"


# --------------------------------------------------------------------------- users


class ProfileIn(AliasedIn, kw_only=True):
    """Profile fields as sent; a field left out stays as it is."""

    spellings = (
        ("user_name", "username"),
        ("email_id", "email"),
        ("phone_number", "number"),
        ("countries", "country"),
    )

    user_name: NonBlank | UnsetType = UNSET
    username: NonBlank | UnsetType = UNSET
    email_id: Email | UnsetType = UNSET
    email: Email | UnsetType = UNSET
    phone_number: Annotated[str, Meta(max_length=40)] | None | UnsetType = UNSET
    number: Annotated[str, Meta(max_length=40)] | None | UnsetType = UNSET
    desired_job_role: ShortText | None | UnsetType = UNSET
    skills: TextList | None | UnsetType = UNSET
    experience: Annotated[int, Meta(gt=-1, le=70)] | None | UnsetType = UNSET
    preferred_locations: TextList | None | UnsetType = UNSET
    countries: TextList | None | UnsetType = UNSET
    country: TextList | None | UnsetType = UNSET
    remote_preference: RemotePreferenceText | None | UnsetType = UNSET
    professional_summary: LongText | None | UnsetType = UNSET
    expected_salary: Annotated[int, Meta(gt=-1, le=100_000_000)] | None | UnsetType = UNSET
    salary_currency: CurrencyText | None | UnsetType = UNSET
    salary_period: SalaryPeriodText | None | UnsetType = UNSET
    resume: Annotated[str, Meta(max_length=2000)] | None | UnsetType = UNSET
    work_experiences: Nested[WorkExperience] | None | UnsetType = UNSET
    educations: Nested[Education] | None | UnsetType = UNSET
    certifications: Nested[Certification] | None | UnsetType = UNSET
    languages: TextList | None | UnsetType = UNSET

    def changes(self) -> ProfileChanges:
        return ProfileChanges(
            user_name=first(self.user_name, self.username),
            email=first(self.email_id, self.email),
            phone_number=first(self.phone_number, self.number),
            desired_job_role=self.desired_job_role,
            skills=self.skills,
            experience=self.experience,
            preferred_locations=self.preferred_locations,
            countries=first(self.countries, self.country),
            remote_preference=self.remote_preference,
            professional_summary=self.professional_summary,
            expected_salary=self.expected_salary,
            salary_currency=self.salary_currency,
            salary_period=self.salary_period,
            resume=self.resume,
            work_experiences=self.work_experiences,
            educations=self.educations,
            certifications=self.certifications,
            languages=self.languages,
        )


class RegisterIn(ProfileIn, kw_only=True):
    password: Password
    has_agreed_terms: bool = False


class UpdateUserIn(ProfileIn, kw_only=True):
    password: Password | None = None
    old_password: str | None = None


LOGIN_SCHEMA: Final[dict[str, Any]] = {
    "anyOf": [{"required": ["email"]}, {"required": ["email_id"]}],
}
"""One of the two spellings of the address is required."""

REGISTER_SCHEMA: Final[dict[str, Any]] = {
    "allOf": [
        {"anyOf": [{"required": ["email_id"]}, {"required": ["email"]}]},
        {"anyOf": [{"required": ["user_name"]}, {"required": ["username"]}]},
    ],
}
"""An address and a name are required, each in either spelling."""

UPDATE_SCHEMA: Final[dict[str, Any]] = {
    "if": {"required": ["password"], "properties": {"password": {"type": "string"}}},
    "then": {"required": ["old_password"], "properties": {"old_password": {"type": "string"}}},
}
"""A new ``password`` needs the current one as ``old_password``."""


class LoginIn(AliasedIn, kw_only=True):
    spellings = (("email", "email_id"),)
    email: str | UnsetType = UNSET
    email_id: str | UnsetType = UNSET
    password: str

    def address(self) -> str:
        email = first(self.email, self.email_id)
        if email is UNSET:
            raise InvalidInput.field("email", "is required")
        return email


class ChangePasswordIn(Wire, kw_only=True):
    old_password: str
    new_password: Password


class FeedbackIn(Wire, kw_only=True):
    feedback: Annotated[str, Meta(pattern=VISIBLE, max_length=10_000, description=NOT_BLANK)]
    metadata: dict[str, Any] | None = None


class TokenOut(Success, kw_only=True):
    user_id: int
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int

    @classmethod
    def of(cls, session: Session) -> TokenOut:
        return cls(
            user_id=session.user_id,
            access_token=session.token.token,
            expires_in=session.token.expires_in,
        )


class UserIdOut(Success, kw_only=True):
    user_id: int


class ActivityIdOut(Success, kw_only=True):
    activity_id: int


class UserProfile(Success, kw_only=True):
    """UserProfile: never the password hash."""

    id: int
    user_name: str
    username: str
    email_id: str
    phone_number: str | None
    desired_job_role: str | None
    skills: list[str]
    experience: int | None
    preferred_locations: list[str]
    countries: list[str]
    remote_preference: str | None
    professional_summary: str | None
    expected_salary: int | None
    salary_currency: str | None
    salary_period: str
    resume: str | None
    joined_date: datetime
    work_experiences: list[WorkExperience]
    educations: list[Education]
    certifications: list[Certification]
    languages: list[str]

    @classmethod
    def of(cls, user: User) -> UserProfile:
        p = user.profile
        return cls(
            id=user.id,
            user_name=p.user_name,
            username=p.user_name,
            email_id=user.email,
            phone_number=p.phone_number,
            desired_job_role=p.desired_job_role,
            skills=list(p.skills),
            experience=p.experience,
            preferred_locations=list(p.preferred_locations),
            countries=list(p.countries),
            remote_preference=p.remote_preference.value if p.remote_preference else None,
            professional_summary=p.professional_summary,
            expected_salary=p.expected_salary,
            salary_currency=p.salary_currency,
            salary_period=p.salary_period.value,
            resume=p.resume,
            joined_date=user.joined_at,
            work_experiences=list(p.work_experiences),
            educations=list(p.educations),
            certifications=list(p.certifications),
            languages=list(p.languages),
        )


# --------------------------------------------------------------------------- jobs


class CompanyOut(Wire, kw_only=True):
    id: str | None = None
    company_name: str | None = None
    company_domain: str | None = None
    industry: str | None = None
    country: str | None = None
    country_code: str | None = None
    url: str | None = None
    linkedin_url: str | None = None
    logo: str | None = None
    long_description: str | None = None


class TechnologyOut(Wire, kw_only=True):
    id: Annotated[int, Meta(description="Stable: the same technology has it in every job.")]
    technology_name: str
    technology_slug: str


class HiringMemberOut(Wire, kw_only=True):
    name: str | None = None
    title: str | None = None
    linkedin_profile_url: str | None = None


class JobSourceOut(Wire, kw_only=True):
    """Another place the same job was posted (another source, or a repost)."""

    source: str
    source_id: int
    url: str | None = None
    date_posted: date | None = None


class JobListing(Wire, kw_only=True):
    """JobListingResponse."""

    id: int
    job_title: str
    url: str | None = None
    final_url: str | None = None
    source_url: str | None = None
    date_posted: date | None = None
    discovered_at: datetime | None = None
    company: str | None = None
    company_domain: str | None = None
    company_obj: CompanyOut | None = None
    location: str | None = None
    remote: bool | None = None
    hybrid: bool | None = None
    salary_string: str | None = None
    min_salary: float | None = None
    max_salary: float | None = None
    currency: str | None = None
    country: str | None = None
    country_code: str | None = None
    seniority: str | None = None
    employment_status: list[str] = []
    description: str | None = None
    reposted: bool | None = None
    date_reposted: date | None = None
    job_expired: bool | None = None
    industry_id: int | None = None
    matching_phrase: list[str] = []
    matching_words: list[str] = []
    experience: int | None = None
    key_info: list[str] = []
    technologies: list[TechnologyOut] = []
    hiring_team: list[HiringMemberOut] = []
    also_posted: Annotated[
        list[JobSourceOut],
        Meta(description="The other sources and reposts of this same job, merged into it."),
    ] = []

    @classmethod
    def of(cls, job: Job) -> Self:
        return _pick(job, cls)


class JobListingResponse(JobListing, kw_only=True):
    """One job at the top level."""

    messages: Literal["success"] = "success"


class RankedJobListing(JobListing, kw_only=True):
    match_score: int
    match_explanation: str

    @classmethod
    def ranked(cls, ranked: RankedJob) -> RankedJobListing:
        fields = msgspec.structs.asdict(JobListing.of(ranked.job))
        return cls(
            **fields, match_score=ranked.match.score, match_explanation=ranked.match.explanation
        )


class JobsOut(Success, kw_only=True):
    jobs: list[JobListing]
    total: int | None = None


class RankedJobsOut(Success, kw_only=True):
    jobs: list[RankedJobListing]


class ScoredJobsOut(Success, kw_only=True):
    """A page of a listing, each job with its match score for the caller."""

    jobs: list[RankedJobListing]
    total: int | None = None


class FetchJobsIn(AliasedIn, kw_only=True):
    """What to fetch; fields left out come from the caller's stored profile."""

    spellings = (("countries", "country"),)

    user_id: Id | None = None
    job_titles: TextList | None = None
    skills: TextList | None = None
    experience: Years | None = None
    locations: TextList | None = None
    countries: TextList | None = None
    country: TextList | None = None
    remote: bool | None = None
    limit: Annotated[int, Meta(ge=1, le=100)] = 25
    posted_at_max_age_days: Annotated[int, Meta(ge=1, le=3650)] = 30

    def request(self) -> FetchRequest:
        return FetchRequest(
            job_titles=self.job_titles,
            skills=self.skills,
            experience=self.experience,
            locations=self.locations,
            countries=self.countries if self.countries is not None else self.country,
            remote=self.remote,
            limit=self.limit,
            posted_at_max_age_days=self.posted_at_max_age_days,
        )


class FetchJobsOut(Success, kw_only=True):
    """The postings that answer the request: ``jobs_fetched`` of them, ``jobs_new``
    first stored by it and ``jobs_already_stored`` stored before; ``summary`` in words."""

    jobs_fetched: int
    jobs_new: int
    jobs_already_stored: int
    summary: str
    jobs: list[JobListing]

    @classmethod
    def of(cls, outcome: FetchOutcome) -> FetchJobsOut:
        return cls(
            jobs_fetched=outcome.fetched,
            jobs_new=outcome.new,
            jobs_already_stored=outcome.already_stored,
            summary=outcome.summary(),
            jobs=[JobListing.of(j) for j in outcome.jobs],
        )


class JobFilterRequest(Wire, kw_only=True):
    """JobFilterRequest: filters, and stand-ins for the profile's role and years."""

    user_id: Id | None = None
    job_title: ShortText | None = None
    technology: AnyOf | None = None
    location: AnyOf | None = None
    experience: Years | None = None
    remote: bool | None = None
    country_code: str | None = None
    min_salary: NonNegative | None = None
    skip: Annotated[int, Meta(gt=-1, le=MAX_ID)] = 0
    limit: Annotated[int, Meta(ge=1, le=100)] = 20


class SaveJobIn(Wire, kw_only=True):
    user_id: Id | None = None
    job_id: Id | None = None
    action_type: Annotated[str, Meta(max_length=100)] | None = None
    activity_metadata: dict[str, Any] | None = None


class MessageOut(Success, kw_only=True):
    msg: str


class AnalyzeResultIn(Wire, kw_only=True):
    """AnalyzeResultIn: a given score (0-100) is recorded as given, a fraction rounded."""

    user_id: Id | None = None
    job_id: Id | None = None
    score: FractionalScore | None = None
    explanation: LongText | None = None


class ScorePartOut(Wire, kw_only=True):
    score: int
    weight: float
    detail: str = ""


class AnalyzeResult(Wire, kw_only=True):
    """AnalyzeResultOut."""

    job_id: int
    user_id: int
    score: int
    explanation: str
    breakdown: dict[str, ScorePartOut]
    created_at: datetime
    client_score: int | None = None
    client_explanation: str | None = None

    @classmethod
    def of(cls, analysis: Analysis, client: Analysis | None = None) -> Self:
        """The computed ``analysis``, and a client's own one beside it when given."""
        out = _pick(analysis, cls)
        if client is not None:
            out.client_score = client.score
            out.client_explanation = client.explanation
        return out


class AnalyzeResultOut(AnalyzeResult, kw_only=True):
    """The match score at the top level."""

    messages: Literal["success"] = "success"


class AnalyzeOut(Success, kw_only=True):
    activity_id: int | None
    job_id: int
    score: int
    explanation: str
    breakdown: dict[str, ScorePartOut]
    client_score: int | None = None
    client_explanation: str | None = None

    @classmethod
    def of(
        cls, analysis: Analysis, activity_id: int | None, client: Analysis | None = None
    ) -> AnalyzeOut:
        out = AnalyzeResult.of(analysis, client)
        return cls(
            activity_id=activity_id,
            job_id=out.job_id,
            score=out.score,
            explanation=out.explanation,
            breakdown=out.breakdown,
            client_score=out.client_score,
            client_explanation=out.client_explanation,
        )


# --------------------------------------------------------------------------- documents


class ResumeIn(Wire, kw_only=True):
    user_id: Id | None = None
    job_id: Id | None = None
    source: ShortText | None = None
    content: Annotated[str, Meta(max_length=200_000)] | None = None
    kind: KindText | None = None


class GeneratedOut(Success, kw_only=True):
    resume_id: int
    content: str


class DocumentOut(Wire, kw_only=True):
    id: int
    user_id: int
    job_id: int | None
    kind: DocumentKind
    source: str
    content: str
    created_at: datetime

    @classmethod
    def of(cls, document: Document) -> Self:
        return _pick(document, cls)


class DocumentResponse(DocumentOut, kw_only=True):
    """One document at the top level."""

    messages: Literal["success"] = "success"


class DocumentsOut(Success, kw_only=True):
    resumes: list[DocumentOut]
    total: int | None = None


class ProposedProfile(Wire, kw_only=True, omit_defaults=True):
    """Profile fields drawn from an uploaded resume, in the shape ``PUT /users/{id}``
    takes; a field the resume does not show is left out, so sending this back changes
    only what the resume says."""

    user_name: str | None = None
    email_id: str | None = None
    phone_number: str | None = None
    desired_job_role: str | None = None
    professional_summary: str | None = None
    skills: list[str] = []
    experience: int | None = None
    preferred_locations: list[str] = []
    countries: list[str] = []
    work_experiences: list[WorkExperience] = []
    educations: list[Education] = []
    languages: list[str] = []

    @classmethod
    def of(cls, facts: ResumeFacts) -> ProposedProfile:
        return cls(
            user_name=facts.user_name,
            email_id=facts.email,
            phone_number=facts.phone_number[:40] if facts.phone_number else None,
            desired_job_role=facts.desired_job_role,
            professional_summary=facts.professional_summary,
            skills=list(facts.skills),
            experience=min(facts.experience_years, 70) if facts.experience_years else None,
            preferred_locations=[facts.location] if facts.location else [],
            countries=[facts.country] if facts.country else [],
            work_experiences=list(facts.work_experiences),
            educations=list(facts.educations),
            languages=list(facts.languages),
        )


class UploadedOut(Success, kw_only=True):
    """An uploaded resume: the stored document's id, the profile it proposes (nothing
    is written to the profile), and the web addresses it names."""

    resume_id: int
    proposed_profile: ProposedProfile
    links: list[str]


FORMATS: Final = ("pdf", "docx", "md")
FormatQuery = Annotated[
    str | None,
    QueryParameter(
        pattern=choice_pattern(FORMATS),
        description=choice_words(FORMATS, "left out: the document as JSON")
        + ": the document as a file to download",
    ),
]
"""The file format of a document to download."""


class ApplyIn(Wire, kw_only=True):
    """A form or JSON body."""

    user_id: Id | None = None
    job_id: Id
    resume_id: Id | None = None


# --------------------------------------------------------------------------- tracking


class ApplicationOut(Wire, kw_only=True):
    job_id: int
    job_title: str
    company: str | None
    status: ApplicationStatus
    notes: str | None
    applied_date: datetime | None
    last_updated: datetime

    @classmethod
    def of(cls, view: ApplicationView) -> ApplicationOut:
        a = view.application
        return cls(
            job_id=a.job_id,
            job_title=view.job_title,
            company=view.company,
            status=a.status,
            notes=a.notes,
            applied_date=a.applied_date,
            last_updated=a.last_updated,
        )


class ApplicationsOut(Success, kw_only=True):
    applications: list[ApplicationOut]
    total: int | None = None


class ApplicationStatusIn(Wire, kw_only=True):
    user_id: Id | None = None
    status: StatusText
    notes: LongText | None | UnsetType = UNSET

    def chosen_status(self) -> ApplicationStatus:
        return chosen(ApplicationStatus, self.status)


class ApplicationStatusOut(Success, kw_only=True):
    job_id: int
    status: ApplicationStatus


class ActivityIn(AliasedIn, kw_only=True):
    """ActivityIn; ``activity_metadata`` is accepted for ``metadata``."""

    spellings = (("metadata", "activity_metadata"),)

    user_id: Id | None = None
    job_id: Id | None = None
    action_type: Annotated[str, Meta(pattern=VISIBLE, max_length=100, description=NOT_BLANK)]
    metadata: dict[str, Any] | None = None
    activity_metadata: dict[str, Any] | None = None


class ActivityOut(Wire, kw_only=True):
    id: int
    user_id: int
    job_id: int | None
    action_type: str
    activity_metadata: dict[str, Any]
    metadata: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, activity: Activity) -> ActivityOut:
        return cls(
            id=activity.id,
            user_id=activity.user_id,
            job_id=activity.job_id,
            action_type=activity.action_type,
            activity_metadata=dict(activity.metadata),
            metadata=dict(activity.metadata),
            created_at=activity.created_at,
        )


class ActivitiesOut(Success, kw_only=True):
    activities: list[ActivityOut]
    total: int | None = None


# --------------------------------------------------------------------------- catalog


class CountryOut(Wire, kw_only=True):
    code: str
    name: str


class CountriesOut(Success, kw_only=True):
    countries: list[CountryOut]


class CatalogEntryOut(Wire, kw_only=True):
    key: str
    name: str
    count: int

    @classmethod
    def of(cls, entry: CatalogEntry) -> CatalogEntryOut:
        return _pick(entry, cls)


class TechnologiesOut(Success, kw_only=True):
    technologies: list[CatalogEntryOut]
    total: int | None = None


class CompaniesOut(Success, kw_only=True):
    companies: list[CatalogEntryOut]
    total: int | None = None


class LocationsOut(Success, kw_only=True):
    locations: list[CatalogEntryOut]
    total: int | None = None


SharedState = Annotated[
    Literal["ok", "degraded", "local"],
    Meta(
        description="Where revoked tokens and login failures live: `ok`, shared through "
        "Redis; `degraded`, Redis is configured but does not answer, so each process keeps "
        "its own; `local`, no Redis is configured, so each process keeps its own."
    ),
]


class CreditsOut(Wire, kw_only=True):
    """Provider credits the saved searches spent today (UTC) and the budgets."""

    day: date
    spent_today: int
    daily_budget: int
    per_person_budget: int


class HealthOut(Wire, kw_only=True):
    messages: Literal["success", "error"]
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]
    shared_state: SharedState
    credits: CreditsOut | None = None

    @classmethod
    def of(
        cls, database_ok: bool, shared_state: SharedState, credits: CreditsOut | None = None
    ) -> HealthOut:
        if database_ok:
            return cls(
                messages="success",
                status="ok",
                database="ok",
                shared_state=shared_state,
                credits=credits,
            )
        return cls(
            messages="error",
            status="unavailable",
            database="unreachable",
            shared_state=shared_state,
        )
