#!/usr/bin/env python3
"""A mail server that loses its answer after DATA, for scripts/faults/smtp-after-data.

Speaks just enough SMTP (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on 127.0.0.1:--port. The
first time a Message-ID arrives, the server takes the whole message and then, by turns over
the distinct Message-IDs (--modes, default "hang,drop"):
  hang  never answers (the connection stays open, as when the final reply is lost), or
  drop  closes the connection without the final reply;
every later copy of that Message-ID is answered 250. Every message received in full is written
to DIR/messages/<n>.eml whatever the answer, and one line per message to DIR/received.jsonl:
{"n", "message_id", "answer", "at"}. Standard library only.

    smtp_standin.py --port 32026 --dir DIR [--modes hang,drop]
"""
import argparse
import asyncio
import json
import os
import re
import time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--dir", required=True)
p.add_argument("--modes", default="hang,drop")
args = p.parse_args()
modes = args.modes.split(",")
os.makedirs(os.path.join(args.dir, "messages"), exist_ok=True)
seen = {}  # Message-ID -> how many copies arrived
count = [0]


def record(message_id, answer, raw):
    count[0] += 1
    n = count[0]
    with open(os.path.join(args.dir, "messages", f"{n}.eml"), "wb") as f:
        f.write(raw)
    with open(os.path.join(args.dir, "received.jsonl"), "a") as f:
        f.write(json.dumps({"n": n, "message_id": message_id, "answer": answer,
                            "at": round(time.time(), 3)}) + "\n")


async def session(reader, writer):
    async def say(line):
        writer.write(line.encode() + b"\r\n")
        await writer.drain()

    try:
        await say("220 stand-in ESMTP")
        while True:
            line = await reader.readline()
            if not line:
                return
            verb = line[:4].decode(errors="replace").upper()
            if verb in ("EHLO", "HELO"):
                await say("250-stand-in")
                await say("250 8BITMIME")
            elif verb == "DATA":
                await say("354 end with <CRLF>.<CRLF>")
                raw = b""
                while True:
                    chunk = await reader.readline()
                    if not chunk:
                        return
                    if chunk in (b".\r\n", b".\n"):
                        break
                    raw += chunk[1:] if chunk.startswith(b"..") else chunk
                found = re.search(rb"^Message-ID:\s*(<[^>\r\n]+>)", raw, re.I | re.M)
                message_id = found.group(1).decode() if found else "?"
                first = message_id not in seen
                if first:
                    mode = modes[len(seen) % len(modes)]
                seen[message_id] = seen.get(message_id, 0) + 1
                if not first:
                    record(message_id, "250", raw)
                    await say("250 2.0.0 queued")
                elif mode == "drop":
                    record(message_id, "drop", raw)
                    return  # closes the connection: no final reply
                else:
                    record(message_id, "hang", raw)
                    # Never answer; keep the connection until the client gives up.
                    while await reader.read(4096):
                        pass
                    return
            elif verb == "QUIT":
                await say("221 bye")
                return
            else:
                await say("250 ok")
    except (ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", args.port)
    with open(os.path.join(args.dir, "ready"), "w") as f:
        f.write(str(os.getpid()))
    async with server:
        await server.serve_forever()


asyncio.run(main())
