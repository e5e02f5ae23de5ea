"""``prepare_job`` gives exactly the recorded features and key requirements.

``tests/data/prepare_golden.json`` holds ~900 jobs (the bundled sample set, generated
postings, the test descriptions and Theirstack fixtures, and seeded synthetic postings
that stress headings, bullets, markup, years, degrees, languages, ambiguous skill words,
odd line breaks and non-ASCII text) with what ``prepare_job`` made of them when the file
was recorded. The inputs are stored too, so the file stands alone.

Re-record (only when the matching rules change on purpose)::

    python tests/core/test_prepare_golden.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import msgspec

from skael_core.matching import prepare_job
from skael_core.model import Job

DATA = Path(__file__).parent.parent / "data"
GOLDEN = DATA / "prepare_golden.json"


def outcome(job: Job) -> dict[str, Any]:
    """What ``prepare_job`` makes of ``job``, as plain comparable data."""
    prepared = prepare_job(job)
    features = prepared.features
    return {
        "key_info": list(prepared.key_info),
        "technologies": [[t.technology_slug, t.technology_name] for t in prepared.technologies],
        "skills": sorted(features.skills),
        "skill_order": list(features.skill_order),
        "title_tokens": sorted(features.title_tokens),
        "seniority_rank": features.seniority_rank,
        "min_years": features.min_years,
        "max_years": features.max_years,
        "location_keys": sorted(features.location_keys),
    }


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]
    return cases


def test_the_golden_set_is_broad() -> None:
    cases = load_cases()
    assert len(cases) >= 400
    assert len({case["name"].split(":")[0] for case in cases}) >= 6
    assert sum(bool(case["expected"]["key_info"]) for case in cases) >= 300
    assert sum(case["expected"]["min_years"] is not None for case in cases) >= 300


def test_prepare_job_matches_the_golden_record() -> None:
    wrong = []
    for case in load_cases():
        got = outcome(msgspec.convert(case["job"], Job))
        if got != case["expected"]:
            diff = {k: (v, got[k]) for k, v in case["expected"].items() if got[k] != v}
            wrong.append((case["name"], diff))
    assert wrong == [], f"{len(wrong)} jobs differ, first: {wrong[:3]}"


# --------------------------------------------------------------------------- recording


_FIELDS = (
    "job_title",
    "description",
    "seniority",
    "experience",
    "location",
    "country",
    "country_code",
    "key_info",
)


def _input(job: Job) -> dict[str, Any]:
    """The fields ``prepare_job`` reads, as JSON-ready data."""
    data: dict[str, Any] = {"source": job.source, "source_id": job.source_id}
    for name in _FIELDS:
        value = getattr(job, name)
        if value is not None and value != ():
            data[name] = list(value) if isinstance(value, tuple) else value
    if job.technologies:
        data["technologies"] = [msgspec.to_builtins(t) for t in job.technologies]
    return data


def _corpus() -> list[tuple[str, Job]]:
    """Every job recorded, named "<group>:<n>"."""
    from skael_adapters.sample import SampleJobSource
    from skael_adapters.sample.generate import generate_postings
    from skael_adapters.theirstack.mapping import to_job
    from skael_adapters.theirstack.wire import JobPosting, SearchResponse

    jobs: list[tuple[str, Job]] = []
    jobs += [(f"sample:{j.source_id}", j) for j in SampleJobSource().all_jobs()]
    generated = msgspec.convert(generate_postings(120, 2026), list[JobPosting])
    jobs += [(f"generated:{i}", to_job(p, source="gen")) for i, p in enumerate(generated)]
    for path in sorted((DATA / "job_descriptions").glob("*.md")):
        job = msgspec.convert(
            {"source": "md", "source_id": 1, "job_title": path.stem.replace("_", " ").title()}, Job
        )
        text = path.read_text(encoding="utf-8")
        jobs.append((f"md:{path.stem}", msgspec.structs.replace(job, description=text)))
    theirstack = msgspec.convert(
        json.loads((DATA / "matching_theirstack_jobs.json").read_text()), list[Job]
    )
    jobs += [(f"theirstack:{i}", j) for i, j in enumerate(theirstack)]
    pairs = json.loads((DATA / "match_pairs.json").read_text())["pairs"]
    for i, pair in enumerate(pairs):
        for side in ("job_a", "job_b"):
            jobs.append((f"pairs:{i}{side[-1]}", msgspec.convert(pair[side], Job)))
    response = msgspec.json.decode(
        (DATA / "theirstack" / "search_response_60_jobs.json").read_bytes(), type=SearchResponse
    )
    jobs += [(f"search60:{i}", to_job(p)) for i, p in enumerate(response.data)]
    lines = sorted({line for _, j in jobs for line in (j.description or "").splitlines()})
    titles = sorted({j.job_title for _, j in jobs})
    rng = random.Random(20260105)
    jobs += [(f"synthetic:{i}", _synthetic(rng, i, lines, titles)) for i in range(220)]
    return jobs


_CRAFTED = [
    # years
    "5+ years of experience",
    "At least five years in retail",
    "a minimum of 3 yrs",
    "minimum of 2 years",
    "Min. 4 yrs of SQL",
    "min 6 years",
    "more than 10 years' experience",
    "Over 7 years",
    "Mindestens 3 Jahre Erfahrung in der Pflege",
    "mindestens 2 Jahren",
    "pelo menos 4 anos de experiência",
    "Al menos 3 años de experiencia",
    "mínimo de 5 años",
    "minimo de 2 anos",
    "3-5 years of experience",
    "2 – 4 years",
    "3 to 6 yrs",
    "7 years’ experience",
    "8 years's experience in sales",
    "4 years of hands-on backend Python service experience",
    "6 years in a busy hospital ward with experience",
    "Founded 45 years ago, we have 30+ years heritage",
    "25+ years",
    "0+ years",
    "twelve years of experience",
    "Fifteen+ years",
    "Ten plus years",
    "1 year experience",
    "٣+ years",
    "５+ years of experience",
    "10 + years",
    "5+years",
    "3yrs+ experience",
    "123 years",
    "5-10 years",
    "100+ years",
    "two years of Erfahrung",
    "3 anos de experiência",
    "4 años de experiencia",
    "2 Jahre Berufserfahrung",
    "Three years of professional experience",
    "nine+ yrs",
    "Experience: 5+ years",
    "at\tleast  4\u00a0years",
    "2 years of C++ / C# / .NET experience",
    # degrees and licences
    "Bachelor's degree in Computer Science",
    "PhD in Physics",
    "Ph. D or equivalent",
    "B.Sc. in CS",
    "MSc in Statistics",
    "M.Tech preferred",
    "B.Com graduate",
    "b. ed holder",
    "BSN required",
    "MSN preferred",
    "PGCE",
    "QTS is essential",
    "CPA or ACCA qualified",
    "CFA charterholder",
    "Licensed electrician",
    "Registration with the NMC",
    "AWS certified",
    "Certification in Six Sigma",
    "MBA preferred",
    "Diploma in nursing",
    "Doctorate in chemistry",
    "Valid driving licence",
    "License to drive HGV",
    # languages
    "Fluent English",
    "Native German speaker",
    "Business-level Japanese",
    "Business level Korean",
    "Proficient in Spanish and Portuguese",
    "Mandarin (written and spoken)",
    "English B2",
    "German C1 or higher",
    "JLPT N1",
    "Japanese N2",
    "Englischkenntnisse verhandlungssicher",
    "Fließend Deutsch",
    "Deutsch fließend",
    "Inglês avançado e fluente",
    "Español nativo",
    "Bilingual French/English",
    "Strong command of Dutch",
    "Korean language skills",
    "English is our working language",
    "Hindi and Tamil, spoken",
    "Verbal English",
    # headings
    "## Requirements",
    "## Qualifications",
    "### What you'll bring",
    "### What you will need",
    "**What we're looking for**",
    "**What we look for:**",
    "Must-haves:",
    "Must have:",
    "## Nice to have",
    "## Nice-to-have",
    "## Bonus points",
    "**Benefits**",
    "What we offer:",
    "## About us",
    "## About the company",
    "## About the team",
    "## Your role",
    "## Day-to-day",
    "## Responsibilities",
    "## What you'll do",
    "## Anforderungen",
    "## Dein Profil",
    "## Ihr Profil",
    "## Was du mitbringst",
    "## Was wir bieten",
    "## Wir bieten",
    "## Über uns",
    "## Requisitos",
    "## Sobre nós",
    "## Sobre nos",
    "## Qualificações",
    "## 応募資格",
    "## 必須スキル",
    "Company",
    "## Company",
    "# Skills ###",
    "#Skills",
    "####### Too deep",
    "    ## Indented code heading",
    "__Who you are__",
    "**Perks**:",
    "**Perks** :",
    "Ideal candidate:",
    "Your background:",
    "We expect:",
    "## Experience (plus)",
    "## Skills - a plus",
    "About the team:",
    "- Requirements:",
    "Requirements :",
    "**a**",
    "**Requirements and what you bring to us here**",
    "## Competencies",
    "## You have",
    "## About you",
    # not items
    "Location: Berlin",
    "Salary: 50k",
    "Compensation: competitive",
    "Pay - £30,000",
    "How to apply: email us",
    "Apply now",
    "Contract: permanent",
    "Start date: ASAP",
    "benefits include a bike",
    # skills
    "Experience with .NET, C#, C++ and F#",
    "Node.js / node js / node-js / NodeJS",
    "React Native and React",
    "REACT and react",
    "GO and go and Go and golang",
    "Excel, EXCEL, excel",
    "Machine Learning (ML) and ml",
    "CI/CD pipelines",
    "AWS or Amazon Web Services",
    "Google Cloud Platform",
    "scikit-learn and scikit",
    "Kubernetes (k8s, kube)",
    "ASP.NET Core",
    "VB.NET and a.net and .net. and .NETwork",
    "dotnet",
    "Vue.js, Vue, vue",
    "snake_case_python",
    "python3 and c++17 and C#8",
    "Spark, PySpark, spark",
    "SAP S/4HANA",
    "FP&A",
    "US GAAP",
    "Social media and SOCIAL MEDIA",
    "Supply chain, supply-chain",
    "Month end and month-end close",
    "RN, rn, Rn, RN-BC",
    "TS, ts, JS, js",
    "Ruby on Rails (RoR)",
    "R and C",
    "Epic EHR",
    "Unity and Unreal",
    "SEND and SEN",
    "Intensive Care Unit (ICU)",
    "Basic Life Support",
    "MS Excel",
    "Adobe XD",
    "HGV licence",
    "Qualified Teacher Status",
    "Stock control",
    "SFDC",
    "Postgres, PostgreSQL, postgres",
    "terraform_cloud",
    "São Paulo Ｐｙｔｈｏｎ ﬁnance",
    "İstanbul DİJİTAL",
    "Straße GROSS ß",
    "Café crème résumé",
    "naïve Bayes",
    "Σίσυφος ΟΔΥΣΣΕΥΣ",
    # markup
    "- **5+ years** of [Python](https://python.org) experience",
    "* `Docker` and `Kubernetes`",
    "+ __Terraform__ and *Ansible*",
    "• Solid SQL",
    "· Excel",
    "▪ Tableau",
    "◦ Power BI",
    "– Jira",
    "1. Three years of teaching",
    "12) A degree in Maths",
    "-No space bullet",
    "  - nested bullet with 2 years",
    "[Apply here](https://example.com/apply)",
    "Visit [our site](https://example.com) for more. We need 3+ years. And English fluency.",
    "First sentence.  Second sentence! Third one? Fourth",
    "Ends with a colon and more text: here",
    "   ",
    "",
    "a",
    "ab",
    "***",
    "---",
    "   ### ",
]


def _vocabulary_words() -> list[str]:
    from importlib import resources

    raw = json.loads(
        resources.files("skael_core.matching").joinpath("data", "vocabulary.json").read_bytes()
    )
    words: set[str] = set()
    for key, aliases in raw["skills"].items():
        words.add(key)
        words.update(aliases)
    for phrase, forms in raw["ambiguous"].items():
        words.add(phrase)
        words.update(forms)
    for group in raw["roles"]:
        words.update(group)
    words.update(raw["seniority"])
    return sorted(words)


_SEPARATORS = [", ", " and ", " / ", "; ", " or ", ". ", " (", ") ", "-", " & ", "\t", ", ", " "]
_BREAKS = ["\n"] * 30 + ["\r\n"] * 4 + ["\r", "\u2028", "\x0b", "\x85", "\x1c", "\n\n"]
_BULLETS = ["- ", "* ", "• ", "+ ", "· ", "▪ ", "◦ ", "– ", "1. ", "12) ", "  - ", "-", "3.", ""]
_PLACES = [
    ("São Paulo, SP", "Brazil", "BR"),
    ("Zürich", "Switzerland", "CH"),
    ("Remote", None, None),
    ("Köln, NRW", "Germany", "DE"),
    ("Anywhere, Worldwide", None, None),
    ("Hybrid - Austin, TX", "United States", "US"),
    (None, None, None),
    ("Bengaluru, Karnataka", "India", "IN"),
]


def _vary(rng: random.Random, line: str, words: list[str]) -> str:
    roll = rng.random()
    if roll < 0.45:
        return line
    if roll < 0.52:
        return line.upper()
    if roll < 0.57:
        return line.lower()
    if roll < 0.62:
        return line.title()
    if roll < 0.72:
        parts = line.split(" ")
        at = rng.randrange(len(parts))
        mark = rng.choice(["**", "__", "`", "*", "_"])
        parts[at] = f"{mark}{parts[at]}{mark}"
        if rng.random() < 0.3:
            parts[at] = f"[{parts[at]}](https://example.com/{at})"
        return " ".join(parts)
    if roll < 0.78:
        return line.replace(" ", rng.choice(["  ", "\t", "\u00a0", " \u200b"]))
    if roll < 0.84:
        accents = {"e": "é", "a": "á", "o": "ö", "u": "ü", "c": "ç", "n": "ñ", "fi": "ﬁ"}
        old, new = rng.choice(list(accents.items()))
        return line.replace(old, new, rng.randint(1, 3))
    if roll < 0.9:
        return f"{line} {line} {' '.join(rng.sample(words, 6))}"
    if roll < 0.95:
        cut = rng.randrange(len(line) + 1)
        return line[:cut] + rng.choice(["\n", " ", "**", ". ", ":"]) + line[cut:]
    return rng.choice(_BULLETS) + line


def _synthetic(rng: random.Random, number: int, lines: list[str], titles: list[str]) -> Job:
    words = _vocabulary_words()
    out: list[str] = []
    for _ in range(rng.randint(3, 40)):
        kind = rng.random()
        if kind < 0.4:
            line = rng.choice(lines)
        elif kind < 0.75:
            line = rng.choice(_CRAFTED)
        else:
            picked = rng.sample(words, rng.randint(1, 6))
            line = rng.choice(_BULLETS) + "".join(w + rng.choice(_SEPARATORS) for w in picked[:-1])
            line += picked[-1]
        out.append(_vary(rng, line, words) if line else line)
    description = "".join(line + rng.choice(_BREAKS) for line in out)
    if number % 37 == 0:
        description = description.rstrip()
    title_roll = rng.random()
    if title_roll < 0.6:
        title = rng.choice(titles)
    else:
        title = " ".join(rng.sample(words, rng.randint(1, 4)))
    technologies = [
        {"technology_slug": w, "technology_name": w.title()}
        for w in rng.sample([*words, "Some New_Tool", "  spaced  ", ""], rng.randint(0, 5))
    ]
    location, country, code = rng.choice(_PLACES)
    data: dict[str, Any] = {
        "source": "synthetic",
        "source_id": number,
        "job_title": _vary(rng, title, words) or "x",
        "description": description if number % 53 else rng.choice([None, "", "  \n "]),
        "technologies": technologies,
        "seniority": rng.choice([None, "senior", "mid_level", "junior", "c_level", "Staff", "?"]),
        "experience": rng.choice([None, 0, 3, 7]),
        "location": location,
        "country": country,
        "country_code": code,
        "key_info": rng.choice([[], [], ["From the source"]]),
    }
    return msgspec.convert(data, Job)


def record() -> None:
    """Write ``GOLDEN`` from the current code: one case per line."""
    cases = [
        {"name": name, "job": _input(job), "expected": outcome(job)} for name, job in _corpus()
    ]
    body = ",\n".join(json.dumps(case, ensure_ascii=False, sort_keys=True) for case in cases)
    GOLDEN.write_text('{"cases": [\n' + body + "\n]}\n", encoding="utf-8")
    print(f"recorded {len(cases)} jobs in {GOLDEN}")


if __name__ == "__main__":
    record()
