-- wrk script: LINE webhooks, each a new person's first message (a new identity, a case, triage,
-- the conversation's replies queued), signed over the exact bytes, committed before its 200.
-- The bodies come from line_bodies.py; each thread takes its own share, so none repeats.
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("offset", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  bodies = dofile(os.getenv("LINE_BODIES"))
  step = tonumber(os.getenv("WRK_THREADS") or "2")
  i = offset + 1
  ok = 0
  other = 0
end

function request()
  local pair = bodies[i]
  i = i + step
  -- Out of bodies: repeat the first (a duplicate, answered without work; the case count shows it).
  if pair == nil then pair = bodies[1] end
  return wrk.format("POST", "/webhooks/line",
    { ["Content-Type"] = "application/json", ["x-line-signature"] = pair[2] }, pair[1])
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local o, x = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    x = x + t:get("other")
  end
  io.write(string.format("status 200: %d, other: %d\n", o, x))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
