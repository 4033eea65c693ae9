"""The apps and the one API Gateway REST event every adapter in bench/adapter.py is fed.

The apps are deliberately tiny (one JSON route) so the adapter's own cost is as visible
as it can be: the ratios printed are the worst case, a real app's work dilutes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import sys

STAGE = "prod"
HOST = "abc123.execute-api.us-east-1.amazonaws.com"
EXPECTED = {"hello": "world"}

# Request headers as API Gateway forwards a browser call through its CloudFront edge (shape
# from the conformance samples, e.g. aws-lambda-rust-runtime example-apigw-request-*.json).
_HEADERS = {
    "Accept": "application/json",
    "Accept-Encoding": "gzip, deflate, br",
    "Accept-Language": "en-US,en;q=0.9",
    "CloudFront-Forwarded-Proto": "https",
    "CloudFront-Is-Desktop-Viewer": "true",
    "CloudFront-Is-Mobile-Viewer": "false",
    "CloudFront-Viewer-Country": "DE",
    "Cookie": "theme=dark; session=abc",
    "Host": HOST,
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    "Via": "2.0 d98420743a69852491bbdea73f7680bd.cloudfront.net (CloudFront)",
    "X-Amz-Cf-Id": "pn-PWIJc6thYnZm5P0NMgOUglL1DYtl0gdeJky8tqsg8iS_sgsKD1A==",
    "X-Amzn-Trace-Id": "Root=1-67b1c2d3-0123456789abcdef01234567",
    "X-Forwarded-For": "203.0.113.7, 130.176.1.2",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https",
}


def rest_event(path: str = "/hello", query: dict[str, str] | None = None) -> dict:
    """GET https://HOST/prod<path>?<query> on the execute-api domain, greedy proxy resource
    (by default /hello?name=world). ``path`` is plain ASCII here, so no quoting is involved."""
    query = {"name": "world"} if query is None else query
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": "GET",
        "headers": dict(_HEADERS),
        "multiValueHeaders": {k: [v] for k, v in _HEADERS.items()},
        "queryStringParameters": dict(query) or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} or None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": HOST,
            "domainPrefix": "abc123",
            "httpMethod": "GET",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": _HEADERS["User-Agent"]},
            "path": f"/{STAGE}{path}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTime": "23/Nov/2026:02:00:00 +0000",
            "requestTimeEpoch": 1795485600000,
            "resourceId": "a1b2c3",
            "resourcePath": "/{proxy+}",
            "stage": STAGE,
        },
        "body": None,
        "isBase64Encoded": False,
    }


class Context:
    """The attributes of the Lambda context object that adapters read."""

    function_name = "bench-prod"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-prod"
    memory_limit_in_mb = 1024
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name = "/aws/lambda/bench-prod"
    log_stream_name = "2026/11/23/[$LATEST]0123456789abcdef"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


# --- what the app sees for that event: the "raw call" baseline ------------------------------


# The environ keys whose values this one event never changes (the raw baseline and the bare
# minimum share them).
_WSGI_FIXED = {
    "SERVER_PORT": "443",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "CONTENT_LENGTH": "0",
    "wsgi.version": (1, 0),
    "wsgi.url_scheme": "https",
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}


def wsgi_environ(path: str = "/hello", query_string: str = "name=world") -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": f"/{STAGE}",
        "PATH_INFO": path,
        "QUERY_STRING": query_string,
        "SERVER_NAME": HOST,
        "REMOTE_ADDR": "203.0.113.7",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        **_WSGI_FIXED,
    }
    for name, value in _HEADERS.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def asgi_scope(path: str = "/hello", query_string: bytes = b"name=world", state: dict | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "root_path": f"/{STAGE}",
        "path": f"/{STAGE}{path}",
        "raw_path": f"/{STAGE}{path}".encode(),
        "query_string": query_string,
        "headers": [(k.lower().encode(), v.encode()) for k, v in _HEADERS.items()],
        "server": (HOST, 443),
        "client": ("203.0.113.7", 0),
        "state": state if state is not None else {},
    }


def call_wsgi(app, environ: dict) -> bytes:
    """One raw WSGI call: fresh copy of the prebuilt environ, body consumed, close() honoured."""
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(b"")
    result = app(env, _start_response)
    try:
        return b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


def _start_response(status, headers, exc_info=None):
    return None


def replay_wsgi(app, environ: dict):
    """A one-line WSGI app that answers what ``app`` answers to ``environ`` (recorded once): an
    adapter around it does all its own work for that answer, and almost nothing else runs."""
    answer = {}

    def record(status, headers, exc_info=None):
        answer.update(status=status, headers=list(headers))

    body = b"".join(app(dict(environ, **{"wsgi.input": io.BytesIO(b"")}), record))

    def replay(environ, start_response):
        start_response(answer["status"], list(answer["headers"]))
        return [body]

    return replay


async def call_asgi(app, scope: dict) -> bytes:
    """One raw ASGI call: fresh copy of the prebuilt scope, body collected."""
    sent = False
    chunks: list[bytes] = []

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # no disconnect until the response is done (never, here)
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app({**scope, "state": dict(scope["state"])}, receive, send)
    return b"".join(chunks)


# --- the apps -----------------------------------------------------------------------------------


def flask_app():
    from flask import Flask, jsonify, request

    app = Flask("bench_flask")

    @app.get("/hello")
    def hello():
        return jsonify(hello=request.args["name"])

    return app


def starlette_app(startup_seconds: float = 0.0):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def hello(request: Request) -> JSONResponse:
        return JSONResponse({"hello": request.query_params["name"]})

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await asyncio.sleep(startup_seconds)  # e.g. opening a pool, loading a model
        yield {"ready": True}

    return Starlette(routes=[Route("/hello", hello)], lifespan=lifespan if startup_seconds else None)


def fastapi_app():
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/hello")
    async def hello(name: str) -> dict:  # async: a sync route adds a thread hop that is not the adapter's
        return {"hello": name}

    return app


def body_of(proxy_response: dict) -> dict:
    """The JSON body of a REST proxy response, to check every adapter really served the request."""
    assert proxy_response["statusCode"] == 200, proxy_response
    body = proxy_response["body"]
    if proxy_response.get("isBase64Encoded"):
        import base64

        body = base64.b64decode(body)
    return json.loads(body)


def fresh_event() -> dict:
    return copy.deepcopy(_EVENT)


_EVENT = rest_event()


# --- the bare minimum: what converting this one event costs with every edge case ignored ------
#
# Not an adapter (no prefix detection, percent-decoding, multi-value merging, base64, cookies,
# errors...): it reads exactly the fields of the event above and trusts them. Its rows show the
# least a pure-Python adapter can add per request for this event, i.e. whether a target is
# reachable at all on this interpreter and this machine.

_ENVIRON_NAMES: dict[str, str] = {}
_SCOPE_NAMES: dict[str, bytes] = {}


def bare_minimum_wsgi(app):
    def handler(event: dict, context) -> dict:
        rc = event["requestContext"]
        path = event["path"]
        names = _ENVIRON_NAMES
        headers = event["headers"]
        environ = {
            names.get(k) or names.setdefault(k, "HTTP_" + k.upper().replace("-", "_")): v
            for k, v in headers.items()
        }
        environ.update(
            {
                "REQUEST_METHOD": event["httpMethod"],
                "SCRIPT_NAME": rc["path"][: -len(path)],
                "PATH_INFO": path,
                "QUERY_STRING": "&".join([k + "=" + v for k, v in event["queryStringParameters"].items()]),
                "SERVER_NAME": headers["Host"],
                "REMOTE_ADDR": rc["identity"]["sourceIp"],
                "wsgi.input": io.BytesIO(b""),
                "wsgi.errors": sys.stderr,
                **_WSGI_FIXED,
            }
        )
        started = []
        result = app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        status, response_headers = started[0]
        return {"statusCode": int(status[:3]), "headers": dict(response_headers), "body": body.decode()}

    return handler


def bare_minimum_asgi(app):
    # the cheapest public way into the loop per request (shoehorn's one pass: stop + run_forever,
    # on its own loop whose selector skips the pass's poll)
    from shoehorn.runtime.asgi import new_loop, run_until_complete

    loop, selector = new_loop()

    state: dict = {}

    def handler(event: dict, context) -> dict:
        rc = event["requestContext"]
        names = _SCOPE_NAMES
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": event["httpMethod"],
            "scheme": "https",
            "root_path": rc["path"][: -len(event["path"])],
            "path": rc["path"],
            "raw_path": rc["path"].encode(),
            "query_string": "&".join([k + "=" + v for k, v in event["queryStringParameters"].items()]).encode(),
            "headers": [
                (names.get(k) or names.setdefault(k, k.lower().encode()), v.encode())
                for k, v in event["headers"].items()
            ],
            "server": (event["headers"]["Host"], 443),
            "client": (rc["identity"]["sourceIp"], 0),
            "state": dict(state),
        }
        out: dict = {"chunks": []}

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                out["start"] = message
            else:
                out["chunks"].append(message.get("body", b""))

        run_until_complete(loop, app(scope, receive, send), selector)
        headers = {k.decode(): v.decode() for k, v in out["start"]["headers"]}
        return {"statusCode": out["start"]["status"], "headers": headers, "body": b"".join(out["chunks"]).decode()}

    return handler
