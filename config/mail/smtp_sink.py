#!/usr/bin/env python3
"""SMTP sink for hotline's tests (started by scripts/lib/mail.sh start_smtp_sink).

Listens on 127.0.0.1:PORT and accepts every message, storing it unchanged as
DIR/messages/<n>.eml (n = 1, 2, ...; written to DIR/tmp first, then renamed in, so a reader
never sees half a message) and its envelope as DIR/envelopes/<n>.json
({"mail_from": ..., "rcpt_tos": [...], "auth_user": ... or null}).

While DIR/fail_next holds a number N > 0, the next message is refused with
`451 4.3.0 try again later` and N is counted down, so tests can exercise retries.

AUTH PLAIN/LOGIN is offered without TLS and any credentials are accepted (never required).
Nothing about a message is logged.
"""

import argparse
import asyncio
import json
import os
import re

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, root):
        self.root = root
        self.messages = os.path.join(root, "messages")
        self.envelopes = os.path.join(root, "envelopes")
        self.tmp = os.path.join(root, "tmp")
        for d in (self.messages, self.envelopes, self.tmp):
            os.makedirs(d, exist_ok=True)
        self.count = max(
            (int(m.group(1)) for m in map(re.compile(r"^(\d+)\.eml$").match, os.listdir(self.messages)) if m),
            default=0,
        )

    def take_failure(self):
        path = os.path.join(self.root, "fail_next")
        try:
            with open(path, encoding="ascii") as f:
                left = int(f.read().strip() or "0")
        except (FileNotFoundError, ValueError):
            return False
        if left <= 0:
            return False
        self.write(path, str(left - 1).encode() + b"\n")
        return True

    def write(self, path, data):
        tmp = os.path.join(self.tmp, os.path.basename(path) + ".part")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    async def handle_DATA(self, server, session, envelope):
        if self.take_failure():
            return "451 4.3.0 try again later"
        self.count += 1
        n = self.count
        auth = session.auth_data
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "auth_user": auth.login.decode("utf-8", "replace") if isinstance(auth, LoginPassword) else None,
        }
        # The envelope first: whoever sees <n>.eml can read <n>.json.
        self.write(os.path.join(self.envelopes, f"{n}.json"), json.dumps(meta).encode() + b"\n")
        self.write(os.path.join(self.messages, f"{n}.eml"), envelope.original_content)
        return "250 OK"


def accept_any(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=True, auth_data=auth_data)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    sink = Sink(os.path.abspath(args.dir))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            sink,
            hostname="smtp-sink.hotline.test",
            enable_SMTPUTF8=True,
            authenticator=accept_any,
            auth_require_tls=False,
        ),
        host=args.host,
        port=args.port,
    )
    print(f"smtp_sink listening on {args.host}:{args.port}, storing in {sink.root}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
