-- wrk script: POST the phone-call form; every 201 means the case was committed first.
-- TOKEN comes from the environment (see scripts/bench/run).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = [[{"caller": "relative", "language": "th", "location": {"country": "TH", "area": "Songkhla"},
 "narrative": "Benchmark report: my sister works at a factory and they keep her ID card.",
 "answers": {"documents_seized": "yes", "minor": "no"},
 "callback": {"phone": "+66812345678", "safe_hours": "18:00-20:00"}}]]

local counts = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  created = 0
  other = 0
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("status 201: %d, other: %d\n", c, o))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end

-- PACE_MS: each connection waits this long between requests (a fixed rate of about
-- connections × 1000 / PACE_MS per second, for the tail-latency run).
local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay()
    return pace
  end
end
