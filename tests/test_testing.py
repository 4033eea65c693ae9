"""shoehorn.testing: httpx clients that go through the exact events AWS sends."""

from __future__ import annotations

import httpx
import pytest
from fastapi import BackgroundTasks, FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from flask import Flask, make_response, redirect, request, url_for

from shoehorn import adapt
from shoehorn.gateway import MalformedResponse
from shoehorn.testing import AsyncLambdaTransport, LambdaContext, LambdaTransport

BASES = {
    "rest": "https://abc.execute-api.us-east-1.amazonaws.com/prod",
    "http": "https://abc.execute-api.us-east-1.amazonaws.com/prod",
    "url": "https://abcdef.lambda-url.us-east-1.on.aws",
    "alb": "https://my-alb-1.us-east-1.elb.amazonaws.com",
}
PREFIX = {"rest": "/prod", "http": "/prod", "url": "", "alb": ""}


def flask_app():
    app = Flask(__name__)

    @app.get("/")
    def index():
        return {"self": url_for("index"), "args": request.args.to_dict(flat=False), "ip": request.remote_addr}

    @app.post("/login")
    def login():
        response = make_response(redirect(url_for("index")))
        response.set_cookie("session", "s1", httponly=True)
        response.set_cookie("theme", "dark")
        return response

    @app.post("/upload")
    def upload():
        f = request.files["file"]
        return {"name": f.filename, "size": len(f.read()), "field": request.form["note"]}

    @app.get("/png")
    def png():
        return b"\x89PNG\r\n\x1a\n" + bytes(range(256)), 200, {"Content-Type": "image/png"}

    return app


def fastapi_app():
    app = FastAPI()

    @app.get("/items/{item_id}")
    def item(item_id: int, tag: list[str] | None = Query(None)):
        return {"id": item_id, "tags": tag}

    @app.get("/where")
    def where(request: Request):
        return {"url": str(request.url), "context": request.scope["aws.context"].function_name}

    @app.get("/stream")
    def stream():
        return StreamingResponse((f"{i}," for i in range(5)), media_type="text/plain")

    return app


@pytest.mark.parametrize("source", ["rest", "http", "url", "alb"])
def test_flask_through_every_source(source):
    # repeated query parameters reach an ALB target only with multi-value headers on (off by default)
    transport = LambdaTransport(flask_app(), source=source, multi_value=source == "alb")
    client = httpx.Client(transport=transport, base_url=BASES[source])
    r = client.get("/", params=[("a", "1"), ("a", "2"), ("b", "x+y")])
    assert r.status_code == 200
    assert r.json() == {"self": PREFIX[source] + "/", "args": {"a": ["1", "2"], "b": ["x+y"]}, "ip": "127.0.0.1"}
    r = client.post("/login", data={"user": "u"})
    assert r.status_code == 302 and r.headers["location"] == PREFIX[source] + "/"
    assert len(r.headers.get_list("set-cookie")) == 2
    assert r.cookies["session"] == "s1" and r.cookies["theme"] == "dark"
    blob = bytes(range(256)) * 40
    up = client.post("/upload", files={"file": ("b.bin", blob, "application/octet-stream")}, data={"note": "héllo 😀"})
    assert up.json() == {"name": "b.bin", "size": len(blob), "field": "héllo 😀"}
    png = client.get("/png")
    assert png.content == b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.mark.parametrize("source", ["rest", "http", "url", "alb"])
def test_fastapi_through_every_source(source):
    transport = LambdaTransport(fastapi_app(), source=source, multi_value=source == "alb")
    client = httpx.Client(transport=transport, base_url=BASES[source])
    assert client.get("/items/3?tag=a&tag=b").json() == {"id": 3, "tags": ["a", "b"]}
    where = client.get("/where").json()
    assert where["url"].endswith(PREFIX[source] + "/where") and where["context"] == "shoehorn-test"
    assert where["url"].startswith("https://")  # an ALB listening on https says so (QA: it said http, port 80)
    assert client.get("/stream").text == "0,1,2,3,4,"
    docs = client.get("/docs")
    assert docs.status_code == 200 and f"'{PREFIX[source]}/openapi.json'" in docs.text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")


def test_existing_handler_is_used_as_is():
    calls = []
    inner = adapt(flask_app())

    def handler(event, context):
        calls.append(context.aws_request_id)
        return inner(event, context)

    client = httpx.Client(transport=LambdaTransport(handler, source="url"), base_url=BASES["url"])
    assert client.get("/").status_code == 200 and len(calls) == 1
    client = httpx.Client(transport=LambdaTransport(inner, source="url"), base_url=BASES["url"])
    assert client.get("/").status_code == 200


def test_events_are_recorded_and_malformed_responses_fail():
    transport = LambdaTransport(lambda event, context: {"statusCode": 200, "statusDescription": "OK"}, source="rest")
    client = httpx.Client(transport=transport, base_url=BASES["rest"])
    with pytest.raises(MalformedResponse):
        client.get("/x")
    assert transport.events[-1]["path"] == "/x" and transport.events[-1]["requestContext"]["path"] == "/prod/x"


@pytest.mark.parametrize("source", ["rest", "http", "alb"])
def test_the_answer_travels_as_the_runtime_client_sends_it(source):
    # the runtime client sends JSON: an int header name arrives as a string (it used to crash the
    # reader with AttributeError), and a value JSON cannot carry fails the invocation (Runtime.MarshalError)
    def handler(event, context):
        return {"statusCode": 200, "headers": {1: "one"}, "body": "ok"}

    client = httpx.Client(transport=LambdaTransport(handler, source=source), base_url=BASES[source])
    assert client.get("/").headers["1"] == "one"

    def unsendable(event, context):
        return {"statusCode": 200, "body": b"bytes"}

    client = httpx.Client(transport=LambdaTransport(unsendable, source=source), base_url=BASES[source])
    with pytest.raises(MalformedResponse, match="cannot send as JSON"):
        client.get("/")


def test_custom_context_and_alb_single_value_mode_by_default():
    # a new target group has lambda.multi_value_headers.enabled false; the transport sent multi-value events
    ctx = LambdaContext(function_name="fn")
    transport = LambdaTransport(fastapi_app(), source="alb", context=ctx)
    client = httpx.Client(transport=transport, base_url=BASES["alb"])
    assert client.get("/where").json()["context"] == "fn"
    assert "headers" in transport.events[-1] and "multiValueHeaders" not in transport.events[-1]
    assert client.get("/items/3?tag=a&tag=b").json() == {"id": 3, "tags": ["b"]}  # the last value, as an ALB sends


def test_lambda_context():
    ctx = LambdaContext(function_name="fn", memory_limit_in_mb=256, timeout_seconds=3)
    assert ctx.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:fn"
    assert ctx.log_group_name == "/aws/lambda/fn"
    assert 0 < ctx.get_remaining_time_in_millis() <= 3000
    assert ctx.aws_request_id != LambdaContext().aws_request_id


def test_unknown_source():
    with pytest.raises(ValueError, match="source"):
        LambdaTransport(flask_app(), source="sqs")


async def test_async_transport_with_lifespan():
    import contextlib

    started = []

    @contextlib.asynccontextmanager
    async def lifespan(app):
        started.append(1)
        yield {"n": 42}

    app = FastAPI(lifespan=lifespan)

    @app.get("/n")
    def n(request: Request):
        return {"n": request.state.n}

    async with httpx.AsyncClient(transport=AsyncLambdaTransport(app, source="http"), base_url=BASES["http"]) as client:
        for _ in range(3):
            assert (await client.get("/n")).json() == {"n": 42}
    assert started == [1]


def test_middleware_streaming_and_background_tasks():
    import asyncio

    app = FastAPI()
    done = []

    @app.middleware("http")  # BaseHTTPMiddleware wraps receive() in its own tasks
    async def mark(request: Request, call_next):
        response = await call_next(request)
        response.headers["x-mw"] = "1"
        return response

    @app.get("/s")
    async def stream():
        async def gen():
            for i in range(5):
                await asyncio.sleep(0.001)
                yield f"{i};"

        return StreamingResponse(gen(), media_type="text/plain")

    @app.post("/b")
    async def background(request: Request, tasks: BackgroundTasks):
        body = await request.body()
        tasks.add_task(done.append, len(body))
        return {"len": len(body)}

    client = httpx.Client(transport=LambdaTransport(app, source="http"), base_url=BASES["http"])
    r = client.get("/s")
    assert (r.text, r.headers["x-mw"]) == ("0;1;2;3;4;", "1")
    r = client.post("/b", content=b"x" * 1000)
    assert r.json() == {"len": 1000} and done == [1000]  # ran before the handler returned


def test_handler_objects_such_as_mangum_are_used_as_is():
    from mangum import Mangum

    transport = LambdaTransport(Mangum(fastapi_app(), lifespan="off"), source="http")
    assert not isinstance(transport.handler, type(adapt(flask_app())))
    client = httpx.Client(transport=transport, base_url=BASES["url"])
    assert client.get("/items/3?tag=a").json() == {"id": 3, "tags": ["a"]}


def test_an_alb_listening_on_plain_http_says_so():
    client = httpx.Client(transport=LambdaTransport(fastapi_app(), source="alb"), base_url="http://my-alb:8080")
    assert client.get("/where").json()["url"] == "http://my-alb:8080/where"
