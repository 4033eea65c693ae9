"""CloudWatch log events of a Lambda function -> invocations, grouped by request id.

Lambda writes ``START RequestId: <id>``, then the function's own lines, then ``END`` and
``REPORT RequestId: <id>`` into one log stream per execution environment, and one
environment runs one request at a time (AWS "Lambda execution environment lifecycle").
So within a stream, every line between START and REPORT belongs to that request even when
it does not name it (a bare ``print``). Lines outside any request (INIT_START, import-time
prints) form their own group.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_PLATFORM_LINE = re.compile(r"^(?:START|END|REPORT) RequestId:\s*([0-9A-Za-z-]+)")
# The Python runtime's text format: "[LEVEL]\t<timestamp>\t<request id>\t<message>".
_RUNTIME_LINE = re.compile(r"^\[(\w+)\]\t[^\t]*\t([0-9A-Fa-f-]{36})\t")
# Lambda's own line when the function runs out of time: "<time>Z <request id> Task timed out after 3.00 seconds".
_TIMEOUT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT[\d:.]+Z ([0-9A-Fa-f-]{36}) Task timed out after")
# Lambda's own words for an invocation that failed: an error report as JSON, a timeout, a runtime
# exit, a REPORT/INIT_REPORT with an error status.
_LAMBDA_FAILED = (
    re.compile(r'"errorType"\s*:'),
    re.compile(r"Task timed out after"),
    re.compile(r"Runtime\.[A-Za-z]+(Error|Exit)"),
    re.compile(r"\bStatus:\s*(error|timeout)\b"),
)
_ERROR_MARKERS = (
    re.compile(r"^\[(ERROR|CRITICAL)\]"),
    re.compile(r"Traceback \(most recent call last\)"),
    re.compile(r'"level"\s*:\s*"(ERROR|CRITICAL)"'),
    *_LAMBDA_FAILED,
)
# Lines that say the invocation itself failed, not merely that something was logged at ERROR: Lambda's
# report of an unhandled error ("[ERROR] Type: message", a space where a logged line has a tab; or as
# JSON), its timeout and runtime-exit lines, a REPORT/INIT_REPORT with an error status, and the
# shoehorn runtime's own lines for a request it answered with a 500 or 502 (runtime/handler.py, payload.py).
_FAILURE_MARKERS = (
    re.compile(r"^\[(ERROR|CRITICAL)\] [A-Za-z_][\w.]*: "),
    *_LAMBDA_FAILED,
    re.compile(r"the app raised while handling request|the app's answer to request \S+ cannot be sent|"
               r"shoehorn bug while handling request|; answering 502 instead"),
)


@dataclass(frozen=True)
class LogEvent:
    """One CloudWatch log event as ``filter_log_events`` returns it."""

    event_id: str
    timestamp: int  # epoch milliseconds
    stream: str
    message: str

    @classmethod
    def from_aws(cls, raw: dict) -> LogEvent:
        return cls(
            event_id=str(raw.get("eventId", "")),
            timestamp=int(raw.get("timestamp", 0)),
            stream=str(raw.get("logStreamName", "")),
            message=str(raw.get("message", "")),
        )


@dataclass(frozen=True)
class LogLine:
    timestamp: int  # epoch milliseconds
    text: str  # whole, multi-line for tracebacks
    is_error: bool
    request_id: str | None


@dataclass(frozen=True)
class LoggedInvocation:
    """The lines of one request (or of an init phase when ``request_id`` is None)."""

    request_id: str | None
    stream: str
    lines: tuple[LogLine, ...]

    @property
    def failed(self) -> bool:
        """The invocation failed (a 500/502 answer, a timeout, a crash, an error report), not merely
        logged an ERROR line or a handled traceback on its way to a 200 (those lines are red, though)."""
        return any(is_failure(line.text) for line in self.lines)

    @property
    def started(self) -> int:
        return self.lines[0].timestamp


def text_of(message: str) -> str:
    """The message as it should read: the Python runtime writes a traceback's newlines as
    ``\\r`` so that it stays ONE log event (aws-lambda-python-runtime-interface-client,
    bootstrap.py); turn them back into newlines and drop the trailing one."""
    return message.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


def is_error(text: str) -> bool:
    return any(marker.search(text) for marker in _ERROR_MARKERS)


def is_failure(text: str) -> bool:
    """Whether the line says its invocation failed (see ``_FAILURE_MARKERS``)."""
    return any(marker.search(text) for marker in _FAILURE_MARKERS)


def named_request(message: str) -> str | None:
    """The request id a line names itself, if any (platform lines, runtime log lines, JSON logs)."""
    match = _PLATFORM_LINE.match(message)
    if match:
        return match.group(1)
    match = _RUNTIME_LINE.match(message)
    if match:
        return match.group(2)
    match = _TIMEOUT_LINE.match(message)
    if match:
        return match.group(1)
    if message.startswith("{"):
        try:
            record = json.loads(message)
        except ValueError:
            return None
        if isinstance(record, dict):
            inner = record.get("record") if isinstance(record.get("record"), dict) else {}
            found = record.get("requestId") or inner.get("requestId")
            return str(found) if found else None
    return None


def _ends_request(message: str) -> bool:
    return message.startswith("REPORT RequestId:") or '"type":"platform.report"' in message.replace(" ", "")


def order(events: list[LogEvent]) -> list[LogEvent]:
    """Oldest first; events with the same millisecond keep the order AWS returned them in."""
    return sorted(events, key=lambda event: event.timestamp)


_TRACEBACK_START = "Traceback (most recent call last):"
_TRACEBACK_BODY = ("  ", "During handling of the above exception", "The above exception was the direct cause")


def _traceback_state(text: str, inside: bool) -> tuple[bool, bool]:
    """``(line is part of a traceback, still inside one after it)`` for a one-line event.

    ``traceback.print_exc()`` writes line by line, so CloudWatch gets one event per line:
    keep flagging them as one error until the final ``SomeError: message`` line."""
    if not inside:
        starts = text.rstrip().endswith(_TRACEBACK_START) and "\n" not in text
        return starts, starts
    if not text.strip() or text.startswith(_TRACEBACK_BODY) or text.startswith(_TRACEBACK_START):
        return True, True
    return True, False  # "ValueError: ..." closes it


def to_lines(
    events: list[LogEvent], current: dict[str, str | None] | None = None, tracebacks: dict[str, bool] | None = None
) -> list[tuple[str, LogLine]]:
    """Each event (oldest first) as ``(stream, LogLine)`` with the request it belongs to.

    ``current`` (stream -> request id in progress) and ``tracebacks`` (stream -> inside a
    multi-event traceback) are updated in place, so a caller that reads events in batches
    (``logs --follow``) keeps attributing and flagging lines correctly.
    """
    current = {} if current is None else current
    tracebacks = {} if tracebacks is None else tracebacks
    result: list[tuple[str, LogLine]] = []
    for event in order(events):
        named = named_request(event.message)
        if event.message.startswith("START RequestId:") and named:
            current[event.stream] = named
        request_id = named or current.get(event.stream)
        text = text_of(event.message)
        in_traceback, tracebacks[event.stream] = _traceback_state(text, tracebacks.get(event.stream, False))
        result.append((event.stream, LogLine(event.timestamp, text, in_traceback or is_error(text), request_id)))
        if _ends_request(event.message):
            current[event.stream] = None
            tracebacks[event.stream] = False
    return result


def group(events: list[LogEvent]) -> tuple[LoggedInvocation, ...]:
    """Group by request id; invocations ordered by their first line, newest last."""
    buckets: dict[tuple[str, str | None, int], list[LogLine]] = {}
    streams: dict[tuple[str, str | None, int], str] = {}
    init_segment: dict[str, int] = {}
    previous_request: dict[str, str | None] = {}
    for stream, line in to_lines(events):
        if line.request_id is None:
            # A new run of request-less lines after a request starts a new init group.
            if previous_request.get(stream) is not None:
                init_segment[stream] = init_segment.get(stream, 0) + 1
            key = (stream, None, init_segment.get(stream, 0))
        else:
            key = ("", line.request_id, 0)
        previous_request[stream] = line.request_id
        buckets.setdefault(key, []).append(line)
        streams.setdefault(key, stream)
    invocations = [LoggedInvocation(key[1], streams[key], tuple(lines)) for key, lines in buckets.items()]
    return tuple(sorted(invocations, key=lambda invocation: invocation.started))
