"""The floor: a minimal Litestar app whose one route answers fixed bytes.

The bytes are a real ``GET /jobs/{id}`` answer of Skael, read from the file named by
``BARE_BODY_FILE``; served by uvicorn the way ``skael serve`` serves Skael.

    BARE_BODY_FILE=body.json uvicorn --app-dir bench --factory http_harness.bare:create_app
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get


def create_app() -> Litestar:
    body = Path(os.environ["BARE_BODY_FILE"]).read_bytes()

    @get("/jobs/{job_id:int}", sync_to_thread=False)
    def job(job_id: int) -> Response[bytes]:
        return Response(body, media_type="application/json")

    @get("/health", sync_to_thread=False)
    def health() -> Response[bytes]:
        return Response(b'{"messages":"success","status":"ok"}', media_type="application/json")

    return Litestar(route_handlers=[job, health], openapi_config=None)
