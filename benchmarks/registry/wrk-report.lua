-- wrk script for every GET workload: optional headers from the environment, and one machine-readable line
-- at the end (wrk's own summary rounds too much to take medians of).
--   WRK_ACCEPT  Accept header (manifest GETs must ask for the OCI/Docker media types, as clients do)
--   WRK_AUTH    Authorization header, e.g. "Basic <base64 user:token>" once the registry needs auth
local accept = os.getenv("WRK_ACCEPT")
local auth = os.getenv("WRK_AUTH")
if accept and accept ~= "" then wrk.headers["Accept"] = accept end
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
