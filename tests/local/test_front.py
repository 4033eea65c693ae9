"""The gateway front over a pool fake we own: an in-process adapted app, or a canned outcome."""

from __future__ import annotations

import json
import time

import anyio
import httpx
import pytest

from shoehorn import adapt
from shoehorn.local.containers import Crashed, TimedOut
from shoehorn.local.front import MAX_REQUEST_BYTES, create_app
from shoehorn.local.logs import LambdaLog
from shoehorn.local.pool import GaveUp, PayloadTooLarge, Throttled
from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Succeeded
from shoehorn.progress import Recorder


async def echo(scope, receive, send):
    """An ASGI app answering what it saw, so the event's shape is visible end to end."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    seen = {"path": scope["path"], "root_path": scope.get("root_path", ""), "query": scope["query_string"].decode(),
            "method": scope["method"], "body": body.decode(), "source_keys": sorted(scope["aws.event"])}
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"application/json"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})


class FakePool:
    """Stands in for Pool.invoke_async: runs the adapted app in-process, or returns a canned outcome."""

    def __init__(self, outcome=None, delay: float = 0.0) -> None:
        self.handler = adapt(echo, lifespan="off")
        self.outcome = outcome
        self.delay = delay
        self.events: list[dict] = []
        self.waits: list[float | None] = []  # how long each caller said it would wait

    async def invoke(self, event: dict, wait_s: float | None = None):
        self.events.append(event)
        self.waits.append(wait_s)
        if wait_s is not None and self.delay > wait_s:  # the caller stops waiting (the function runs on: test_pool)
            await anyio.sleep(wait_s)
            return GaveUp(wait_s), None
        await anyio.sleep(self.delay)
        if self.outcome is not None:
            return self.outcome, None
        # in a thread, as a container runs apart from the front (an ASGI app's handler runs its own loop)
        answer = await anyio.to_thread.run_sync(self.handler, event, None)
        return Succeeded(json.dumps(answer).encode()), None


def _client(pool: FakePool, source: str = "rest", **options) -> tuple[httpx.AsyncClient, Recorder]:
    recorder = Recorder()
    app = create_app(pool.invoke, LambdaLog(recorder), source=source, stage="dev", **options)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"), recorder


def _hints(recorder: Recorder) -> list[str]:
    """The hints the front logged."""
    return [event.message for event in recorder.events if event.message.startswith("hint:")]


async def _the_one_hint(outcome, status: int, path: str = "/dev/", **options) -> str:
    """Two requests to ``path``, each answered ``status`` (the pool gives ``outcome``): the one hint the front
    logged for both (a hint is said once a session)."""
    client, recorder = _client(FakePool(outcome), **options)
    async with client:
        for _ in range(2):
            assert (await client.get(path)).status_code == status
    hints = _hints(recorder)
    assert len(hints) == 1, hints
    return hints[0]


@pytest.mark.parametrize(("source", "multi_value"), [("rest", False), ("http", False), ("url", False),
                                                     ("alb", False), ("alb", True)])
async def test_each_source_gets_its_event_and_the_proxy_response_comes_back(source, multi_value):
    pool = FakePool()
    client, _ = _client(pool, source, multi_value=multi_value)
    prefix = "/dev" if source == "rest" else ""
    async with client:
        response = await client.post(f"{prefix}/items/a%20b?tag=x&tag=y", content=b"hello")
    assert response.status_code == 201
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    seen = response.json()
    assert seen["method"] == "POST" and seen["body"] == "hello"
    assert seen["path"].endswith("/items/a b")
    # an ALB target group without multi-value headers (AWS's default) passes the last value of a repeated
    # query parameter or header (ELB docs, lambda-functions.html); the front sent multi-value events
    assert seen["query"] == ("tag=y" if source == "alb" and not multi_value else "tag=x&tag=y")
    event = pool.events[0]
    shape = {"rest": "httpMethod", "http": "rawPath", "url": "rawPath", "alb": "httpMethod"}[source]
    assert shape in event
    if source == "rest":
        assert event["requestContext"]["stage"] == "dev" and seen["root_path"] == "/dev"
    if source == "alb":
        assert "elb" in event["requestContext"]
        assert ("multiValueHeaders" in event) is multi_value and ("headers" in event) is not multi_value


async def test_rest_requests_outside_the_stage_are_forbidden_like_execute_api():
    pool = FakePool()
    client, _ = _client(pool)
    async with client:
        response = await client.get("/items")
    assert response.status_code == 403 and response.json() == {"message": "Forbidden"}
    assert pool.events == []


async def test_rest_answers_a_method_its_any_does_not_cover_as_execute_api_without_calling_the_function():
    # WebDAV's methods (Radicale, a CalDAV server): a REST API's ANY is DELETE, GET, HEAD, OPTIONS, PATCH,
    # POST and PUT; any other matches no method, which AWS answers 403 "Missing Authentication Token"
    # (the front answered Starlette's 405 "Method Not Allowed", which AWS never sends, and said nothing)
    pool = FakePool()
    client, recorder = _client(pool)
    async with client:
        answers = [await client.request(method, "/dev/calendars/ada/") for method in ("PROPFIND", "REPORT", "MKCOL")]
        served = await client.request("PATCH", "/dev/calendars/ada/")
    assert [a.status_code for a in answers] == [403] * 3
    assert all(a.json() == {"message": "Missing Authentication Token"} for a in answers)
    assert [event["httpMethod"] for event in pool.events] == ["PATCH"] and served.status_code == 201
    lines = [event.message for event in recorder.events]
    assert "GATEWAY\tPROPFIND /dev/calendars/ada/: not a method API Gateway's REST API forwards → 403, the " \
           "function is not called" in lines
    hints = [line for line in lines if "never reaches the function" in line]
    assert len(hints) == 1 and "PROPFIND" in hints[0] and "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT" in hints[0]


async def test_a_request_over_ten_megabytes_is_413_before_the_function_runs():
    pool = FakePool()
    client, recorder = _client(pool)
    async with client:
        response = await client.post("/dev/upload", content=b"x" * (MAX_REQUEST_BYTES + 1))
        small = await client.post("/dev/upload", content=b"x" * 1000)
    assert response.status_code == 413 and response.json() == {"message": "Request Too Long"}
    assert small.status_code == 201
    assert len(pool.events) == 1
    assert any("413" in e.message for e in recorder.events)


async def test_a_malformed_proxy_response_is_502_with_a_log_line_saying_why():
    pool = FakePool(Succeeded(b'{"statusCode": "teapot", "body": 7}'))
    client, recorder = _client(pool)
    async with client:
        response = await client.get("/dev/")
    assert response.status_code == 502 and response.json() == {"message": "Internal server error"}
    assert any("malformed Lambda proxy response" in e.message for e in recorder.events)


async def test_a_response_that_is_not_json_is_502():
    client, _ = _client(FakePool(Succeeded(b"not json")))
    async with client:
        assert (await client.get("/dev/")).status_code == 502


@pytest.mark.parametrize(
    "outcome, status, why",
    [
        (FunctionFailed("ValueError", "boom"), 502, "function error ValueError: boom"),
        (TimedOut(3), 502, "Task timed out after 3.00 seconds"),
        (Crashed(-9), 502, "exited mid-request"),
        (Throttled(10), 500, "throttled"),  # REST: an integration failure, not 429
        (PayloadTooLarge(7_000_000), 502, "over 6 MB"),
    ],
)
async def test_function_failures_become_the_gateways_errors(outcome, status, why):
    client, recorder = _client(FakePool(outcome))
    async with client:
        response = await client.get("/dev/")
    assert response.status_code == status
    assert any(why in e.message for e in recorder.events)


async def test_a_function_error_of_many_lines_is_one_gateway_line_pointing_at_the_log():
    # a failed ASGI lifespan startup's message holds the app's traceback (Starlette sends it): the
    # runtime client logged it whole under INIT, so the gateway line names it and points there
    message = ("the ASGI app's lifespan startup failed: RuntimeError: db down\nTraceback (most recent call last):\n"
               '  File "/code/app.py", line 6, in connect\nRuntimeError: db down\nfix the error in the app\'s startup')
    for outcome, line in ((InitFailed("LifespanFailed", message), "function init failed LifespanFailed: "
                           "the ASGI app's lifespan startup failed: RuntimeError: db down (in full above, under INIT)"),
                          (FunctionFailed("LifespanFailed", message), "function error LifespanFailed: the ASGI "
                           "app's lifespan startup failed: RuntimeError: db down (in full above, under its request id)")):
        client, recorder = _client(FakePool(outcome))
        async with client:
            assert (await client.get("/dev/")).status_code == 502
        printed = [event.message for event in recorder.events]
        assert [m for m in printed if m.startswith("GATEWAY")] == [f"GATEWAY\tGET /dev/: {line}"]
        assert not any("line 6" in m for m in printed)


async def test_the_integration_timeout_gives_504():
    pool = FakePool(delay=1.0)
    client, recorder = _client(pool, integration_timeout=0.2)
    async with client:
        response = await client.get("/dev/")
    assert pool.waits == [0.2]  # the pool is told how long the gateway waits; the function runs on after it
    assert response.status_code == 504 and response.json() == {"message": "Endpoint request timed out"}
    assert any("integration timed out after 0.2 s" in e.message for e in recorder.events)


async def test_each_source_has_its_own_integration_timeout(monkeypatch):
    # REST 29 s and HTTP API 30 s give up on a slow function; a Function URL and an ALB wait for it (its
    # own timeout ends it: ELB docs "waits until your Lambda function responds or times out")
    import dataclasses

    from shoehorn.local import front

    assert (front.ERRORS["rest"].timeout_s, front.ERRORS["http"].timeout_s) == (29.0, 30.0)
    monkeypatch.setitem(front.ERRORS, "rest", dataclasses.replace(front.ERRORS["rest"], timeout_s=0.2))
    statuses = {}
    for source, path in (("rest", "/dev/"), ("url", "/"), ("alb", "/")):
        client, _ = _client(FakePool(delay=0.5), source)
        async with client:
            statuses[source] = (await client.get(path)).status_code
    assert statuses == {"rest": 504, "url": 201, "alb": 201}


async def test_an_alb_takes_request_bodies_up_to_one_megabyte():
    # ELB docs: "The maximum size of the request body that you can send to a Lambda function is 1 MB"
    pool = FakePool()
    client, _ = _client(pool, "alb")
    async with client:
        too_big = await client.post("/upload", content=b"x" * (1024 * 1024 + 1))
        fits = await client.post("/upload", content=b"x" * 900_000)  # (echoed back: under the 1 MB response limit too)
    assert too_big.status_code == 413 and fits.status_code == 201 and len(pool.events) == 1


async def test_http_api_answers_its_own_error_bodies():
    client, _ = _client(FakePool(FunctionFailed("ValueError", "boom")), source="http")
    async with client:
        response = await client.get("/")
    assert response.status_code == 500 and response.json() == {"message": "Internal Server Error"}


def test_every_source_has_its_error_answers():
    from shoehorn import gateway
    from shoehorn.local.front import ERRORS

    assert set(ERRORS) == set(gateway.SOURCES)
    assert ERRORS["rest"].no_stage is not None  # only execute-api URLs carry a stage
    assert all(ERRORS[s].no_stage is None for s in ("http", "url", "alb"))


@pytest.mark.parametrize("source", ["rest", "http", "alb"])
async def test_the_app_is_told_the_request_came_over_local_http_so_its_absolute_urls_work(source):
    pool = FakePool()
    client, _ = _client(pool, source)
    async with client:
        await client.get(("/dev" if source == "rest" else "") + "/x")
    event = pool.events[0]
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    multi = {k.lower(): v for k, v in (event.get("multiValueHeaders") or {}).items()}
    assert headers or multi
    if headers:
        assert headers["x-forwarded-proto"] == "http" and headers["x-forwarded-port"] == "8000"
    if multi:
        assert multi["x-forwarded-proto"] == ["http"] and multi["x-forwarded-port"] == ["8000"]


async def test_one_access_line_per_request_says_cold_or_warm():
    from shoehorn.local.logs import Report
    from shoehorn.progress import Info

    pool = FakePool()
    answers = iter([1.5, None])  # the first invocation had an init phase (cold), the next did not

    async def invoke(event, wait_s=None):
        outcome, _ = await pool.invoke(event, wait_s)
        return outcome, Report("r", 1.0, 512, 40, init_duration_ms=next(answers))

    recorder = Recorder()
    app = create_app(invoke, LambdaLog(recorder), source="rest", stage="dev")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000") as client:
        await client.get("/dev/a")
        await client.post("/dev/b")
        await client.get("/outside")
    lines = [e.message for e in recorder.of(Info) if not e.message.startswith("GATEWAY")]
    assert [line.split(" ")[:3] for line in lines] == [["GET", "/dev/a", "201"], ["POST", "/dev/b", "201"],
                                                      ["GET", "/outside", "403"]]
    assert lines[0].endswith("ms (cold start, Init Duration 2 ms)") and lines[1].endswith("ms (warm)")
    assert lines[2].endswith(" ms")


# -- response headers as HTTP allows them (issue 12 item 3), through a real HTTP server -----------


def _django_like_wsgi(environ, start_response):
    # Django's SimpleCookie output starts with a space: " sessionid=abc; Path=/"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Set-Cookie", " sessionid=abc; Path=/")])
    return [b"logged in"]


async def _django_like_asgi(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain"), (b"set-cookie", b" sessionid=abc; Path=/")]})
    await send({"type": "http.response.body", "body": b"logged in"})


def _splitting_wsgi(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Next", "/a\r\nSet-Cookie: evil=1")])
    return [b"never sent"]


class _AppPool(FakePool):
    def __init__(self, app) -> None:
        super().__init__()
        self.handler = adapt(app, lifespan="off")


@pytest.fixture
def served():
    """Serve a front over uvicorn (h11 checks header values as a browser's server would)."""
    import threading

    import uvicorn

    from tests.local.servers import free_port

    running = []

    def serve(invoke, source: str) -> str:
        recorder = Recorder()
        app = create_app(invoke, LambdaLog(recorder), source=source, stage="dev")
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        running.append((server, thread, recorder))
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return f"http://127.0.0.1:{port}" + ("/dev" if source == "rest" else "")

    yield serve
    for server, thread, _ in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize("source", ["rest", "http", "alb"])
@pytest.mark.parametrize("app", [_django_like_wsgi, _django_like_asgi], ids=["wsgi", "asgi"])
def test_a_set_cookie_value_with_a_leading_space_comes_through_the_front(served, app, source):
    base = served(_AppPool(app).invoke, source)
    response = httpx.get(base + "/login", timeout=10)
    assert response.status_code == 200 and response.text == "logged in"  # main: an empty response
    assert response.headers["set-cookie"] == "sessionid=abc; Path=/"
    assert response.cookies["sessionid"] == "abc"


def test_a_header_value_with_crlf_is_never_passed_on(served):
    base = served(_AppPool(_splitting_wsgi).invoke, "rest")
    response = httpx.get(base + "/x", timeout=10)
    assert response.status_code == 500 and "evil" not in response.headers.get("set-cookie", "")
    assert "x-next" not in response.headers


async def test_a_proxy_response_with_crlf_in_a_header_is_502():
    pool = FakePool(outcome=Succeeded(json.dumps(
        {"statusCode": 200, "headers": {"X-A": "1\r\nSet-Cookie: evil=1"}, "body": ""}).encode()))
    client, recorder = _client(pool, "rest")
    async with client:
        response = await client.get("/dev/x")
    assert response.status_code == 502
    assert any("control character" in e.message for e in recorder.events)


def _header_bytes_wsgi(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [environ["HTTP_X_CITY"].encode("latin-1")]  # PEP 3333: the header's bytes, as latin-1 text


async def _header_bytes_asgi(scope, receive, send):
    value = dict(scope["headers"])[b"x-city"]
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/octet-stream")]})
    await send({"type": "http.response.body", "body": value})


@pytest.mark.parametrize("app", [_header_bytes_wsgi, _header_bytes_asgi], ids=["wsgi", "asgi"])
def test_a_utf8_header_value_reaches_the_app_as_the_bytes_sent(served, app):
    # a CDN's geo header (Cloudflare's cf-ipcity: "Torrejón de Ardoz"); gunicorn and uvicorn give
    # the app these bytes; reading them as latin-1 into the event encoded them twice
    base = served(_AppPool(app).invoke, "rest")
    sent = "Torrejón de Ardoz".encode()
    assert httpx.get(base + "/x", headers={"X-City": sent}, timeout=10).content == sent
    # bytes that are not UTF-8 cannot travel in a JSON event: read as latin-1, the app gets their text
    # in UTF-8 (what AWS does with them is not known here; the request is still served)
    latin1 = "\xe9t\xe9".encode("latin-1")
    assert httpx.get(base + "/x", headers={"X-City": latin1}, timeout=10).content == "\xe9t\xe9".encode()


def _framing_wsgi(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/short":  # a Content-Length the body does not match
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
        return [b"0123456789"]
    if path == "/empty":
        start_response("204 No Content", [])
        return []
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "10")])  # Flask's HEAD
    return [b"0123456789"]


def test_the_front_frames_the_body_it_sends(served):
    base = served(_AppPool(_framing_wsgi).invoke, "rest")
    response = httpx.get(base + "/short", timeout=10)  # main: headers, then no body (curl exit 18)
    assert response.content == b"0123456789" and response.headers["content-length"] == "10"
    empty = httpx.get(base + "/empty", timeout=10)
    assert empty.status_code == 204 and "content-length" not in empty.headers  # RFC 9110 8.6
    head = httpx.head(base + "/page", timeout=10)
    # a REST API sends the function's Content-Length renamed (gateway/rest.py), and none of its own for HEAD
    assert head.status_code == 200 and head.headers["x-amzn-remapped-content-length"] == "10" and head.content == b""


@pytest.mark.parametrize("source", ["rest", "url"])
def test_a_websocket_is_refused_with_a_line_saying_why(source):
    # QA: a WebSocket got a bare 403 and nothing was logged
    from starlette.testclient import TestClient
    from starlette.websockets import WebSocketDisconnect

    recorder = Recorder()
    app = create_app(FakePool().invoke, LambdaLog(recorder), source=source, stage="dev")
    with TestClient(app) as client, pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/dev/ws"):
            pass
    lines = [event.message for event in recorder.events if "WebSocket" in getattr(event, "message", "")]
    assert len(lines) == 1 and "/dev/ws: refused" in lines[0]
    assert ("API Gateway's REST API" if source == "rest" else "function URL") in lines[0]


async def test_a_read_only_init_error_says_it_once_with_the_fix_and_no_second_traceback():
    # flaskr creates its instance folder at import: the runtime logs the traceback under INIT; the
    # gateway line says the error in one line, and the hint (what build says) comes once a session
    failed = InitFailed("OSError", "[Errno 30] Read-only file system: '/code/instance'",
                        ('  File "/code/flaskr/__init__.py", line 24, in create_app\n',
                         '  File "/shoehorn/local/readonly.py", line 157, in refuse\n'))
    client, recorder = _client(FakePool(failed))
    async with client:
        first = await client.get("/dev/")
        again = await client.get("/dev/")
    assert first.status_code == again.status_code == 502
    lines = [event.message for event in recorder.events]
    assert not any("line 24" in line or "line 157" in line for line in lines)  # the runtime logged those frames
    assert [line for line in lines if line.startswith("GATEWAY")] == [
        "GATEWAY\tGET /dev/: function init failed OSError: [Errno 30] Read-only file system: '/code/instance'"] * 2
    hints = [line for line in lines if line.startswith("hint:")]
    assert len(hints) == 1
    assert "instance_path=\"/tmp/...\"" in hints[0] and "read-only on Lambda" in hints[0]
    assert "emulation" in hints[0]


async def test_fasthtml_writing_its_session_key_at_import_gets_builds_fasthtml_fix_not_the_tmp_advice():
    # fast_app() writes .sesskey when it is missing: a key under /tmp would differ per container
    from shoehorn.bundle.check import FASTHTML_KEY

    failed = InitFailed("OSError", "[Errno 30] Read-only file system: '/code/.sesskey'", ())
    hint = await _the_one_hint(failed, 502)
    assert hint.endswith(FASTHTML_KEY) and "only /tmp is writable" not in hint


async def test_a_sqlite_database_refused_in_the_code_directory_gets_the_read_only_hint_once():
    # starlette-admin's README app creates blog.db at startup: the guard refuses it as SQLite's own error
    from shoehorn.local.readonly import SQLITE_REFUSED

    failed = InitFailed("LifespanFailed", "the ASGI app's lifespan startup failed: OperationalError: (sqlite3."
                        f"OperationalError) unable to open database file '/code/blog.db' ({SQLITE_REFUSED})")
    hint = await _the_one_hint(failed, 502)
    assert "SQLite databases" in hint


async def test_an_init_that_fails_to_open_a_file_the_build_left_out_is_told_which_and_how_to_ship_it():
    # pypiserver.app(password_file=".htpasswd"): the build leaves .htpasswd out as secret-looking
    failed = InitFailed("FileNotFoundError", "[Errno 2] No such file or directory: '.htpasswd'", ())
    hint = await _the_one_hint(failed, 502, left_out=lambda: (".htpasswd",))
    assert 'include = [".htpasswd"]' in hint


async def test_a_redirect_out_of_the_stage_is_named_once_with_the_fix():
    # BlackSheep's OpenAPI UI redirects /dev/docs to /docs/ (its path below root_path, without it): the browser's
    # next request got the front's 403 "not under the stage", which named no app
    moved = Succeeded(json.dumps({"statusCode": 301, "headers": {"location": "/docs/"}, "body": ""}).encode())
    hint = await _the_one_hint(moved, 301, "/dev/docs")
    assert "the app redirected /dev/docs to /docs/, out of the stage /dev/" in hint
