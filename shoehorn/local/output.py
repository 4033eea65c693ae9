"""A container's output: its stdout/stderr lines and its runtime's log frames, in the order written.

Lambda hands the runtime a pipe for its log records (``_LAMBDA_TELEMETRY_LOG_FD``): awslambdaric
writes each ``logging`` record there as one frame (a 4-byte type, a 4-byte length, an 8-byte
timestamp, big-endian, then the message: its FramedTelemetryLogSink), so a traceback is one log
event; prints go to stdout, a line each. Without that pipe the client writes records to stdout,
where a traceback's last line has no newline and waits for the next output.

A thread per pipe passes what arrives to the sink. At the end of an invocation the invoking
thread ``drain()``s both pipes under the same lock: everything the function wrote before it
answered is in the pipes by then, so its lines come before END and REPORT, as on Lambda; a last
line without its newline is passed on as a line of its own then (Lambda ends the log event there).
"""

from __future__ import annotations

import os
import select
import threading
from typing import Callable

_FRAME_HEAD = 16


class Output:
    """Reads ``stdout_fd`` (lines) and ``frames_fd`` (log frames) into ``sink(text)``; owns both fds."""

    def __init__(self, stdout_fd: int, frames_fd: int, sink: Callable[[str], None], name: str) -> None:
        self._sink = sink
        self._lock = threading.Lock()
        self._pipes = {stdout_fd: bytearray(), frames_fd: bytearray()}
        self._frames_fd = frames_fd
        self._threads = []
        # what drain() asks, in one call: which pipes hold something (reading an empty one raises,
        # which costs more than the rest of a drain that finds nothing)
        self._waiting = select.poll()
        for fd in self._pipes:
            self._waiting.register(fd, select.POLLIN)
            os.set_blocking(fd, False)
            thread = threading.Thread(target=self._pump, args=(fd,), name=f"{name}-{'log' if fd == frames_fd else 'out'}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def drain(self) -> None:
        """Pass on everything written so far (call it once the function has answered)."""
        with self._lock:
            for fd, _ in self._waiting.poll(0):
                if fd in self._pipes:
                    self._take(fd, close=False)
            # A print(..., end="") of this invocation: on Lambda it is its own log event before END;
            # left in the buffer it would be glued to the next invocation's first line, under its id.
            for fd, buffer in self._pipes.items():
                if fd != self._frames_fd and buffer:
                    self._pass(buffer.decode("utf-8", "replace").rstrip("\r"))
                    buffer.clear()

    def join(self, timeout: float) -> None:
        """Wait for both pipes to close (the process has exited) and their last output."""
        for thread in self._threads:
            thread.join(timeout)

    def _pump(self, fd: int) -> None:
        while fd in self._pipes:
            select.select([fd], [], [])  # readable: data, or the end of the pipe
            with self._lock:
                self._take(fd, close=True)

    def _pass(self, text: str) -> None:
        try:
            self._sink(text)
        except Exception:  # noqa: BLE001 - the pipes must be read on, or the container blocks once one fills
            pass

    def _take(self, fd: int, close: bool) -> None:
        """Read what ``fd`` holds now; pass on complete lines or frames. Caller holds the lock. Only
        the pipe's own thread closes it (``close``): a thread waiting on a closed fd could wait forever."""
        buffer = self._pipes[fd]
        ended = False
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                data = b""
            if not data:
                ended = True
                break
            buffer += data
        if fd == self._frames_fd:
            while len(buffer) >= _FRAME_HEAD and len(buffer) >= _FRAME_HEAD + (size := int.from_bytes(buffer[4:8], "big")):
                self._pass(buffer[_FRAME_HEAD:_FRAME_HEAD + size].decode("utf-8", "replace").rstrip("\n"))
                del buffer[:_FRAME_HEAD + size]
        else:
            while (end := buffer.find(b"\n")) >= 0:
                self._pass(buffer[:end].decode("utf-8", "replace").rstrip("\r"))
                del buffer[:end + 1]
        if ended:
            if buffer and fd != self._frames_fd:  # a last line without its newline
                self._pass(buffer.decode("utf-8", "replace").rstrip("\r"))
            buffer.clear()
            if close:
                del self._pipes[fd]
                self._waiting.unregister(fd)
                os.close(fd)
