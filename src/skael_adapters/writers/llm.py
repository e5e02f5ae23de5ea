"""A document writer that asks an OpenAI-compatible chat endpoint to polish the draft.

The template writer's draft goes to ``POST {base_url}/chat/completions`` together with
the profile's facts and the job's requirements; the model may reword and restructure
it but not add facts. Any failure falls back to the draft, with a warning logged:

    httpx.HTTPError        connection refused, per-chunk timeout, non-2xx status
    TimeoutError           no full answer within ``timeout`` seconds overall
    msgspec.MsgspecError   a body that is not the documented completion shape
    _BadAnswer             an empty answer, or one naming a skill the profile lacks
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import msgspec

from skael_core.matching import canonical_skill
from skael_core.matching.vocab import skills_in_text
from skael_core.model import Job, User
from skael_core.ports import DocumentWriter

from .template import TemplateDocumentWriter

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You edit resumes and cover letters written in Markdown. Improve the draft's wording "
    "and order for the job, keep it in Markdown, and answer with the document only. Use "
    "only facts present in the draft or the profile: never add a skill, employer, date, "
    "degree, certificate or number that is not there, and never claim a requirement the "
    "profile does not meet."
)


class _Message(msgspec.Struct):
    content: str | None = None


class _Choice(msgspec.Struct):
    message: _Message


class _Completion(msgspec.Struct):
    choices: list[_Choice]


class _BadAnswer(Exception):
    """The endpoint answered, but not with a usable document."""


class LlmDocumentWriter(DocumentWriter):
    """Polishes the template draft with a chat model; falls back to the draft on failure."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 30.0,
        client: httpx.AsyncClient | None = None,
        fallback: TemplateDocumentWriter | None = None,
        temperature: float = 0.2,
    ) -> None:
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        self._api_key = api_key
        self._timeout = timeout
        self._client = client
        self._fallback = fallback or TemplateDocumentWriter()
        self._temperature = temperature

    async def write(self, kind: str, user: User, job: Job | None) -> str:
        draft = self._fallback.render(kind, user, job)
        try:
            async with asyncio.timeout(self._timeout):
                answer = await self._complete(self._request(kind, user, job, draft))
            _check(answer, user, job)
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError, msgspec.MsgspecError) as exc:
            log.warning("LLM writer failed (%s: %s); using the template", type(exc).__name__, exc)
            return draft
        except _BadAnswer as exc:
            log.warning("LLM writer gave an unusable answer (%s); using the template", exc)
            return draft
        return answer

    def _request(self, kind: str, user: User, job: Job | None, draft: str) -> dict[str, Any]:
        facts = {
            "document": kind,
            "profile": msgspec.to_builtins(user.profile),
            "email": user.email,
            "job": _job_facts(job),
            "draft": draft,
        }
        return {
            "model": self._model,
            "temperature": self._temperature,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": msgspec.json.encode(facts).decode()},
            ],
        }

    async def _complete(self, body: dict[str, Any]) -> str:
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        if self._client is not None:
            response = await self._client.post(
                self._url, json=body, headers=headers, timeout=self._timeout
            )
        else:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(self._url, json=body, headers=headers)
        response.raise_for_status()
        completion = msgspec.json.decode(response.content, type=_Completion)
        if not completion.choices:
            raise _BadAnswer("no choices")
        content = (completion.choices[0].message.content or "").strip()
        if not content:
            raise _BadAnswer("empty content")
        return content + "\n"


def _job_facts(job: Job | None) -> dict[str, Any] | None:
    if job is None:
        return None
    return {
        "title": job.job_title,
        "company": job.company,
        "location": job.location,
        "key_requirements": list(job.key_info),
        "skills": list(job.features.skill_order),
    }


def _check(answer: str, user: User, job: Job | None) -> None:
    """Reject an answer that names a skill found nowhere in the profile."""
    profile = user.profile
    known = {canonical_skill(s) for s in profile.skills}
    own_text = [profile.professional_summary, profile.desired_job_role]
    own_text += [
        f"{w.job_title} {w.company_name} {w.description or ''}" for w in profile.work_experiences
    ]
    own_text += [f"{c.title} {c.issued_by or ''}" for c in profile.certifications]
    own_text += [f"{e.degree or ''} {e.institution}" for e in profile.educations]
    if job is not None:
        own_text += [job.job_title, job.company]
    for text in own_text:
        known.update(skills_in_text(text))
    invented = [s for s in skills_in_text(answer) if s not in known]
    if invented:
        raise _BadAnswer(f"names skills the profile lacks: {', '.join(invented)}")
