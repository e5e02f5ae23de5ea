"""The core assembled: every use case built from one set of ports.

A Python program uses Skael without HTTP by building :class:`Ports` from adapters of
its choice and calling the use cases on :class:`Skael`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ports import (
    Clock,
    CountryCatalog,
    DocumentWriter,
    IdentityTokenVerifier,
    JobSource,
    LoginThrottle,
    PasswordHasher,
    RankingCache,
    RevokedTokens,
    TokenService,
    UnitOfWorkFactory,
)
from .usecases.accounts import (
    Authenticate,
    ChangePassword,
    DeleteUser,
    GetProfile,
    LogIn,
    LogOut,
    RegisterUser,
    SendFeedback,
    UpdateProfile,
)
from .usecases.documents import GenerateDocument, GetDocument, ListDocuments
from .usecases.identities import AuthenticateIdentity
from .usecases.ingest import IngestPostings
from .usecases.jobs import (
    CollectJobs,
    FetchJobs,
    GetJob,
    ListCatalog,
    ListCountries,
    ListJobs,
    RankJobsForUser,
    ScoreJobs,
)
from .usecases.throttling import Attempts, ThrottlePolicy
from .usecases.tracking import (
    AnalyzeJob,
    ApplyToJob,
    ChangeApplicationStatus,
    GetMatchScore,
    GetStoredAnalysis,
    ListActivity,
    ListApplications,
    ListSavedJobs,
    LogActivity,
    SaveJob,
    UnsaveJob,
)


@dataclass(frozen=True, kw_only=True)
class Ports:
    """Everything the core needs from the outside, one adapter per port."""

    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenService
    revoked: RevokedTokens
    throttle: LoginThrottle
    source: JobSource
    writer: DocumentWriter
    countries: CountryCatalog
    rankings: RankingCache | None = None
    """Optional: without it, every ``relevant jobs`` call ranks anew."""
    identities: IdentityTokenVerifier | None = None
    """Optional: an identity provider whose ID tokens are accepted beside Skael's own."""


class Skael:
    """Every use case of the product, sharing one set of ports."""

    def __init__(
        self,
        ports: Ports,
        max_candidates: int = 600,
        throttling: ThrottlePolicy | None = None,
        auto_register_identities: bool = False,
        memo_size: int = 50_000,
    ) -> None:
        """``memo_size``: the users (and identity links) whose token checks each
        authentication use case remembers."""
        p = ports
        t = throttling or ThrottlePolicy()
        a = Attempts(p.throttle, p.clock)
        self.ports = ports
        self.throttling = t
        self.register = RegisterUser(
            p.uow, p.clock, p.hasher, p.tokens, p.countries, a, t.registration
        )
        self.log_in = LogIn(p.uow, p.hasher, p.tokens, a, t)
        self.authenticate_identity = (
            None
            if p.identities is None
            else AuthenticateIdentity(
                p.uow,
                p.identities,
                p.revoked,
                p.clock,
                auto_register=auto_register_identities,
                memo_size=memo_size,
            )
        )
        self.authenticate = Authenticate(
            p.uow,
            p.tokens,
            p.revoked,
            p.clock,
            identity=self.authenticate_identity,
            memo_size=memo_size,
        )
        self.log_out = LogOut(p.uow, p.revoked, p.clock)
        self.get_profile = GetProfile(p.uow, p.clock)
        self.update_profile = UpdateProfile(
            p.uow, p.hasher, p.countries, p.revoked, a, t.password_check
        )
        self.change_password = ChangePassword(p.uow, p.hasher, p.revoked, a, t.password_check)
        self.delete_user = DeleteUser(p.uow, p.clock, p.revoked)
        self.send_feedback = SendFeedback(p.uow, p.clock)
        self.ingest_postings = IngestPostings(p.uow, p.rankings)
        self.collect_jobs = CollectJobs(p.uow, p.clock, p.source, self.ingest_postings)
        self.fetch_jobs = FetchJobs(p.uow, self.collect_jobs, p.countries)
        self.list_jobs = ListJobs(p.uow, p.clock)
        self.score_jobs = ScoreJobs(p.uow, p.clock)
        self.get_job = GetJob(p.uow, p.clock)
        self.rank_jobs = RankJobsForUser(p.uow, p.clock, max_candidates, p.rankings)
        self.list_catalog = ListCatalog(p.uow, p.clock)
        self.list_countries = ListCountries(p.countries)
        self.save_job = SaveJob(p.uow, p.clock)
        self.unsave_job = UnsaveJob(p.uow, p.clock)
        self.list_saved_jobs = ListSavedJobs(p.uow, p.clock)
        self.analyze_job = AnalyzeJob(p.uow, p.clock)
        self.get_match_score = GetMatchScore(p.uow, p.clock)
        self.get_stored_analysis = GetStoredAnalysis(p.uow, p.clock)
        self.apply_to_job = ApplyToJob(p.uow, p.clock)
        self.list_applications = ListApplications(p.uow, p.clock)
        self.change_application_status = ChangeApplicationStatus(p.uow, p.clock)
        self.log_activity = LogActivity(p.uow, p.clock)
        self.list_activity = ListActivity(p.uow, p.clock)
        self.generate_document = GenerateDocument(p.uow, p.clock, p.writer)
        self.list_documents = ListDocuments(p.uow, p.clock)
        self.get_document = GetDocument(p.uow, p.clock)
