-- wrk script: claim the next case at a steady pace (delay between requests), so that with
-- one-second leases the open queue stays near its seeded size while claims are measured.
wrk.method = "POST"
-- CLAIM_TOKENS (space-separated): the counselors the streams claim as. Each wrk thread (a
-- stream: run with -t N -c N) takes every Nth token and rotates through its own, one per
-- request. A counselor's claims are serialised on purpose (the held-case cap locks their user
-- row) and one counselor may not hold hundreds of cases at once (the cap is 3 by default), so a
-- stream of claims as fast as one connection goes stands for several counselors, as a busy
-- shift would be. With one token per stream every claim is one counselor's (runs 1-8).
local tokens = {}
for t in string.gmatch(os.getenv("CLAIM_TOKENS") or "", "%S+") do
  table.insert(tokens, t)
end
wrk.path = "/api/v1/queue/claim"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("stream", #threads)
end

function init(args)
  mine = {}
  local streams = tonumber(os.getenv("CLAIM_STREAMS") or "1")
  for i, t in ipairs(tokens) do
    if (i - 1) % streams == stream - 1 then table.insert(mine, t) end
  end
  if #mine == 0 then table.insert(mine, os.getenv("TOKEN")) end
  turn = 0
  claimed = 0
  empty = 0
  other = 0
end

function request()
  turn = turn % #mine + 1
  return wrk.format("POST", wrk.path, { ["Authorization"] = "Bearer " .. mine[turn] })
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
