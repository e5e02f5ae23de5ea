"""The tracker's depth over HTTP: interviews, reminders, the timeline, the calendar feed
(read back with icalendar), the CSV exports (read back with csv) and the funnel."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar
from litestar.testing import TestClient

from web.web_support import Account, World, actions, assert_error, log_in

VIDEO = {
    "round": 1,
    "kind": "video",
    "starts_at": "2026-12-10T09:30:00+01:00",
    "duration_minutes": 45,
}


@pytest.fixture
def applied(client: TestClient[Any], ada: Account, job_ids: list[int]) -> int:
    """The job Ada applied to."""
    response = client.post("/resumes/apply", json={"job_id": job_ids[0]}, headers=ada.headers)
    assert response.status_code == 201
    return job_ids[0]


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_an_interview_is_scheduled_read_changed_and_cancelled(
    client: TestClient[Any], ada: Account, applied: int
) -> None:
    made = client.post(f"/applications/{applied}/interviews", json=VIDEO, headers=ada.headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["messages"] == "success"
    assert body["starts_at"] == "2026-12-10T09:30:00+01:00"
    assert body["starts_at_utc"] == "2026-12-10T08:30:00Z"
    assert body["ends_at"] == "2026-12-10T10:15:00+01:00"
    assert (body["round"], body["kind"], body["duration_minutes"]) == (1, "video", 45)
    one = f"/applications/{applied}/interviews/{body['id']}"
    assert client.get(one, headers=ada.headers).json() == body
    listed = client.get(f"/applications/{applied}/interviews", headers=ada.headers).json()
    assert (listed["total"], [i["id"] for i in listed["interviews"]]) == (1, [body["id"]])

    change = {"starts_at": "2026-12-11T10:00:00-05:00", "place": "HQ, floor 3"}
    changed = client.put(one, json=change, headers=ada.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["starts_at"] == "2026-12-11T10:00:00-05:00"
    assert (changed.json()["place"], changed.json()["duration_minutes"]) == ("HQ, floor 3", 45)

    gone = client.delete(one, headers=ada.headers)
    assert gone.json() == {"messages": "success", "interview_id": body["id"]}
    assert_error(client.get(one, headers=ada.headers), 404)
    assert actions(client, ada)[:3] == [
        "INTERVIEW_CANCELLED",
        "INTERVIEW_UPDATED",
        "INTERVIEW_SCHEDULED",
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"kind": "zoom"}, "kind", "phone, video, onsite or take_home"),
        ({"starts_at": "2026-12-10T09:30:00"}, "starts_at", "UTC offset"),
        ({"starts_at": "next tuesday"}, "starts_at", "UTC offset"),
        ({"duration_minutes": -30}, "duration_minutes", ">= 1"),
        ({"round": 0}, "round", ">= 1"),
        ({"time_zone": "Europe/London"}, "time_zone", "Europe/London is at +00:00"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not an IANA time zone"),
        ({"starts_at": "9999-12-31T23:59:00-05:00"}, "starts_at", "1900-2999"),
    ],
)
def test_a_bad_interview_is_a_422_naming_the_field_and_writes_nothing(
    client: TestClient[Any],
    ada: Account,
    applied: int,
    change: dict[str, Any],
    field: str,
    words: str,
) -> None:
    before = actions(client, ada)
    response = client.post(
        f"/applications/{applied}/interviews", json=VIDEO | change, headers=ada.headers
    )
    body = assert_error(response, 422)
    assert [e["field"] for e in body["errors"]] == [field]
    assert words in body["detail"]
    listed = client.get(f"/applications/{applied}/interviews", headers=ada.headers).json()
    assert listed["total"] == 0
    assert actions(client, ada) == before


def test_interviews_and_reminders_need_an_application_of_ones_own(
    client: TestClient[Any], ada: Account, bob: Account, applied: int, job_ids: list[int]
) -> None:
    not_applied = job_ids[1]
    for kind, body in (("interviews", VIDEO), ("reminders", {"due_date": "2026-12-14"})):
        missing = client.post(f"/applications/{not_applied}/{kind}", json=body, headers=ada.headers)
        assert "application for job" in assert_error(missing, 404)["detail"]
    client.post("/resumes/apply", json={"job_id": applied}, headers=bob.headers)
    theirs = client.post(f"/applications/{applied}/interviews", json=VIDEO, headers=bob.headers)
    their_reminder = client.post(
        f"/applications/{applied}/reminders", json={"due_date": "2026-12-14"}, headers=bob.headers
    )
    interview = f"/applications/{applied}/interviews/{theirs.json()['id']}"
    reminder = f"/applications/{applied}/reminders/{their_reminder.json()['id']}"
    for url in (interview, reminder):
        assert_error(client.get(url, headers=ada.headers), 403)
        assert_error(client.put(url, json={"notes": "mine now"}, headers=ada.headers), 403)
        assert_error(client.delete(url, headers=ada.headers), 403)
    assert client.get(interview, headers=bob.headers).json()["notes"] is None
    assert_error(client.post(f"/users/{bob.user_id}/calendar/rotate", headers=ada.headers), 403)


def test_reminders_due_before_a_day_with_total_and_done(
    client: TestClient[Any], ada: Account, applied: int, job_ids: list[int]
) -> None:
    client.post("/resumes/apply", json={"job_id": job_ids[1]}, headers=ada.headers)
    made = [
        client.post(
            f"/applications/{job}/reminders",
            json={"due_date": due, "note": f"follow up {n}"},
            headers=ada.headers,
        ).json()
        for n, (job, due) in enumerate(
            [(applied, "2026-12-20"), (job_ids[1], "2026-12-05"), (applied, "2026-12-07")]
        )
    ]
    due = client.get("/reminders", params={"due_before": "2026-12-08"}, headers=ada.headers)
    assert due.status_code == 200, due.text
    assert [r["id"] for r in due.json()["reminders"]] == [made[1]["id"], made[2]["id"]]
    assert due.json()["total"] == 2
    done = client.put(
        f"/applications/{job_ids[1]}/reminders/{made[1]['id']}",
        json={"done": True},
        headers=ada.headers,
    )
    assert done.json()["done"] is True and done.json()["done_at"] is not None
    still_open = client.get("/reminders", params={"done": "false"}, headers=ada.headers).json()
    assert [r["id"] for r in still_open["reminders"]] == [made[2]["id"], made[0]["id"]]
    per_application = client.get(f"/applications/{applied}/reminders", headers=ada.headers)
    assert per_application.json()["total"] == 2
    for bad in ("2026-13-01", "tomorrow", "12/08/2026"):
        body = assert_error(
            client.get("/reminders", params={"due_before": bad}, headers=ada.headers), 422
        )
        assert body["errors"][0]["field"] == "due_before"
        assert "YYYY-MM-DD" in body["detail"]
    bad_day = client.post(
        f"/applications/{applied}/reminders", json={"due_date": "soon"}, headers=ada.headers
    )
    assert "YYYY-MM-DD" in assert_error(bad_day, 422)["detail"]
    too_late = client.post(
        f"/applications/{applied}/reminders", json={"due_date": "9999-12-31"}, headers=ada.headers
    )
    assert "1900-2999" in assert_error(too_late, 422)["detail"]
    assert actions(client, ada)[:4] == [
        "REMINDER_UPDATED",
        "REMINDER_ADDED",
        "REMINDER_ADDED",
        "REMINDER_ADDED",
    ]


def later(client: TestClient[Any], world: World, ada: Account, days: int) -> Account:
    """Ada ``days`` later, signed in again (tokens expire meanwhile)."""
    world.clock.advance(days=days)
    return log_in(client, ada.email)


def test_the_timeline_lists_every_kind_in_time_order(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    job = job_ids[0]
    resume = client.post("/resumes/generate", json={"content": "CV"}, headers=ada.headers).json()
    client.put(f"/applications/{job}", json={"status": "Saved"}, headers=ada.headers)
    ada = later(client, world, ada, 1)
    apply = {"job_id": job, "resume_id": resume["resume_id"]}
    client.post("/resumes/apply", json=apply, headers=ada.headers)
    ada = later(client, world, ada, 2)
    client.put(f"/applications/{job}", json={"status": "Interviewing"}, headers=ada.headers)
    client.post(f"/applications/{job}/interviews", json=VIDEO, headers=ada.headers)
    client.post(
        f"/applications/{job}/reminders", json={"due_date": "2026-12-14"}, headers=ada.headers
    )
    timeline = client.get(f"/applications/{job}/timeline", headers=ada.headers)
    assert timeline.status_code == 200, timeline.text
    events = timeline.json()["events"]
    assert timeline.json()["total"] == len(events) == 6
    assert [e["kind"] for e in events] == [
        "status_change",
        "status_change",
        "document_sent",
        "status_change",
        "interview",
        "reminder",
    ]
    assert [(e["status"], e["previous_status"]) for e in events if e["status"]] == [
        ("Saved", None),
        ("Applied", "Saved"),
        ("Interviewing", "Applied"),
    ]
    assert events[2]["document_id"] == resume["resume_id"]
    assert events[4]["interview"]["starts_at"] == VIDEO["starts_at"]
    moments = [datetime.fromisoformat(e["at"]) for e in events]
    assert moments == sorted(moments)
    assert_error(client.get(f"/applications/{job_ids[1]}/timeline", headers=ada.headers), 404)


def test_the_calendar_feed_reads_back_and_rotating_ends_the_old_address(
    client: TestClient[Any], ada: Account, applied: int
) -> None:
    interview = VIDEO | {"link": "https://meet.example.com/x", "notes": "Bring; commas, too"}
    client.post(f"/applications/{applied}/interviews", json=interview, headers=ada.headers)
    reminder = {"due_date": "2026-12-14", "note": "Thank-you note"}
    client.post(f"/applications/{applied}/reminders", json=reminder, headers=ada.headers)
    address = client.get(f"/users/{ada.user_id}/calendar", headers=ada.headers).json()["url"]
    assert address.startswith("http") and address.endswith(".ics")
    assert (
        client.get(f"/users/{ada.user_id}/calendar", headers=ada.headers).json()["url"] == address
    )

    feed = client.get(path_of(address))  # no Authorization header
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"interview-1@skael", "reminder-1@skael"}
    meeting = events["interview-1@skael"]
    assert meeting.decoded("dtstart") == datetime(2026, 12, 10, 8, 30, tzinfo=UTC)
    assert meeting.decoded("dtend") == datetime(2026, 12, 10, 9, 15, tzinfo=UTC)
    assert str(meeting["summary"]).startswith("Interview round 1 (video): ")
    assert str(meeting["description"]) == "Bring; commas, too"
    assert str(meeting["url"]) == "https://meet.example.com/x"
    follow_up = events["reminder-1@skael"]
    assert follow_up.decoded("dtstart") == date(2026, 12, 14)
    assert str(follow_up["description"]) == "Thank-you note"

    rotated = client.post(f"/users/{ada.user_id}/calendar/rotate", headers=ada.headers)
    assert rotated.status_code == 200
    new_address = rotated.json()["url"]
    assert new_address != address
    assert_error(client.get(path_of(address)), 404)
    assert client.get(path_of(new_address)).status_code == 200
    assert_error(client.get("/calendar/not-a-token.ics"), 404)
    assert actions(client, ada)[0] == "CALENDAR_URL_ROTATED"
    client.delete(f"/users/{ada.user_id}", headers=ada.headers)
    assert_error(client.get(path_of(new_address)), 404)


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_applications_and_saved_jobs_export_as_csv_safely(
    client: TestClient[Any], ada: Account, applied: int, job_ids: list[int]
) -> None:
    notes = '=HYPERLINK("http://evil.example","x"), then "quotes",\nand a second line'
    client.put(
        f"/applications/{applied}",
        json={"status": "Interviewing", "notes": notes},
        headers=ada.headers,
    )
    client.put(
        f"/applications/{job_ids[1]}",
        json={"status": "Saved", "notes": "+1 555"},
        headers=ada.headers,
    )
    for job in job_ids[2:5]:
        client.post(f"/jobs/{job}/save", headers=ada.headers)

    rows = _csv(client.get(f"/applications/user/{ada.user_id}?format=csv", headers=ada.headers))
    assert [int(r["job_id"]) for r in rows] == [job_ids[1], applied]
    by_job = {int(r["job_id"]): r for r in rows}
    assert by_job[applied]["notes"] == "'" + notes
    assert by_job[applied]["status"] == "Interviewing"
    assert by_job[job_ids[1]]["notes"] == "'+1 555"
    assert by_job[applied]["job_title"]
    saved_only = client.get(
        f"/applications/user/{ada.user_id}",
        params={"format": "CSV", "status": "saved"},
        headers=ada.headers,
    )
    assert [int(r["job_id"]) for r in _csv(saved_only)] == [job_ids[1]]

    saved = _csv(client.get("/jobs/saved?format=csv", headers=ada.headers))
    assert [int(r["job_id"]) for r in saved] == [job_ids[4], job_ids[3], job_ids[2]]
    assert all(r["saved_at"] and r["job_title"] for r in saved)

    paged = client.get("/jobs/saved", params={"format": "csv", "skip": 1}, headers=ada.headers)
    assert [int(r["job_id"]) for r in _csv(paged)] == [job_ids[3], job_ids[2]]
    one = client.get("/jobs/saved?format=csv&limit=1", headers=ada.headers)
    assert [int(r["job_id"]) for r in _csv(one)] == [job_ids[4]]
    page = {"format": "csv", "skip": 1, "limit": 1}
    second = client.get(f"/applications/user/{ada.user_id}", params=page, headers=ada.headers)
    assert [int(r["job_id"]) for r in _csv(second)] == [applied]
    assert _csv(client.get("/jobs/saved?format=csv&skip=3", headers=ada.headers)) == []
    assert_error(client.get("/jobs/saved?format=csv&limit=0", headers=ada.headers), 422)

    as_json = client.get(f"/applications/user/{ada.user_id}", headers=ada.headers).json()
    assert (as_json["messages"], as_json["total"]) == ("success", 2)
    assert client.get("/jobs/saved?format=json", headers=ada.headers).json()["total"] == 3
    bad = assert_error(client.get("/jobs/saved?format=xlsx", headers=ada.headers), 422)
    assert "json (the default) or csv" in bad["detail"]


def test_the_funnel_of_a_person(
    client: TestClient[Any], world: World, ada: Account, job_ids: list[int]
) -> None:
    for job in job_ids[:4]:
        client.post(f"/jobs/{job}/save", headers=ada.headers)
    for job in job_ids[:3]:
        client.post("/resumes/apply", json={"job_id": job}, headers=ada.headers)
    ada = later(client, world, ada, 3)
    client.put(f"/applications/{job_ids[0]}", json={"status": "Interviewing"}, headers=ada.headers)
    ada = later(client, world, ada, 4)
    client.put(f"/applications/{job_ids[1]}", json={"status": "Rejected"}, headers=ada.headers)
    client.put(f"/applications/{job_ids[0]}", json={"status": "Offer"}, headers=ada.headers)
    figures = client.get(f"/users/{ada.user_id}/funnel", headers=ada.headers)
    assert figures.status_code == 200, figures.text
    assert figures.json() == {
        "messages": "success",
        "user_id": ada.user_id,
        "saved": 4,
        "applied": 3,
        "interview": 1,
        "offer": 1,
        "rejected": 1,
        "saved_to_applied": 0.75,
        "applied_to_interview": round(1 / 3, 4),
        "interview_to_offer": 1.0,
        "saved_to_offer": 0.25,
        "answered": 2,
        "median_days_to_answer": 5.0,
    }
