"""Say where a request is stuck before Lambda's timeout ends it.

Lambda ends a request that reaches the function's timeout by stopping the environment, and its
log says only "Task timed out after 30.00 seconds": nothing of the app. The usual cause is a
database or service that cannot be reached (a private RDS from a function outside its VPC, a
wrong host), whose connect waits as long as TCP does, longer than any Lambda timeout. So each
request arms a deadline a second before the function's, and a watchdog thread that reaches it
while the request still runs logs every thread's stack (the standard library's faulthandler), as
one record: the innermost frames name the call the app waits in.

Arming costs a few attribute writes per request (under a microsecond): the watchdog sleeps until the latest
deadline it saw, ended or not (each request's is later than the one before, the function's
timeout being the same), then until the newer one; it is woken only after an idle spell. (Woken
by every request, it cost 3 us of handoffs between the threads.)
"""

from __future__ import annotations

import time

from shoehorn.runtime.log import log, request_id

MARGIN_S = 1.0  # before Lambda's end of the request: time to write the stacks
SHORTEST_S = 2.0  # a request with less time left than this is not watched: nothing could be said in time


class Watchdog:
    """One per process (Lambda runs one request at a time in an environment)."""

    def __init__(self) -> None:
        # time.monotonic() at which to report the latest request, kept when it ends: the watchdog sleeps
        # until then whether or not it still runs, so a stream of requests never wakes it early
        self._deadline: float | None = None
        self._running = False  # the request that set _deadline has not ended
        self._context = None  # that request's (its id); its event is not kept alive past it
        self._given = 0.0  # seconds it was given
        self._idle = False  # the watchdog sleeps until woken: arm() must wake it
        self._wake = None  # threading.Event, made with the thread (threading is imported on the first request)
        self._thread = None

    def arm(self, context) -> None:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        try:  # a context of the caller's making (shoehorn.testing, a test's stand-in) may answer anything
            seconds = remaining() / 1000
            if not seconds >= SHORTEST_S:
                return
        except Exception:  # noqa: BLE001 — no deadline to watch; the request goes on as ever
            return
        self._context, self._given = context, seconds
        self._deadline = time.monotonic() + seconds - MARGIN_S
        self._running = True  # after the deadline: the previous one is never taken for this request's
        if self._thread is None:
            import threading

            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._watch, name="shoehorn-deadline", daemon=True)
            self._thread.start()
        elif self._idle:
            self._wake.set()

    def disarm(self) -> None:
        self._running = False

    def _watch(self) -> None:
        handled = None  # the last deadline reached (reported, or its request had ended)
        while True:
            self._idle = True  # before reading the deadline: an arm() after the read sees it and wakes us
            deadline = self._deadline
            if deadline is None or deadline == handled:
                self._wake.wait()
                self._wake.clear()
                continue
            self._idle = False
            left = deadline - time.monotonic()
            if left > 0:
                self._wake.wait(left)
                self._wake.clear()
                continue
            if self._running and self._deadline == deadline:  # the same request, still running
                self._report(self._context, self._given)
            handled = deadline

    @staticmethod
    def _report(context, seconds: float) -> None:
        import faulthandler
        import tempfile

        with tempfile.TemporaryFile() as out:  # faulthandler writes to a file; the log takes one record
            faulthandler.dump_traceback(out, all_threads=True)
            out.seek(0)
            dumped = out.read().decode("utf-8", "replace").strip().split("\n\n")
        # the watchdog's own stack (faulthandler's "Current thread") says nothing of the app
        stacks = "\n\n".join(block for block in dumped if not block.startswith("Current thread"))
        log().error(
            "request %s is still running after %.1f s, %.0f s before the function's timeout ends it (API Gateway "
            "answers 504 at 29 s). Where each thread is now, innermost call first; an app waiting to connect to "
            "a database or service that cannot be reached waits longer than any Lambda timeout: check the "
            "host, the function's network (a private database needs the function in its VPC), and give the "
            "client a connect timeout (PostgreSQL: connect_timeout=5 in the URL or OPTIONS)\n%s",
            request_id({}, context), seconds - MARGIN_S, MARGIN_S, stacks)


_WATCHDOG = Watchdog()
arm = _WATCHDOG.arm
disarm = _WATCHDOG.disarm
