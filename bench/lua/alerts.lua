-- GET /api/v1/alerts?limit=50 as a regulator.
local token = os.getenv("CBEC_TOKEN")
request = function()
  return wrk.format("GET", "/api/v1/alerts?limit=50", {["Authorization"] = "Bearer " .. token})
end
done = function(summary, latency, requests)
  io.write(string.format("CBEC p50_us=%d p99_us=%d\n", latency:percentile(50), latency:percentile(99)))
end
