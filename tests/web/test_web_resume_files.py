"""Resume files over HTTP: POST /resumes/upload and GET /resumes/{id}?format=."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from litestar.testing import TestClient
from pypdf import PdfReader

from resume_files import (
    ANNA,
    PRIYA,
    docx_headings,
    docx_table,
    encrypted_pdf,
    pdf_single_column,
    pdf_two_columns,
    scanned_pdf,
    zip_bomb_docx,
    zip_not_docx,
)
from web.web_support import Account, actions, assert_error

MEMORY_ONLY = pytest.mark.parametrize("world", ["memory"], indirect=True)
"""For tests of files and limits, which the store does not change: memory alone."""
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def activities(client: TestClient[Any], account: Account, kind: str) -> list[dict[str, Any]]:
    url = f"/activity/user/{account.user_id}"
    params = {"action_type": kind, "limit": 100}
    found: list[dict[str, Any]] = client.get(url, params=params, headers=account.headers).json()[
        "activities"
    ]
    return found


def upload(
    client: TestClient[Any],
    account: Account,
    content: bytes,
    name: str = "resume.pdf",
    media: str = PDF,
    field: str = "file",
) -> Any:
    files = {field: (name, content, media)}
    return client.post("/resumes/upload", files=files, headers=account.headers)


@pytest.mark.parametrize(
    ("make", "name", "media"),
    [
        (pdf_single_column, "cv.pdf", PDF),
        (pdf_two_columns, "cv.pdf", PDF),
        (docx_headings, "cv.docx", DOCX),
        (docx_table, "cv.docx", DOCX),
    ],
)
def test_an_uploaded_resume_is_stored_and_proposes_a_profile(
    client: TestClient[Any], ada: Account, make: Any, name: str, media: str
) -> None:
    before = client.get("/users/me", headers=ada.headers).json()
    response = upload(client, ada, make(PRIYA), name, media)
    assert response.status_code == 201, response.text
    answer = response.json()
    proposed = answer["proposed_profile"]
    assert proposed["user_name"] == "Priya Sharma"
    assert proposed["email_id"] == "priya.sharma@example.com"
    assert proposed["phone_number"] == "+91 98765 43210"
    assert proposed["countries"] == ["IN"]
    assert proposed["experience"] == 9
    assert {"Python", "Django", "PostgreSQL", "Kubernetes", "Node.js", "React"} <= set(
        proposed["skills"]
    )
    works = [
        (w["job_title"], w["company_name"], w["start_date"], w["end_date"])
        for w in proposed["work_experiences"]
    ]
    assert works == [
        ("Senior Backend Engineer", "Acme Technologies", "2021-01", None),
        ("Software Developer", "Globex Pvt Ltd", "2017-06", "2020-12"),
    ]
    [school] = proposed["educations"]
    assert school["institution"] == "Indian Institute of Technology Bombay"
    assert (school["start_year"], school["end_year"]) == (2013, 2017)
    assert proposed["languages"] == ["English (fluent)", "Hindi (native)", "Marathi"]
    # nothing written to the profile; the document is the caller's, its text stored
    assert client.get("/users/me", headers=ada.headers).json() == before
    stored = client.get(f"/resumes/{answer['resume_id']}", headers=ada.headers).json()
    assert stored["kind"] == "resume"
    assert stored["source"] == f"upload:{name.rsplit('.', 1)[1]}"
    assert "Acme Technologies" in stored["content"]
    [logged] = activities(client, ada, "RESUME_UPLOADED")
    assert logged["activity_metadata"]["document_id"] == answer["resume_id"]
    assert logged["activity_metadata"]["bytes"] == len(make(PRIYA))


def test_the_proposed_profile_is_accepted_as_it_stands(
    client: TestClient[Any], ada: Account
) -> None:
    proposed = upload(client, ada, docx_table(ANNA), "anna.docx", DOCX).json()["proposed_profile"]
    changed = client.put(f"/users/{ada.user_id}", json=proposed, headers=ada.headers)
    assert changed.status_code == 200, changed.text
    profile = client.get("/users/me", headers=ada.headers).json()
    assert profile["user_name"] == "Anna Kuznetsova"
    assert profile["countries"] == ["DE"]
    assert profile["languages"] == ["Russian (native)", "English (C1)", "German (B2)"]
    assert [w["company_name"] for w in profile["work_experiences"]] == ["Globex GmbH", "Initech AG"]
    assert profile["experience"] == 7


@MEMORY_ONLY
def test_plain_text_is_taken_too(client: TestClient[Any], ada: Account) -> None:
    text = b"Lin Chen\nlin@example.com\n\nSkills\nGo, Rust, k8s\n"
    answer = upload(client, ada, text, "cv.txt", "text/plain").json()
    assert answer["proposed_profile"]["skills"] == ["Go", "Rust", "k8s"]
    assert answer["proposed_profile"]["user_name"] == "Lin Chen"


# --------------------------------------------------------------------------- bad files


@MEMORY_ONLY
@pytest.mark.parametrize(
    ("content", "name", "media", "reason"),
    [
        (encrypted_pdf(), "cv.pdf", PDF, "encrypted"),
        (scanned_pdf(), "scan.pdf", PDF, "no text layer"),
        (b"Just some words, honestly.", "cv.pdf", PDF, "not one"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "photo.pdf", "image/png", "not one"),
        (b"plain words", "cv.docx", DOCX, "not one"),
        (zip_not_docx(), "cv.docx", DOCX, "not a Word document"),
        (zip_bomb_docx(), "bomb.docx", DOCX, "expands to"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 100, "broken.pdf", PDF, "cannot be read"),
        (bytes(range(256)) * 4, "blob.bin", "application/octet-stream", "not UTF-8 text"),
        (bytes(range(32)) * 40, "blob.bin", "application/octet-stream", "binary data"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "old.doc",
            "application/msword",
            "old Word",
        ),
        (b"   \n  ", "empty.txt", "text/plain", "empty"),
    ],
)
def test_a_bad_file_is_a_422_that_says_why(
    client: TestClient[Any],
    ada: Account,
    content: bytes,
    name: str,
    media: str,
    reason: str,
) -> None:
    before = actions(client, ada)
    body = assert_error(upload(client, ada, content, name, media), 422)
    assert reason in body["detail"], body
    assert body["errors"][0]["field"] == "file"
    assert actions(client, ada) == before
    assert client.get(f"/resumes/user/{ada.user_id}", headers=ada.headers).json()["total"] == 0


@MEMORY_ONLY
def test_a_file_over_5_mib_is_a_413(client: TestClient[Any], ada: Account) -> None:
    big = b"a" * (5 * 1024 * 1024 + 1)
    body = assert_error(upload(client, ada, big, "cv.txt", "text/plain"), 413)
    assert "5,242,880" in body["detail"]
    just_right = b"Ada Lovelace\n" + b"x" * (5 * 1024 * 1024 - 20)
    assert_error(upload(client, ada, just_right, "cv.txt", "text/plain"), 422)  # > 200,000 chars


@MEMORY_ONLY
def test_a_body_over_the_routes_limit_is_a_413_before_it_is_read(
    client: TestClient[Any], ada: Account
) -> None:
    big = b"x" * (6 * 1024 * 1024)
    response = client.post(
        "/resumes/upload",
        content=big,
        headers={**ada.headers, "Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert_error(response, 413)


@MEMORY_ONLY
def test_a_form_of_many_parts_is_a_413(client: TestClient[Any], ada: Account) -> None:
    parts = [("note", (None, f"n{i}")) for i in range(20)]
    files = [*parts, ("file", ("cv.txt", b"Ada Lovelace", "text/plain"))]
    response = client.post("/resumes/upload", files=files, headers=ada.headers)
    assert_error(response, 413)


@MEMORY_ONLY
def test_a_form_of_more_parts_than_litestar_takes_is_a_413_on_other_routes(
    client: TestClient[Any], ada: Account
) -> None:
    parts = [("job_id", (None, "1"))] + [(f"f{i}", (None, "x")) for i in range(1001)]
    response = client.post("/resumes/apply", files=parts, headers=ada.headers)
    body = assert_error(response, 413)
    assert "more parts" in body["detail"]


@MEMORY_ONLY
def test_the_file_field_is_needed_once_and_the_body_must_be_multipart(
    client: TestClient[Any], ada: Account
) -> None:
    missing = assert_error(upload(client, ada, b"Ada", field="resume"), 422)
    assert missing["errors"][0]["field"] == "file"
    twice = [("file", ("a.txt", b"Ada", "text/plain")), ("file", ("b.txt", b"Bob", "text/plain"))]
    assert_error(client.post("/resumes/upload", files=twice, headers=ada.headers), 422)
    as_json = client.post("/resumes/upload", json={"file": "Ada"}, headers=ada.headers)
    assert_error(as_json, 415)
    form = client.post("/resumes/upload", data={"file": "Ada"}, headers=ada.headers)
    assert_error(form, 415)
    broken = client.post(
        "/resumes/upload",
        content=b"--abc\r\nnot a header line\r\n\r\n",
        headers={**ada.headers, "Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert_error(broken, 400)
    no_boundary = client.post(
        "/resumes/upload",
        content=b"x",
        headers={**ada.headers, "Content-Type": "multipart/form-data"},
    )
    assert_error(no_boundary, 400)


def test_uploading_needs_a_token(client: TestClient[Any]) -> None:
    response = client.post("/resumes/upload", files={"file": ("a.txt", b"Ada", "text/plain")})
    assert_error(response, 401)


# --------------------------------------------------------------------------- export


MARKDOWN = """# प्रिया शर्मा

priya@example.com · Pune, India

## Summary

Backend engineer with **eight years** of *Python*, and friends **Анна Кузнецова** and *José Müller*.

## Experience

### Senior Backend Engineer, Acme Technologies

- Built services on Kubernetes
- Led the move to PostgreSQL

1. First numbered point
2. Second numbered point
"""


def _stored(client: TestClient[Any], account: Account, content: str, kind: str = "resume") -> int:
    body = {"content": content, "kind": kind}
    response = client.post("/resumes/generate", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    resume_id: int = response.json()["resume_id"]
    return resume_id


def test_a_document_downloads_as_pdf_with_its_text_and_names(
    client: TestClient[Any], ada: Account
) -> None:
    resume = _stored(client, ada, MARKDOWN)
    response = client.get(f"/resumes/{resume}", params={"format": "pdf"}, headers=ada.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    assert response.headers["content-disposition"] == f'attachment; filename="resume-{resume}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    # Glyphs that shaping makes of several Devanagari letters (the reph of "र्मा")
    # carry no character of their own in the text layer: pypdf reads them as controls.
    text = "".join(c for c in reader.pages[0].extract_text() if c == "\n" or c >= " ")
    for expected in ("प्रिया शर्मा", "Анна Кузнецова", "José Müller", "Summary", "• Built services"):
        assert expected in text, text
    assert "**" not in text and "# " not in text and "1. First numbered point" in text
    fonts = {f.rsplit("+", 1)[-1] for f in _fonts(reader)}
    assert {"FiraSans", "FiraSansBold", "FiraSansItalic", "PoppinsBold"} <= fonts
    [logged] = activities(client, ada, "DOCUMENT_EXPORTED")
    assert logged["activity_metadata"] == {
        "document_id": resume,
        "format": "pdf",
        "bytes": len(response.content),
    }


def _fonts(reader: PdfReader) -> set[str]:
    found: set[str] = set()
    for page in reader.pages:
        resources = page["/Resources"]["/Font"]
        for ref in resources.values():
            found.add(str(ref.get_object()["/BaseFont"]).lstrip("/"))
    return found


@MEMORY_ONLY
def test_a_cover_letter_downloads_as_docx_with_its_structure(
    client: TestClient[Any], ada: Account
) -> None:
    letter = _stored(client, ada, MARKDOWN, kind="cover_letter")
    response = client.get(f"/resumes/{letter}?format=DOCX", headers=ada.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert f'filename="cover-letter-{letter}.docx"' in response.headers["content-disposition"]
    document = docx.Document(io.BytesIO(response.content))
    styled = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert styled[0] == ("Title", "प्रिया शर्मा")
    assert ("Heading 1", "Summary") in styled
    assert ("Heading 2", "Senior Backend Engineer, Acme Technologies") in styled
    assert ("List Bullet", "Built services on Kubernetes") in styled
    assert ("List Number", "Second numbered point") in styled
    summary = next(p for p in document.paragraphs if p.text.startswith("Backend engineer"))
    bold = [r.text for r in summary.runs if r.bold]
    italic = [r.text for r in summary.runs if r.italic]
    assert bold == ["eight years", "Анна Кузнецова"]
    assert italic == ["Python", "José Müller"]


def test_markdown_downloads_as_it_is_stored(client: TestClient[Any], ada: Account) -> None:
    resume = _stored(client, ada, MARKDOWN)
    response = client.get(f"/resumes/{resume}?format=md", headers=ada.headers)
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.content.decode() == MARKDOWN.strip()
    plain = client.get(f"/resumes/{resume}", headers=ada.headers).json()
    assert plain["content"] == MARKDOWN.strip()


def test_an_unknown_format_is_a_422_and_another_users_document_a_403(
    client: TestClient[Any], ada: Account, bob: Account
) -> None:
    resume = _stored(client, ada, MARKDOWN)
    body = assert_error(client.get(f"/resumes/{resume}?format=odt", headers=ada.headers), 422)
    assert body["errors"][0]["field"] == "format"
    for format in ("pdf", "docx", "md", "PDF"):
        for prefix in ("", "/v0"):
            url = f"{prefix}/resumes/{resume}?format={format}"
            assert_error(client.get(url, headers=bob.headers), 403)
    assert_error(client.get("/resumes/999999?format=pdf", headers=ada.headers), 404)
    assert activities(client, bob, "DOCUMENT_EXPORTED") == []
    assert activities(client, ada, "DOCUMENT_EXPORTED") == []
