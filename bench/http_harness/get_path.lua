-- GET BENCH_PATH with a bearer token.
local path = os.getenv("BENCH_PATH") or "/"
local token = os.getenv("BENCH_TOKEN") or ""
wrk.method = "GET"
wrk.path = path
if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
