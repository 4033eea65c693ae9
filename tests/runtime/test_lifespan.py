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


def test_a_failed_startups_first_line_names_what_the_app_raised_and_its_traceback_follows(rest_event):
    # Starlette sends its traceback as the message: first, it read "startup failed: Traceback (most recent
    # call last):", and that first line is all a one-line report (dev --lambda's gateway line) shows
    @contextlib.asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("db down")
        yield

    with pytest.raises(LifespanFailed) as info:
        adapt(Starlette(routes=[], lifespan=lifespan))(rest_event(), None)
    first, _, rest = info.value.message.partition("\n")
    assert first == "the ASGI app's lifespan startup failed: RuntimeError: db down"
    assert rest.startswith("Traceback (most recent call last):") and 'raise RuntimeError("db down")' in rest


def test_a_startup_failed_with_a_message_only_says_it_once(rest_event):
    async def app(scope, receive, send):  # as Quart sends it: str(error), and no exception raised
        await receive()
        await send({"type": "lifespan.startup.failed", "message": "db down"})

    with pytest.raises(LifespanFailed) as info:
        adapt(app)(rest_event(), None)
    assert info.value.message == "the ASGI app's lifespan startup failed: db down"


def test_a_remembered_failure_is_raised_again_in_one_line(rest_event):
    # the runtime client logs each request's error: the first carried the app's traceback, and every
    # later request of the container logged the same traceback again
    @contextlib.asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("db down")
        yield

    handler = adapt(Starlette(routes=[], lifespan=lifespan))
    with pytest.raises(LifespanFailed) as first:
        handler(rest_event(), None)
    with pytest.raises(LifespanFailed) as again:
        handler(rest_event(), None)
    assert "Traceback" in str(first.value) and "Traceback" not in str(again.value)
    assert again.value.message == ("the ASGI app's lifespan startup failed: RuntimeError: db down (remembered from "
                                   "this container's first attempt, whose log holds its traceback)")
    assert again.value.hint == first.value.hint and again.value.__cause__ is first.value


def test_off_mode_never_sends_lifespan(rest_event):
    events: list = []
    handler = adapt(_counting_app(events), lifespan="off")
    result = handler(rest_event(), None)
    assert events == []
    assert result["statusCode"] == 500  # the route needs the state the lifespan would set


def test_bad_mode_rejected(asgi_echo):
    with pytest.raises(ValueError, match="lifespan"):
        adapt(asgi_echo, lifespan="sometimes")
