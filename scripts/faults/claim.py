#!/usr/bin/env python3
"""Counselors claiming the next case, for the fault scenarios (two-nodes, flood).

Each client (one counselor's token, one node's address) posts /api/v1/queue/claim until the
queue is empty (204) or --seconds pass, and notes each case it got, its urgency and how long
the claim took. Writes OUT/claims-<tag>.txt ("case_id urgency client ms" per claim) and prints
a summary: claims, distinct cases, p50/p99/max ms, statuses.

    claim.py --urls URL1,URL2 --tokens T1,T2,... --out DIR [--seconds S] [--tag T] [--pause S]
Client i uses token i and URL i mod len(urls).
"""
import argparse
import http.client
import json
import os
import threading
import time
import urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--urls", required=True)
p.add_argument("--tokens", required=True)
p.add_argument("--out", required=True)
p.add_argument("--seconds", type=float, default=600)
p.add_argument("--tag", default="claims")
p.add_argument("--pause", type=float, default=0.0, help="seconds between one client's claims")
p.add_argument("--until-empty", action="store_true", help="stop a client at its first 204")
args = p.parse_args()

urls = [urllib.parse.urlparse(u) for u in args.urls.split(",")]
tokens = args.tokens.split(",")
lock = threading.Lock()
claims, ms_all, statuses = [], [], {}
deadline = time.monotonic() + args.seconds


def client(i):
    url = urls[i % len(urls)]
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Authorization": "Bearer " + tokens[i], "Content-Type": "application/json"}
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            conn.request("POST", "/api/v1/queue/claim", "", headers)
            resp = conn.getresponse()
            body = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException):
            status = "conn_error"
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            body = b""
        ms = (time.monotonic() - started) * 1000
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            ms_all.append(ms)
        if status == 200:
            case = json.loads(body)
            with lock:
                claims.append((case.get("id"), case.get("effective_level"), i, round(ms, 1)))
        elif status == 204 and args.until_empty:
            break
        elif status != 204:
            time.sleep(0.2)
        if args.pause:
            time.sleep(args.pause)


threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
for t in threads:
    t.start()
for t in threads:
    t.join()


def pct(xs, q):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 1) if xs else None


with open(os.path.join(args.out, f"claims-{args.tag}.txt"), "w") as f:
    f.write("".join(f"{c} {u} {i} {ms}\n" for c, u, i, ms in claims))
summary = {"claims": len(claims), "distinct": len({c[0] for c in claims}), "statuses": statuses,
           "ms": {"p50": pct(ms_all, 0.5), "p99": pct(ms_all, 0.99), "max": pct(ms_all, 1.0)}}
with open(os.path.join(args.out, f"summary-{args.tag}.json"), "w") as f:
    json.dump(summary, f)
print(json.dumps(summary))
