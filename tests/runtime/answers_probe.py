"""Run by path in any Python (tests/runtime/test_other_pythons.py): shoehorn.runtime's answer to every
conformance event and a few made here, through a WSGI and an ASGI app (lifespan included), as JSON.

    python answers_probe.py CHECKOUT EVENTS_DIR
"""

import glob
import hashlib
import json
import logging
import os
import sys

sys.path.insert(0, sys.argv[1])
logging.disable(logging.CRITICAL)  # the 400s log a line each: not what is compared

from shoehorn.runtime.handler import adapt  # noqa: E402


def wsgi_app(environ, start_response):
    body = environ["wsgi.input"].read()
    seen = {k: v for k, v in environ.items() if isinstance(v, str)}
    seen["body_sha256"] = hashlib.sha256(body).hexdigest()
    start_response("200 OK", [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    return [json.dumps(seen, sort_keys=True).encode()]


started = []


async def asgi_app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                started.append(1)
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    seen = {k: (v.decode("latin-1") if isinstance(v, bytes) else v) for k, v in scope.items()
            if isinstance(v, (str, bytes, int)) and k != "asgi"}
    seen["headers"] = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in scope["headers"]]
    seen["body_sha256"] = hashlib.sha256(body).hexdigest()
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"image/png")]})
    await send({"type": "http.response.body", "body": json.dumps(seen, sort_keys=True).encode()})


made = [  # base64 bodies, valid and not, on the REST and HTTP API shapes
    {"httpMethod": "POST", "path": "/up", "headers": {"Host": "h"}, "body": "aGVsbG8gd29ybGQ=", "isBase64Encoded": True,
     "requestContext": {"stage": "prod", "path": "/prod/up"}},
    {"httpMethod": "POST", "path": "/up", "headers": {"Host": "h"}, "body": "aGVsbG8\nd29ybGQ=", "isBase64Encoded": True,
     "requestContext": {"stage": "prod", "path": "/prod/up"}},
    {"version": "2.0", "rawPath": "/up", "rawQueryString": "a=%C3%A9", "headers": {"host": "h"}, "body": "AAEC/w==",
     "isBase64Encoded": True, "requestContext": {"http": {"method": "PUT", "sourceIp": "1.2.3.4"}}},
]
events = sorted(glob.glob(os.path.join(sys.argv[2], "**", "*.json"), recursive=True))
out = {}
for app, interface in ((wsgi_app, "wsgi"), (asgi_app, "asgi")):
    handler = adapt(app, interface=interface)
    for name, event in [(os.path.relpath(p, sys.argv[2]), json.load(open(p, encoding="utf-8"))) for p in events] + [
            (f"made-{i}", e) for i, e in enumerate(made)]:
        try:
            out[f"{interface} {name}"] = handler(event, None)
        except Exception as exc:  # NotHttpEvent for the non-HTTP samples
            out[f"{interface} {name}"] = type(exc).__name__
    handler.close()
out["lifespan startups"] = len(started)
print(json.dumps(out, sort_keys=True))
