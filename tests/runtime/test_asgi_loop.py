"""asgi.run_until_complete: the one-pass fast path behaves as loop.run_until_complete.

Each test drives the same coroutine both ways where the outcome can differ, and checks the
things apps and anyio rely on: a running loop, a current task, per-task contextvars,
finalized async generators, waiting on timers and threads, exceptions and cancellation.
"""

from __future__ import annotations

import asyncio
import contextvars
import selectors
import socket
import threading

import pytest

from shoehorn import adapt
from shoehorn.runtime.asgi import SkipOnePoll, new_loop, run_until_complete

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("VAR", default="unset")


def test_running_loop_and_current_task_inside(loop):
    async def probe():
        return asyncio.get_running_loop(), asyncio.current_task()

    running, task = run_until_complete(loop, probe())
    assert running is loop
    assert isinstance(task, asyncio.Task)
    with pytest.raises(RuntimeError):  # and nothing is left "running" afterwards
        asyncio.get_running_loop()


def test_waits_on_timers_threads_and_sleep_zero(loop):
    async def waits():
        await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        name = await asyncio.to_thread(lambda: threading.current_thread().name)
        return name

    assert run_until_complete(loop, waits()) != threading.current_thread().name


def test_contextvars_do_not_leak_between_requests(loop):
    async def set_it(value):
        before = VAR.get()
        VAR.set(value)
        return before

    assert run_until_complete(loop, set_it("a")) == "unset"
    assert run_until_complete(loop, set_it("b")) == "unset"
    assert VAR.get() == "unset"


def test_exceptions_and_cancellation_propagate(loop):
    async def boom():
        raise KeyError("x")

    with pytest.raises(KeyError):
        run_until_complete(loop, boom())

    async def cancelled():
        asyncio.current_task().cancel()
        await asyncio.sleep(0)

    with pytest.raises(asyncio.CancelledError):
        run_until_complete(loop, cancelled())


def test_abandoned_async_generator_is_finalized_by_the_loop(loop):
    closed = []

    async def numbers():
        try:
            yield 1
            yield 2
        finally:
            closed.append(True)

    async def take_one():
        gen = numbers()
        async for n in gen:
            return n, gen

    first, gen = run_until_complete(loop, take_one())
    assert first == 1 and gen in loop._asyncgens  # registered through the loop's hooks
    loop.run_until_complete(loop.shutdown_asyncgens())
    assert closed == [True]


def test_inside_a_running_loop_falls_back(loop):
    async def inner():
        return 42

    async def outer():
        # the plain path refuses to nest, exactly as loop.run_until_complete does
        coro = inner()
        with pytest.raises(RuntimeError):
            run_until_complete(loop, coro)
        coro.close()
        return "ok"

    assert loop.run_until_complete(outer()) == "ok"


def test_sync_starlette_endpoint_runs_in_anyio_threadpool(rest_event):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    def sync_view(request):  # Starlette runs it in a worker thread via anyio
        return PlainTextResponse(threading.current_thread().name)

    handler = adapt(Starlette(routes=[Route("/{path:path}", sync_view)]), lifespan="off")
    for _ in range(3):
        answer = handler(rest_event("/x"), None)
        assert answer["statusCode"] == 200
        assert answer["body"] != threading.current_thread().name


def test_one_pass_when_nothing_waits_and_run_until_complete_when_it_does(loop, monkeypatch):
    entered = []
    monkeypatch.setattr(loop, "run_until_complete", lambda coro, real=loop.run_until_complete: entered.append(1) or real(coro))

    async def answer():
        return 7

    async def waits():
        await asyncio.sleep(0.001)
        return 8

    assert run_until_complete(loop, answer()) == 7 and entered == []
    assert run_until_complete(loop, waits()) == 8 and entered == [1]


def test_the_skipped_poll_loses_no_io_and_is_skipped_once(monkeypatch):
    polls = []  # the platform selector's real polls, underneath SkipOnePoll
    real_select = selectors.DefaultSelector.select
    monkeypatch.setattr(selectors.DefaultSelector, "select", lambda self, timeout=None: polls.append(timeout) or real_select(self, timeout))
    loop, selector = new_loop()
    ours, theirs = socket.socketpair()
    try:
        ours.setblocking(False)
        theirs.sendall(b"ready before the request")  # I/O already waiting when the pass starts

        async def reads():
            return await loop.sock_recv(ours, 100)

        assert run_until_complete(loop, reads(), selector) == b"ready before the request"
        assert selector.skip_next is False  # consumed by the pass, never left for a later poll

        async def answers():
            return 7

        before = len(polls)
        assert run_until_complete(loop, answers(), selector) == 7
        assert len(polls) == before  # the pass's poll was skipped
        assert run_until_complete(loop, answers()) == 7
        assert len(polls) == before + 1  # without the selector, polled as asyncio does
    finally:
        ours.close()
        theirs.close()
        loop.close()


def test_an_app_chosen_loop_policy_is_respected():
    class OtherLoop(asyncio.SelectorEventLoop):  # uvloop's Loop, in shape
        pass

    class Policy(asyncio.DefaultEventLoopPolicy):  # what uvloop.install() sets, in shape
        def new_event_loop(self):
            return OtherLoop()

    old = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(Policy())
    try:
        loop, selector = new_loop()
        loop.close()
        assert selector is None and type(loop) is OtherLoop
    finally:
        asyncio.set_event_loop_policy(old)
    loop, selector = new_loop()
    loop.close()
    assert isinstance(selector, SkipOnePoll)


def test_a_task_factory_set_on_the_loop_is_used(loop):
    made = []

    def factory(loop, coro, **kwargs):
        made.append(1)
        return asyncio.Task(coro, loop=loop, **kwargs)

    async def answer():
        return asyncio.current_task()

    assert isinstance(run_until_complete(loop, answer()), asyncio.Task) and made == []
    loop.set_task_factory(factory)
    run_until_complete(loop, answer())
    assert made == [1]
