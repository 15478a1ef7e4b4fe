#!/usr/bin/env python3
"""How long a new case takes to reach a supervisor's dashboard on another node (issue 15).

Two `hotline serve` nodes share PostgreSQL and Redis (started by scripts/bench/push). A
supervisor's dashboard stream (`GET /api/v1/dashboard/events`) is open on node B; phone reports
are filed one at a time on node A. For each report it measures, from the moment the report was
sent to node A (the event is published once the case is committed, so it may reach node B before
node A's 201 reaches the client):
  event     the first `change` event on node B's stream after the report was sent (a new report
            announces "something changed", without a case id, and pages re-read);
  figures   node B's `GET /api/v1/dashboard` answered after that event (what the page does).
Paired baselines from the same minutes, interleaved report by report:
  filing    node A's own POST (the 201's latency);
  pubsub    a bare Redis PUBLISH to SUBSCRIBE round trip on the same Redis (raw RESP sockets).
Prints p50, p90, max in milliseconds and the ratios. Standard library only.
"""
import http.client
import json
import os
import socket
import statistics
import sys
import threading
import time
import uuid

A = int(os.environ["NODE_A_PORT"])
B = int(os.environ["NODE_B_PORT"])
COUNSELOR = os.environ["COUNSELOR_TOKEN"]
SUPERVISOR = os.environ["SUPERVISOR_TOKEN"]
REDIS_PORT = int(os.environ.get("REDIS_PORT", "6379"))
ROUNDS = int(os.environ.get("PUSH_ROUNDS", "40"))

events = []
events_lock = threading.Condition()


def read_stream():
    conn = http.client.HTTPConnection("127.0.0.1", B)
    conn.request("GET", "/api/v1/dashboard/events",
                 headers={"Authorization": "Bearer " + SUPERVISOR, "Accept": "text/event-stream"})
    resp = conn.getresponse()
    if resp.status != 200:
        sys.exit(f"dashboard stream answered {resp.status}: {resp.read()[:200]!r}")
    name = None
    while True:
        line = resp.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name == "change":
            with events_lock:
                events.append(time.perf_counter())
                events_lock.notify_all()


def resp_command(*parts):
    out = f"*{len(parts)}\r\n"
    for p in parts:
        out += f"${len(p.encode())}\r\n{p}\r\n"
    return out.encode()


def pubsub_round_trip(sub, pub, channel):
    token = uuid.uuid4().hex
    started = time.perf_counter()
    pub.sendall(resp_command("PUBLISH", channel, token))
    pub.recv(64)
    buffer = b""
    while token.encode() not in buffer:
        buffer += sub.recv(4096)
    return time.perf_counter() - started


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    threading.Thread(target=read_stream, daemon=True).start()
    time.sleep(1.0)  # the stream's `ready`; the relay waits for its subscription before that
    sub = socket.create_connection(("127.0.0.1", REDIS_PORT))
    pub = socket.create_connection(("127.0.0.1", REDIS_PORT))
    channel = "push-bench-" + uuid.uuid4().hex
    sub.sendall(resp_command("SUBSCRIBE", channel))
    sub.recv(4096)
    node_a = http.client.HTTPConnection("127.0.0.1", A)
    node_b = http.client.HTTPConnection("127.0.0.1", B)
    filing, event, figures, pubsub = [], [], [], []
    for n in range(ROUNDS):
        pubsub.append(pubsub_round_trip(sub, pub, channel))
        body = json.dumps({
            "caller": "relative", "language": "th",
            "location": {"country": "TH", "area": "Songkhla"},
            "narrative": "Push benchmark: my sister cannot leave the factory.",
            "answers": {"documents_seized": "yes", "minor": "no"},
        })
        started = time.perf_counter()
        node_a.request("POST", "/api/v1/reports", body, {
            "Authorization": "Bearer " + COUNSELOR, "Content-Type": "application/json",
            "Idempotency-Key": f"push-bench-{uuid.uuid4()}"})
        answer = node_a.getresponse()
        answer.read()
        committed = time.perf_counter()
        if answer.status != 201:
            sys.exit(f"report {n} answered {answer.status}")
        with events_lock:
            if not events_lock.wait_for(lambda: any(t > started for t in events), timeout=10):
                sys.exit(f"no event for report {n} within 10 s")
            arrived = next(t for t in events if t > started)
        node_b.request("GET", "/api/v1/dashboard", headers={"Authorization": "Bearer " + SUPERVISOR})
        dashboard = node_b.getresponse()
        dashboard.read()
        if dashboard.status != 200:
            sys.exit(f"dashboard answered {dashboard.status}")
        read = time.perf_counter()
        filing.append(committed - started)
        event.append(arrived - started)
        figures.append(read - started)
        time.sleep(0.2)

    def row(name, values):
        ms = [v * 1000 for v in values]
        print(f"{name:<44} p50 {percentile(ms, 50):7.1f}  p90 {percentile(ms, 90):7.1f}  max {max(ms):7.1f} ms")
    print(f"{ROUNDS} reports filed on node A, dashboard stream on node B")
    row("baseline: Redis PUBLISH -> SUBSCRIBE", pubsub)
    row("baseline: filing the report (POST -> 201)", filing)
    row("event on node B, from sending the report", event)
    row("node B's figures re-read, from sending it", figures)
    print(f"ratio event / filing (p50): {statistics.median(event) / statistics.median(filing):.2f}")
    print(f"ratio figures / filing (p50): {statistics.median(figures) / statistics.median(filing):.2f}")


main()
