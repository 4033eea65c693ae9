"""Say where a request is stuck before Lambda's timeout ends it.

Lambda ends a request that reaches the function's timeout by stopping the environment, and its
log says only "Task timed out after 30.00 seconds": nothing of the app. The usual cause is a
database or service that cannot be reached (a private RDS from a function outside its VPC, a
wrong host), whose connect waits as long as TCP does, longer than any Lambda timeout. So a
watchdog thread logs every thread's stack (the standard library's faulthandler), as one record,
when a request is still running a second before its end: the innermost frames name the call the
app waits in.

Arming is three attribute writes per request: the watchdog thread, not the request, asks the
context how long is left, sleeps until a second before the end, and asks again of whichever
request runs then (the same one, or a later one with its own end). It is woken only after it
found no request running. (Computing the deadline in the request cost 1 us of the adapter's 14.)
"""

from __future__ import annotations

from time import monotonic

from shoehorn.runtime.log import log, request_id

MARGIN_S = 1.0  # before Lambda's end of the request: time to write the stacks
SHORTEST_S = 2.0  # a request given less than this is not watched: nothing could be said in time


class Watchdog:
    """One per process (Lambda runs one request at a time in an environment)."""

    def __init__(self) -> None:
        self._context = None  # the latest request's (its time left, its id); its event is not kept alive
        self._started = 0.0  # monotonic() when it began
        self._running = False  # it has not ended
        self._idle = False  # the watchdog waits for a request: arm() must wake it
        self._wake = None  # threading.Event, made with the thread (threading is imported on the first request)
        self._thread = None

    def arm(self, context) -> None:
        if context is None:  # priming at init, a bare call: no deadline
            return
        self._context = context
        self._started = monotonic()
        self._running = True
        if self._idle:
            self._wake.set()
        elif self._thread is None:
            import threading

            self._wake = threading.Event()
            self._thread = threading.Thread(target=self._watch, name="shoehorn-deadline", daemon=True)
            self._thread.start()

    def disarm(self) -> None:
        self._running = False

    def _watch(self) -> None:
        done = None  # the context last reported, or not watched (too short a request, no time to tell)
        while True:
            self._idle = True  # before reading: an arm() after the read sees it and wakes us
            context, started = self._context, self._started
            if not self._running or context is done:
                self._wake.wait()
                self._wake.clear()
                continue
            self._idle = False
            left = _seconds_left(context)
            if left is None or monotonic() - started + left < SHORTEST_S:
                done = context
            elif left > MARGIN_S:
                self._wake.wait(left - MARGIN_S)
                self._wake.clear()
            elif self._running and self._context is context:  # the same request, a second from its end
                self._report(context, monotonic() - started)
                done = context
            # (else it ended, or another began: the loop looks again)

    @staticmethod
    def _report(context, ran: float) -> None:
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
            request_id({}, context), ran, MARGIN_S, stacks)


def _seconds_left(context) -> float | None:
    """What ``context`` says is left of its request, in seconds; None when it cannot say."""
    try:  # a context of the caller's making (none, shoehorn.testing's, a test's stand-in) may answer anything
        return float(context.get_remaining_time_in_millis()) / 1000
    except Exception:  # noqa: BLE001 — nothing to watch for it; the request goes on as ever
        return None


_WATCHDOG = Watchdog()
arm = _WATCHDOG.arm
disarm = _WATCHDOG.disarm
