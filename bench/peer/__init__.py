"""A peer backend built the way the original Skael backend was (FastAPI + Pydantic v2 +
SQLAlchemy ORM with sync sessions), used only as a baseline by ``bench/bench_http.py``."""
