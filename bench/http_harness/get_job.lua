-- GET /jobs/{id}, cycling through ids 1..BENCH_JOBS, with a bearer token.
local jobs = tonumber(os.getenv("BENCH_JOBS") or "1000")
local token = os.getenv("BENCH_TOKEN") or ""
local headers = {}
if token ~= "" then headers["Authorization"] = "Bearer " .. token end
local n = 0

request = function()
  n = n + 1
  return wrk.format("GET", "/jobs/" .. ((n % jobs) + 1), headers)
end
