"""Document writers: the offline template writer and the LLM writer with its fallback."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from skael_adapters.writers import LlmDocumentWriter, TemplateDocumentWriter
from skael_core.errors import InvalidInput
from skael_core.matching import canonical_skill, prepare_job
from skael_core.matching.vocab import skills_in_text
from skael_core.model import (
    Certification,
    Education,
    Job,
    Profile,
    Technology,
    User,
    WorkExperience,
)
from skael_core.ports import DocumentWriter

DATA = Path(__file__).parent.parent / "data"
KINDS = ("resume", "cover_letter")


def user_with(profile: Profile) -> User:
    return User(
        email="ana@example.com",
        password_hash="x",
        joined_at=datetime(2026, 1, 1, tzinfo=UTC),
        profile=profile,
    )


ANA = user_with(
    Profile(
        user_name="Ana Costa",
        phone_number="+49 30 123456",
        desired_job_role="Backend Engineer",
        skills=("Docker", "Python", "Django", "Postgres", "AWS", "Terraform"),
        experience=7,
        professional_summary="Backend engineer who builds reliable payment services.",
        work_experiences=(
            WorkExperience(
                company_name="Shopware",
                job_title="Web Developer",
                start_date="2016-01",
                end_date="2018-06",
                description="Built online shops and their admin tools.",
            ),
            WorkExperience(
                company_name="Zahlwerk GmbH",
                job_title="Senior Backend Engineer",
                start_date="2018-07",
                description="Python and Django services on AWS, shipped in Docker.",
            ),
        ),
        educations=(
            Education(
                institution="TU Berlin",
                degree="BSc Computer Science",
                start_year=2012,
                end_year=2015,
            ),
        ),
        certifications=(
            Certification(
                title="AWS Certified Developer", issued_by="Amazon", issue_date="2022-03"
            ),
        ),
    )
)

BACKEND = prepare_job(
    Job(
        source="t",
        source_id=1,
        job_title="Senior Backend Engineer",
        company="Kestrel Payments",
        location="Berlin",
        country_code="DE",
        description=(
            "## About us\nWe move money for 4,000 merchants.\n\n"
            "## Requirements\n"
            "- 5+ years of backend development\n"
            "- Hands-on experience with Python and Kafka\n"
            "- Kubernetes in production\n"
            "- A degree in computer science or equivalent experience\n"
            "- 3+ years with Go\n"
        ),
        technologies=tuple(
            Technology(technology_slug=s, technology_name=s)
            for s in ("kafka", "python", "kubernetes", "postgresql", "docker")
        ),
    )
)


def evidence(profile: Profile) -> set[str]:
    """Every skill the profile itself names, anywhere."""
    found = {canonical_skill(s) for s in profile.skills}
    texts = [profile.professional_summary, profile.desired_job_role]
    texts += [f"{w.job_title} {w.company_name} {w.description}" for w in profile.work_experiences]
    texts += [f"{c.title} {c.issued_by}" for c in profile.certifications]
    texts += [f"{e.degree} {e.institution}" for e in profile.educations]
    for text in texts:
        found.update(skills_in_text(text))
    return found


def pair_cases() -> list[tuple[str, User, Job]]:
    """(id, user, job) for every job of the labelled match pairs."""
    data = json.loads((DATA / "match_pairs.json").read_text())
    cases = []
    for pair in data["pairs"]:
        user = user_with(msgspec.convert(pair["profile"], Profile))
        for key in ("job_a", "job_b"):
            job = prepare_job(msgspec.convert(pair[key], Job))
            cases.append((f"{pair['id']}-{key}", user, job))
    return cases


CASES = pair_cases()


# --------------------------------------------------------------------------- template


@pytest.mark.parametrize("kind", KINDS)
async def test_documents_name_the_company_and_the_role(kind: str) -> None:
    text = await TemplateDocumentWriter().write(kind, ANA, BACKEND)
    assert "Kestrel Payments" in text
    assert "Senior Backend Engineer" in text
    assert "Ana Costa" in text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("case", "user", "job"), CASES, ids=[c[0] for c in CASES])
async def test_documents_claim_no_skill_the_profile_lacks(
    kind: str, case: str, user: User, job: Job
) -> None:
    text = await TemplateDocumentWriter().write(kind, user, job)
    job_words = set(skills_in_text(job.job_title)) | set(skills_in_text(job.company))
    invented = set(skills_in_text(text)) - evidence(user.profile) - job_words
    assert not invented, f"{case}: {invented}"
    assert job.company is not None and job.company in text
    assert job.job_title in text


@pytest.mark.parametrize("kind", KINDS)
async def test_missing_skills_of_the_job_are_never_claimed(kind: str) -> None:
    text = await TemplateDocumentWriter().write(kind, ANA, BACKEND)
    lacking = BACKEND.features.skills - evidence(ANA.profile)
    assert lacking == {"kafka", "kubernetes", "go"}
    assert not lacking & set(skills_in_text(text))
    assert "Kafka" not in text and "Kubernetes" not in text
    assert "Go" not in text  # "3+ years with Go" is not quoted


@pytest.mark.parametrize("kind", KINDS)
async def test_documents_are_deterministic(kind: str) -> None:
    writer = TemplateDocumentWriter()
    assert await writer.write(kind, ANA, BACKEND) == await writer.write(kind, ANA, BACKEND)
    assert await writer.write(kind, ANA, None) == await writer.write(kind, ANA, None)


async def test_the_resume_puts_what_the_job_asks_first() -> None:
    text = await TemplateDocumentWriter().write("resume", ANA, BACKEND)
    assert "- **Asked for this role:** Python, Postgres, Docker" in text
    assert "- **Also:** Django, AWS, Terraform" in text
    # The backend role that used the asked-for skills comes before the older web role.
    assert text.index("### Senior Backend Engineer, Zahlwerk GmbH") < text.index(
        "### Web Developer, Shopware"
    )
    for section in (
        "## Summary",
        "## Skills",
        "## Experience",
        "## Education",
        "## Certifications",
    ):
        assert section in text
    assert "ana@example.com · +49 30 123456" in text


async def test_the_cover_letter_answers_key_requirements_with_facts() -> None:
    text = await TemplateDocumentWriter().write("cover_letter", ANA, BACKEND)
    assert text.startswith("# Cover letter: Senior Backend Engineer at Kestrel Payments")
    assert "Dear Kestrel Payments hiring team," in text
    assert "- **5+ years of backend development**: I bring 7 years of experience." in text
    assert "I hold a BSc Computer Science from TU Berlin." in text
    # Python and Kafka are asked together; only Python is claimed, with where it was used.
    assert "- **Python**: I used Python as Senior Backend Engineer at Zahlwerk GmbH." in text
    assert "I currently work as Senior Backend Engineer at Zahlwerk GmbH." in text


async def test_unmet_years_are_not_claimed() -> None:
    junior = user_with(msgspec.structs.replace(ANA.profile, experience=2))
    text = await TemplateDocumentWriter().write("cover_letter", junior, BACKEND)
    assert "5+ years of backend development" not in text
    assert "years of experience." not in text


async def test_general_documents_without_a_job() -> None:
    writer = TemplateDocumentWriter()
    resume = await writer.write("resume", ANA, None)
    assert "Docker, Python, Django, Postgres, AWS, Terraform" in resume
    letter = await writer.write("cover_letter", ANA, None)
    assert letter.startswith("# Cover letter: Backend Engineer")
    assert "Dear hiring team," in letter


async def test_an_unknown_kind_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        await TemplateDocumentWriter().write("poem", ANA, BACKEND)


async def test_an_unprepared_job_is_read_as_well() -> None:
    raw = msgspec.structs.replace(BACKEND, features=msgspec.convert({}, type(BACKEND.features)))
    raw = msgspec.structs.replace(raw, key_info=())
    writer = TemplateDocumentWriter()
    assert await writer.write("resume", ANA, raw) == await writer.write("resume", ANA, BACKEND)


def test_writers_subclass_the_port() -> None:
    assert DocumentWriter in TemplateDocumentWriter.__mro__
    assert DocumentWriter in LlmDocumentWriter.__mro__


# --------------------------------------------------------------------------- LLM writer


class FakeLlm:
    """An OpenAI-compatible chat server on 127.0.0.1 whose answer the test chooses."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.answer = "# Ana Costa\n\nA polished resume for Kestrel Payments.\n"
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
                )
                status, payload = fake.reply()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as the timeout test wants

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def completion(self, content: object) -> bytes:
        choice = {"index": 0, "message": {"role": "assistant", "content": content}}
        return json.dumps({"id": "x", "object": "chat.completion", "choices": [choice]}).encode()

    def reply(self) -> tuple[int, bytes]:
        if self.mode == "slow":
            time.sleep(1.5)
        replies = {
            "ok": (200, self.completion(self.answer)),
            "slow": (200, self.completion(self.answer)),
            "error": (500, b'{"error": {"message": "overloaded"}}'),
            "not_json": (200, b"<html>gateway</html>"),
            "no_choices": (200, b'{"choices": []}'),
            "wrong_shape": (200, b'{"choices": [{"text": "hi"}]}'),
            "empty": (200, self.completion("   ")),
            "invented": (200, self.completion("# Ana\n\nFive years of Kafka and Kubernetes.\n")),
        }
        return replies[self.mode]


@pytest.fixture
def llm() -> Iterator[FakeLlm]:
    fake = FakeLlm()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def llm_writer(fake: FakeLlm, **options: Any) -> LlmDocumentWriter:
    return LlmDocumentWriter(
        base_url=fake.url, model="tiny-model", api_key="sk-test", timeout=5.0, **options
    )


async def test_the_llm_writer_returns_the_models_document(llm: FakeLlm) -> None:
    text = await llm_writer(llm).write("resume", ANA, BACKEND)
    assert text == llm.answer
    [request] = llm.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["json"]
    assert body["model"] == "tiny-model"
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    facts = json.loads(body["messages"][1]["content"])
    assert facts["document"] == "resume"
    assert facts["job"]["company"] == "Kestrel Payments"
    assert facts["draft"] == TemplateDocumentWriter().render("resume", ANA, BACKEND)


async def test_the_llm_writer_uses_a_client_it_is_given(llm: FakeLlm) -> None:
    async with httpx.AsyncClient() as client:
        text = await llm_writer(llm, client=client).write("cover_letter", ANA, BACKEND)
        assert not client.is_closed  # the writer never closes a client it was given
    assert text == llm.answer


@pytest.mark.parametrize(
    "mode", ["error", "not_json", "no_choices", "wrong_shape", "empty", "invented"]
)
@pytest.mark.parametrize("kind", KINDS)
async def test_the_llm_writer_falls_back_to_the_template(
    llm: FakeLlm, mode: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    llm.mode = mode
    with caplog.at_level(logging.WARNING, logger="skael_adapters.writers.llm"):
        text = await llm_writer(llm).write(kind, ANA, BACKEND)
    assert text == await TemplateDocumentWriter().write(kind, ANA, BACKEND)
    assert any("using the template" in r.getMessage() for r in caplog.records)


async def test_the_llm_writer_falls_back_on_timeout(
    llm: FakeLlm, caplog: pytest.LogCaptureFixture
) -> None:
    llm.mode = "slow"
    writer = LlmDocumentWriter(base_url=llm.url, model="m", timeout=0.3)
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        text = await writer.write("resume", ANA, BACKEND)
    assert time.perf_counter() - started < 1.4
    assert text == TemplateDocumentWriter().render("resume", ANA, BACKEND)
    assert "using the template" in caplog.text


async def test_the_llm_writer_falls_back_when_nothing_listens() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # the port is now free and refuses connections
    writer = LlmDocumentWriter(base_url=f"http://127.0.0.1:{port}", model="m", timeout=2.0)
    text = await writer.write("cover_letter", ANA, BACKEND)
    assert text == TemplateDocumentWriter().render("cover_letter", ANA, BACKEND)


async def test_the_llm_writer_rejects_an_unknown_kind_like_the_template(llm: FakeLlm) -> None:
    with pytest.raises(InvalidInput):
        await llm_writer(llm).write("poem", ANA, BACKEND)
    assert llm.requests == []
