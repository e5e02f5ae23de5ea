"""The ceiling: a minimal Litestar app whose routes answer fixed bytes.

``GET /jobs/{id}`` answers the bytes of a real Skael ``GET /jobs/{id}``, read from the
file named by ``BARE_BODY_FILE``; ``GET /health`` those of Skael's ``GET /health``
(``BARE_HEALTH_FILE``, optional). Served by uvicorn the way ``skael serve`` serves
Skael: one worker, uvloop, httptools, uvicorn's access log at level info.

    BARE_BODY_FILE=body.json uvicorn --app-dir bench --factory http_harness.bare:create_app
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get

HEALTH = b'{"messages":"success","status":"ok","database":"ok","shared_state":"local"}'


def create_app() -> Litestar:
    body = Path(os.environ["BARE_BODY_FILE"]).read_bytes()
    health_file = os.environ.get("BARE_HEALTH_FILE")
    health_body = Path(health_file).read_bytes() if health_file else HEALTH

    @get("/jobs/{job_id:int}", sync_to_thread=False)
    def job(job_id: int) -> Response[bytes]:
        return Response(body, media_type="application/json")

    @get("/health", sync_to_thread=False)
    def health() -> Response[bytes]:
        return Response(health_body, media_type="application/json")

    return Litestar(route_handlers=[job, health], openapi_config=None)
