"""The last cold start comes from the REPORT lines' ``Init Duration`` in the moto log group."""

from __future__ import annotations

import time

from shoehorn.deploy.aws import Aws
from shoehorn.ops.status_init import ColdStart, last_cold_start

GROUP = "/aws/lambda/shop-dev"
NOW = int(time.time() * 1000)  # CloudWatch (and moto) reject events older than 14 days


def _put(aws: Aws, stream: str, *events: tuple[int, str]) -> None:
    aws.call("logs", "create_log_stream", logGroupName=GROUP, logStreamName=stream)
    aws.call("logs", "put_log_events", logGroupName=GROUP, logStreamName=stream,
             logEvents=[{"timestamp": stamp, "message": text} for stamp, text in events])


def _report(init: str = "") -> str:
    return "REPORT RequestId: 1\tDuration: 3.10 ms\tBilled Duration: 4 ms\tMemory Size: 512 MB" + init


def test_the_newest_cold_start_of_the_live_version_wins(aws_env: str) -> None:
    aws = Aws()
    assert last_cold_start(aws, GROUP, "2") is None  # no log group yet: nothing, not an error
    aws.call("logs", "create_log_group", logGroupName=GROUP)
    assert last_cold_start(aws, GROUP, "2") is None
    _put(aws, "2026/11/30/[1]aaaa", (NOW - 9000, _report("\tInit Duration: 301.50 ms")))
    assert last_cold_start(aws, GROUP, "2") == ColdStart(301.5, NOW - 9000, "1")  # the live version has none yet
    _put(aws, "2026/11/30/[2]bbbb", (NOW - 8000, "START RequestId: 2 Version: 2"),
         (NOW - 7000, _report("\tInit Duration: 120.25 ms")), (NOW - 6000, _report()),
         (NOW - 5000, "app says: Init Duration: 9 ms"))  # the app's own line is not a REPORT
    _put(aws, "2026/11/30/[2]cccc", (NOW - 4000, _report("\tInit Duration: 98.00 ms")))
    _put(aws, "2026/11/30/[1]dddd", (NOW - 3000, _report("\tInit Duration: 400.00 ms")))  # newer, other version
    assert last_cold_start(aws, GROUP, "2") == ColdStart(98.0, NOW - 4000, "2")


def test_cold_starts_older_than_a_day_are_not_shown(aws_env: str) -> None:
    aws = Aws()
    aws.call("logs", "create_log_group", logGroupName=GROUP)
    _put(aws, "2026/11/29/[1]aaaa", (NOW - 25 * 3600 * 1000, _report("\tInit Duration: 301.50 ms")))
    assert last_cold_start(aws, GROUP, "1") is None


def test_a_busy_function_is_asked_about_a_shorter_window(aws_env: str, monkeypatch) -> None:
    # More cold starts in the day than status reads at once: the oldest pages alone would miss
    # the newest, so it asks again about the last hour.
    from shoehorn.ops import status_init

    monkeypatch.setattr(status_init, "LIMIT", 3)
    aws = Aws()
    aws.call("logs", "create_log_group", logGroupName=GROUP)
    two_hours_ago = NOW - 2 * 3600 * 1000
    _put(aws, "2026/11/30/[1]old", *[(two_hours_ago + n, _report(f"\tInit Duration: {300 + n}.00 ms")) for n in range(5)])
    _put(aws, "2026/11/30/[1]new", (NOW - 1000, _report("\tInit Duration: 50.00 ms")))
    calls = []
    real = status_init.read_all
    monkeypatch.setattr(status_init, "read_all", lambda *args: calls.append(args[1]) or real(*args))
    assert last_cold_start(aws, GROUP, "1", now_ms=NOW) == ColdStart(50.0, NOW - 1000, "1")
    assert calls == [NOW - 24 * 3600 * 1000, NOW - 3600 * 1000]
