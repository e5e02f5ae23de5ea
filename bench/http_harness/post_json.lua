-- POST BENCH_BODY (JSON) to BENCH_PATH with a bearer token.
local token = os.getenv("BENCH_TOKEN") or ""
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH") or "/"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
