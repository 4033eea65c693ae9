"""``shoehorn logs``: lines written to the moto log group come back grouped by request, in order;
``--follow`` (a real subprocess) picks up lines written while it runs, once each, until Ctrl-C.

(Named test_logs_command.py: tests/local/test_logs.py already owns the module name test_logs.)
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit
except ImportError:
    import opskit

GROUP = "/aws/lambda/logapp-dev"
A = "aaaaaaaa-1111-4111-8111-000000000001"
B = "bbbbbbbb-2222-4222-8222-000000000002"
C = "cccccccc-3333-4333-8333-000000000003"


def put(aws: Aws, stream: str, lines: list[tuple[int, str]]) -> None:
    try:
        aws.call("logs", "create_log_stream", expect=("ResourceAlreadyExistsException",), logGroupName=GROUP,
                 logStreamName=stream)
    except Exception:  # noqa: BLE001 - the stream exists already
        pass
    aws.call("logs", "put_log_events", logGroupName=GROUP, logStreamName=stream,
             logEvents=[{"timestamp": ts, "message": message} for ts, message in lines])


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("logs") / "app", "logapp")
        opskit.up(directory)
        # CloudWatch (and moto) drop events older than 14 days: stamp them just before now.
        t0 = int(time.time() * 1000) - 120_000
        aws = Aws()
        put(aws, "2026/01/01/[1]aaaa", [
            (t0, "INIT_START Runtime Version: python:3.11.v40"),
            (t0 + 10, f"START RequestId: {A} Version: 1"),
            (t0 + 20, "handling GET /"),
            (t0 + 30, f"END RequestId: {A}"),
            (t0 + 31, f"REPORT RequestId: {A}\tDuration: 2.1 ms"),
        ])
        put(aws, "2026/01/01/[1]bbbb", [
            (t0 + 15, f"START RequestId: {B} Version: 1"),
            (t0 + 25, f"[ERROR] RuntimeError: boom\rTraceback (most recent call last):\r"
                      f'  File "/var/task/app.py", line 9, in app\r    raise RuntimeError("boom")\r'),
            (t0 + 40, f"END RequestId: {B}"),
            (t0 + 41, f"REPORT RequestId: {B}\tDuration: 3.0 ms"),
        ])
        yield directory


def test_logs_are_grouped_by_request_in_order_with_tracebacks_whole(app_dir: Path) -> None:
    code, out, err = opskit.run("logs", "--since", "1h", "-C", str(app_dir))
    assert code == 0, err
    lines = out.splitlines()
    headers = [line for line in lines if line.startswith("──")]
    assert len(headers) == 3
    assert "outside any request" in headers[0] and A in headers[1] and B in headers[2]
    assert "failed" in headers[2] and "failed" not in headers[1]
    a_block = out[out.index(A):out.index(B)]
    assert "handling GET /" in a_block and "boom" not in a_block  # B's line, interleaved in time, stays in B
    b_block = out[out.index(headers[2]):]
    trace = ["[ERROR] RuntimeError: boom", "Traceback (most recent call last):",
             'File "/var/task/app.py", line 9, in app', 'raise RuntimeError("boom")']
    positions = [b_block.index(part) for part in trace]
    assert positions == sorted(positions)  # the traceback reads top to bottom, in one block
    assert b_block.index(trace[-1]) < b_block.index(f"END RequestId: {B}")


def test_filter_and_since(app_dir: Path) -> None:
    code, out, _ = opskit.run("logs", "--since", "1h", "--filter", "boom", "-C", str(app_dir))
    assert code == 0
    assert "boom" in out and "handling GET /" not in out
    # a plain line whose START the filter leaves out is not said to be outside any request (it is in A)
    code, out, _ = opskit.run("logs", "--since", "1h", "--filter", "handling", "-C", str(app_dir))
    assert code == 0 and "handling GET /" in out
    assert "outside any request" not in out and "request not known" in out
    code, out, err = opskit.run("logs", "--since", "1m", "-C", str(app_dir))  # all lines are ~2 minutes old
    assert code == 0 and out == "" and "no log lines" in err
    code, _, err = opskit.run("logs", "--since", "yesterday", "-C", str(app_dir))
    assert code == 2 and "--since" in err


def test_follow_picks_up_new_lines_once_each_until_ctrl_c(app_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "shoehorn", "logs", "--follow", "--since", "1h", "-C", str(app_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )
    seen: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [seen.put(line) for line in process.stdout], daemon=True).start()
    collected: list[str] = []

    def wait_for(text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in collected):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                pytest.fail(f"{text!r} not printed; got {collected!r}; stderr {process.stderr.read() if process.poll() is not None else ''}")
            try:
                collected.append(seen.get(timeout=min(remaining, 1)))
            except queue.Empty:
                pass

    try:
        wait_for("handling GET /")  # the history first
        now = int(time.time() * 1000)
        put(Aws(), "2026/01/01/[1]cccc", [(now, f"START RequestId: {C} Version: 1"), (now + 1, "a brand new line"),
                                          (now + 2, f"REPORT RequestId: {C}\tDuration: 1 ms")])
        wait_for(f"REPORT RequestId: {C}")
        time.sleep(2.5)  # at least one more poll: nothing may be printed twice
        while not seen.empty():
            collected.append(seen.get())
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
    assert code == 0  # Ctrl-C is how --follow ends, not an error
    assert sum("a brand new line" in line for line in collected) == 1
    assert sum("handling GET /" in line for line in collected) == 1
    new_line = next(line for line in collected if "a brand new line" in line)
    assert C[:8] in new_line  # tagged with its request


def test_follow_ended_by_sigterm_exits_143_as_documented(app_dir: Path) -> None:
    # QA day 2, bug 13b: SIGTERM ended --follow with 0, where README documents 143 (Ctrl-C, above, ends it with 0)
    process = subprocess.Popen(
        [sys.executable, "-m", "shoehorn", "logs", "--follow", "--since", "1h", "-C", str(app_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )
    seen: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [seen.put(line) for line in process.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        while "handling GET /" not in seen.get(timeout=max(deadline - time.monotonic(), 0.1)):
            pass  # the history is printed: the follow loop runs
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    assert code == 143
    assert "interrupted (SIGTERM)" in process.stderr.read()


def test_limit_shows_the_newest_requests_whole_and_says_so(app_dir: Path) -> None:
    # --limit counts requests (init output between them as one), the newest, as tail would: a
    # traceback, one event of many lines, comes whole (the follow test above may have added C)
    code, everything, err = opskit.run("logs", "--since", "1h", "--limit", "0", "-C", str(app_dir))
    assert code == 0 and "INIT_START" in everything and "boom" in everything and "showing" not in err  # 0: all
    blocks = everything.split("── ")[1:]
    code, out, err = opskit.run("logs", "--since", "1h", "--limit", "2", "-C", str(app_dir))
    assert code == 0, err
    assert out.split("── ")[1:] == blocks[-2:]
    assert "INIT_START" not in out
    assert "showing the newest 2 requests; older ones since 1h: raise --limit (0 for all)" in err
    if f"START RequestId: {B}" in out:  # B among the newest two: its traceback whole
        assert 'raise RuntimeError("boom")' in out and f"END RequestId: {B}" in out
    code, out, err = opskit.run("logs", "--since", "1h", "--limit", "1", "-C", str(app_dir))
    assert out.split("── ")[1:] == blocks[-1:] and "showing the newest 1 request;" in err
    code, out, err = opskit.run("logs", "--since", "1h", "--limit", str(len(blocks)), "-C", str(app_dir))
    assert code == 0 and out == everything and "showing" not in err  # exactly all of them
