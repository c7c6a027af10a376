-- GET /alerts (the alert list page's first page, 50 rows) in a regulator's logged-in web session.
local cookie = os.getenv("CBEC_COOKIE")
request = function()
  return wrk.format("GET", "/alerts", {["Cookie"] = cookie})
end
done = function(summary, latency, requests)
  io.write(string.format("CBEC p50_us=%d p99_us=%d\n", latency:percentile(50), latency:percentile(99)))
end
