"""Generate the bundled sample postings: ``python -m skael_adapters.sample.generate``.

Deterministic (a seeded ``random.Random``, gzip without a timestamp): running it twice
writes the same bytes. The output is a Theirstack search response, so the sample source
decodes it with the very decoder and mapper the Theirstack source uses. Every company,
person and domain is made up; domains live under ``example.com`` (reserved).

Dates are laid out before ``ANCHOR``; the sample source shifts them at load time so the
newest posting is dated today.
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import msgspec

from skael_adapters.theirstack.mapping import technology_name

SEED = 20260105
COUNT = 360
ANCHOR = date(2026, 1, 5)
MAX_AGE_DAYS = 29
FIRST_ID = 810_000_000
OUTPUT = Path(__file__).parent / "data" / "sample_jobs.json.gz"


@dataclass(frozen=True)
class Role:
    title: str
    tools: tuple[str, ...]


@dataclass(frozen=True)
class Profession:
    key: str
    sector: str
    roles: tuple[Role, ...]
    leaders: tuple[str, ...]
    field: str
    degrees: tuple[str, ...]
    duties: tuple[str, ...]
    extras: tuple[str, ...]
    base_usd: int
    modes: tuple[float, float, float]  # weights of remote, hybrid, onsite
    statuses: tuple[float, float, float]  # weights of full_time, part_time, contract


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    continent: str
    cities: tuple[tuple[str, str | None], ...]  # (city, region)
    currency: str
    usd_rate: float  # USD per unit of the currency
    pay_factor: float  # pay level against the US
    language: str | None  # the local working language, if not English


@dataclass(frozen=True)
class Level:
    key: str
    prefix: str
    years: tuple[int, int]
    pay: float
    weight: float


def _roles(*pairs: tuple[str, str]) -> tuple[Role, ...]:
    return tuple(Role(title, tuple(tools.split())) for title, tools in pairs)


PROFESSIONS: tuple[Profession, ...] = (
    Profession(
        key="software",
        sector="tech",
        roles=_roles(
            ("Backend Engineer", "python django fastapi postgresql docker aws redis"),
            ("Software Engineer", "java spring-boot kotlin postgresql kubernetes aws kafka"),
            ("Frontend Developer", "javascript typescript react nextjs css html jest"),
            ("Full Stack Developer", "typescript react nodejs postgresql graphql docker"),
            ("DevOps Engineer", "kubernetes terraform aws docker ansible github-actions"),
            ("Mobile Developer", "kotlin swift ios android flutter firebase"),
            ("Site Reliability Engineer", "go kubernetes prometheus grafana terraform gcp"),
        ),
        leaders=("Head of Engineering", "Director of Engineering", "VP of Engineering"),
        field="in professional software development",
        degrees=(
            "A degree in Computer Science, Engineering or a related field",
            "A degree in Computer Science or equivalent practical experience",
        ),
        duties=(
            "Design, build and operate services used by thousands of customers",
            "Review code and help teammates ship small, safe changes",
            "Own features end to end, from design notes to production monitoring",
            "Improve test coverage, observability and deployment pipelines",
        ),
        extras=(
            "Comfort with automated testing and continuous delivery",
            "Experience with cloud infrastructure and containers",
        ),
        base_usd=125_000,
        modes=(4, 4, 2),
        statuses=(8, 0.5, 2),
    ),
    Profession(
        key="data",
        sector="tech",
        roles=_roles(
            ("Data Analyst", "sql excel tableau power-bi python looker"),
            ("Data Engineer", "python sql apache-airflow apache-spark dbt snowflake kafka"),
            ("Data Scientist", "python pandas scikit-learn sql pytorch jupyter"),
            ("Machine Learning Engineer", "python pytorch tensorflow kubernetes mlflow aws"),
            ("BI Analyst", "sql power-bi excel tableau dbt"),
        ),
        leaders=("Head of Data", "Director of Analytics", "Chief Data Officer"),
        field="working with data",
        degrees=(
            "A degree in Statistics, Mathematics, Computer Science or a related field",
            "A Master's degree in a quantitative field is a plus",
        ),
        duties=(
            "Build reliable data pipelines and models that teams trust",
            "Turn business questions into analyses, dashboards and experiments",
            "Work with product and finance teams on metrics definitions",
            "Document data sets and keep data quality checks green",
        ),
        extras=(
            "Strong SQL and a good grasp of statistics",
            "Experience presenting findings to non-technical audiences",
        ),
        base_usd=115_000,
        modes=(4, 4, 2),
        statuses=(8, 0.5, 1.5),
    ),
    Profession(
        key="nursing",
        sector="health",
        roles=_roles(
            ("Registered Nurse", "epic-ehr cerner microsoft-office"),
            ("ICU Nurse", "epic-ehr cerner meditech"),
            ("Pediatric Nurse", "epic-ehr meditech microsoft-office"),
            ("Nurse Practitioner", "epic-ehr cerner athenahealth"),
            ("Theatre Nurse", "cerner meditech microsoft-office"),
        ),
        leaders=("Director of Nursing", "Head of Nursing", "Chief Nursing Officer"),
        field="as a registered nurse",
        degrees=(
            "A Bachelor of Science in Nursing (BSN) or equivalent nursing diploma",
            "A nursing degree and a valid nursing licence",
        ),
        duties=(
            "Assess, plan and deliver patient care on a busy ward",
            "Administer medication and keep accurate clinical records",
            "Work closely with doctors, therapists and families",
            "Mentor student nurses and newly qualified colleagues",
        ),
        extras=(
            "Current Basic Life Support (BLS) certification",
            "Willingness to work rotating shifts, including nights and weekends",
        ),
        base_usd=82_000,
        modes=(0, 0.3, 10),
        statuses=(6, 3, 1.5),
    ),
    Profession(
        key="teaching",
        sector="education",
        roles=_roles(
            ("Mathematics Teacher", "google-classroom microsoft-teams geogebra"),
            ("English Teacher", "google-classroom moodle microsoft-teams"),
            ("Primary School Teacher", "google-classroom seesaw smart-board"),
            ("Science Teacher", "moodle google-classroom smart-board"),
            ("ESL Teacher", "zoom google-classroom kahoot"),
        ),
        leaders=("Head Teacher", "Head of Department", "School Principal"),
        field="teaching",
        degrees=(
            "A recognised teaching qualification (e.g. PGCE, B.Ed. or state certification)",
            "A degree in Education or in the subject you teach",
        ),
        duties=(
            "Plan and teach engaging lessons for mixed-ability classes",
            "Assess progress and give students clear, timely feedback",
            "Keep in touch with parents and take part in school events",
            "Contribute to the curriculum and to departmental planning",
        ),
        extras=(
            "A clear background check for working with children",
            "Experience with differentiated instruction",
        ),
        base_usd=58_000,
        modes=(0.5, 0.5, 9),
        statuses=(6, 3, 1),
    ),
    Profession(
        key="accounting",
        sector="finance",
        roles=_roles(
            ("Accountant", "sap excel oracle-netsuite datev"),
            ("Financial Analyst", "excel power-bi sap anaplan"),
            ("Bookkeeper", "quickbooks xero excel"),
            ("Payroll Specialist", "adp workday excel"),
            ("Tax Advisor", "datev excel sap"),
            ("Financial Controller", "sap oracle-netsuite excel power-bi"),
        ),
        leaders=("Head of Finance", "Finance Director", "Chief Financial Officer"),
        field="in accounting or finance",
        degrees=(
            "A degree in Accounting, Finance or Economics",
            "A professional qualification (ACCA, CPA, CA) or working towards one",
        ),
        duties=(
            "Prepare month-end close, reconciliations and management accounts",
            "Support audits, budgeting and forecasting",
            "Keep ledgers accurate and processes compliant with local rules",
            "Work with operations teams on spend and cost controls",
        ),
        extras=(
            "Advanced Excel skills (pivot tables, lookups)",
            "Knowledge of IFRS or local GAAP",
        ),
        base_usd=85_000,
        modes=(2, 5, 3),
        statuses=(8, 1, 1.5),
    ),
    Profession(
        key="sales",
        sector="tech",
        roles=_roles(
            ("Account Executive", "salesforce hubspot linkedin-sales-navigator gong"),
            ("Sales Development Representative", "hubspot outreach linkedin-sales-navigator"),
            ("Key Account Manager", "salesforce excel microsoft-dynamics"),
            ("Inside Sales Representative", "pipedrive hubspot aircall"),
        ),
        leaders=("Head of Sales", "Sales Director", "VP of Sales"),
        field="in B2B sales",
        degrees=("A degree in Business, Marketing or a related field, or equivalent experience",),
        duties=(
            "Own a pipeline from first call to signed contract",
            "Run discovery calls and tailored product demos",
            "Keep the CRM up to date and forecast accurately",
            "Work with marketing on campaigns for your territory",
        ),
        extras=(
            "A track record of meeting or beating quota",
            "Confident negotiation and presentation skills",
        ),
        base_usd=90_000,
        modes=(3, 4, 3),
        statuses=(9, 0.5, 1),
    ),
    Profession(
        key="logistics",
        sector="logistics",
        roles=_roles(
            ("Logistics Coordinator", "sap excel transporeon"),
            ("Warehouse Supervisor", "sap-ewm manhattan-wms excel"),
            ("Supply Chain Analyst", "sap excel power-bi tableau"),
            ("Procurement Specialist", "sap-ariba coupa excel"),
            ("Fleet Manager", "samsara excel oracle-scm"),
        ),
        leaders=("Head of Logistics", "Supply Chain Director", "Chief Operating Officer"),
        field="in logistics or supply chain",
        degrees=(
            "A degree in Logistics, Supply Chain Management or Business",
            "A vocational qualification in logistics or equivalent experience",
        ),
        duties=(
            "Plan inbound and outbound shipments with carriers and suppliers",
            "Track stock levels, lead times and delivery performance",
            "Improve warehouse processes and health-and-safety standards",
            "Resolve delays and damages with customers and partners",
        ),
        extras=(
            "A forklift licence is an advantage",
            "Knowledge of Incoterms and customs paperwork",
        ),
        base_usd=70_000,
        modes=(0.5, 2, 8),
        statuses=(8, 1, 2),
    ),
    Profession(
        key="design",
        sector="tech",
        roles=_roles(
            ("Product Designer", "figma miro framer maze"),
            ("UX Designer", "figma sketch miro hotjar"),
            ("Graphic Designer", "adobe-photoshop adobe-illustrator adobe-indesign figma"),
            ("UI Designer", "figma sketch adobe-after-effects"),
            ("UX Researcher", "maze dovetail miro figma"),
        ),
        leaders=("Head of Design", "Design Director", "VP of Design"),
        field="in product or visual design",
        degrees=("A degree in Design, HCI or a related field, or an equivalent portfolio",),
        duties=(
            "Turn research and requirements into flows, prototypes and polished UI",
            "Run usability tests and iterate with engineers and product managers",
            "Contribute to and maintain our design system",
            "Present design decisions clearly to stakeholders",
        ),
        extras=(
            "A portfolio showing end-to-end design work",
            "Understanding of accessibility guidelines (WCAG)",
        ),
        base_usd=100_000,
        modes=(5, 4, 1),
        statuses=(7, 1, 3),
    ),
    Profession(
        key="support",
        sector="tech",
        roles=_roles(
            ("Customer Support Specialist", "zendesk intercom jira"),
            ("Technical Support Engineer", "zendesk jira sql confluence"),
            ("Customer Success Manager", "salesforce gainsight hubspot"),
            ("Support Team Lead", "freshdesk zendesk confluence"),
        ),
        leaders=("Head of Customer Support", "Director of Customer Experience"),
        field="in customer support or customer success",
        degrees=("A degree is welcome but not required; relevant experience counts",),
        duties=(
            "Answer customer questions by chat, email and phone",
            "Troubleshoot issues and escalate bugs with clear reproductions",
            "Write and improve help-centre articles",
            "Share customer feedback with product teams",
        ),
        extras=(
            "A calm, friendly and structured communication style",
            "Comfort working in shifts across time zones",
        ),
        base_usd=55_000,
        modes=(5, 3, 2),
        statuses=(7, 2, 1),
    ),
    Profession(
        key="hospitality",
        sector="hospitality",
        roles=_roles(
            ("Hotel Receptionist", "opera-pms excel"),
            ("Chef de Partie", "toast-pos"),
            ("Sous Chef", "toast-pos excel"),
            ("Restaurant Manager", "oracle-micros opentable excel"),
            ("Front Office Manager", "opera-pms oracle-micros excel"),
            ("Housekeeping Supervisor", "opera-pms hotelkit"),
        ),
        leaders=("General Manager", "Head of Food and Beverage", "Executive Chef"),
        field="in hotels, restaurants or catering",
        degrees=(
            "A diploma in Hospitality Management or Culinary Arts is an advantage",
            "A food hygiene certificate (or willingness to obtain one)",
        ),
        duties=(
            "Welcome guests and make every stay or meal memorable",
            "Keep service running smoothly during busy periods",
            "Train and motivate a small, multicultural team",
            "Maintain hygiene, safety and quality standards",
        ),
        extras=(
            "Availability for evening and weekend shifts",
            "A second language is a strong plus",
        ),
        base_usd=45_000,
        modes=(0, 0.2, 10),
        statuses=(5, 4, 1.5),
    ),
    Profession(
        key="marketing",
        sector="tech",
        roles=_roles(
            ("Marketing Manager", "hubspot google-analytics google-ads salesforce"),
            ("Content Marketer", "wordpress semrush hubspot canva"),
            ("SEO Specialist", "semrush google-analytics google-search-console ahrefs"),
            ("Performance Marketing Manager", "google-ads meta-ads google-analytics looker"),
        ),
        leaders=("Head of Marketing", "Marketing Director", "Chief Marketing Officer"),
        field="in marketing",
        degrees=("A degree in Marketing, Communications or a related field",),
        duties=(
            "Plan and run campaigns across paid, owned and earned channels",
            "Measure results and reallocate budget to what works",
            "Write clear copy for web, email and social media",
            "Work with sales on lead quality and pipeline goals",
        ),
        extras=(
            "Hands-on experience with A/B testing",
            "A portfolio of campaigns you have run",
        ),
        base_usd=90_000,
        modes=(4, 4, 2),
        statuses=(8, 1, 2),
    ),
    Profession(
        key="hr",
        sector="finance",
        roles=_roles(
            ("HR Generalist", "workday bamboohr excel"),
            ("Recruiter", "greenhouse linkedin-recruiter workday"),
            ("People Partner", "personio sap-successfactors excel"),
        ),
        leaders=("Head of People", "HR Director", "Chief People Officer"),
        field="in human resources or recruiting",
        degrees=("A degree in Human Resources, Psychology or Business",),
        duties=(
            "Support managers with hiring, onboarding and performance reviews",
            "Keep employee records and policies accurate and compliant",
            "Run recruiting processes from sourcing to offer",
            "Improve employee experience with data and feedback",
        ),
        extras=(
            "Knowledge of local employment law",
            "A CIPD, SHRM or equivalent certification is a plus",
        ),
        base_usd=75_000,
        modes=(2, 6, 2),
        statuses=(8, 1.5, 1),
    ),
    Profession(
        key="engineering",
        sector="industry",
        roles=_roles(
            ("Mechanical Engineer", "solidworks autocad ansys matlab"),
            ("Civil Engineer", "autocad revit civil-3d"),
            ("Electrical Engineer", "autocad eplan matlab"),
            ("Quality Engineer", "minitab sap excel"),
        ),
        leaders=("Head of Engineering", "Engineering Director", "Chief Technical Officer"),
        field="in engineering",
        degrees=(
            "A Bachelor's degree in Mechanical, Civil or Electrical Engineering",
            "A chartered or professional engineer status is a plus",
        ),
        duties=(
            "Design components and systems from concept to production",
            "Prepare drawings, calculations and technical documentation",
            "Work with suppliers and the shop floor on quality issues",
            "Visit sites and test rigs to validate designs",
        ),
        extras=(
            "Knowledge of relevant ISO standards",
            "A driving licence for site visits",
        ),
        base_usd=95_000,
        modes=(0.5, 4, 6),
        statuses=(8, 0.5, 2),
    ),
)

# fmt: off
COUNTRIES: tuple[Country, ...] = (
    Country("US", "United States", "North America",
            (("New York", "New York"), ("Austin", "Texas"), ("Chicago", "Illinois"),
             ("Seattle", "Washington"), ("Denver", "Colorado")),
            "USD", 1.0, 1.0, None),
    Country("CA", "Canada", "North America",
            (("Toronto", "Ontario"), ("Vancouver", "British Columbia"), ("Montreal", "Quebec")),
            "CAD", 0.73, 0.78, None),
    Country("MX", "Mexico", "North America",
            (("Mexico City", "Ciudad de México"), ("Guadalajara", "Jalisco"),
             ("Monterrey", "Nuevo León")),
            "MXN", 0.058, 0.3, "Spanish"),
    Country("BR", "Brazil", "South America",
            (("São Paulo", "São Paulo"), ("Rio de Janeiro", "Rio de Janeiro"),
             ("Belo Horizonte", "Minas Gerais")),
            "BRL", 0.19, 0.28, "Portuguese"),
    Country("GB", "United Kingdom", "Europe",
            (("London", "England"), ("Manchester", "England"), ("Edinburgh", "Scotland"),
             ("Bristol", "England")),
            "GBP", 1.27, 0.72, None),
    Country("DE", "Germany", "Europe",
            (("Berlin", "Berlin"), ("Munich", "Bavaria"), ("Hamburg", "Hamburg"),
             ("Cologne", "North Rhine-Westphalia")),
            "EUR", 1.08, 0.7, "German"),
    Country("FR", "France", "Europe",
            (("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes"),
             ("Toulouse", "Occitanie")),
            "EUR", 1.08, 0.62, "French"),
    Country("ES", "Spain", "Europe",
            (("Madrid", "Community of Madrid"), ("Barcelona", "Catalonia"),
             ("Valencia", "Valencian Community")),
            "EUR", 1.08, 0.5, "Spanish"),
    Country("NL", "Netherlands", "Europe",
            (("Amsterdam", "North Holland"), ("Rotterdam", "South Holland"),
             ("Utrecht", "Utrecht")),
            "EUR", 1.08, 0.72, "Dutch"),
    Country("IN", "India", "Asia",
            (("Bengaluru", "Karnataka"), ("Pune", "Maharashtra"), ("Hyderabad", "Telangana"),
             ("Mumbai", "Maharashtra")),
            "INR", 0.012, 0.2, None),
    Country("JP", "Japan", "Asia",
            (("Tokyo", "Tokyo"), ("Osaka", "Osaka"), ("Fukuoka", "Fukuoka")),
            "JPY", 0.0067, 0.55, "Japanese"),
    Country("SG", "Singapore", "Asia", (("Singapore", None),), "SGD", 0.74, 0.8, None),
    Country("AU", "Australia", "Oceania",
            (("Sydney", "New South Wales"), ("Melbourne", "Victoria"), ("Brisbane", "Queensland")),
            "AUD", 0.66, 0.8, None),
    Country("ZA", "South Africa", "Africa",
            (("Cape Town", "Western Cape"), ("Johannesburg", "Gauteng"),
             ("Durban", "KwaZulu-Natal")),
            "ZAR", 0.055, 0.3, None),
    Country("KE", "Kenya", "Africa", (("Nairobi", "Nairobi County"), ("Mombasa", "Mombasa County")),
            "KES", 0.0077, 0.18, None),
)
# fmt: on

LEVELS: tuple[Level, ...] = (
    Level("junior", "Junior", (0, 2), 0.7, 3.0),
    Level("mid_level", "", (2, 5), 1.0, 4.0),
    Level("senior", "Senior", (5, 8), 1.3, 3.0),
    Level("staff", "Lead", (8, 12), 1.55, 1.3),
    Level("c_level", "", (10, 15), 2.0, 0.7),
)

SECTOR_INDUSTRIES = {
    "tech": ("Software Development", 4),
    "health": ("Hospitals and Health Care", 14),
    "education": ("Education", 68),
    "finance": ("Financial Services", 43),
    "logistics": ("Transportation, Logistics and Storage", 116),
    "hospitality": ("Hospitality", 31),
    "industry": ("Industrial Machinery Manufacturing", 135),
}
SECTOR_SUFFIXES = {
    "tech": ("Labs", "Software", "Analytics", "Systems", "Cloud", "Digital"),
    "health": ("Health", "Medical Centre", "Care Clinics", "Hospital Group"),
    "education": ("Academy", "International School", "Learning Trust", "College"),
    "finance": ("Partners", "Accounting", "Finance Group", "Advisory"),
    "logistics": ("Logistics", "Freight", "Supply Co.", "Distribution"),
    "hospitality": ("Hotels", "Bistro Group", "Resorts", "Kitchen Co."),
    "industry": ("Engineering", "Industries", "Manufacturing", "Works"),
}
NAME_STEMS = (
    "Brightpath",
    "Cedarline",
    "Harborview",
    "Lumenfield",
    "Maplecrest",
    "Nimbusway",
    "Orchardly",
    "Quartzite",
    "Riverstone",
    "Saffronhill",
    "Summitvale",
    "Tidewater",
    "Verdantia",
    "Willowmere",
    "Aurorabay",
    "Copperleaf",
    "Driftwood",
    "Evergrove",
    "Foxglen",
    "Granitepeak",
    "Juniperly",
    "Kestrelton",
    "Larkspur",
    "Meridia",
    "Northhollow",
    "Oakhaven",
    "Pinecove",
    "Silverbirch",
    "Thornfield",
    "Velvetine",
)
FIRST_NAMES = (
    "Amara",
    "Kenji",
    "Lucía",
    "Priya",
    "Jonas",
    "Chloé",
    "Thabo",
    "Mei",
    "Rafael",
    "Aisha",
    "Lars",
    "Sofia",
    "Arjun",
    "Yuki",
    "Mateo",
    "Zanele",
    "Emma",
    "Wanjiru",
)
LAST_NAMES = (
    "Okafor",
    "Tanaka",
    "Moreau",
    "Iyer",
    "Schmidt",
    "Santos",
    "Nkosi",
    "Chen",
    "García",
    "Haddad",
    "Jansen",
    "Rossi",
    "Kapoor",
    "Sato",
    "López",
    "Dlamini",
    "Walker",
    "Mwangi",
)
TEAM_ROLES = ("Talent Partner", "Recruiter", "Hiring Manager", "HR Business Partner")
BENEFITS = (
    "Annual learning budget and paid time for courses",
    "Flexible working hours",
    "Health insurance for you and your family",
    "Generous parental leave",
    "Public transport or commuting allowance",
    "Pension or retirement plan with employer contribution",
    "Wellbeing budget and employee assistance programme",
    "Modern equipment of your choice",
)


def generate_postings(count: int = COUNT, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` postings in Theirstack's job shape, the same for the same seed."""
    rng = random.Random(seed)
    companies = _companies(rng)
    postings = []
    for index in range(count):
        profession = PROFESSIONS[index % len(PROFESSIONS)]
        country = COUNTRIES[(index * 7 + rng.randrange(3)) % len(COUNTRIES)]
        age = 0 if index == 0 else rng.randint(0, MAX_AGE_DAYS)
        company = rng.choice(companies[profession.sector])
        role = profession.roles[(index // len(PROFESSIONS)) % len(profession.roles)]
        postings.append(_posting(rng, FIRST_ID + index, profession, role, country, company, age))
    return postings


def build_dataset(count: int = COUNT, seed: int = SEED) -> bytes:
    """The gzip-compressed search response shipped with the package (no timestamp)."""
    data = generate_postings(count, seed)
    # the provider ids of these postings are the sample set's own: an import of this
    # file stores them under the sample source, as seeding does (one posting, one job)
    metadata = {"total_results": len(data), "truncated_results": 0, "skael_source": "sample"}
    body = msgspec.json.encode({"metadata": metadata, "data": data})
    return gzip.compress(body, compresslevel=9, mtime=0)


# --------------------------------------------------------------------------- companies


def _companies(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    stems = list(NAME_STEMS)
    rng.shuffle(stems)
    by_sector: dict[str, list[dict[str, Any]]] = {}
    start = 0
    for sector in sorted(SECTOR_INDUSTRIES):
        size = 10 if sector == "tech" else 4  # six professions hire in tech
        picked = [stems[(start + k) % len(stems)] for k in range(size)]
        by_sector[sector] = [_company(rng, stem, sector) for stem in picked]
        start += size
    return by_sector


def _company(rng: random.Random, stem: str, sector: str) -> dict[str, Any]:
    name = f"{stem} {rng.choice(SECTOR_SUFFIXES[sector])}"
    slug = _slug(name)
    domain = f"{slug}.example.com"
    home = rng.choice(COUNTRIES)
    industry, industry_id = SECTOR_INDUSTRIES[sector]
    return {
        "id": slug,
        "name": name,
        "domain": domain,
        "url": f"https://{domain}",
        "linkedin_url": f"https://www.linkedin.com/company/{slug}-example",
        "logo": f"https://cdn.example.com/logos/{slug}.png",
        "industry": industry.lower(),
        "industry_id": industry_id,
        "country": home.name,
        "country_code": home.code,
        "employee_count": rng.choice((12, 45, 180, 650, 2400, 12000)),
        "founded_year": rng.randint(1950, 2022),
        "long_description": (
            f"{name} is a {industry.lower()} company founded in {home.name}, "
            f"serving customers across {rng.randint(3, 40)} countries."
        ),
    }


# --------------------------------------------------------------------------- postings


def _posting(
    rng: random.Random,
    job_id: int,
    profession: Profession,
    role: Role,
    country: Country,
    company: dict[str, Any],
    age_days: int,
) -> dict[str, Any]:
    level = rng.choices(LEVELS, weights=[lv.weight for lv in LEVELS])[0]
    title = _title(rng, role, profession, level)
    city, region = rng.choice(country.cities)
    remote, hybrid = _mode(rng, profession)
    tools = _tools(rng, role)
    years = rng.randint(*level.years)
    discovered = _discovered(rng, age_days)
    return {
        "id": job_id,
        "job_title": title,
        "normalized_title": title.lower(),
        "url": f"https://jobs.example.com/{company['id']}/{job_id}",
        "final_url": f"{company['url']}/careers/{job_id}" if rng.random() < 0.7 else None,
        "source_url": f"https://boards.example.net/view/{job_id}",
        "date_posted": discovered.date().isoformat(),
        "discovered_at": _iso(rng, discovered),
        "reposted": False,
        "date_reposted": None,
        "company": company["name"],
        "company_domain": company["domain"],
        "company_object": company,
        "location": city,
        "short_location": f"{city}, {region}" if region else city,
        "long_location": ", ".join(p for p in (city, region, country.name) if p),
        "locations": [_location(city, region, country)],
        "country": country.name,
        "country_code": country.code,
        "country_codes": [country.code],
        "cities": [city],
        "remote": remote,
        "hybrid": hybrid,
        **_salary(rng, profession, level, country),
        "seniority": level.key,
        "employment_statuses": _statuses(rng, profession, level),
        "technology_slugs": list(tools),
        "description": _description(
            rng, title, profession, country, company, tools, years, city, (remote, hybrid)
        ),
        "hiring_team": _team(rng, company) if rng.random() < 0.4 else [],
        "matching_phrases": [],
        "matching_words": [],
        "has_blurred_data": False,
    }


def _title(rng: random.Random, role: Role, profession: Profession, level: Level) -> str:
    if level.key == "c_level":
        return rng.choice(profession.leaders)
    if level.key == "staff" and profession.key in ("software", "data"):
        return f"{rng.choice(('Staff', 'Lead', 'Principal'))} {role.title}"
    return f"{level.prefix} {role.title}".strip()


def _mode(rng: random.Random, profession: Profession) -> tuple[bool, bool]:
    mode = rng.choices(("remote", "hybrid", "onsite"), weights=profession.modes)[0]
    return mode == "remote", mode == "hybrid"


def _tools(rng: random.Random, role: Role) -> tuple[str, ...]:
    size = min(len(role.tools), rng.randint(2, 5))
    core = role.tools[:2]
    rest = rng.sample(role.tools[2:], k=max(0, size - 2))
    return core + tuple(rest)


def _statuses(rng: random.Random, profession: Profession, level: Level) -> list[str]:
    if level.key == "junior" and rng.random() < 0.12:
        return ["internship"]
    status = rng.choices(("full_time", "part_time", "contract"), weights=profession.statuses)[0]
    if status == "contract" and rng.random() < 0.3:
        return ["full_time", "contract"]
    return [status]


def _discovered(rng: random.Random, age_days: int) -> datetime:
    day = ANCHOR - timedelta(days=age_days)
    moment = time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))
    if age_days == 0:
        moment = time(rng.randint(0, 5), rng.randint(0, 59))  # early: never "in the future"
    return datetime.combine(day, moment)


def _iso(rng: random.Random, moment: datetime) -> str:
    text = moment.isoformat()
    return text if rng.random() < 0.7 else text + "Z"  # the provider sends both forms


def _location(city: str, region: str | None, country: Country) -> dict[str, Any]:
    return {
        "id": 1_000_000 + sum(ord(c) * (i + 1) for i, c in enumerate(city + country.code)),
        "name": city,
        "type": "city",
        "country_code": country.code,
        "country_name": country.name,
        "admin1_name": region,
        "continent": country.continent,
        "display_name": ", ".join(p for p in (city, region, country.name) if p),
    }


def _salary(
    rng: random.Random, profession: Profession, level: Level, country: Country
) -> dict[str, Any]:
    none = {
        key: None
        for key in (
            "salary_string",
            "min_annual_salary",
            "max_annual_salary",
            "min_annual_salary_usd",
            "max_annual_salary_usd",
            "avg_annual_salary_usd",
            "salary_currency",
        )
    }
    if rng.random() < 0.25:
        return none
    middle = profession.base_usd * level.pay * country.pay_factor * rng.uniform(0.85, 1.15)
    step = _round_step(middle / country.usd_rate)
    low = round(middle * 0.9 / country.usd_rate / step) * step
    high = round(middle * 1.12 / country.usd_rate / step) * step
    low_usd, high_usd = round(low * country.usd_rate, 2), round(high * country.usd_rate, 2)
    cur = country.currency
    return {
        "salary_string": f"{low:,} {cur} - {high:,} {cur} per year",
        "min_annual_salary": low,
        "max_annual_salary": high,
        "min_annual_salary_usd": low_usd,
        "max_annual_salary_usd": high_usd,
        "avg_annual_salary_usd": round((low_usd + high_usd) / 2, 2),
        "salary_currency": cur,
    }


def _round_step(amount: float) -> int:
    step = 1000
    while amount / step > 200:
        step *= 10
    return step


def _team(rng: random.Random, company: dict[str, Any]) -> list[dict[str, Any]]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return [
        {
            "first_name": first,
            "full_name": f"{first} {last}",
            "linkedin_url": f"https://people.example.com/in/{_slug(first + ' ' + last)}",
            "role": f"{rng.choice(TEAM_ROLES)} at {company['name']}",
            "image_url": None,
        }
    ]


def _description(
    rng: random.Random,
    title: str,
    profession: Profession,
    country: Country,
    company: dict[str, Any],
    tools: tuple[str, ...],
    years: int,
    city: str,
    mode: tuple[bool, bool],
) -> str:
    where = _where(mode, city, country)
    names = [technology_name(t) for t in tools]
    duties = rng.sample(profession.duties, k=3)
    requirements = [
        f"{years}+ years of experience {profession.field}"
        if years
        else f"No prior experience needed; a strong interest in working {profession.field}",
        rng.choice(profession.degrees),
        f"Hands-on experience with {' and '.join(names[:2])}",
        *(f"Familiarity with {name}" for name in names[2:3]),
        _language(rng, country, profession),
        rng.choice(profession.extras),
    ]
    return "\n".join(
        [
            "## About the role",
            f"{company['name']} is hiring {_article(title)} {title} {where}. "
            f"You will join a team of {rng.randint(4, 30)} people.",
            "",
            "## What you will do",
            *(f"- {duty}" for duty in duties),
            "",
            "## Requirements",
            *(f"- {item}" for item in requirements),
            "",
            "## What we offer",
            *(f"- {perk}" for perk in rng.sample(BENEFITS, k=3)),
            "",
        ]
    )


def _where(mode: tuple[bool, bool], city: str, country: Country) -> str:
    remote, hybrid = mode
    if remote:
        return f"to work fully remotely from anywhere in {country.name}"
    if hybrid:
        return f"in {city} (hybrid: two to three office days a week)"
    return f"on site in {city}"


def _language(rng: random.Random, country: Country, profession: Profession) -> str:
    if country.language is None:
        return "Excellent written and spoken English"
    if profession.sector == "tech" and rng.random() < 0.5:
        return f"Fluent English; {country.language} is a plus"
    return f"Fluent {country.language} (C1 or above) and good English"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    payload = build_dataset(args.count, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(payload)
    print(f"wrote {args.count} postings ({len(payload):,} bytes) to {args.output}")


if __name__ == "__main__":
    main()
