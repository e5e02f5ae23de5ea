"""Support files of ``bench/bench_http.py``: the bare Litestar route and wrk scripts."""
