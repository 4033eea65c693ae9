"""Grouping Lambda log events by request: platform lines, bare prints, tracebacks, init lines."""

from __future__ import annotations

from shoehorn.ops.loglines import LogEvent, group, is_error, named_request, text_of, to_lines

A = "8f5e2b1c-1111-4a4a-9b9b-000000000001"
B = "8f5e2b1c-2222-4a4a-9b9b-000000000002"


def ev(n: int, ts: int, message: str, stream: str = "s1") -> LogEvent:
    return LogEvent(event_id=str(n), timestamp=ts, stream=stream, message=message)


def test_lines_between_start_and_report_belong_to_the_request_even_bare_prints() -> None:
    events = [
        ev(1, 100, "INIT_START Runtime Version: python:3.11.v30\n"),
        ev(2, 101, "cold import print\n"),
        ev(3, 110, f"START RequestId: {A} Version: 3\n"),
        ev(4, 111, "hello from the app\n"),
        ev(5, 112, f"END RequestId: {A}\n"),
        ev(6, 113, f"REPORT RequestId: {A}\tDuration: 2.00 ms\n"),
        ev(7, 120, "stray line after the request\n"),
    ]
    groups = group(events)
    assert [g.request_id for g in groups] == [None, A, None]
    assert [line.text for line in groups[1].lines] == [
        f"START RequestId: {A} Version: 3",
        "hello from the app",
        f"END RequestId: {A}",
        f"REPORT RequestId: {A}\tDuration: 2.00 ms",
    ]
    assert [line.text for line in groups[0].lines] == ["INIT_START Runtime Version: python:3.11.v30", "cold import print"]
    assert [line.text for line in groups[2].lines] == ["stray line after the request"]


def test_interleaved_streams_are_grouped_and_ordered_newest_last() -> None:
    events = [
        ev(1, 200, f"START RequestId: {B} Version: 1", stream="s2"),
        ev(2, 100, f"START RequestId: {A} Version: 1", stream="s1"),
        ev(3, 250, "b says hi", stream="s2"),
        ev(4, 150, "a says hi", stream="s1"),
        ev(5, 300, f"REPORT RequestId: {A}\tDuration: 1 ms", stream="s1"),
        ev(6, 310, f"REPORT RequestId: {B}\tDuration: 1 ms", stream="s2"),
    ]
    groups = group(events)
    assert [g.request_id for g in groups] == [A, B]
    assert [line.text for line in groups[0].lines][1] == "a says hi"
    assert [line.text for line in groups[1].lines][1] == "b says hi"


def test_runtime_log_lines_name_their_request() -> None:
    line = f"[ERROR]\t2024-05-01T12:00:00.000Z\t{A}\tboom\n"
    assert named_request(line) == A
    assert named_request('{"level":"INFO","requestId":"%s","message":"x"}' % A) == A
    assert named_request('{"type":"platform.start","record":{"requestId":"%s"}}' % B) == B
    assert named_request("just text RequestId: nope") is None


def test_traceback_in_one_event_is_kept_whole_and_flagged() -> None:
    message = (
        f"[ERROR] ZeroDivisionError: division by zero\rTraceback (most recent call last):\r"
        f'  File "/var/task/app.py", line 3, in handler\r    1 / 0\r'
    )
    text = text_of(message)
    assert text.splitlines() == [
        "[ERROR] ZeroDivisionError: division by zero",
        "Traceback (most recent call last):",
        '  File "/var/task/app.py", line 3, in handler',
        "    1 / 0",
    ]
    events = [ev(1, 1, f"START RequestId: {A}"), ev(2, 2, message), ev(3, 3, f"REPORT RequestId: {A}")]
    (only,) = group(events)
    assert only.failed and only.lines[1].is_error and not only.lines[0].is_error


def test_error_markers() -> None:
    assert is_error("2024-05-01T12:00:00Z abc Task timed out after 3.00 seconds")
    assert is_error(f"REPORT RequestId: {A}\tDuration: 3000 ms\tStatus: timeout")
    assert is_error('{"level":"ERROR","message":"x"}')
    assert not is_error("[INFO]\tall good")
    assert not is_error("an error page was rendered fine")  # the word alone is not a failure


def test_follow_batches_keep_attributing_bare_lines() -> None:
    current: dict[str, str | None] = {}
    first = to_lines([ev(1, 1, f"START RequestId: {A}")], current)
    second = to_lines([ev(2, 2, "later bare line"), ev(3, 3, f"REPORT RequestId: {A}")], current)
    third = to_lines([ev(4, 4, "after")], current)
    assert first[0][1].request_id == A
    assert [line.request_id for _, line in second] == [A, A]
    assert third[0][1].request_id is None


def test_traceback_printed_line_by_line_is_flagged_as_one_error_block() -> None:
    lines = [
        f"START RequestId: {A}",
        "Traceback (most recent call last):",
        '  File "/var/task/app.py", line 3, in view',
        "    1 / 0",
        "",
        "During handling of the above exception, another exception occurred:",
        "Traceback (most recent call last):",
        '  File "/var/task/app.py", line 5, in view',
        "ZeroDivisionError: division by zero",
        "back to normal output",
        f"REPORT RequestId: {A}",
    ]
    result = to_lines([ev(n, n, text) for n, text in enumerate(lines)])
    flags = [line.is_error for _, line in result]
    assert flags == [False, True, True, True, True, True, True, True, True, False, False]


def test_traceback_state_is_per_stream_and_survives_batches() -> None:
    state: dict[str, bool] = {}
    first = to_lines([ev(1, 1, "Traceback (most recent call last):", "s1"), ev(2, 2, "  File x", "s2")], tracebacks=state)
    second = to_lines([ev(3, 3, "  File y", "s1"), ev(4, 4, "KeyError: 'k'", "s1"), ev(5, 5, "fine", "s1")],
                      tracebacks=state)
    assert [line.is_error for _, line in first] == [True, False]  # s2 is not inside s1's traceback
    assert [line.is_error for _, line in second] == [True, True, False]


def test_lambdas_timeout_line_names_its_request() -> None:
    # written by the local containers as Lambda writes it; without the id, `logs --filter timed` could not place it
    rid = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert named_request(f"2026-12-01T04:00:00.123Z {rid} Task timed out after 3.00 seconds") == rid
    assert named_request("Task timed out after 3.00 seconds") is None


def _invocation(*middle: str) -> LogEvent:
    events = [ev(1, 1, f"START RequestId: {A} Version: 1"), *(ev(n + 2, n + 2, text) for n, text in enumerate(middle))]
    (only,) = group([*events, ev(99, 99, f"END RequestId: {A}"), ev(100, 100, f"REPORT RequestId: {A}\tDuration: 2 ms")])
    return only


def test_failed_means_the_invocation_failed_not_that_it_logged_an_error() -> None:
    # QA day 2, bug 13c: a request that logged an ERROR line (or a handled traceback) and answered 200 was "failed"
    logged = _invocation(f"[ERROR]\t2024-05-01T12:00:00.000Z\t{A}\tpayment provider slow, retried\n",
                         "Traceback (most recent call last):", '  File "/var/task/app.py", line 3, in view',
                         "TimeoutError: retried", "answered 200")
    assert not logged.failed
    assert logged.lines[1].is_error and logged.lines[2].is_error  # still shown in red

    # the shoehorn runtime answered 500 for an app that raised (runtime/handler.py), as the Python runtime logs it
    raised = f"[ERROR]\t2024-05-01T12:00:00.000Z\t{A}\tthe app raised while handling request {A}\rTraceback (most "
    assert _invocation(raised + "recent call last):\r  File \"/var/task/app.py\"\r").failed
    assert _invocation("[ERROR] RuntimeError: boom\rTraceback (most recent call last):\r").failed  # Lambda's report
    assert _invocation(f"2024-05-01T12:00:03.000Z {A} Task timed out after 3.00 seconds").failed
    assert _invocation('{"errorMessage": "x", "errorType": "Runtime.ExitError"}').failed
    assert _invocation(f"REPORT RequestId: {A}\tDuration: 3000 ms\tStatus: timeout").failed
    assert _invocation(f"[ERROR]\t2024-05-01T12:00:00.000Z\t{A}\trequest {A}: the 7000000-byte response (as JSON, "
                       "base64 included) exceeds the 6291556-byte AWS Lambda payload limit; answering 502 instead.").failed
