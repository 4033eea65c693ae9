"""ASGI driver: scope paths, blocking receive, streaming, errors around the response."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from shoehorn.runtime import asgi
from shoehorn.runtime.errors import AppError
from shoehorn.runtime.events import rest


def test_scope_path_is_full_and_starts_with_root_path(rest_event):
    event = rest_event("/caf%C3%A9/a%2Fb", requestContext={"path": "/prod/caf%C3%A9/a%2Fb"})
    scope = asgi.build_scope(rest.read(event), event, "ctx", {"k": 1})
    assert scope["root_path"] == "/prod"
    assert scope["path"] == "/prod/café/a/b"
    assert scope["raw_path"] == b"/prod/caf%C3%A9/a%2Fb"  # still percent-encoded (mangum sets None)
    assert scope["asgi"]["spec_version"] == "2.4"
    assert scope["aws.event"] is event and scope["aws.context"] == "ctx"
    assert scope["client"] == ("198.51.100.7", 0)
    assert scope["server"] == ("abc.execute-api.us-east-1.amazonaws.com", 443)


def test_state_is_a_shallow_copy_per_request(rest_event):
    state = {"pool": object()}
    scope = asgi.build_scope(rest.read(rest_event()), {}, None, state)
    assert scope["state"] == state and scope["state"] is not state
    assert "state" not in asgi.build_scope(rest.read(rest_event()), {}, None, None)


def test_non_latin1_header_values_do_not_crash(rest_event):
    event = rest_event(headers={"X-Name": "Zoë ☃"}, multiValueHeaders=None)
    scope = asgi.build_scope(rest.read(event), event, None, None)
    assert (b"x-name", "Zoë ☃".encode()) in scope["headers"]


def test_streaming_response_is_collected_whole(rest_event, loop):
    # measured: a receive() answering http.disconnect at once cut this to 1 of 5 chunks
    async def chunks():
        for i in range(5):
            await asyncio.sleep(0)
            yield f"chunk{i};"

    app = Starlette(routes=[Route("/hello", lambda r: StreamingResponse(chunks(), media_type="text/plain"))])
    response = asgi.run(app, rest.read(rest_event()), {}, None, loop)
    assert response.body == b"chunk0;chunk1;chunk2;chunk3;chunk4;"


def test_receive_blocks_until_response_done_then_disconnects(rest_event, loop):
    seen = []

    async def app(scope, receive, send):
        first = await receive()
        waiter = asyncio.ensure_future(receive())
        await asyncio.sleep(0)
        seen.append(waiter.done())  # still waiting: the response has not completed
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": first["body"]})
        seen.append(await waiter)

    response = asgi.run(app, rest.read(rest_event("/x", "POST", body="data")), {}, None, loop)
    assert response.body == b"data"
    assert seen == [False, {"type": "http.disconnect"}]


def test_exception_before_response_propagates(rest_event, loop):
    async def app(scope, receive, send):
        raise ValueError("boom")

    with pytest.raises(AppError) as info:
        asgi.run(app, rest.read(rest_event()), {}, None, loop)
    assert isinstance(info.value.__cause__, ValueError)


def test_exception_mid_response_propagates(rest_event, loop):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
        raise ValueError("boom")

    with pytest.raises(AppError) as info:
        asgi.run(app, rest.read(rest_event()), {}, None, loop)
    assert isinstance(info.value.__cause__, ValueError)


def test_exception_after_complete_response_keeps_it(rest_event, loop, caplog):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x", b"1")]})
        await send({"type": "http.response.body", "body": b"done"})
        raise ValueError("background task failed")

    response = asgi.run(app, rest.read(rest_event()), {}, None, loop)
    assert response.status == 201 and response.body == b"done"
    assert any(isinstance(r.exc_info[1], ValueError) for r in caplog.records if r.exc_info)


def test_app_returning_without_response(rest_event, loop):
    async def app(scope, receive, send):
        return None

    with pytest.raises(AppError, match="without sending a response"):
        asgi.run(app, rest.read(rest_event()), {}, None, loop)


def test_starlette_sees_root_path_and_full_url(rest_event, loop):
    async def where(request):
        return JSONResponse({"url": str(request.url), "path": request.url.path, "root": request.scope["root_path"], "for": str(request.url_for("where"))})

    app = Starlette(routes=[Route("/where", where, name="where")])
    import json

    body = json.loads(asgi.run(app, rest.read(rest_event("/where")), {}, None, loop).body)
    assert body == {
        "url": "https://abc.execute-api.us-east-1.amazonaws.com/prod/where",
        "path": "/prod/where",
        "root": "/prod",
        "for": "https://abc.execute-api.us-east-1.amazonaws.com/prod/where",
    }


def test_cancelled_after_complete_response_keeps_it(rest_event, loop):
    # found by fuzzing: CancelledError is no Exception, and went through the handler
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})
        raise asyncio.CancelledError

    response = asgi.run(app, rest.read(rest_event()), {}, None, loop)
    assert response.status == 200 and response.body == b"done"
