"""Reading and following log pages: every page read, no duplicates, late arrivals not lost.

The page reader here is a fake CloudWatch we own (a list of events, some becoming visible
later, served in pages of two with tokens); the moto-backed path is tested in tests/cli/test_logs.py.
"""

from __future__ import annotations

import pytest

from shoehorn.ops.logs import LogQuery, follow, read_all, read_newest


class FakeCloudWatch:
    def __init__(self) -> None:
        self.events: list[dict] = []
        self.calls: list[tuple[int, str | None]] = []

    def put(self, event_id: str, ts: int, message: str) -> None:
        self.events.append({"eventId": event_id, "timestamp": ts, "logStreamName": "s", "message": message})

    def read_page(self, start_ms: int, token: str | None) -> tuple[list[dict], str | None]:
        self.calls.append((start_ms, token))
        matching = sorted((e for e in self.events if e["timestamp"] >= start_ms), key=lambda e: e["timestamp"])
        offset = int(token or 0)
        page = matching[offset : offset + 2]
        more = offset + 2 < len(matching)
        return page, (str(offset + 2) if more else None)


def test_read_all_follows_every_token() -> None:
    cw = FakeCloudWatch()
    for n in range(5):
        cw.put(str(n), 1000 + n, f"line {n}")
    events = read_all(cw.read_page, 1000)
    assert [e.message for e in events] == [f"line {n}" for n in range(5)]
    assert [token for _, token in cw.calls] == [None, "2", "4"]


def test_read_all_stops_reading_pages_past_the_limit() -> None:
    cw = FakeCloudWatch()
    for n in range(9):
        cw.put(str(n), 1000 + n, f"line {n}")
    events = read_all(cw.read_page, 1000, limit=3)
    assert [e.message for e in events] == [f"line {n}" for n in range(4)]  # limit + 1: "there are more"
    assert [token for _, token in cw.calls] == [None, "2"]  # pages 3-5 never read
    assert len(read_all(cw.read_page, 1000, limit=9)) == 9  # exactly the limit: nothing says more


def test_follow_yields_new_events_once_and_picks_up_late_arrivals() -> None:
    cw = FakeCloudWatch()
    cw.put("a", 10_000, "first")
    cw.put("b", 10_500, "second")
    batches: list[list[str]] = []
    polls = iter(range(4))

    def sleep(_: float) -> None:
        step = next(polls)
        if step == 0:
            cw.put("c", 11_000, "third")
            cw.put("late", 9_800, "late arrival, older timestamp")  # ingested after 'b' was shown
        if step == 1:
            cw.put("d", 11_000, "same millisecond as third")

    stream = follow(cw.read_page, 9_000, sleep=sleep, poll_seconds=0, overlap_ms=5_000, keep_going=lambda: len(batches) < 4)
    for batch in stream:
        batches.append([e.message for e in batch])
    assert batches == [
        ["first", "second"],
        ["late arrival, older timestamp", "third"],
        ["same millisecond as third"],
        [],
    ]


def test_follow_window_never_reaches_before_since() -> None:
    cw = FakeCloudWatch()
    cw.put("old", 100, "before --since")
    cw.put("new", 5_000, "after")
    batches = []
    for batch in follow(cw.read_page, 4_000, sleep=lambda _: None, overlap_ms=60_000, keep_going=lambda: len(batches) < 2):
        batches.append([e.message for e in batch])
    assert batches == [["after"], []]
    assert all(start >= 4_000 for start, _ in cw.calls)


def test_query_params() -> None:
    query = LogQuery("/aws/lambda/app-dev", 123, "ERROR")
    assert query.params(456, "tok") == {
        "logGroupName": "/aws/lambda/app-dev", "startTime": 456, "interleaved": True,
        "filterPattern": "ERROR", "nextToken": "tok",
    }  # fmt: skip
    assert "filterPattern" not in LogQuery("/g", 1).params(1, None)


def test_a_filter_pattern_cloudwatch_refuses_is_a_usage_error_that_says_how_patterns_read() -> None:
    # it was exit 5 ("AWS refused a deploy action") with a hint about `shoehorn plan`
    from shoehorn.deploy.aws import AwsError
    from shoehorn.errors import ConfigError
    from shoehorn.ops.logs import LogQuery, page_reader

    class Refusing:
        def call(self, service, operation, expect=(), **params):
            assert "InvalidParameterException" in expect and params["filterPattern"] == '"unterminated'
            raise AwsError("logs", operation, "InvalidParameterException", "Invalid filter pattern", 400)

    read = page_reader(Refusing(), LogQuery("/aws/lambda/shop-dev", 0, '"unterminated'))
    with pytest.raises(ConfigError) as refused:
        read(0, None)
    assert refused.value.exit_code == 2
    assert "'\"unterminated'" in refused.value.message and "Invalid filter pattern" in refused.value.message
    assert "?word" in refused.value.hint


def test_read_newest_gives_the_last_requests_whole_reading_back_only_as_far_as_needed() -> None:
    # like tail: a traceback is one event of many lines, and --limit counts requests, not events
    cw = FakeCloudWatch()
    now = 10_000_000
    for n in range(6):  # a request every 10 minutes, the last one a minute ago
        at = now - 60_000 - (5 - n) * 600_000
        cw.put(f"{n}s", at, f"START RequestId: r{n} Version: 1")
        cw.put(f"{n}e", at + 1, "[ERROR] boom\rTraceback (most recent call last):\r  File x")
        cw.put(f"{n}r", at + 2, f"REPORT RequestId: r{n}\tDuration: 1 ms")
    shown, more = read_newest(cw.read_page, 0, 2, now_ms=now)
    assert [i.request_id for i in shown] == ["r4", "r5"] and more
    assert min(start for start, _ in cw.calls) == now - 64 * 60_000  # 1, 4, 16, 64 minutes back: not all since 0
    everything, more = read_newest(cw.read_page, 0, 10, now_ms=now)
    assert [i.request_id for i in everything] == [f"r{n}" for n in range(6)] and not more
