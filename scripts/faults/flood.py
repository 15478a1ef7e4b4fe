#!/usr/bin/env python3
"""A flood of Telegram chats, for scripts/faults/flood.

--chats chats each send message after message for --seconds, round-robin (message n of every
chat, then message n+1), over --connections keep-alive connections, as fast as the server
takes them (or at --rate messages a second at most). Each update is signed with the webhook's
secret token header; a failure (refused, timeout, 5xx) is sent again with the same update id
until acknowledged, as Telegram does. Every --critical-every'th chat once says the person is
locked in (critical): the k-th such chat at its k-th message, so critical messages arrive
throughout the flood; every other message reports a passport taken (high). Writes
OUT/acked-flood.txt (the event keys acknowledged), OUT/acked-at-flood.txt (when each was sent)
and OUT/summary-flood.json.

    flood.py --chats 1000 --seconds 60 --connections 16 --out DIR
Environment: SANDBOX_URL, TG_SECRET, TG_BOT_ID.
"""
import argparse
import http.client
import json
import os
import threading
import time
import urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--chats", type=int, default=1000)
p.add_argument("--seconds", type=float, default=60)
p.add_argument("--connections", type=int, default=16)
p.add_argument("--rate", type=float, default=0, help="messages a second at most (0: no cap)")
p.add_argument("--critical-every", type=int, default=50)
p.add_argument("--hot-chats", type=int, default=5,
               help="chats that each send --hot-rate messages a second on their own connection "
                    "(a critical first message, then /start again and again): the per-chat reply budget and a busy critical case")
p.add_argument("--hot-rate", type=float, default=2)
p.add_argument("--out", required=True)
args = p.parse_args()

url = urllib.parse.urlparse(os.environ.get("SANDBOX_URL", "http://127.0.0.1:8099"))
secret, bot = os.environ["TG_SECRET"], os.environ["TG_BOT_ID"]
CRITICAL = "นายจ้างยึดพาสปอร์ตและขังพวกเราไว้ในห้อง ช่วยด้วย"  # locked in a room: critical
ORDINARY = "นายจ้างยึดพาสปอร์ตของฉันไว้ ไม่ยอมคืน"  # passport taken: high
lock = threading.Lock()
counter = [0]
acked, acked_at, ok_ms, statuses = [], [], [], {}
retries = [0]
started = time.monotonic()
deadline = started + args.seconds


def next_message():
    with lock:
        i = counter[0]
        if args.rate:
            due = started + i / args.rate
        counter[0] += 1
    if args.rate and due > time.monotonic():
        time.sleep(due - time.monotonic())
    if time.monotonic() >= deadline:
        return None
    # When the person sent it: its due time when the rate is capped (a late send waited at the
    # platform), else now.
    sent = time.time() - (time.monotonic() - due) if args.rate else time.time()
    chat, seq = i % args.chats, i // args.chats
    update = 1 + chat * 1_000_000 + seq
    date = 1_796_000_000 + seq
    # Every 50th chat turns critical once: the k-th of them at its k-th message, so critical
    # messages arrive throughout the flood, not only in its first second.
    critical = chat % args.critical_every == 0 and seq == chat // args.critical_every
    text = CRITICAL if critical else ORDINARY
    body = json.dumps({"update_id": update, "message": {
        "message_id": seq + 1, "date": date,
        "from": {"id": 800_000_000 + chat, "is_bot": False, "first_name": "F"},
        "chat": {"id": 800_000_000 + chat, "type": "private", "first_name": "F"},
        "text": text}})
    return f"{bot}:{update}:{date}", body, sent


def hot_messages(h):
    """Hot chat h: one message every 1/--hot-rate seconds until the deadline."""
    seq = 0
    while True:
        due = started + seq / args.hot_rate
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        if time.monotonic() >= deadline:
            return
        update = 3_000_000_000 + h * 100_000 + seq
        date = 1_796_000_000 + seq
        chat = 900_000_000 + h
        body = json.dumps({"update_id": update, "message": {
            "message_id": seq + 1, "date": date,
            "from": {"id": chat, "is_bot": False, "first_name": "H"},
            "chat": {"id": chat, "type": "private", "first_name": "H"},
            # After the first, /start: the bot answers it every time, so the budget is what
            # stops its replies.
            "text": CRITICAL if seq == 0 else "/start"}})
        yield f"{bot}:{update}:{date}", body, time.time()
        seq += 1


def worker(messages=None):
    conn = None
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    while True:
        msg = next_message() if messages is None else next(messages, None)
        if msg is None:
            return
        key, body, sent = msg
        for _ in range(200):
            t0 = time.monotonic()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                conn.request("POST", "/webhooks/telegram", body, headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = "conn_error"
                if conn is not None:
                    conn.close()
                conn = None
            ms = (time.monotonic() - t0) * 1000
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 200:
                    acked.append(key)
                    acked_at.append(sent)
                    ok_ms.append(ms)
            if status == 200 or (isinstance(status, int) and 400 <= status < 500):
                break
            with lock:
                retries[0] += 1
            time.sleep(0.1)


threads = [threading.Thread(target=worker) for _ in range(args.connections)]
threads += [threading.Thread(target=worker, args=(hot_messages(h),)) for h in range(args.hot_chats)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - started


def pct(xs, q):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1) if xs else None


with open(os.path.join(args.out, "acked-flood.txt"), "w") as f:
    f.write("".join(k + "\n" for k in acked))
# When each acknowledged message was sent (wall clock; with --rate, when it was due), to measure
# how long it took to reach the queue.
with open(os.path.join(args.out, "acked-at-flood.txt"), "w") as f:
    f.write("".join(f"{k}\t{t:.3f}\n" for k, t in zip(acked, acked_at)))
summary = {"acknowledged": len(acked), "seconds": round(elapsed, 1),
           "rate": round(len(acked) / elapsed, 1), "chats": args.chats,
           "hot_chats": args.hot_chats, "hot_rate": args.hot_rate,
           "statuses": statuses, "retries": retries[0],
           "ok_ms": {"p50": pct(ok_ms, 0.5), "p99": pct(ok_ms, 0.99), "max": pct(ok_ms, 1.0)}}
with open(os.path.join(args.out, "summary-flood.json"), "w") as f:
    json.dump(summary, f)
print(json.dumps(summary))
