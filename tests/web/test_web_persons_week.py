"""The person's week of docs/api.md, call by call: upload a resume file, accept the
profile it proposes, write a tailored resume and download it as PDF, apply, schedule an
interview, subscribe to the calendar, export the applications as CSV and read the funnel."""

from __future__ import annotations

import csv
import io
from typing import Any

from icalendar import Calendar
from litestar.testing import TestClient
from pypdf import PdfReader

from resume_files import PRIYA, pdf_single_column
from web.web_support import Account, actions


def test_a_persons_week_from_resume_file_to_calendar_and_csv(
    client: TestClient[Any], ada: Account, job_ids: list[int]
) -> None:
    me, job, auth = ada.user_id, job_ids[0], ada.headers

    # Sunday: the resume file proposes a profile; nothing changes until it is accepted
    before = client.get(f"/users/{me}", headers=auth).json()
    files = {"file": ("priya.pdf", pdf_single_column(PRIYA), "application/pdf")}
    uploaded = client.post("/resumes/upload", files=files, headers=auth)
    assert uploaded.status_code == 201, uploaded.text
    proposed = uploaded.json()["proposed_profile"]
    assert {"Python", "PostgreSQL", "Kubernetes"} <= set(proposed["skills"])
    assert client.get(f"/users/{me}", headers=auth).json() == before
    accepted = client.put(f"/users/{me}", json=proposed, headers=auth)
    assert accepted.status_code == 200, accepted.text
    profile = client.get(f"/users/{me}", headers=auth).json()
    assert set(proposed["skills"]) <= set(profile["skills"])
    assert profile["experience"] == proposed["experience"]

    # Monday: save, write a tailored resume, download it as PDF, apply with it, a reminder
    assert client.post(f"/jobs/{job}/save", headers=auth).status_code == 201
    written = client.post("/resumes/generate", json={"job_id": job}, headers=auth)
    assert written.status_code == 201, written.text
    resume = written.json()["resume_id"]
    pdf = client.get(f"/resumes/{resume}", params={"format": "pdf"}, headers=auth)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Python" in text
    applied = client.post("/resumes/apply", json={"job_id": job, "resume_id": resume}, headers=auth)
    assert applied.status_code in (200, 201), applied.text
    reminder = client.post(
        f"/applications/{job}/reminders",
        json={"due_date": "2026-12-11", "note": "Write to the recruiter"},
        headers=auth,
    )
    assert reminder.status_code == 201, reminder.text

    # Tuesday: interviewing; a video interview on Thursday at 09:30 Paris time
    moved = client.put(f"/applications/{job}", json={"status": "Interviewing"}, headers=auth)
    assert moved.status_code == 200, moved.text
    interview = client.post(
        f"/applications/{job}/interviews",
        json={
            "round": 1,
            "kind": "video",
            "starts_at": "2026-12-10T09:30:00+01:00",
            "duration_minutes": 45,
        },
        headers=auth,
    )
    assert interview.status_code == 201, interview.text
    assert interview.json()["starts_at"] == "2026-12-10T09:30:00+01:00"

    # the calendar feed, read without a bearer token, holds the interview and the reminder
    url = client.get(f"/users/{me}/calendar", headers=auth).json()["url"]
    feed = client.get("/" + url.split("/", 3)[3] if "://" in url else url)
    assert feed.status_code == 200, feed.text
    events = [e for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    starts = {e.decoded("DTSTART") for e in events}
    assert any(getattr(s, "hour", None) == 8 and s.minute == 30 for s in starts)  # 08:30 UTC
    assert len(events) == 2

    # Friday: the applications as a spreadsheet, the timeline and the funnel
    exported = client.get(f"/applications/user/{me}", params={"format": "csv"}, headers=auth)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 1 and str(job) in rows[0].values()
    timeline = client.get(f"/applications/{job}/timeline", headers=auth)
    assert timeline.status_code == 200, timeline.text
    funnel = client.get(f"/users/{me}/funnel", headers=auth).json()
    assert (funnel["saved"], funnel["applied"], funnel["interview"]) == (1, 1, 1)
    assert funnel["answered"] == 1 and funnel["median_days_to_answer"] is not None

    done = actions(client, ada)
    for kind in (
        "RESUME_UPLOADED",
        "DOCUMENT_EXPORTED",
        "JOB_APPLIED",
        "INTERVIEW_SCHEDULED",
        "REMINDER_ADDED",
    ):
        assert kind in done, (kind, done)
