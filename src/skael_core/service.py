"""The core assembled: every use case built from one set of ports.

A Python program uses Skael without HTTP by building :class:`Ports` from adapters of
its choice and calling the use cases on :class:`Skael`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ports import (
    Clock,
    CountryCatalog,
    DocumentReader,
    DocumentRenderer,
    DocumentWriter,
    IdentityTokenVerifier,
    JobSource,
    LoginThrottle,
    PasswordHasher,
    RankingCache,
    RankingIndex,
    RevokedTokens,
    ScoredPageCache,
    TokenService,
    UnitOfWorkFactory,
    WebhookSender,
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
from .usecases.agenda import (
    AddReminder,
    CancelInterview,
    ChangeInterview,
    ChangeReminder,
    DeleteReminder,
    ExportApplications,
    ExportSavedJobs,
    GetCalendarToken,
    GetFunnel,
    GetInterview,
    GetReminder,
    GetTimeline,
    ListInterviews,
    ListReminders,
    ReadCalendarFeed,
    RotateCalendarToken,
    ScheduleInterview,
)
from .usecases.discovery import (
    BlockCompany,
    CreateSearch,
    DeleteSearch,
    DismissJob,
    GetSearch,
    ListBlockedCompanies,
    ListNotifications,
    ListSearches,
    ListWebhookDeliveries,
    ReadNotification,
    ReplaceSearch,
    RestoreJob,
    UnblockCompany,
)
from .usecases.documents import (
    MAX_UPLOAD_BYTES,
    ExportDocument,
    GenerateDocument,
    GetDocument,
    ImportResume,
    ListDocuments,
)
from .usecases.identities import AuthenticateIdentity
from .usecases.ingest import IngestPostings
from .usecases.jobs import (
    CollectJobs,
    FetchJobs,
    GetJob,
    ListCatalog,
    ListCountries,
    ListJobs,
    ListScoredJobs,
    RankJobsForUser,
    ScoreJobs,
)
from .usecases.scheduling import CreditBudget, ReportCredits, RunDueSearches, SearchTiming
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
    scored_pages: ScoredPageCache | None = None
    """Optional: without it, every scored job list is read and scored anew."""
    identities: IdentityTokenVerifier | None = None
    """Optional: an identity provider whose ID tokens are accepted beside Skael's own."""
    webhooks: WebhookSender | None = None
    """Optional: without it, saved searches tell of new matches in the app alone."""
    reader: DocumentReader | None = None
    """Optional: without it, resume uploads are read as plain text only."""
    renderer: DocumentRenderer | None = None
    """Optional: without it, documents are exported as Markdown only."""
    ranking_index: RankingIndex | None = None
    """Optional: without it, ``relevant jobs`` scores the repository's candidates."""


class Skael:
    """Every use case of the product, sharing one set of ports."""

    def __init__(
        self,
        ports: Ports,
        max_candidates: int = 600,
        throttling: ThrottlePolicy | None = None,
        auto_register_identities: bool = False,
        budget: CreditBudget | None = None,
        timing: SearchTiming | None = None,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
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
        self.list_scored_jobs = ListScoredJobs(p.uow, p.clock, p.scored_pages)
        self.get_job = GetJob(p.uow, p.clock)
        self.rank_jobs = RankJobsForUser(
            p.uow, p.clock, max_candidates, p.rankings, p.ranking_index
        )
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
        self.create_search = CreateSearch(p.uow, p.clock, p.countries)
        self.replace_search = ReplaceSearch(p.uow, p.clock, p.countries)
        self.delete_search = DeleteSearch(p.uow, p.clock)
        self.get_search = GetSearch(p.uow, p.clock)
        self.list_searches = ListSearches(p.uow, p.clock)
        self.list_notifications = ListNotifications(p.uow, p.clock)
        self.read_notification = ReadNotification(p.uow, p.clock)
        self.list_webhook_deliveries = ListWebhookDeliveries(p.uow, p.clock)
        self.dismiss_job = DismissJob(p.uow, p.clock)
        self.restore_job = RestoreJob(p.uow, p.clock)
        self.block_company = BlockCompany(p.uow, p.clock)
        self.unblock_company = UnblockCompany(p.uow, p.clock)
        self.list_blocked_companies = ListBlockedCompanies(p.uow, p.clock)
        self.budget = budget or CreditBudget()
        self.run_due_searches = RunDueSearches(
            p.uow, p.clock, self.fetch_jobs, self.budget, timing, p.webhooks
        )
        self.report_credits = ReportCredits(p.uow, p.clock, self.budget)
        self.import_resume = ImportResume(
            p.uow, p.clock, p.reader, p.countries, max_bytes=max_upload_bytes
        )
        self.export_document = ExportDocument(p.uow, p.clock, p.renderer)
        self.schedule_interview = ScheduleInterview(p.uow, p.clock)
        self.change_interview = ChangeInterview(p.uow, p.clock)
        self.cancel_interview = CancelInterview(p.uow, p.clock)
        self.get_interview = GetInterview(p.uow, p.clock)
        self.list_interviews = ListInterviews(p.uow, p.clock)
        self.add_reminder = AddReminder(p.uow, p.clock)
        self.change_reminder = ChangeReminder(p.uow, p.clock)
        self.delete_reminder = DeleteReminder(p.uow, p.clock)
        self.get_reminder = GetReminder(p.uow, p.clock)
        self.list_reminders = ListReminders(p.uow, p.clock)
        self.get_timeline = GetTimeline(p.uow, p.clock)
        self.get_calendar_token = GetCalendarToken(p.uow, p.clock)
        self.rotate_calendar_token = RotateCalendarToken(p.uow, p.clock)
        self.read_calendar_feed = ReadCalendarFeed(p.uow, p.clock)
        self.get_funnel = GetFunnel(p.uow, p.clock)
        self.export_applications = ExportApplications(p.uow, p.clock)
        self.export_saved_jobs = ExportSavedJobs(p.uow, p.clock)
