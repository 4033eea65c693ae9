"""ASGI lifespan: once per container, shared state, modes, loud failures; vs mangum."""

from __future__ import annotations

import contextlib

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from shoehorn import adapt
from shoehorn.runtime.errors import LifespanFailed


def _counting_app(events: list):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        events.append("startup")
        yield {"pool": object(), "startups": events.count("startup")}
        events.append("shutdown")

    async def info(request):
        request.state.pool  # noqa: B018 — raises if state did not arrive
        return JSONResponse({"startups": request.state.startups, "pool": id(request.state.pool)})

    return Starlette(routes=[Route("/hello", info)], lifespan=lifespan)


def _call(handler, rest_event):
    import json

    result = handler(rest_event(), None)
    assert result["statusCode"] == 200, result
    return json.loads(result["body"])


def test_startup_runs_once_and_state_persists(rest_event):
    events: list = []
    handler = adapt(_counting_app(events))
    bodies = [_call(handler, rest_event) for _ in range(3)]
    assert events == ["startup"]
    assert {b["startups"] for b in bodies} == {1}
    assert len({b["pool"] for b in bodies}) == 1  # the same object every time
    handler.close()
    assert events == ["startup", "shutdown"]
    handler.close()  # idempotent
    assert events == ["startup", "shutdown"]


def test_mangum_runs_startup_per_invocation_we_do_not(rest_event):
    from mangum import Mangum

    ours: list = []
    theirs: list = []
    handler = adapt(_counting_app(ours))
    peer = Mangum(_counting_app(theirs))
    for _ in range(3):
        _call(handler, rest_event)
        peer(rest_event(), _Ctx())
    assert ours.count("startup") == 1
    assert theirs.count("startup") == 3  # measured anchor behaviour (mangum #342)


class _Ctx:
    aws_request_id = "x"


def test_auto_mode_app_without_lifespan_support(rest_event, asgi_echo):
    # the echo app returns at once for "lifespan": it does not support it
    result = adapt(asgi_echo)(rest_event(), None)
    assert result["statusCode"] == 200


def test_auto_mode_app_that_raises_on_lifespan(rest_event):
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            raise NotImplementedError("no lifespan here")
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    assert adapt(app)(rest_event(), None)["statusCode"] == 204


def test_on_mode_requires_support(rest_event, asgi_echo):
    handler = adapt(asgi_echo, lifespan="on")
    with pytest.raises(LifespanFailed, match="does not support lifespan"):
        handler(rest_event(), None)


def test_startup_failure_raises_loudly_every_time(rest_event):
    calls = []

    @contextlib.asynccontextmanager
    async def lifespan(app):
        calls.append(1)
        raise RuntimeError("database unreachable")
        yield

    app = Starlette(routes=[], lifespan=lifespan)
    for mode in ("on", "auto"):
        handler = adapt(app, lifespan=mode)
        for _ in range(2):
            with pytest.raises(LifespanFailed, match="database unreachable") as info:
                handler(rest_event(), None)
            assert info.value.hint
    assert len(calls) == 2  # one attempt per handler, the failure is remembered


def test_a_failed_startup_keeps_the_apps_exception_as_its_cause(rest_event):
    # Starlette sends lifespan.startup.failed with the traceback as text, then raises: the exception itself
    # (its type, its file and line in the app, what it was raised from) is what the build check names
    @contextlib.asynccontextmanager
    async def lifespan(app):
        raise PermissionError(13, "Permission denied", "/var/task/blog.db")
        yield

    handler = adapt(Starlette(routes=[], lifespan=lifespan))
    with pytest.raises(LifespanFailed) as info:
        handler(rest_event(), None)
    assert isinstance(info.value.__cause__, PermissionError)
    assert info.value.__cause__.filename == "/var/task/blog.db"


def test_off_mode_never_sends_lifespan(rest_event):
    events: list = []
    handler = adapt(_counting_app(events), lifespan="off")
    result = handler(rest_event(), None)
    assert events == []
    assert result["statusCode"] == 500  # the route needs the state the lifespan would set


def test_bad_mode_rejected(asgi_echo):
    with pytest.raises(ValueError, match="lifespan"):
        adapt(asgi_echo, lifespan="sometimes")
