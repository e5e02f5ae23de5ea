"""A person's session with the Skael frontend, call by call, on both surfaces.

Every call is the frontend's own (its payload built as its source builds it) in the
order a session makes them; after each, the test checks what the frontend's code reads
from the answer, citing the file that reads it. Runs on memory, SQLite and PostgreSQL,
on the contract surface and on ``/v0``, with each way of getting a bearer token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from replay.replay_support import (
    FETCH_LIMIT,
    JOBS_PER_PAGE,
    MAX_AGE_DAYS,
    Frontend,
    now_iso,
    saved_job_ids,
    technology_badges,
)

SESSION_STEPS = [
    "register",
    "login",
    "profile",
    "profile: personal_contact",
    "profile",
    "profile: professional_background",
    "profile",
    "profile: job_preferences",
    "profile",
    "profile: work_experiences",
    "profile: educations",
    "profile: certifications",
    "profile",
    "change password",
    "feedback",
    "fetch jobs",
    "list jobs",
    "list jobs with filters",
    "list jobs with filters",
    "relevant jobs",
    "activities",
    "match score",
    "analyze",
    "match score",
    "save",
    "save",
    "activities",
    "unsave",
    "activities",
    "tracker: activities",
    "tracker: job",
    "tracker: activity log",
    "tracker: remove",
    "tracker: activities",
    "delete account",
    "profile",
]


def test_a_persons_session_works_end_to_end(frontend: Frontend, tick: Callable[[], None]) -> None:
    sign_up_and_in(frontend)
    fill_the_profile(frontend)
    change_password_and_give_feedback(frontend)
    jobs = fetch_and_browse(frontend)
    analyse_and_save(frontend, jobs, tick)
    track(frontend, jobs, tick)
    delete_the_account(frontend)
    assert frontend.frontend_steps() == SESSION_STEPS


def sign_up_and_in(app: Frontend) -> None:
    registered = app.register()
    assert registered.status_code == 201, registered.text
    body = registered.json()
    # src/app/auth/page.tsx:163: messages must be "success" and user_id present
    assert body["messages"].lower() == "success"
    assert isinstance(body["user_id"], int)
    app.user_id = body["user_id"]

    logged_in = app.login()
    assert logged_in.status_code == 200, logged_in.text
    body = logged_in.json()
    # src/app/auth/page.tsx:118: messages "success" and user_id, then Firebase sign-in
    assert body["messages"].lower() == "success"
    assert body["user_id"] == app.user_id
    app.token = app.auth.after_sign_in(app, body)

    profile = app.profile()
    assert profile.status_code == 200, profile.text
    user = profile.json()
    # src/contexts/AuthContext.tsx:81-89: id, username, email_id, countries or country
    assert user["id"] == app.user_id
    assert user["username"] == app.person.name
    assert user["email_id"] == app.person.email
    assert user["countries"] == []
    # src/app/profile/page.tsx, mapUserToFormValues: phone_number
    assert user["phone_number"] == app.person.phone


def reread(app: Frontend) -> dict[str, Any]:
    """src/app/profile/page.tsx:530: a saved section is followed by refetchBackendUser."""
    answer = app.profile()
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def saved(app: Frontend, section: str, payload: dict[str, Any]) -> None:
    answer = app.save_section(section, payload)
    assert answer.status_code == 200, (section, answer.text)
    # src/app/profile/page.tsx:529: messages must be "success"
    assert answer.json()["messages"].lower() == "success"


def fill_the_profile(app: Frontend) -> None:
    # src/app/profile/page.tsx:570 handleSavePersonalContact; countries default "India"
    saved(
        app,
        "personal_contact",
        {
            "username": "Asha R.",
            "number": "+91 98765 00000",
            "preferred_locations": "Bengaluru, Remote",
            "country": "India",
        },
    )
    user = reread(app)
    # src/app/profile/page.tsx, mapUserToFormValues: username, phone_number, lists joined
    assert user["username"] == "Asha R."
    assert user["phone_number"] == "+91 98765 00000"
    assert user["preferred_locations"] == ["Bengaluru", "Remote"]
    # src/contexts/AuthContext.tsx:91-95: countries as an array of strings
    assert user["countries"] == ["IN"]

    # src/app/profile/page.tsx:584 handleSaveProfessionalBackground (experience coerced)
    summary = "Backend developer building event-driven services with Python and Kafka."
    saved(
        app,
        "professional_background",
        {
            "professional_summary": summary,
            "experience": 4,
            "skills": "Python, SQL, Kafka",
            "resume": "https://storage.example/users/u1/uploaded_resumes/1_cv.pdf",
            "country": "IN",
        },
    )
    user = reread(app)
    # src/app/jobs/page.tsx:859 profile completeness; :254 skills joined for relevant jobs
    assert user["professional_summary"] == summary
    assert user["skills"] == ["Python", "SQL", "Kafka"]
    assert user["experience"] == 4
    assert user["resume"].endswith("1_cv.pdf")

    # src/app/profile/page.tsx:587 handleSaveJobPreferences
    saved(
        app,
        "job_preferences",
        {
            "desired_job_role": "Backend Developer",
            "remote_preference": "Remote",
            "expected_salary": 1800000,
            "country": "IN",
        },
    )
    user = reread(app)
    # src/app/profile/page.tsx, mapUserToFormValues: remote preference matched by name
    assert user["desired_job_role"] == "Backend Developer"
    assert user["remote_preference"] == "Remote"
    assert user["expected_salary"] == 1800000

    # src/app/profile/page.tsx:588-590: the three list sections, each with `country`
    saved(
        app,
        "work_experiences",
        {
            "work_experiences": [
                {
                    "company_name": "Kite Systems",
                    "job_title": "Software Engineer",
                    "start_date": "2021-07-01",
                    "end_date": None,
                    "description": "Payments backend.",
                }
            ],
            "country": "IN",
        },
    )
    saved(
        app,
        "educations",
        {
            "educations": [
                {
                    "institution": "IIT Madras",
                    "degree": "B.Tech",
                    "start_year": 2016,
                    "end_year": 2020,
                }
            ],
            "country": "IN",
        },
    )
    saved(
        app,
        "certifications",
        {
            "certifications": [
                {
                    "title": "CKAD",
                    "issued_by": "CNCF",
                    "issue_date": "2023-03-15",
                    "credential_url": None,
                }
            ],
            "country": "IN",
        },
    )
    user = reread(app)
    # src/app/profile/page.tsx, mapUserToFormValues: the entries' fields
    [work] = user["work_experiences"]
    assert (work["company_name"], work["start_date"], work["end_date"]) == (
        "Kite Systems",
        "2021-07-01",
        None,
    )
    [education] = user["educations"]
    assert (education["institution"], education["start_year"]) == ("IIT Madras", 2016)
    [certification] = user["certifications"]
    assert (certification["title"], certification["issue_date"]) == ("CKAD", "2023-03-15")
    assert user["countries"] == ["IN"]


def change_password_and_give_feedback(app: Frontend) -> None:
    # src/app/profile/page.tsx:600 handleSavePassword: ChangePasswordPayload
    payload = {"old_password": app.person.password, "new_password": app.person.new_password}
    changed = app.call(
        "change password", "POST", f"/users/{app.user_id}/change_password", json=payload
    )
    # src/app/profile/page.tsx:601: any 2xx is success
    assert changed.status_code == 200, changed.text
    app.person.password = app.person.new_password
    app.token = app.auth.after_password_change(app)

    # src/components/app/feedback-dialog.tsx:55 FeedbackIn
    feedback = {
        "feedback": "The match explanations are really useful!",
        "metadata": {"source": "profile-page", "timestamp": now_iso()},
    }
    sent = app.call("feedback", "POST", f"/users/{app.user_id}/feedback", json=feedback)
    # src/components/app/feedback-dialog.tsx:61: any 2xx is success
    assert 200 <= sent.status_code < 300, sent.text


def fetch_and_browse(app: Frontend) -> dict[str, dict[str, Any]]:
    """Fetch with the profile's values, list, filter, rank; the jobs by title."""
    # src/app/jobs/page.tsx:527-544: the fetch form, filled from the profile
    payload = {
        "job_titles": ["Backend Developer"],
        "skills": ["Python", "SQL", "Kafka"],
        "experience": 4,
        "locations": ["Bengaluru", "Remote"],
        "countries": ["IN"],
        "remote": True,
        "limit": FETCH_LIMIT,
        "posted_at_max_age_days": MAX_AGE_DAYS,
    }
    fetched = app.call("fetch jobs", "POST", "/jobs/fetch_jobs", json=payload)
    assert fetched.status_code == 200, fetched.text
    body = fetched.json()
    # src/app/jobs/page.tsx:547-549: jobs_fetched, then jobs mapped
    assert body["jobs_fetched"] == 5
    jobs = {job["job_title"]: job for job in body["jobs"]}
    backend = jobs["Backend Developer"]
    # src/app/jobs/page.tsx:167 mapBackendJobToFrontend: a numeric id
    assert isinstance(backend["id"], int) and backend["id"] > 0
    # :175 company_obj.company_name; :180-191 technology badges need id, name and slug
    assert backend["company_obj"]["company_name"] == "Kite Systems"
    badges = technology_badges(backend)
    assert [t["technology_slug"] for t in badges] == ["python", "kafka", "sql"]
    assert len({t["id"] for j in jobs.values() for t in technology_badges(j)}) == len(
        {t["technology_slug"] for j in jobs.values() for t in technology_badges(j)}
    )

    # src/app/jobs/page.tsx:313 fetchAllJobs: skip and limit only
    listed = app.call(
        "list jobs", "GET", "/jobs/list_jobs/", params={"skip": 0, "limit": JOBS_PER_PAGE}
    )
    assert listed.status_code == 200, listed.text
    # src/app/jobs/page.tsx:315-316: an array of jobs
    everything = app.surface.items(listed.json(), "jobs")
    assert len(everything) == 5
    # the same technology has the same id in every job and every answer
    python_ids = {
        t["id"] for j in everything for t in j["technologies"] if t["technology_slug"] == "python"
    }
    assert len(python_ids) == 1

    # src/app/jobs/page.tsx:346-355 handleApplyFilters: tech, location, experience as typed
    filters = {
        "skip": 0,
        "limit": JOBS_PER_PAGE,
        "tech": "Python, Kafka",
        "location": "Bengaluru",
        "experience": "4",
    }
    filtered = app.call("list jobs with filters", "GET", "/jobs/list_jobs/", params=filters)
    assert filtered.status_code == 200, filtered.text
    assert [j["job_title"] for j in app.surface.items(filtered.json(), "jobs")] == [
        "Backend Developer"
    ]
    wider = {"skip": 0, "limit": JOBS_PER_PAGE, "tech": "React,Java", "experience": "3 years"}
    filtered = app.call("list jobs with filters", "GET", "/jobs/list_jobs/", params=wider)
    assert filtered.status_code == 200, filtered.text
    # Frontend Developer asks for 2 years, Java Developer for 5
    assert [j["job_title"] for j in app.surface.items(filtered.json(), "jobs")] == [
        "Frontend Developer"
    ]

    # src/app/jobs/page.tsx:251-260 fetchRelevantJobs: lists comma-joined, years a string
    relevant_payload = {
        "job_title": "Backend Developer",
        "technology": "Python,SQL,Kafka",
        "location": "Bengaluru,Remote",
        "experience": "4",
        "skip": 0,
        "limit": JOBS_PER_PAGE,
    }
    relevant = app.call("relevant jobs", "POST", "/jobs/relevant_jobs", json=relevant_payload)
    assert relevant.status_code == 200, relevant.text
    # src/app/jobs/page.tsx:265-269: an array, or {jobs: [...]}
    ranked = app.surface.items(relevant.json(), "jobs")
    assert [j["job_title"] for j in ranked] == ["Backend Developer", "Python Developer"]
    assert all(technology_badges(j) for j in ranked)
    return jobs


def activities(app: Frontend, step: str = "activities") -> list[dict[str, Any]]:
    # src/app/jobs/page.tsx:412 and src/app/tracker/page.tsx:148
    answer = app.call(step, "GET", f"/users/{app.user_id}/activities")
    assert answer.status_code == 200, answer.text
    found = app.surface.items(answer.json(), "activities")
    for activity in found:
        # src/app/tracker/page.tsx:152-178: id, job_id, action_type, created_at, metadata
        assert {"id", "job_id", "action_type", "created_at", "activity_metadata"} <= set(activity)
    return found


def analyse_and_save(
    app: Frontend, jobs: dict[str, dict[str, Any]], tick: Callable[[], None]
) -> None:
    backend = jobs["Backend Developer"]
    # src/app/jobs/page.tsx:410: the saved jobs, before the person saved any
    assert saved_job_ids(activities(app)) == set()

    # src/app/jobs/page.tsx:651 fetchJobDetailsWithAI: the stored analysis, if any
    path = f"/jobs/{backend['id']}/match_score?user_id={app.user_id}"
    first = app.call("match score", "GET", path)
    if app.surface.original:
        # none stored: 204, and the frontend runs its own analysis (:661, :598-623)
        assert first.status_code == 204, first.text
        assert first.content == b""
    else:
        # the contract computes one; the frontend shows it (:652-656) and stops there
        assert first.status_code == 200, first.text
        assert {"score", "explanation"} <= set(first.json())
        assert 0 <= first.json()["score"] <= 100

    # src/app/jobs/page.tsx:614-620 performAiAnalysis: the AI's score, a fraction
    analysis = {
        "user_id": app.user_id,
        "score": 78.5,
        "explanation": "Strong Python and Kafka fit.",
    }
    posted = app.call("analyze", "POST", f"/jobs/{backend['id']}/analyze", json=analysis)
    # src/app/jobs/page.tsx:620-621: any 2xx is "AI Analysis Saved"
    assert 200 <= posted.status_code < 300, posted.text

    again = app.call("match score", "GET", path)
    assert again.status_code == 200, again.text
    shown = again.json()
    if app.surface.original:
        # src/app/jobs/page.tsx:652-653: score and explanation (78.5 rounds half up)
        assert (shown["score"], shown["explanation"]) == (79, analysis["explanation"])
    else:
        # the contract keeps one computed score; the client's own is shown beside it
        assert shown["score"] == first.json()["score"]
        assert (shown["client_score"], shown["client_explanation"]) == (
            79,
            analysis["explanation"],
        )

    for title in ("Backend Developer", "Python Developer"):
        tick()
        job = jobs[title]
        # src/app/jobs/page.tsx:741-750 handleSaveJob: SaveJobPayload
        payload = {
            "user_id": app.user_id,
            "job_id": job["id"],
            "action_type": "JOB_SAVED",
            "activity_metadata": {"jobTitle": title, "company": job["company"], "status": "Saved"},
        }
        answer = app.call("save", "POST", f"/jobs/{job['id']}/save", json=payload)
        assert 200 <= answer.status_code < 300, answer.text
        # src/app/jobs/page.tsx:751: messages "success" and an activity_id
        assert answer.json()["messages"].lower() == "success"
        assert answer.json()["activity_id"] is not None
    assert saved_job_ids(activities(app)) == {
        jobs[t]["id"] for t in ("Backend Developer", "Python Developer")
    }

    tick()
    # src/app/jobs/page.tsx:734: unsaving a saved job
    unsaved = app.call("unsave", "DELETE", f"/jobs/{backend['id']}/save?user_id={app.user_id}")
    assert unsaved.status_code == 200, unsaved.text
    assert saved_job_ids(activities(app)) == {jobs["Python Developer"]["id"]}


def track(app: Frontend, jobs: dict[str, dict[str, Any]], tick: Callable[[], None]) -> None:
    python = jobs["Python Developer"]
    found = activities(app, "tracker: activities")
    # src/app/tracker/page.tsx:166-178: one application per saved job, titled from metadata
    [latest_save] = [
        a for a in found if a["action_type"] == "JOB_SAVED" and a["job_id"] == python["id"]
    ]
    assert latest_save["activity_metadata"]["jobTitle"] == "Python Developer"
    assert latest_save["activity_metadata"]["company"] == "Cloudnine"

    # src/app/tracker/page.tsx:269 handleViewJobDetails
    details = app.call("tracker: job", "GET", f"/jobs/{python['id']}")
    assert details.status_code == 200, details.text
    job = details.json()
    # src/app/tracker/page.tsx:93-137 mapBackendJobToTrackerJobListing
    assert (job["id"], job["job_title"], job["location"]) == (
        python["id"],
        "Python Developer",
        "Remote",
    )
    assert [t["technology_slug"] for t in technology_badges(job)] == ["python", "sql"]
    # src/components/app/job-details-modal.tsx:130-141: key information as an object
    key_info = app.surface.key_info(job)
    assert key_info is not None and "4+ years of Python" in key_info.values()

    tick()
    # src/app/tracker/page.tsx:217-230 handleUpdateStatus: ActivityIn
    status = {
        "user_id": app.user_id,
        "job_id": python["id"],
        "action_type": "APPLICATION_STATUS_UPDATED",
        "metadata": {
            "jobTitle": "Python Developer",
            "company": "Cloudnine",
            "oldStatus": "Saved",
            "newStatus": "Applied",
        },
    }
    logged = app.call("tracker: activity log", "POST", "/activity/log", json=status)
    assert 200 <= logged.status_code < 300, logged.text

    tick()
    # src/app/tracker/page.tsx:250-251 handleDeleteApplication
    removed = app.call(
        "tracker: remove", "DELETE", f"/jobs/{python['id']}/save?user_id={app.user_id}"
    )
    assert removed.status_code == 200, removed.text
    assert removed.json()["messages"].lower() == "success"
    assert "deleted" in removed.json()["msg"].lower()

    found = activities(app, "tracker: activities")
    assert saved_job_ids(found) == set()
    [update] = [a for a in found if a["action_type"] == "APPLICATION_STATUS_UPDATED"]
    assert update["activity_metadata"]["newStatus"] == "Applied"
    assert update["metadata"] == update["activity_metadata"]


def delete_the_account(app: Frontend) -> None:
    # src/app/profile/page.tsx:633: DELETE /users/{id}, then Firebase deletes the person
    deleted = app.call("delete account", "DELETE", f"/users/{app.user_id}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["messages"].lower() == "success"
    gone = app.profile()
    assert gone.status_code == 401, gone.text
