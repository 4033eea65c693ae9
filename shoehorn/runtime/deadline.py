"""Say where a request is stuck before Lambda's timeout ends it.

Lambda ends a request that reaches the function's timeout by stopping the environment, and its
log says only "Task timed out after 30.00 seconds": nothing of the app. The usual cause is a
database or service that cannot be reached (a private RDS from a function outside its VPC, a
wrong host), whose connect waits as long as TCP does, longer than any Lambda timeout. So a
watchdog thread logs every thread's stack (the standard library's faulthandler), as one record,
when a request is still running a second before its end: the innermost frames name the call the
app waits in.

A request writes its context into the watchdog when it begins and None when it ends, and that
is all it does: the watchdog thread looks every TICK_S by itself and asks the running request's
context how long is left, so no request waits on it or wakes it. (A deadline worked out in the
request cost 1 us of the adapter's 14; one armed with the clock and an event, 0.5 us.) Lambda
freezes the environment between requests, so the ticks cost nothing there.
"""

from __future__ import annotations

import time

from shoehorn.runtime.log import log, request_id

MARGIN_S = 1.0  # before Lambda's end of the request: time to write the stacks
TICK_S = 0.5  # how often the watchdog looks: it reports between MARGIN_S and MARGIN_S + TICK_S before the end
SHORTEST_S = MARGIN_S + TICK_S  # a request given less is not watched: nothing could be said in time
SAID = "is still running"  # what the record says (build's check finds the stacks after it: bundle/check.py)


class Watchdog:
    """One per process (Lambda runs one request at a time in an environment)."""

    def __init__(self) -> None:
        self.context = None  # the running request's (None between requests): all a request writes
        self._thread = None

    def arm(self, context) -> None:
        self.context = context
        if self._thread is None and context is not None:  # (priming at init passes none)
            import threading  # on the first request, not at the container's import

            self._thread = threading.Thread(target=self._watch, name="shoehorn-deadline", daemon=True)
            self._thread.start()

    def disarm(self) -> None:
        self.context = None

    def _watch(self) -> None:
        spare = None  # the running request, seen with more than SHORTEST_S left: it is watched
        reported = None
        while True:
            time.sleep(TICK_S)
            context = self.context
            if context is None or context is reported:
                continue
            left = _seconds_left(context)
            if left is None:
                continue
            if left > SHORTEST_S:
                spare = context
            elif context is spare and self.context is context:  # the same request, a second from its end
                self._report(context, left)
                reported = context

    @staticmethod
    def _report(context, left: float) -> None:
        import faulthandler
        import tempfile

        with tempfile.TemporaryFile() as out:  # faulthandler writes to a file; the log takes one record
            faulthandler.dump_traceback(out, all_threads=True)
            out.seek(0)
            dumped = out.read().decode("utf-8", "replace").strip().split("\n\n")
        # the watchdog's own stack (faulthandler's "Current thread") says nothing of the app
        stacks = "\n\n".join(block for block in dumped if not block.startswith("Current thread"))
        log().error(
            "request %s " + SAID + " %.1f s before the function's timeout ends it (API Gateway "
            "answers 504 at 29 s). Where each thread is now, innermost call first; an app waiting to connect to "
            "a database or service that cannot be reached waits longer than any Lambda timeout: check the "
            "host, the function's network (a private database needs the function in its VPC), and give the "
            "client a connect timeout (PostgreSQL: connect_timeout=5 in the URL or OPTIONS)\n%s",
            request_id({}, context), left, stacks)


def _seconds_left(context) -> float | None:
    """What ``context`` says is left of its request, in seconds; None when it cannot say."""
    try:  # a context of the caller's making (none, shoehorn.testing's, a test's stand-in) may answer anything
        return float(context.get_remaining_time_in_millis()) / 1000
    except Exception:  # noqa: BLE001 — nothing to watch for it; the request goes on as ever
        return None


_WATCHDOG = Watchdog()
arm = _WATCHDOG.arm
disarm = _WATCHDOG.disarm
