"""A FastAPI peer written the way a careful developer would write it today, used by
``bench/bench_http.py`` as the strongest peer: async SQLAlchemy sessions, eager loading
with ``selectinload`` (no lazy loads, no N+1), Pydantic v2 response models, one uvicorn
worker on uvloop + httptools. It reads the same tables as the seed-like peer
(``bench/peer``), loaded by the same loader, so both peers serve the same 5,000 jobs."""
