"""Lambda-shaped log lines: START / END / REPORT per invocation, function output tagged.

Lambda writes these three platform lines around every invocation
(https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html); printing the same
shape locally lets developers read local logs exactly as they will read CloudWatch.
Core code never prints: lines go to the Progress sink as ``Info`` events.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

from shoehorn.progress import Info, Progress

VERSION = "$LATEST"
# dev --lambda's read-only guard (readonly.py) raises Lambda's own error, so a traceback through it ends in
# frames of shoehorn's: how such a frame is written in a traceback's line
GUARD_FRAME = os.path.join("shoehorn", "local", "readonly.py") + '", line'


def read_only_hint(said: str) -> str:
    """What a write the guard refused means, and what to change, as `build` says it for the same write;
    ``said`` is the error as logged, whose refused path picks the fix (FastHTML's .sesskey has its own)."""
    from shoehorn.bundle.check import read_only_fix

    refused = re.search(r"Read-only file system: '([^']+)'", said)
    return ("hint: the app wrote into its code directory, which is read-only on Lambda (/var/task); "
            "dev --lambda refuses such writes the same way (the traceback's last frames, in "
            "shoehorn/local/readonly.py, are that emulation; the app's frame above them made the write). "
            + read_only_fix(refused.group(1) if refused else ""))


@dataclass(frozen=True, slots=True)
class Report:
    """What Lambda's REPORT line says about one invocation."""

    request_id: str
    duration_ms: float
    memory_size_mb: int
    max_memory_used_mb: int
    init_duration_ms: float | None = None  # only on a cold start

    @property
    def billed_ms(self) -> int:
        # Lambda bills per started millisecond since Dec 2020.
        return max(1, math.ceil(self.duration_ms))


def start_line(request_id: str) -> str:
    return f"START RequestId: {request_id} Version: {VERSION}"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}"


def report_line(report: Report) -> str:
    line = (
        f"REPORT RequestId: {report.request_id}\tDuration: {report.duration_ms:.2f} ms\t"
        f"Billed Duration: {report.billed_ms} ms\tMemory Size: {report.memory_size_mb} MB\t"
        f"Max Memory Used: {report.max_memory_used_mb} MB"
    )
    if report.init_duration_ms is not None:
        line += f"\tInit Duration: {report.init_duration_ms:.2f} ms"
    return line


def output_line(request_id: str | None, text: str) -> str:
    """A line the function printed, tagged with the request it belongs to ("INIT" before any)."""
    return f"{request_id or 'INIT'}\t{text}"


def access_line(method: str, path: str, status: int, duration_ms: float) -> str:
    return f"{method} {path} {status} {duration_ms:.1f} ms"


class LambdaLog:
    """Emits the platform lines and the function's own output to a Progress sink.

    ``stream`` names the container's log stream (CloudWatch keeps one per container, see
    shoehorn/cloud/cloudwatch.py); on a terminal every container writes to the one output."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._hinted: set[str] = set()
        # the guard refused a write since the last REPORT: an app that catches the error and answers 500
        # itself (Bottle, Flask, Django do) fails no invocation, so only its logged traceback shows it
        self._refused = ""  # the logged text that shows the refusal

    def start(self, request_id: str, *, stream: str = "") -> None:
        self._progress(Info(start_line(request_id)))

    def finish(self, report: Report, *, stream: str = "") -> None:
        self._progress(Info(end_line(report.request_id)))
        self._progress(Info(report_line(report)))
        if self._refused:
            self.hint(read_only_hint(self._refused))
            self._refused = ""

    def output(self, request_id: str | None, text: str, *, stream: str = "") -> None:
        # A multi-line record (a traceback) is one event for CloudWatch; on a terminal each of its lines
        # gets its own (a "\r" that the runtime client joins them with would overwrite the line).
        if GUARD_FRAME in text and not self._refused:
            self._refused = text
        for part in text.replace("\r", "\n").split("\n"):
            if part:
                self._progress(Info(output_line(request_id, part)))

    def access(self, method: str, path: str, status: int, duration_ms: float, cold: bool | None,
               init_ms: float | None = None) -> None:
        """One line per request, as a web server logs it; ``cold`` is None when no container ran it,
        ``init_ms`` the cold start's Init Duration (as its REPORT line says) when known."""
        start = "" if cold is None else (" (cold start)" if cold else " (warm)")
        if cold and init_ms is not None:
            start = f" (cold start, Init Duration {init_ms:.0f} ms)"
        self._progress(Info(access_line(method, path, status, duration_ms) + start))

    def gateway(self, text: str) -> None:
        """A line from the emulated API Gateway (why a 502/504/429 was returned)."""
        self._progress(Info(f"GATEWAY\t{text}"))

    def hint(self, text: str) -> None:
        """What to change, after a failure whose cause shoehorn recognises (said once, not per request)."""
        if text not in self._hinted:
            self._hinted.add(text)
            self._progress(Info(text))
