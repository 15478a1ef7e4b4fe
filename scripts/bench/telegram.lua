-- wrk script: Telegram updates to the webhook, each from a new chat (the heaviest path: a new
-- identity, a case, triage, the conversation's replies queued), each committed before its 200.
-- Update ids are unique across threads, so nothing is a duplicate.
local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("base", tonumber(os.getenv("TG_BASE") or "0") + next_thread * 100000000)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  n = 0
  ok = 0
  other = 0
end

function request()
  n = n + 1
  local id = base + n
  local body = string.format(
    '{"update_id": %d, "message": {"message_id": 1, "date": 1795000000, ' ..
    '"from": {"id": %d, "is_bot": false, "first_name": "Bench"}, ' ..
    '"chat": {"id": %d, "type": "private"}, "text": "ช่วยด้วย พี่สาวของฉันออกไปไหนไม่ได้"}}', id, id, id)
  return wrk.format("POST", "/webhooks/telegram",
    { ["Content-Type"] = "application/json", ["X-Telegram-Bot-Api-Secret-Token"] = "bench-secret" }, body)
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
