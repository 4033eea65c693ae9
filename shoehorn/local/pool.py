"""Lambda's concurrency model for the local containers.

One request at a time per container; an idle container is reused (warm); when all
are busy a new one starts (a cold start) up to the concurrency limit; past it the
invocation is throttled, as Lambda answers TooManyRequestsException
(https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

import anyio

from shoehorn.local.containers import INIT_LIMIT_S, Container, Crashed, Function, Outcome, TimedOut
from shoehorn.local.logs import LambdaLog, Report
from shoehorn.local.runtime_api import InitFailed, Invocation

DEFAULT_CONCURRENCY = 10
# Synchronous invocation payload quota (6 MB): a larger event never reaches a container;
# Lambda answers RequestEntityTooLargeException (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
MAX_EVENT_BYTES = 6_291_456


@dataclass(frozen=True, slots=True)
class Throttled:
    limit: int


@dataclass(frozen=True, slots=True)
class StartFailed:
    """No process could be started for the container (its bundle is gone, say): Lambda's service
    error, which API Gateway answers like a failed invoke."""

    reason: str


@dataclass(frozen=True, slots=True)
class PayloadTooLarge:
    size: int


@dataclass(frozen=True, slots=True)
class GaveUp:
    """The caller stopped waiting (``invoke_async``'s ``wait_s``); the function runs on."""

    seconds: float


@dataclass(frozen=True, slots=True)
class _Call:
    """An invocation under way in ``container`` (``began``: time.perf_counter(), for its REPORT)."""

    container: Container
    invocation: Invocation
    cold: bool
    began: float


@dataclass(frozen=True, slots=True)
class _Claim:
    """A slot taken for an invocation: the event as the runtime gets it, and an idle container (None:
    start one)."""

    payload: bytes
    container: Container | None


class Pool:
    def __init__(self, function: Function, log: LambdaLog, limit: int = DEFAULT_CONCURRENCY) -> None:
        self.function = function
        self.limit = limit
        self._log = log
        self._lock = threading.Lock()
        self._idle: list[Container] = []
        self._running = 0  # containers that exist or are starting, idle or busy
        self._numbers = itertools.count(1)
        self._all: list[Container] = []
        self.started = 0  # cold starts so far
        self._closed = False
        # Called after a container of replaced code stopped (its bundle may now be unused): the
        # reloader prunes then. A busy container's bundle outlives the reload that replaced it.
        self.on_retired: Callable[[], None] | None = None
        self._background: set[asyncio.Task] = set()  # invoke_async's invocations that outlive their caller

    @property
    def size(self) -> int:
        with self._lock:
            return self._running

    def task_roots(self) -> set[Path]:
        """The bundles in use: the current one and those of every container not yet stopped
        (busy with a request, idle or starting), whatever code they run."""
        with self._lock:
            return {self.function.task_root} | {container.function.task_root for container in self._all}

    def containers(self) -> list[Container]:
        with self._lock:
            return [c for c in self._all if c.alive]

    def _acquire(self) -> Container | Throttled | None:
        """An idle container, None when the caller should start one, or Throttled."""
        with self._lock:
            while self._idle:
                container = self._idle.pop()
                if container.alive:
                    return container
                self._forget(container)
            if self._running >= self.limit:
                return Throttled(self.limit)
            self._running += 1
            return None

    def _forget(self, container: Container) -> None:
        # caller holds the lock
        self._running -= 1
        if container in self._all:
            self._all.remove(container)

    def _release(self, container: Container) -> None:
        with self._lock:
            keep = container.alive and not self._closed and container.function is self.function
            if keep:
                self._idle.append(container)
            else:
                self._forget(container)
            replaced = container.function is not self.function
        if not keep:
            container.kill()
            if replaced and self.on_retired is not None:
                self.on_retired()

    def replace(self, function: Function) -> int:
        """New code, as a deploy does: containers started from now on run ``function``; idle
        ones stop now, busy ones finish their request and then stop. Returns how many stopped."""
        with self._lock:
            self.function = function
            stale, self._idle = self._idle, []
            for container in stale:
                self._forget(container)
        for container in stale:
            container.kill()
        return len(stale)

    def _start(self) -> Container | InitFailed | Crashed | TimedOut | StartFailed:
        try:
            container = Container(self.function, next(self._numbers), self._output)
        except OSError as error:
            with self._lock:
                self._running -= 1  # counted by _acquire, never started
            return StartFailed(str(error))
        with self._lock:
            self._all.append(container)
            self.started += 1
        failure = container.wait_ready()
        if container.over_init_limit:
            limit_ms = INIT_LIMIT_S * 1000
            self._log.output(None, f"INIT_REPORT Init Duration: {limit_ms:.2f} ms\tPhase: init\tStatus: timeout",
                             stream=container.stream)
            if isinstance(failure, TimedOut):  # the retry, within the function's timeout, timed out too
                self._log.output(None, f"Task timed out after {failure.seconds:.2f} seconds", stream=container.stream)
            else:
                self._log.output(None, f"[shoehorn] the init took {container.init_ms / 1000:.1f} s: Lambda stops it "
                                       f"at {INIT_LIMIT_S:g} s and runs it again inside the first request, within the "
                                       "function's timeout (so that request waits for both)", stream=container.stream)
        if failure is not None:
            container.kill()
            with self._lock:
                self._forget(container)
            return failure
        return container

    def _output(self, container: Container, line: str) -> None:
        self._log.output(container.request_id, line, stream=container.stream)

    def invoke(
        self, event: dict, *, client_context: str | None = None
    ) -> tuple[Outcome | Throttled | PayloadTooLarge | StartFailed, Report | None]:
        """Run ``event`` in a container, blocking this thread until it ends."""
        claimed = self._claim(event)
        if not isinstance(claimed, _Claim):
            return claimed, None
        container = claimed.container or self._start()
        if not isinstance(container, Container):
            return container, None
        call = self._begin(container, claimed.payload, client_context, cold=claimed.container is None)
        try:
            outcome = container.invoke(call.invocation)
        except BaseException:
            self._release_after(call)
            raise
        return self._ended(call, outcome)

    async def invoke_async(
        self, event: dict, *, client_context: str | None = None, wait_s: float | None = None
    ) -> tuple[Outcome | Throttled | PayloadTooLarge | StartFailed | GaveUp, Report | None]:
        """``invoke`` on the running asyncio loop (the gateway front's), where a warm invocation needs no
        thread and no task. The caller waits at most ``wait_s`` seconds (then: GaveUp); the function
        does not stop then, as a function on AWS outlives API Gateway's integration timeout: the
        invocation runs on to its end in a task of its own."""
        give_up = None if wait_s is None else time.monotonic() + wait_s
        claimed = self._claim(event)
        if not isinstance(claimed, _Claim):
            return claimed, None
        if claimed.container is None:  # a cold start takes a while, in a thread: all of it in a task of its own
            cold = self._in_background(self._start_and_invoke(claimed.payload, client_context))
            done, _ = await asyncio.wait((cold,), timeout=wait_s)
            return cold.result() if done else (GaveUp(wait_s), None)
        call = self._begin(claimed.container, claimed.payload, client_context, cold=False)
        answered = await self._finished(call, call.container.invoke_async(call.invocation, give_up))
        if answered is None:  # the caller's wait is over, the function's is not
            self._in_background(self._finished(call, call.container.finish_async(call.invocation)))
            return GaveUp(wait_s), None
        return answered

    async def _start_and_invoke(self, payload: bytes, client_context: str | None) -> tuple:
        container = await anyio.to_thread.run_sync(self._start, abandon_on_cancel=True)
        if not isinstance(container, Container):
            return container, None
        call = self._begin(container, payload, client_context, cold=True)
        return await self._finished(call, container.invoke_async(call.invocation))

    async def _finished(self, call: _Call, running: Awaitable[Outcome | None]) -> tuple[Outcome, Report] | None:
        """``running`` (the invocation) awaited: its outcome and report, the container back in the pool;
        None when the caller's wait ended first (the container is still busy with it)."""
        try:
            outcome = await running
        except BaseException:  # cancelled: shoehorn is stopping (its containers are stopped next)
            self._release_after(call)
            raise
        return None if outcome is None else self._ended(call, outcome)

    def _in_background(self, running: Awaitable) -> asyncio.Task:
        task = asyncio.ensure_future(running)
        self._background.add(task)  # held: asyncio keeps only a weak reference to a running task
        task.add_done_callback(self._background.discard)
        return task

    def _claim(self, event: dict) -> _Claim | Throttled | PayloadTooLarge:
        payload = json.dumps(event).encode()
        if len(payload) > MAX_EVENT_BYTES:
            return PayloadTooLarge(len(payload))
        got = self._acquire()
        if isinstance(got, Throttled):
            return got
        return _Claim(payload, got)

    def _begin(self, container: Container, payload: bytes, client_context: str | None, *, cold: bool) -> _Call:
        request_id = str(uuid.uuid4())
        invocation = Invocation(
            request_id=request_id,
            event=payload,
            deadline_ms=int((time.time() + self.function.timeout_s) * 1000),
            function_arn=self.function.arn,
            trace_id=f"Root=1-{int(time.time()):08x}-{os.urandom(12).hex()};Parent={os.urandom(8).hex()};Sampled=0",
            client_context=client_context,
        )
        self._log.start(request_id, stream=container.stream)
        return _Call(container, invocation, cold, time.perf_counter())

    def _release_after(self, call: _Call) -> Report:
        """The invocation is over (or abandoned by an exception): its REPORT, and the container free again."""
        container = call.container
        report = Report(
            request_id=call.invocation.request_id,
            duration_ms=(time.perf_counter() - call.began) * 1000,
            memory_size_mb=self.function.memory_mb,
            max_memory_used_mb=container.max_memory_mb(),
            init_duration_ms=container.init_ms if call.cold else None,
        )
        container.request_id = None
        self._release(container)
        return report

    def _ended(self, call: _Call, outcome: Outcome) -> tuple[Outcome, Report]:
        """The container back in the pool; the platform's lines for the invocation's end."""
        report = self._release_after(call)
        container, request_id = call.container, report.request_id
        if self._closed:
            return outcome, report  # the session stopped it (pool.close): no crash to report
        # Lambda writes these platform lines itself when the runtime cannot report the end.
        match outcome:
            case TimedOut(seconds=seconds):
                # as Lambda writes it: time and request id first (logs can then place it under its request)
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
                self._log.output(request_id, f"{stamp} {request_id} Task timed out after {seconds:.2f} seconds",
                                 stream=container.stream)
            case Crashed(exit_code=code):
                why = f"signal: {-code}" if code is not None and code < 0 else f"exit status {code}"
                self._log.output(request_id, f"RequestId: {request_id} Error: Runtime exited with error: {why}",
                                 stream=container.stream)
                self._log.output(request_id, "Runtime.ExitError", stream=container.stream)
        self._log.finish(report, stream=container.stream)
        return outcome, report

    def close(self) -> None:
        with self._lock:
            self._closed = True
            everyone = list(self._all)
            self._idle.clear()
        for container in everyone:
            container.kill()
