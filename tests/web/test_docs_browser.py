"""The interactive API docs at /schema, rendered by a real headless Chromium.

The real server (uvicorn, ``skael_web.app:create_app``, memory database) serves the
page; the browser may reach nothing but that server: every request to another host is
refused, as it would be on a machine without internet access. The page must still
render Swagger UI and list the operations of the OpenAPI document, so its scripts and
styles must come from the app itself, not from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from web.browser_support import (
    CHROMIUM_ARGS,
    LOOPBACK,
    chromium_or_skip,
    playwright_or_skip,
    running_server,
)

RENDER_TIMEOUT_MS = 15_000


def test_docs_page_lists_every_operation_offline(tmp_path: Path) -> None:
    chromium = chromium_or_skip()
    playwright_or_skip()
    from playwright.sync_api import Route, sync_playwright

    refused: list[str] = []
    errors: list[str] = []

    def only_loopback(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == LOOPBACK:
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    with running_server(tmp_path) as base_url:
        document: dict[str, Any] = httpx.get(f"{base_url}/schema/openapi.json").json()
        documented = {
            (method.upper(), path)
            for path, operations in document["paths"].items()
            for method in operations
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.route("**/*", only_loopback)
                page.goto(f"{base_url}/schema", wait_until="domcontentloaded")
                try:
                    page.wait_for_selector(".opblock-summary-path", timeout=RENDER_TIMEOUT_MS)
                except Exception as exc:
                    raise AssertionError(
                        "Swagger UI did not render the operations at /schema."
                        f" Requests refused (outside {base_url}): {refused or 'none'};"
                        f" page errors: {errors or 'none'}"
                    ) from exc
                title = page.title()
                rendered: list[list[str]] = page.eval_on_selector_all(
                    ".opblock",
                    """blocks => blocks.map(block => [
                        block.querySelector('.opblock-summary-method').textContent.trim(),
                        block.querySelector('.opblock-summary-path').dataset.path,
                    ])""",
                )
            finally:
                browser.close()

    rendered_operations = {(method, path) for method, path in rendered}
    assert len(rendered) == len(rendered_operations), "an operation is shown twice"
    assert title == document["info"]["title"]
    assert {("POST", "/jobs/relevant_jobs"), ("POST", "/users/login")} <= rendered_operations
    assert rendered_operations == documented
    assert refused == [], f"the docs page asked for outside resources: {refused}"
    assert errors == []
