"""Echo apps (WSGI and ASGI) that report what they saw, and builders for hand-made events."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest


def _wsgi_echo(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value.encode("latin-1").decode("utf-8")
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = environ["CONTENT_TYPE"]
    if "CONTENT_LENGTH" in environ:
        headers["content-length"] = environ["CONTENT_LENGTH"]
    seen = {
        "method": environ["REQUEST_METHOD"],
        "root_path": environ["SCRIPT_NAME"].encode("latin-1").decode("utf-8"),
        "path": environ["PATH_INFO"].encode("latin-1").decode("utf-8", "surrogateescape"),
        "query": environ["QUERY_STRING"],
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "client": environ.get("REMOTE_ADDR") or None,
        "scheme": environ["wsgi.url_scheme"],
        "server": [environ["SERVER_NAME"], int(environ["SERVER_PORT"])],
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


async def _asgi_echo(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers: dict[str, str] = {}
    for k, v in scope["headers"]:
        name = k.decode("latin-1")
        value = v.decode("latin-1").encode("latin-1").decode("utf-8")
        headers[name] = headers[name] + "," + value if name in headers else value
    root = scope["root_path"]
    assert scope["path"].startswith(root)
    seen = {
        "method": scope["method"],
        "root_path": root,
        "path": scope["path"][len(root) :],
        "query": scope["query_string"].decode("latin-1"),
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "client": scope["client"][0] if scope.get("client") else None,
        "scheme": scope["scheme"],
        "server": list(scope["server"]),
        "raw_path": scope["raw_path"].decode("latin-1"),
    }
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})


@pytest.fixture
def wsgi_echo():
    return _wsgi_echo


@pytest.fixture
def asgi_echo():
    return _asgi_echo


def seen(result: dict) -> dict:
    """The echo app's report from a proxy response dict."""
    body = result["body"]
    if result.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)


@pytest.fixture
def report():
    return seen


@pytest.fixture
def rest_event():
    """A REST (payload 1.0) event on the execute-api host, stage "prod"; override any key."""

    def build(path="/hello", method="GET", **overrides):
        rc = {
            "resourceId": "abc",
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": "/prod" + path,
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "requestId": "req-rest-1",
            "identity": {"sourceIp": "198.51.100.7", "userAgent": "ua"},
            "domainName": "abc.execute-api.us-east-1.amazonaws.com",
            "apiId": "abc",
        }
        rc.update(overrides.pop("requestContext", {}))
        event = {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": {"Host": "abc.execute-api.us-east-1.amazonaws.com", "X-Forwarded-Proto": "https"},
            "multiValueHeaders": {
                "Host": ["abc.execute-api.us-east-1.amazonaws.com"],
                "X-Forwarded-Proto": ["https"],
            },
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": {"proxy": path.strip("/")} if path.strip("/") else None,
            "stageVariables": None,
            "requestContext": rc,
            "body": None,
            "isBase64Encoded": False,
        }
        event.update(overrides)
        return event

    return build


@pytest.fixture
def http_event():
    """An HTTP API (payload 2.0) event, $default stage; override any key."""

    def build(raw_path="/hello", method="GET", stage="$default", **overrides):
        event = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": raw_path,
            "rawQueryString": "",
            "headers": {"host": "abc.execute-api.us-east-1.amazonaws.com", "x-forwarded-proto": "https"},
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "abc",
                "domainName": "abc.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "abc",
                "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "198.51.100.8", "userAgent": "ua"},
                "requestId": "req-http-1",
                "routeKey": "$default",
                "stage": stage,
                "time": "01/Jan/2026:00:00:00 +0000",
                "timeEpoch": 0,
            },
            "isBase64Encoded": False,
        }
        event.update(overrides)
        return event

    return build


@pytest.fixture
def alb_event():
    """An ALB event; multi_value picks the target group's header mode."""

    def build(path="/hello", method="GET", multi_value=False, **overrides):
        headers = {"host": "alb.example.com", "x-forwarded-for": "203.0.113.9", "x-forwarded-proto": "https", "x-forwarded-port": "443"}
        event = {
            "requestContext": {"elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}},
            "httpMethod": method,
            "path": path,
            "body": "",
            "isBase64Encoded": False,
        }
        if multi_value:
            event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
            event["multiValueQueryStringParameters"] = {}
        else:
            event["headers"] = headers
            event["queryStringParameters"] = {}
        event.update(overrides)
        return event

    return build


@pytest.fixture
def loop():
    """A fresh event loop, closed afterwards."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()
