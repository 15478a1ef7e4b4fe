-- wrk script: claim the next case at a steady pace (delay between requests), so that with
-- one-second leases the open queue stays near its seeded size while claims are measured.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
-- CLAIM_TOKENS (space-separated): one counselor per wrk thread, since a counselor's claims are
-- serialised on purpose (the held-case cap locks their user row). Run with -t N -c N.
local tokens = {}
for t in string.gmatch(os.getenv("CLAIM_TOKENS") or "", "%S+") do
  table.insert(tokens, t)
end
wrk.path = "/api/v1/queue/claim"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  if #tokens > 0 then
    thread:set("token", tokens[#threads])
  end
end

function init(args)
  if token then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  claimed = 0
  empty = 0
  other = 0
end

function delay()
  return tonumber(os.getenv("DELAY_MS") or "2")
end

function response(status, headers, body)
  if status == 200 then claimed = claimed + 1
  elseif status == 204 then empty = empty + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, e, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("claimed"); e = e + t:get("empty"); o = o + t:get("other")
  end
  io.write(string.format("claims 200: %d, empty 204: %d, other: %d\n", c, e, o))
  io.write(string.format("latency p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
