-- POST /api/v1/payments/score with a new payment each request, in time order (one wrk thread).
-- Set by bench/api.py through environment variables: CBEC_TOKEN, CBEC_INSTITUTION.
local counter = 0
local base = 1793491200 -- 2026-11-01T00:00:00Z
local token = os.getenv("CBEC_TOKEN")
local institution = os.getenv("CBEC_INSTITUTION")
local countries = {"US", "DE", "JP", "GB", "SG", "HK", "AE", "KR"}

request = function()
  counter = counter + 1
  local t = base + counter -- one payment a second of payment time, so arrival jitter rarely reorders them
  local body = string.format(
    '{"payment_id":"B%09d","institution_id":"%s","channel":"wire","direction":"outbound",' ..
    '"payer_id":"AC%05d","payee_id":"AC%05d","payer_type":"individual","payee_type":"enterprise",' ..
    '"payer_country":"CN","payee_country":"%s","amount":"%d.00","currency":"USD",' ..
    '"initiated_at":"%s","status":"succeeded"}',
    counter, institution, counter % 5000, (counter * 7) % 3000, countries[counter % 8 + 1],
    100 + (counter * 37) % 9000, os.date("!%Y-%m-%dT%H:%M:%S+00:00", t))
  return wrk.format("POST", "/api/v1/payments/score",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("CBEC p50_us=%d p99_us=%d\n", latency:percentile(50), latency:percentile(99)))
end
