#!/usr/bin/env python3
"""Load with acknowledgement logging, for the fault scenarios (scripts/faults/*).

Each client sends phone reports (POST /api/v1/reports with an Idempotency-Key) or Telegram
updates (POST /webhooks/telegram, each a new chat's first message), one at a time. A request
that fails (refused connection, timeout, 5xx) is sent again, the same body and the same key,
until it is acknowledged (2xx) or --give-up-after seconds pass: what a phone client or Telegram
does. Every acknowledged key is written to OUT/acked-<kind>.txt; the run's figures (statuses,
how long failures took to come back) to OUT/summary-<kind>.json.

    load.py --kind phone|telegram --seconds S --clients N --out DIR [--run ID]
    load.py --kind ... --replay KEYS --tag replay --out DIR   (sends each key in KEYS again, once
        acknowledged: what a platform does when it redelivers; figures in *-<tag>.*)
Environment: SANDBOX_URL, TOKEN (phone), TG_SECRET and TG_BOT_ID (telegram).
"""
import argparse
import http.client
import json
import os
import threading
import time
import urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--kind", choices=["phone", "telegram"], required=True)
p.add_argument("--seconds", type=float, default=20)
p.add_argument("--clients", type=int, default=4)
p.add_argument("--out", required=True)
p.add_argument("--run", default=str(int(time.time())))
p.add_argument("--give-up-after", type=float, default=90)
p.add_argument("--first-update", type=int, default=1)
p.add_argument("--replay", help="a file of keys (acked-<kind>.txt) to send again")
p.add_argument("--tag", default="", help="suffix of the output files")
args = p.parse_args()

url = urllib.parse.urlparse(os.environ.get("SANDBOX_URL", "http://127.0.0.1:8099"))
lock = threading.Lock()
acked, statuses, fail_ms, ok_ms = [], {}, [], []
retries = [0]
given_up = []
deadline = time.monotonic() + args.seconds


def phone_request(key):
    body = json.dumps({
        "caller": "relative", "language": "th",
        "location": {"country": "TH", "area": "Songkhla"},
        "narrative": f"Fault-run report {key}: they keep her passport and she cannot leave.",
        "answers": {"documents_seized": "yes", "confinement": "yes"},
    })
    headers = {"Authorization": "Bearer " + os.environ["TOKEN"],
               "Content-Type": "application/json", "Idempotency-Key": key}
    return key, "/api/v1/reports", body, headers


def telegram_request(update):
    chat = 500_000_000 + update
    date = 1_795_000_000 + update
    body = json.dumps({"update_id": update, "message": {
        "message_id": update, "date": date,
        "from": {"id": chat, "is_bot": False, "first_name": "F"},
        "chat": {"id": chat, "type": "private", "first_name": "F"},
        "text": "นายจ้างยึดพาสปอร์ตและขังพวกเราไว้ในห้อง ช่วยด้วย"}})
    headers = {"Content-Type": "application/json",
               "X-Telegram-Bot-Api-Secret-Token": os.environ["TG_SECRET"]}
    return f"{os.environ['TG_BOT_ID']}:{update}:{date}", "/webhooks/telegram", body, headers


def request(kind, n, client):
    if kind == "phone":
        return phone_request(f"fault-{args.run}-{client}-{n}")
    return telegram_request(args.first_update + client * 10_000_000 + n)


def replayed(kind, key):
    if kind == "phone":
        return phone_request(key)
    return telegram_request(int(key.split(":")[1]))


replay_keys = []
if args.replay:
    replay_keys = [line.strip() for line in open(args.replay) if line.strip()]
    deadline = float("inf")


def next_request(n, i):
    """The next request of client i, or None when it is done."""
    if args.replay:
        with lock:
            if not replay_keys:
                return None
            key = replay_keys.pop()
        return replayed(args.kind, key)
    if time.monotonic() >= deadline:
        return None
    return request(args.kind, n, i)


def client(i):
    conn = None
    n = 0
    while True:
        req = next_request(n, i)
        if req is None:
            break
        key, path, body, headers = req
        n += 1
        first = time.monotonic()
        while True:
            started = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
                conn.request("POST", path, body, headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = "conn_error"
                if conn is not None:
                    conn.close()
                conn = None
            ms = (time.monotonic() - started) * 1000
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if isinstance(status, int) and 200 <= status < 300:
                    acked.append(key)
                    ok_ms.append(ms)
                else:
                    fail_ms.append(ms)
            if isinstance(status, int) and 200 <= status < 300:
                break
            if isinstance(status, int) and 400 <= status < 500:
                with lock:
                    given_up.append(key)
                break
            if time.monotonic() - first > args.give_up_after:
                with lock:
                    given_up.append(key)
                break
            with lock:
                retries[0] += 1
            time.sleep(0.2)


threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()


def pct(xs, q):
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1)


os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, f"acked-{args.kind}{args.tag and '-' + args.tag}.txt"), "w") as f:
    f.write("".join(k + "\n" for k in acked))
summary = {
    "kind": args.kind, "acknowledged": len(acked), "statuses": statuses, "retries": retries[0],
    "given_up": len(given_up),
    "ok_ms": {"p50": pct(ok_ms, 0.5), "p99": pct(ok_ms, 0.99)},
    "failure_ms": {"p50": pct(fail_ms, 0.5), "p99": pct(fail_ms, 0.99), "max": pct(fail_ms, 1.0)},
}
with open(os.path.join(args.out, f"summary-{args.kind}{args.tag and '-' + args.tag}.json"), "w") as f:
    json.dump(summary, f)
print(json.dumps(summary))
