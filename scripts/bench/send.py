"""Sends N requests one after another on one keep-alive connection (for scripts/bench/profile):
phone reports (report.lua's body) or Telegram updates (telegram.lua's), each a new chat.
Exits non-zero unless every answer was the expected status.

    python3 send.py PORT phone|telegram|claim N [FIRST_ID]
"""

import http.client
import json
import os
import sys

port, what, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
first = int(sys.argv[4]) if len(sys.argv) > 4 else 1
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
phone = json.dumps({
    "caller": "relative", "language": "th", "location": {"country": "TH", "area": "Songkhla"},
    "narrative": "Benchmark report: my sister works at a factory and they keep her ID card.",
    "answers": {"documents_seized": "yes", "minor": "no"},
    "callback": {"phone": "+66812345678", "safe_hours": "18:00-20:00"},
})
bad = 0
for i in range(first, first + n):
    if what == "phone":
        conn.request("POST", "/api/v1/reports", phone, {
            "Content-Type": "application/json", "Authorization": "Bearer " + os.environ["TOKEN"]})
        want = 201
    elif what == "telegram":
        body = json.dumps({
            "update_id": i, "message": {
                "message_id": 1, "date": 1795000000,
                "from": {"id": i, "is_bot": False, "first_name": "Bench"},
                "chat": {"id": i, "type": "private"},
                "text": "ช่วยด้วย พี่สาวของฉันออกไปไหนไม่ได้"}}, ensure_ascii=False).encode()
        conn.request("POST", "/webhooks/telegram", body, {
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "bench-secret"})
        want = 200
    else:
        conn.request("POST", "/api/v1/queue/claim", b"", {"Authorization": "Bearer " + os.environ["TOKEN"]})
        want = 200
    r = conn.getresponse()
    r.read()
    if r.status != want:
        bad += 1
        if bad < 3:
            print(f"send: {what} answered {r.status}", file=sys.stderr)
print(f"{what}: {n} sent, {bad} not {want}")
sys.exit(1 if bad else 0)
