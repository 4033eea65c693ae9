"""A request still running a second before the function's timeout logs where it waits."""

from __future__ import annotations

import logging
import re
import time

from shoehorn.runtime import deadline
from shoehorn.runtime.handler import adapt
from shoehorn.testing import LambdaContext


def wait_for_the_database(seconds: float) -> None:  # named so that the stack shows it
    time.sleep(seconds)


def app_taking(seconds: float):
    def app(environ, start_response):
        wait_for_the_database(seconds)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def test_a_request_about_to_time_out_logs_the_call_it_waits_in(rest_event, caplog) -> None:
    # an unreachable PostgreSQL: the log said only "Task timed out after 30.00 seconds", naming nothing
    caplog.set_level(logging.ERROR, logger="shoehorn.runtime")
    context = LambdaContext(timeout_seconds=deadline.SHORTEST_S + 2 * deadline.TICK_S, aws_request_id="req-stuck")
    # (past the report, a second before the timeout; here the app ends, where Lambda would stop it)
    assert adapt(app_taking(deadline.SHORTEST_S + 2 * deadline.TICK_S - deadline.MARGIN_S + 0.8))(
        rest_event("/"), context)["statusCode"] == 200
    [record] = caplog.records
    said = record.getMessage()
    assert re.search(r"request req-stuck is still running 1\.\d s before the function's timeout", said) and "connect_timeout" in said
    assert "wait_for_the_database" in said and __file__ in said  # the frame the app waits in, and its file
    assert "Current thread" not in said and "in _watch" not in said  # not the watchdog's own


def test_requests_that_end_in_time_log_nothing(rest_event, caplog) -> None:
    caplog.set_level(logging.ERROR, logger="shoehorn.runtime")
    handler = adapt(app_taking(0.2))
    for _ in range(3):  # each ends long before the watchdog finds it a second from its end
        context = LambdaContext(timeout_seconds=deadline.SHORTEST_S + 2 * deadline.TICK_S)
        assert handler(rest_event("/"), context)["statusCode"] == 200
    time.sleep(deadline.SHORTEST_S + 3 * deadline.TICK_S)  # past the last end, with no request running
    assert caplog.records == []


def test_a_request_given_too_little_time_or_an_odd_context_is_not_watched(rest_event, caplog) -> None:
    caplog.set_level(logging.ERROR, logger="shoehorn.runtime")
    short = LambdaContext(timeout_seconds=deadline.SHORTEST_S - 0.1)  # never seen with time to spare: too soon to tell
    assert adapt(app_taking(deadline.SHORTEST_S - 0.2))(rest_event("/"), short)["statusCode"] == 200

    class Odd:
        aws_request_id = "odd"

        def get_remaining_time_in_millis(self):
            return None

    assert adapt(app_taking(0))(rest_event("/"), Odd())["statusCode"] == 200  # the handler never raises for it
    assert caplog.records == []
    watchdog = deadline.Watchdog()
    watchdog.arm(None)  # priming at init passes no context: nothing starts
    assert watchdog._thread is None
