-- wrk script for the ping scenario: POST a fixed ping with the compliance key in COMPLIANCE_KEY.
-- wrk -t2 -c32 -d20s --latency -s LoadTests/wrk/ping.lua http://127.0.0.1:8080
-- wrk prints a "Non-2xx or 3xx responses" line when any answer was not a success.
local key = os.getenv("COMPLIANCE_KEY") or ""
local tmax = os.getenv("TMAX_MS") or "300"
wrk.method = "POST"
wrk.path = "/api/v1/pingpost/ping"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Compliance-API-Key"] = key
wrk.body = '{"campaign_type": "legal_pi", "state": "NV", "zip_code": "89101", "source": "wrk", "tmax_ms": ' .. tmax .. '}'
