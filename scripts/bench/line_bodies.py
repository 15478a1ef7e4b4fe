"""Writes a wrk Lua module of signed LINE webhook bodies: wrk's Lua cannot compute HMAC-SHA256,
so each body and its x-line-signature are made here. Every body is a new person's first text
message, with its own webhookEventId, so nothing is a duplicate.
Usage: line_bodies.py SECRET COUNT OUT.lua"""
import base64, hashlib, hmac, json, sys

secret, count, out = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3]
with open(out, "w", encoding="utf-8") as f:
    f.write("return {\n")
    for i in range(count):
        body = json.dumps({
            "destination": "U0123456789abcdef0123456789abcdef",
            "events": [{
                "type": "message", "mode": "active", "timestamp": 1795000000000 + i,
                "webhookEventId": "01BENCH%018d" % i,
                "deliveryContext": {"isRedelivery": False},
                "source": {"type": "user", "userId": "U%032x" % i},
                "replyToken": "%032x" % i,
                "message": {"type": "text", "id": str(i), "quoteToken": "q",
                            "text": "ช่วยด้วย พี่สาวของฉันออกไปไหนไม่ได้"},
            }],
        }, ensure_ascii=False, separators=(",", ":"))
        sig = base64.b64encode(hmac.new(secret, body.encode(), hashlib.sha256).digest()).decode()
        # A Lua long string holds the UTF-8 bytes as they are (Lua has no \\u escapes).
        f.write("{[==[%s]==],%s},\n" % (body, json.dumps(sig)))
    f.write("}\n")
