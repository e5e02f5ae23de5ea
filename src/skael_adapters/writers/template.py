"""The default document writer: deterministic Markdown filled from the profile.

Nothing is invented. Every skill, employer, date, degree and certificate in a
document comes from the profile; the job contributes only its company, its title, the
order in which it asks for things, and the key requirements a fact can answer. A
requirement the profile cannot back (a skill the person does not list, more years than
they have) is left out rather than claimed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from skael_core.errors import InvalidInput
from skael_core.matching import canonical_skill, job_features
from skael_core.matching.key_info import extract_key_info, mentions_degree, min_years
from skael_core.matching.vocab import skills_in_text, title_tokens, tokens
from skael_core.model import (
    Certification,
    DocumentKind,
    Education,
    Job,
    JobFeatures,
    Profile,
    User,
    WorkExperience,
)
from skael_core.ports import DocumentWriter


class TemplateDocumentWriter(DocumentWriter):
    """Writes resumes and cover letters offline, from the profile's facts only."""

    async def write(self, kind: str, user: User, job: Job | None) -> str:
        return self.render(kind, user, job)

    def render(self, kind: str, user: User, job: Job | None) -> str:
        """The document as Markdown; ``InvalidInput`` for an unknown kind."""
        try:
            document_kind = DocumentKind(kind)
        except ValueError:
            raise InvalidInput.field("kind", "must be resume or cover_letter") from None
        target = _Target(job)
        if document_kind is DocumentKind.RESUME:
            return _resume(user, target)
        return _cover_letter(user, target)


class _Target:
    """What a document is tailored to: the job's names and what it asks, in order."""

    def __init__(self, job: Job | None) -> None:
        self.job = job
        features = _features(job) if job else JobFeatures()
        self.skills: tuple[str, ...] = features.skill_order or tuple(sorted(features.skills))
        self.title_words = features.title_tokens
        self.key_info: tuple[str, ...] = ()
        if job:
            self.key_info = job.key_info or extract_key_info(job.description)

    @property
    def role(self) -> str | None:
        return self.job.job_title.strip() if self.job else None

    @property
    def company(self) -> str | None:
        if not self.job:
            return None
        company = self.job.company or (self.job.company_obj and self.job.company_obj.company_name)
        return company or None


def _features(job: Job) -> JobFeatures:
    prepared = job.features
    return prepared if prepared.skill_order or prepared.title_tokens else job_features(job)


# --------------------------------------------------------------------------- resume


def _resume(user: User, target: _Target) -> str:
    profile = user.profile
    lines = [f"# {profile.user_name}", "", _contact(user)]
    if target.role:
        at = f" at {target.company}" if target.company else ""
        lines += ["", f"*Resume for the {target.role} role{at}.*"]
    summary = _summary(profile)
    if summary:
        lines += ["", "## Summary", "", summary]
    lines += _skills_section(profile, target)
    lines += _experience_section(profile.work_experiences, target)
    lines += _education_section(profile.educations)
    lines += _certification_section(profile.certifications)
    return "\n".join(lines).strip() + "\n"


def _contact(user: User) -> str:
    parts = [user.email, user.profile.phone_number]
    return " · ".join(p for p in parts if p)


def _summary(profile: Profile) -> str | None:
    if profile.professional_summary and profile.professional_summary.strip():
        return profile.professional_summary.strip()
    role = profile.desired_job_role or next((w.job_title for w in profile.work_experiences), None)
    if not role:
        return None
    if profile.experience:
        return f"{role} with {_years(profile.experience)} of experience."
    return f"{role}."


def _years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def ordered_skills(profile: Profile, asked: Sequence[str]) -> tuple[list[str], list[str]]:
    """The profile's skills (as the person spelled them): those the job asks, in the
    job's order, then the rest in the profile's order."""
    by_key: dict[str, str] = {}
    for name in profile.skills:
        if name.strip():
            by_key.setdefault(canonical_skill(name), name.strip())
    first = [by_key[key] for key in asked if key in by_key]
    taken = set(first)
    rest = [name for name in by_key.values() if name not in taken]
    return first, rest


def _skills_section(profile: Profile, target: _Target) -> list[str]:
    first, rest = ordered_skills(profile, target.skills)
    if not first and not rest:
        return []
    lines = ["", "## Skills", ""]
    if first and rest:
        lines += [
            f"- **Asked for this role:** {', '.join(first)}",
            f"- **Also:** {', '.join(rest)}",
        ]
    else:
        lines.append(", ".join(first or rest))
    return lines


def _relevance(work: WorkExperience, target: _Target) -> int:
    mentioned = set(skills_in_text(f"{work.job_title}\n{work.description or ''}"))
    words, _ = title_tokens(work.job_title)
    return 2 * len(mentioned.intersection(target.skills)) + len(words & target.title_words)


def _experience_section(works: Sequence[WorkExperience], target: _Target) -> list[str]:
    if not works:
        return []
    ranked = sorted(works, key=lambda w: -_relevance(w, target)) if target.job else list(works)
    lines = ["", "## Experience"]
    for work in ranked:
        lines += ["", f"### {work.job_title}, {work.company_name}"]
        period = _period(work.start_date, work.end_date)
        if period:
            lines.append(f"*{period}*")
        if work.description and work.description.strip():
            lines += ["", work.description.strip()]
    return lines


def _period(start: str | None, end: str | None) -> str | None:
    if not start and not end:
        return None
    return f"{start or '?'} – {end or 'present'}"


def _education_section(educations: Sequence[Education]) -> list[str]:
    if not educations:
        return []
    lines = ["", "## Education", ""]
    for school in educations:
        years = "–".join(str(y) for y in (school.start_year, school.end_year) if y)
        degree = f"**{school.degree}**, " if school.degree else ""
        lines.append(f"- {degree}{school.institution}" + (f" ({years})" if years else ""))
    return lines


def _certification_section(certifications: Sequence[Certification]) -> list[str]:
    if not certifications:
        return []
    lines = ["", "## Certifications", ""]
    for cert in certifications:
        details = ", ".join(d for d in (cert.issued_by, cert.issue_date) if d)
        lines.append(f"- {cert.title}" + (f" ({details})" if details else ""))
    return lines


# --------------------------------------------------------------------------- cover letter


def _cover_letter(user: User, target: _Target) -> str:
    profile = user.profile
    role = target.role or profile.desired_job_role
    company = target.company
    heading = "Cover letter"
    if role:
        heading += f": {role}" + (f" at {company}" if company else "")
    lines = [f"# {heading}", "", profile.user_name, _contact(user), ""]
    lines.append(f"Dear {company} hiring team," if company else "Dear hiring team,")
    lines += ["", _opening(role, company)]
    summary = _summary(profile)
    if summary:
        lines += ["", summary]
    answers = _answers(profile, target)
    if answers:
        lines += ["", "What you ask for, and what I bring:", ""]
        lines += [f"- **{label}**: {fact}" for label, fact in answers]
    closing = _skills_sentence(profile, target)
    if closing:
        lines += ["", closing]
    recent = _recent_role(profile)
    if recent:
        lines += ["", recent]
    thanks = f"the team at {company}" if company else "your team"
    lines += [
        "",
        f"I would welcome the chance to talk about how I can contribute to {thanks}.",
        "",
        "Kind regards,",
        "",
        profile.user_name,
    ]
    return "\n".join(lines).strip() + "\n"


def _opening(role: str | None, company: str | None) -> str:
    if not role:
        return "I am writing to offer my experience to your team."
    where = f" at {company}" if company else ""
    return f"I am writing to apply for the {role} position{where}."


def _answers(profile: Profile, target: _Target) -> list[tuple[str, str]]:
    """(label, fact) for each key requirement a fact from the profile answers."""
    held = {canonical_skill(s): s.strip() for s in profile.skills if s.strip()}
    lacking = frozenset(target.skills).difference(held)
    answers: list[tuple[str, str]] = []
    for requirement in target.key_info:
        answer = _answer(requirement, profile, held, lacking)
        if answer and answer not in answers:
            answers.append(answer)
    return answers


def _answer(
    requirement: str, profile: Profile, held: dict[str, str], lacking: frozenset[str]
) -> tuple[str, str] | None:
    named = skills_in_text(requirement)
    mine = [key for key in named if key in held]
    years = min_years(requirement)
    enough = years is None or (profile.experience is not None and profile.experience >= years)
    # Quote the requirement only when the person meets all of it and it names no skill
    # they lack (even one the vocabulary only knows in another spelling, like "go").
    quotable = enough and len(mine) == len(named) and not _names_any(requirement, lacking)
    if mine:
        label = requirement if quotable else ", ".join(held[k] for k in mine)
        fact = _evidence(mine, profile, held)
        if quotable and years is not None and profile.experience is not None:
            fact += f" I bring {_years(profile.experience)} of experience."
        return label, fact
    if not quotable or named:
        return None
    if years is not None and profile.experience is not None:
        return requirement, f"I bring {_years(profile.experience)} of experience."
    if mentions_degree(requirement):
        school = next((e for e in profile.educations if e.degree), None)
        if school is not None:
            return requirement, f"I hold a {school.degree} from {school.institution}."
    return None


def _names_any(text: str, skills: frozenset[str]) -> bool:
    """True when a word or word pair of ``text`` is one of ``skills`` in any spelling."""
    if not skills:
        return False
    words = tokens(text)
    pairs = [f"{a} {b}" for a, b in pairwise(words)]
    return any(canonical_skill(w) in skills for w in (*words, *pairs))


def _evidence(keys: Sequence[str], profile: Profile, held: dict[str, str]) -> str:
    """Where the profile shows these skills: a role that used them, a certificate."""
    wanted = set(keys)
    facts: list[str] = []
    best, used = None, set[str]()
    for work in profile.work_experiences:
        found = wanted.intersection(skills_in_text(f"{work.job_title}\n{work.description or ''}"))
        if len(found) > len(used):
            best, used = work, found
    if best is not None:
        names = _join(held[k] for k in keys if k in used)
        facts.append(f"I used {names} as {best.job_title} at {best.company_name}.")
    for cert in profile.certifications:
        if wanted.intersection(skills_in_text(cert.title)):
            issuer = f" from {cert.issued_by}" if cert.issued_by else ""
            facts.append(f"I hold the {cert.title} certification{issuer}.")
            break
    if not facts:
        names = _join(held[key] for key in keys)
        facts.append(f"{names} {'is' if len(keys) == 1 else 'are'} among my core skills.")
    return " ".join(facts)


def _skills_sentence(profile: Profile, target: _Target) -> str | None:
    first, rest = ordered_skills(profile, target.skills)
    if first:
        return f"My skills that match this role: {_join(first)}."
    if rest:
        return f"My skills include {_join(rest[:8])}."
    return None


def _recent_role(profile: Profile) -> str | None:
    if not profile.work_experiences:
        return None
    work = max(profile.work_experiences, key=_recency)
    verb = "I have worked" if work.end_date else "I currently work"
    return f"{verb} as {work.job_title} at {work.company_name}."


def _recency(work: WorkExperience) -> tuple[bool, str, str]:
    """Sort key: a current role (no end date) first, then by ISO-like end and start."""
    return (work.end_date is None, work.end_date or "", work.start_date or "")


def _join(items: Iterable[str]) -> str:
    names = list(items)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
