"""ASGI lifespan, once per container.

mangum runs startup AND shutdown around every invocation (its adapter's ExitStack; mangum
#342, #208), re-creating connection pools and reloading models per request. Here startup
runs on the first invocation, its ``state`` dict is shared (shallow-copied) into every
request's ``scope["state"]``, and shutdown runs when the interpreter exits.

Modes: "auto" — an app that raises or returns before answering ``lifespan.startup`` does not
support lifespan and runs without it (an INFO log line, as uvicorn does); "on" — that is an error; "off" —
never sent. An explicit ``lifespan.startup.failed`` is an error in both "auto" and "on".
"""

from __future__ import annotations

import asyncio

from shoehorn.runtime.errors import LifespanFailed


def _log():
    import logging  # lazily, as in handler.py

    return logging.getLogger("shoehorn.runtime")

_HINT = (
    "fix the error in the app's startup (lifespan / on_startup handlers); with shoehorn.adapt() "
    'in your own handler, lifespan="off" runs the app without it'
)


def _failed(sent: str | None, raised: BaseException | None) -> str:
    """A failed startup's message: its first line names the failure (what the app raised, else what it
    sent), and the traceback the app sent as text (Starlette's) follows. One-line reports (dev --lambda's
    gateway line, an error's summary) show the first line; the log shows the whole message once."""
    sent = (sent or "").strip()
    if raised is None:
        return f"the ASGI app's lifespan startup failed: {sent or '(no message)'}"
    named = f"{type(raised).__name__}: {raised}" if str(raised) else type(raised).__name__
    below = f"\n{sent}" if sent and sent != str(raised) else ""  # an app that sent str(error) said no more
    return f"the ASGI app's lifespan startup failed: {named}{below}"


class Lifespan:
    """The lifespan conversation with one ASGI app on one event loop."""

    def __init__(self, app, loop, mode: str) -> None:
        self.app = app
        self.loop = loop
        self.mode = mode
        self.state: dict | None = None  # None: lifespan not (yet) running
        self.started = False
        self.failure: LifespanFailed | None = None
        self._task = None
        self._inbox: asyncio.Queue | None = None
        self._answers: asyncio.Queue | None = None

    def startup(self) -> None:
        """Run the app's startup once; later calls return at once, or raise its failure again in one line."""
        if self.started:
            if self.failure is not None:
                raise self._failed_before() from self.failure
            return
        self.started = True
        try:
            self.loop.run_until_complete(self._startup())
        except LifespanFailed as exc:
            self.failure = exc
            raise

    def _failed_before(self) -> LifespanFailed:
        """The remembered failure, for a later request: its first line only. The first raise carried the
        app's traceback, which the runtime client logged with that request; every later request's log
        holding it again (Lambda logs each request's error) buried the container's log under copies."""
        first = self.failure.message.partition("\n")[0]
        again = f"{first} (remembered from this container's first attempt, whose log holds its traceback)"
        return LifespanFailed(again, self.failure.hint)

    async def _startup(self) -> None:
        self._inbox = asyncio.Queue()
        self._answers = asyncio.Queue()
        state: dict = {}
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": state}
        self._task = self.loop.create_task(self._main(scope))
        await self._inbox.put({"type": "lifespan.startup"})
        answer = await self._answers.get()
        kind = answer["type"]
        if kind == "lifespan.startup.complete":
            self.state = state
            return
        if kind == "lifespan.startup.failed":
            raised = await self._raised_after_failing()
            raise LifespanFailed(_failed(answer.get("message"), raised), _HINT) from raised
        # the app raised or returned without answering: it does not support lifespan
        error = answer.get("error")
        if self.mode == "on":
            raise LifespanFailed(
                "the ASGI app does not support lifespan (lifespan=\"on\"): "
                + (f"{type(error).__name__}: {error}" if error else "it returned without answering"),
                _HINT,
            ) from error
        _log().info("ASGI 'lifespan' protocol appears unsupported, running without it: %r", error)

    async def _raised_after_failing(self) -> BaseException | None:
        """The exception the app raises once it has reported its failed startup (Starlette sends the
        traceback as text, then re-raises), kept as the failure's cause: its type, its line in the app
        and what it was raised from (a write the read-only code directory refused) stay readable.
        One turn of the loop only: an app that reports the failure and goes on waiting is not waited for."""
        await asyncio.sleep(0)
        while not self._answers.empty():
            answer = self._answers.get_nowait()
            if answer["type"] == "lifespan.unsupported" and answer.get("error") is not None:
                return answer["error"]
        return None

    async def _main(self, scope: dict) -> None:
        try:
            await self.app(scope, self._receive, self._send)
        except BaseException as exc:  # noqa: BLE001 — reported through the answers queue
            await self._answers.put({"type": "lifespan.unsupported", "error": exc})
            if not isinstance(exc, Exception):
                raise
        else:
            await self._answers.put({"type": "lifespan.unsupported", "error": None})

    async def _receive(self) -> dict:
        return await self._inbox.get()

    async def _send(self, message: dict) -> None:
        await self._answers.put(message)

    def shutdown(self) -> None:
        """Send lifespan.shutdown and wait for the app's answer (called at interpreter exit)."""
        if self.state is None or self._task is None or self._task.done():
            return
        self.loop.run_until_complete(self._shutdown())

    async def _shutdown(self) -> None:
        await self._inbox.put({"type": "lifespan.shutdown"})
        answer = await self._answers.get()
        if answer["type"] == "lifespan.shutdown.failed":
            _log().error("ASGI lifespan shutdown failed: %s", answer.get("message"))
        elif answer["type"] == "lifespan.unsupported" and answer.get("error") is not None:
            _log().error("ASGI lifespan shutdown raised", exc_info=answer["error"])
        self.state = None
