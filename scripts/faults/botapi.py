#!/usr/bin/env python3
"""A stand-in for Telegram's Bot API, for the fault scenarios (scripts/faults/two-nodes).

getUpdates behaves like Telegram's: an update stays until a later call's offset confirms it,
so a poller that dies before confirming gets it again (and whoever polls next). While
generating, one new private-chat message arrives every --every seconds. Every other call is
accepted and counted ("sent"), sendMessage calls also apart ("messages", what the bot said).
GET /stats: {"generated", "sent", "messages", "last", "unconfirmed"}; GET /stop stops
generating.

    botapi.py --port P --every 0.1
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--every", type=float, default=0.1)
p.add_argument("--first-update", type=int, default=70_000_001)
args = p.parse_args()

cond = threading.Condition()
pending = []  # (update_id, json)
state = {"next": args.first_update, "generating": True, "generated": 0, "sent": 0, "messages": 0}


def generate():
    while True:
        time.sleep(args.every)
        with cond:
            if not state["generating"]:
                continue
            u = state["next"]
            state["next"] += 1
            state["generated"] += 1
            chat = 600_000_000 + u
            pending.append((u, {"update_id": u, "message": {
                "message_id": u, "date": 1_795_000_000 + u,
                "from": {"id": chat, "is_bot": False, "first_name": "P"},
                "chat": {"id": chat, "type": "private", "first_name": "P"},
                "text": "they took my passport, please help"}}))
            cond.notify_all()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with cond:
            if self.path == "/stop":
                state["generating"] = False
            self.reply({"generated": state["generated"], "sent": state["sent"],
                        "messages": state["messages"], "last": state["next"] - 1,
                        "unconfirmed": len(pending)})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        try:
            req = json.loads(raw or b"{}")
        except ValueError:
            req = {}
        method = self.path.rsplit("/", 1)[-1]
        if method == "getUpdates":
            offset = req.get("offset")
            wait = min(float(req.get("timeout", 0)), 1.0)
            with cond:
                if offset is not None:
                    pending[:] = [x for x in pending if x[0] >= offset]
                if not pending and wait > 0:
                    cond.wait(wait)
                result = [x[1] for x in pending[:100]]
            return self.reply({"ok": True, "result": result})
        with cond:
            state["sent"] += 1
            if method == "sendMessage":
                state["messages"] += 1
        chat = req.get("chat_id", 1)
        self.reply({"ok": True, "result": {"message_id": state["sent"], "date": int(time.time()),
                                           "chat": {"id": chat, "type": "private"},
                                           "text": req.get("text", "")}})


threading.Thread(target=generate, daemon=True).start()
ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
