"""Lambda's log lines, written to CloudWatch Logs in the local cloud.

Each container (an execution environment) writes to its own stream in ``/aws/lambda/<function>``,
named as Lambda names streams (``YYYY/MM/DD/[version]<32 hex>``, the container's
AWS_LAMBDA_LOG_STREAM_NAME): two concurrent cold starts make two streams, as on AWS
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html). Lines are
batched by a writer thread so a request never waits on PutLogEvents. The lines of each
running invocation are also kept for Invoke's ``LogType=Tail`` (the last 4 KB).
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from dataclasses import dataclass

from shoehorn.deploy.aws import AwsError
from shoehorn.errors import ShoehornError
from shoehorn.local.logs import Report, end_line, report_line

TAIL_BYTES = 4096  # Invoke returns the last 4 KB of the log with LogType=Tail (Lambda API reference)
_FLUSH_EVERY_S = 0.2


@dataclass(frozen=True, slots=True)
class Line:
    region: str
    group: str
    stream: str
    timestamp_ms: int
    message: str


class LogWriter:
    """A thread that creates groups and streams as needed and puts the queued lines."""

    def __init__(self, control) -> None:
        self._control = control
        self._queue: queue.Queue[Line | None] = queue.Queue()
        self._streams: set[tuple[str, str, str]] = set()
        self._thread = threading.Thread(target=self._run, name="cloudwatch-writer", daemon=True)
        self._thread.start()

    def put(self, line: Line) -> None:
        self._queue.put(line)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        done = False
        while not done:
            batch: list[Line] = []
            try:
                first = self._queue.get(timeout=_FLUSH_EVERY_S)
            except queue.Empty:
                continue
            deadline = time.monotonic() + _FLUSH_EVERY_S
            item: Line | None = first
            while item is not None:
                batch.append(item)
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            done = item is None
            self._write(batch)

    def _write(self, batch: list[Line]) -> None:
        by_stream: dict[tuple[str, str, str], list[Line]] = {}
        for line in batch:
            by_stream.setdefault((line.region, line.group, line.stream), []).append(line)
        for (region, group, stream), lines in by_stream.items():
            try:
                if not self._ensure(region, group, stream):
                    continue  # the function is gone (`down`): its last lines go with it
                events = [{"timestamp": line.timestamp_ms, "message": line.message} for line in lines]
                self._control.call(region, "logs", "put_log_events", logGroupName=group, logStreamName=stream,
                                   logEvents=events)
            except ShoehornError:
                self._streams.discard((region, group, stream))  # deleted meanwhile (`down`): lines are dropped
            except Exception as error:  # noqa: BLE001 - one bad batch must not end the logging of every function
                print(f"LOGS\t{len(lines)} lines for {group} {stream} were dropped: {type(error).__name__}: {error}",
                      file=sys.stderr, flush=True)

    def _ensure(self, region: str, group: str, stream: str) -> bool:
        """Make the group and stream when missing; False when the function itself is gone."""
        if (region, group, stream) in self._streams:
            return True
        door = self._control.aws(region)
        groups = door.call("logs", "describe_log_groups", logGroupNamePrefix=group).get("logGroups", [])
        if not any(found.get("logGroupName") == group for found in groups):
            # Lambda creates the group itself when the deploy did not (its role may) — but only for a
            # function that exists: lines flushed after `down` deleted it must not bring the group back.
            try:
                door.call("lambda", "get_function", expect=("ResourceNotFoundException",),
                          FunctionName=group.removeprefix("/aws/lambda/"))
            except AwsError:
                return False
            door.call("logs", "create_log_group", logGroupName=group)
        try:
            door.call("logs", "create_log_stream", expect=("ResourceAlreadyExistsException",), logGroupName=group,
                      logStreamName=stream)
        except AwsError:
            pass
        self._streams.add((region, group, stream))
        return True


class CloudWatchLog:
    """The ``LambdaLog`` interface the pool calls (start/finish/output/gateway), for one version."""

    def __init__(self, writer: LogWriter, region: str, function: str, version: str) -> None:
        self._writer = writer
        self._region = region
        self.version = version
        self.group = f"/aws/lambda/{function}"
        self._running: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def _emit(self, request_id: str | None, message: str, stream: str) -> None:
        if request_id is not None:
            with self._lock:
                if request_id in self._running:
                    self._running[request_id].append(message)
        self._writer.put(Line(self._region, self.group, stream, int(time.time() * 1000), message))

    def start(self, request_id: str, *, stream: str) -> None:
        with self._lock:
            self._running[request_id] = []
        self._emit(request_id, f"START RequestId: {request_id} Version: {self.version}", stream)

    def finish(self, report: Report, *, stream: str) -> None:
        self._emit(report.request_id, end_line(report.request_id), stream)
        self._emit(report.request_id, report_line(report), stream)

    def output(self, request_id: str | None, text: str, *, stream: str) -> None:
        # A multi-line record (a traceback) stays one log event; a "\r" that awslambdaric joins its
        # lines with on stdout reads as a newline. CloudWatch refuses an empty message, and Lambda's end
        # with a newline anyway: an empty line (a bare print()) is kept as one.
        self._emit(request_id, text.replace("\r", "\n") or "\n", stream)

    def gateway(self, text: str) -> None:
        """Not a function line: the API Gateway data plane logs to the cloud's own log."""

    def tail(self, request_id: str) -> str:
        """The invocation's lines (last 4 KB), forgotten afterwards."""
        with self._lock:
            lines = self._running.pop(request_id, [])
        text = "".join(line + "\n" for line in lines).encode()
        return text[-TAIL_BYTES:].decode("utf-8", "replace")
