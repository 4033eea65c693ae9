"""adapt(): interface detection, warm-up, non-HTTP events, errors, payload limit."""

from __future__ import annotations

import base64
import json
import logging
import os

import pytest
from fastapi import FastAPI
from flask import Flask
from starlette.applications import Starlette

from shoehorn import adapt
from shoehorn.runtime.errors import LambdaHandlerGiven, NotHttpEvent, OwnServerApp, UnknownInterface
from shoehorn.runtime.events.alb import PAYLOAD_LIMIT as ALB_PAYLOAD_LIMIT
from shoehorn.runtime.events.rest import PAYLOAD_LIMIT
from shoehorn.runtime.handler import detect_interface


class _Ctx:
    aws_request_id = "req-123-abc"


# -- interface detection ----------------------------------------------------------------------


def test_detects_frameworks():
    assert detect_interface(Flask(__name__)) == "wsgi"
    assert detect_interface(Starlette()) == "asgi"
    assert detect_interface(FastAPI()) == "asgi"


def test_detects_plain_callables():
    def wsgi_app(environ, start_response): ...

    async def asgi_app(scope, receive, send): ...

    def asgi_by_arity(scope, receive, send): ...

    class Middleware:
        def __call__(self, scope, receive, send): ...

    class Bound:
        def app(self, environ, start_response): ...

    assert detect_interface(wsgi_app) == "wsgi"
    assert detect_interface(asgi_app) == "asgi"
    assert detect_interface(asgi_by_arity) == "asgi"
    assert detect_interface(Middleware()) == "asgi"
    assert detect_interface(Bound().app) == "wsgi"


def test_undecidable_and_not_callable():
    with pytest.raises(UnknownInterface, match="interface="):
        detect_interface(lambda a, b, c, d: None)
    with pytest.raises(UnknownInterface, match="not callable"):
        adapt(object())

    def create_app():  # a factory named without its call (`app = "pkg:create_app"`)
        return None

    with pytest.raises(UnknownInterface) as caught:
        adapt(create_app)
    assert 'app = "module:create_app()"' in caught.value.hint and "interface=" not in caught.value.hint


def test_an_app_that_runs_on_its_server_attribute_is_refused_naming_it():
    # Dash's object: Dash 4 passes *args on to its Flask `server` (so its interface cannot be told), Dash 2
    # is not callable; either way the old hint (an app factory? interface=?) sent the user the wrong way
    site = Flask(__name__)

    class Dash4:
        server = site

        def __call__(self, *args, **kwargs):
            return self.server(*args, **kwargs)

    class Dash2:
        server = site

    for app in (Dash4(), Dash2()):
        with pytest.raises(UnknownInterface) as caught:
            adapt(app)
        assert "flask.app.Flask" in caught.value.message and 'app = "module:app.server"' in caught.value.hint


def test_a_lambda_handler_is_refused_naming_the_app_it_wraps():
    # Mangum and apig-wsgi were taken for WSGI apps (two parameters) and failed on the first request
    from apig_wsgi import make_lambda_handler
    from mangum import Mangum

    api, site = FastAPI(), Flask(__name__)
    for handler, inside in ((Mangum(api), "fastapi.applications.FastAPI"),
                            (make_lambda_handler(site), "flask.app.Flask")):
        for interface in (None, "wsgi"):  # forcing the interface is no way round it
            with pytest.raises(LambdaHandlerGiven) as caught:
                adapt(handler, interface=interface)
            assert "Lambda handler" in caught.value.message and inside in caught.value.message
            assert '"main:app"' in caught.value.hint

    def handler(event, context):  # serverless-wsgi's way: a function calling handle_request(app, ...)
        return {}

    with pytest.raises(LambdaHandlerGiven, match=r"Lambda handler \(it takes event, context\)"):
        detect_interface(handler)


def test_a_chalice_app_is_refused_as_no_web_app():
    class Chalice:  # stands in for chalice.app.Chalice: called as a Lambda handler
        def __call__(self, event, context): ...

    Chalice.__module__ = "chalice.app"
    with pytest.raises(LambdaHandlerGiven) as caught:
        adapt(Chalice())
    assert "neither WSGI nor ASGI" in caught.value.message and "chalice deploy" in caught.value.hint


def test_apps_only_their_own_server_runs_are_refused_saying_why():
    # aiohttp's web.Application is callable only to return itself (for gunicorn's aiohttp worker): it was
    # taken for an app factory ("call it"); Tornado's Application(request) for an app of unknown interface
    # ("set interface"); an http.server handler class, called Handler(request, client_address, server), for
    # an ASGI app. No setting makes any of them run.
    import http.server

    class Application:  # stands in for aiohttp.web_app.Application
        def __call__(self):
            return self

    class TornadoApplication:  # stands in for tornado.web.Application
        def __call__(self, request): ...

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self): ...

    class Klein:  # stands in for klein.Klein (24.8), which is not callable: Twisted's server calls its resource()
        pass

    Application.__module__, TornadoApplication.__module__ = "aiohttp.web_app", "tornado.web"
    Klein.__module__ = "klein._app"
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.server_close()
    for app, said in ((Application(), "aiohttp web.Application"), (TornadoApplication(), "Tornado Application"),
                      (Handler, "http.server"), (server, "http.server"), (Klein(), "a Klein app")):
        for interface in (None, "asgi", "wsgi"):  # forcing the interface is no way round it
            with pytest.raises(OwnServerApp) as caught:
                adapt(app, interface=interface)
            assert said in caught.value.message and "neither WSGI nor ASGI" in caught.value.message
            assert "call it" not in caught.value.hint and "interface" not in caught.value.hint


def test_interface_override(rest_event):
    def odd(environ, start_response, extra=None):  # 3 positional params looks like ASGI
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"wsgi"]

    assert adapt(odd, interface="wsgi")(rest_event(), None)["body"] == "wsgi"
    with pytest.raises(ValueError):
        adapt(odd, interface="cgi")


# -- warm-up and non-HTTP events (checklist 1, 2) ---------------------------------------------


def test_warm_up_does_not_call_the_app():
    called = []

    def app(environ, start_response):
        called.append(1)
        return []

    assert adapt(app)({"shoehorn": "warm"}, None)["shoehorn"] == "warm"
    assert called == []


@pytest.mark.parametrize(
    "event",
    [
        {"Records": [{"eventSource": "aws:s3"}]},
        {"source": "aws.events", "detail-type": "Scheduled Event"},
        {"source": "serverless-plugin-warmup"},
        {},
    ],
)
def test_non_http_event_names_the_keys(event, wsgi_echo):
    with pytest.raises(NotHttpEvent) as info:
        adapt(wsgi_echo)(event, None)
    for key in event:
        assert key in str(info.value)
    assert info.value.hint


def test_non_dict_event(wsgi_echo):
    with pytest.raises(NotHttpEvent, match="list"):
        adapt(wsgi_echo)([1, 2], None)


def test_admin_like_events_are_not_executed(wsgi_echo):
    # Zappa/serverless-wsgi exec() "raw_command"/"_serverless-wsgi" payloads; we never do
    with pytest.raises(NotHttpEvent):
        adapt(wsgi_echo)({"raw_command": "import os; os.system('true')"}, None)


# -- errors (checklist 40, 26, 47) ------------------------------------------------------------


def _failing_wsgi(environ, start_response):
    raise ZeroDivisionError("secret detail")


async def _failing_asgi(scope, receive, send):
    if scope["type"] == "http":
        raise ZeroDivisionError("secret detail")


@pytest.mark.parametrize("app", [_failing_wsgi, _failing_asgi])
def test_app_exception_is_a_generic_500_with_logged_traceback(app, rest_event, caplog):
    with caplog.at_level(logging.ERROR, logger="shoehorn.runtime"):
        result = adapt(app)(rest_event(), _Ctx())
    assert result["statusCode"] == 500
    assert result["body"] == "Internal Server Error"
    assert "secret" not in json.dumps(result)
    record = next(r for r in caplog.records if "req-123-abc" in r.getMessage())
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError


def test_request_id_from_event_without_context(rest_event, caplog):
    with caplog.at_level(logging.ERROR, logger="shoehorn.runtime"):
        adapt(_failing_wsgi)(rest_event(), None)
    assert any("req-rest-1" in r.getMessage() for r in caplog.records)


def test_asgi_error_after_response_keeps_response_and_logs(rest_event, caplog):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})
        raise RuntimeError("background task")

    with caplog.at_level(logging.ERROR, logger="shoehorn.runtime"):
        result = adapt(app)(rest_event(), _Ctx())
    assert (result["statusCode"], result["body"]) == (200, "ok")
    assert any("after completing" in r.getMessage() for r in caplog.records)


def test_invalid_base64_is_a_clean_400(rest_event, wsgi_echo, caplog):
    event = rest_event("/x", "POST", body="not base64!", isBase64Encoded=True)
    with caplog.at_level(logging.WARNING, logger="shoehorn.runtime"):
        result = adapt(wsgi_echo)(event, _Ctx())
    assert result["statusCode"] == 400 and result["body"] == "Bad Request"
    assert "multiValueHeaders" in result  # still rendered in the source's format
    assert any("base64" in r.getMessage() and "req-123-abc" in r.getMessage() for r in caplog.records)


def _sized_app(size: int, content_type: str):
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", content_type)])
        return [b"a" * size]

    return app


def test_response_over_6mb_is_a_502_with_explanation(rest_event, caplog):
    with caplog.at_level(logging.ERROR, logger="shoehorn.runtime"):
        result = adapt(_sized_app(PAYLOAD_LIMIT, "text/plain"))(rest_event(), _Ctx())
    assert result["statusCode"] == 502
    assert "6 MB" in result["body"]
    assert any("payload limit" in r.getMessage() and "req-123-abc" in r.getMessage() for r in caplog.records)


def test_base64_counts_toward_the_limit(rest_event):
    # 4.8 MB of binary becomes 6.4 MB of base64 text: over the limit
    result = adapt(_sized_app(4_800_000, "application/octet-stream"))(rest_event(), None)
    assert result["statusCode"] == 502 and "(base64-encoded, as binary bodies travel)" in result["body"]
    ok = adapt(_sized_app(4_000_000, "application/octet-stream"))(rest_event(), None)
    assert ok["statusCode"] == 200 and len(base64.b64decode(ok["body"])) == 4_000_000


def test_json_escaping_counts_toward_the_limit(rest_event):
    # 3.5 MB of control characters: 3.5 MB raw, ~21 MB once JSON-escaped as \u0001
    result = adapt(_sized_app(0, "text/plain"))(rest_event(), None)
    assert result["statusCode"] == 200

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"\x01" * 3_500_000]

    assert adapt(app)(rest_event(), None)["statusCode"] == 502


def test_head_body_does_not_count(rest_event):
    # a HEAD answer carries no body, however large the app's (azul #6514)
    result = adapt(_sized_app(PAYLOAD_LIMIT, "text/plain"))(rest_event(method="HEAD"), None)
    assert result["statusCode"] == 200 and result["body"] == ""


# -- the raw event and context reach the app (checklist 48, 49) -------------------------------


def test_event_and_context_reach_both_kinds_of_app(rest_event):
    seen = {}

    def wsgi_app(environ, start_response):
        seen["wsgi"] = (environ["aws.event"], environ["aws.context"])
        start_response("204 No Content", [])
        return []

    async def asgi_app(scope, receive, send):
        if scope["type"] != "http":
            return
        seen["asgi"] = (scope["aws.event"], scope["aws.context"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    event, ctx = rest_event(), _Ctx()
    adapt(wsgi_app)(event, ctx)
    adapt(asgi_app)(event, ctx)
    assert seen["wsgi"][0] is event and seen["wsgi"][1] is ctx
    assert seen["asgi"][0] is event and seen["asgi"][1] is ctx


def test_stage_variables_do_not_leak_into_os_environ(rest_event, wsgi_echo):
    # Zappa copies stageVariables into os.environ on every request; we do not
    before = dict(os.environ)
    adapt(wsgi_echo)(rest_event(stageVariables={"SHOEHORN_LEAK_CHECK": "1"}), None)
    assert dict(os.environ) == before


def test_placeholder_host_does_not_crash_either_kind_of_app(http_event):
    # powertools lambdaFunctionUrlEvent.json has Host "<url-id>.lambda-url..." (anchors item 22)
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    flask = Flask(__name__)
    flask.add_url_rule("/hello", "hello", lambda: "ok")
    star = Starlette(routes=[Route("/hello", lambda request: PlainTextResponse(str(request.url)))])
    event = http_event()
    event["headers"]["host"] = "<url-id>.lambda-url.us-east-1.on.aws"
    event["requestContext"]["domainName"] = "<url-id>.lambda-url.us-east-1.on.aws"
    assert adapt(flask)(event, None)["statusCode"] in (200, 400)  # Werkzeug may reject the host
    result = adapt(star)(event, None)
    assert result["statusCode"] == 200 and result["body"].endswith("/hello")


def test_one_event_loop_per_container_reused_across_invocations(rest_event):
    import asyncio
    import contextlib

    loops = []

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield {"queue": asyncio.Queue()}  # bound to the loop it was created on

    async def use(request):
        from starlette.responses import JSONResponse

        loops.append(asyncio.get_running_loop())
        await request.state.queue.put(1)
        return JSONResponse({"size": request.state.queue.qsize()})

    from starlette.routing import Route

    handler = adapt(Starlette(routes=[Route("/hello", use)], lifespan=lifespan))
    sizes = [json.loads(handler(rest_event(), None)["body"])["size"] for _ in range(3)]
    assert sizes == [1, 2, 3]
    assert len(set(map(id, loops))) == 1 and not loops[0].is_closed()


def test_alb_has_its_own_1mb_limit(alb_event, caplog):

    with caplog.at_level(logging.ERROR, logger="shoehorn.runtime"):
        result = adapt(_sized_app(ALB_PAYLOAD_LIMIT, "text/plain"))(alb_event(), None)
    assert result["statusCode"] == 502 and "1 MB" in result["body"]
    assert result["statusDescription"] == "502 Bad Gateway"
    assert any("ALB response limit" in r.getMessage() for r in caplog.records)
    assert adapt(_sized_app(900_000, "text/plain"))(alb_event(), None)["statusCode"] == 200


@pytest.mark.parametrize(
    "broken",
    [{"headers": ["Host", "x"], "multiValueHeaders": None}, {"multiValueQueryStringParameters": {"a": 5}}, {"body": 12}],
)
def test_fields_of_the_wrong_type_are_a_400_not_a_crash(broken, rest_event, wsgi_echo, caplog):
    with caplog.at_level(logging.WARNING, logger="shoehorn.runtime"):
        result = adapt(wsgi_echo)(rest_event(**broken), _Ctx())
    assert result["statusCode"] == 400
    assert any("unexpected type" in r.getMessage() for r in caplog.records)


def test_one_detector_for_adapt_and_dev():
    # issue 13: a middleware with a plain three-argument __call__ was ASGI to adapt, WSGI to dev
    from shoehorn.local.server import is_asgi

    class Middleware:
        def __init__(self, app):
            self.app = app

        def __call__(self, scope, receive, send):
            return self.app(scope, receive, send)

    app = Middleware(None)
    assert detect_interface(app) == "asgi" and is_asgi(app)

