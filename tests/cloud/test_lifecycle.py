"""``cloud.json`` that parses but is not what ``serve`` writes (QA day 2, bug 12): no/stale state with a
message, never "internal error", and never a signal to a pid the cloud did not answer with."""

from __future__ import annotations

import contextlib
import io
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from shoehorn.cli import main
from shoehorn.cloud import lifecycle

SHAPES = ["{}", "[]", '{"url": 5, "pid": "x"}', '{"url": "http://127.0.0.1:9", "pid": "x"}', "null", '"cloud"',
          '{"url": "http://127.0.0.1:9", "pid": -3}', "not json"]


@pytest.fixture
def state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    directory = tmp_path / "shoehorn"
    directory.mkdir()
    return directory


@pytest.fixture
def signals(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every os.kill lifecycle makes, recorded, none sent (signal 0 is only a liveness probe: answered)."""
    sent: list[tuple[int, int]] = []

    def kill(pid: int, signum: int) -> None:
        if signum != 0:
            sent.append((pid, signum))

    monkeypatch.setattr(lifecycle.os, "kill", kill)
    return sent


@contextlib.contextmanager
def answering(body: object):
    """A server on 127.0.0.1 that answers GET /_shoehorn/cloud with ``body`` as JSON."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text", SHAPES)
def test_a_state_file_of_the_wrong_shape_is_no_cloud(state, signals, text) -> None:
    (state / "cloud.json").write_text(text + "\n")
    assert lifecycle.find() is None
    assert "cloud.json" in lifecycle.unusable_state()
    assert lifecycle.stop() is None
    assert not (state / "cloud.json").exists() and signals == []


@pytest.mark.parametrize("text", SHAPES)
def test_cloud_status_and_stop_say_the_state_file_is_unusable_and_stop_removes_it(state, signals, text) -> None:
    (state / "cloud.json").write_text(text + "\n")
    code, _, err = _run("cloud", "status")
    assert code == 6 and "internal error" not in err, err
    assert "cloud.json" in err and "cloud stop" in err  # what is wrong and how to recover
    code, out, err = _run("cloud", "stop")
    assert code == 0 and "internal error" not in err, err
    assert "cloud.json" in out and "removed the file" in out and "cloud.log" in out
    assert not (state / "cloud.json").exists() and signals == []
    code, _, err = _run("cloud", "status")
    assert code == 6 and "no local cloud is running (state directory" in err  # plain "none" from now on


@pytest.mark.parametrize(("recorded_pid", "answered"), [
    (True, {"pid": True}),  # JSON true is no pid: it would have been os.kill(True, SIGTERM), i.e. pid 1
    (4242, {"pid": 4243}),  # another process on that port
    (4242, [4242]),  # not the cloud's status document
])
def test_stop_signals_only_the_pid_the_cloud_answers_with(state, signals, recorded_pid, answered) -> None:
    with answering(answered) as url:
        (state / "cloud.json").write_text(json.dumps({"url": url, "pid": recorded_pid}))
        assert lifecycle.find() is None
        assert lifecycle.stop(timeout=0.1) is None
    assert signals == []


def test_a_url_off_this_machine_is_not_asked_for_a_pid(state, signals) -> None:
    # the pid answer is the only proof stop acts on: it must come from the loopback cloud serve.py writes
    with answering({"pid": 4242}) as url:
        (state / "cloud.json").write_text(json.dumps({"url": url.replace("127.0.0.1", "localhost"), "pid": 4242}))
        assert lifecycle.find() is None
        assert "loopback URL" in lifecycle.unusable_state()


def test_the_cloud_that_answers_with_its_pid_is_found_and_stopped(state, signals, monkeypatch) -> None:
    """The guarantee the checks above keep: a proven cloud is still found and signalled."""
    monkeypatch.setattr(lifecycle, "_alive", lambda pid: False)  # it exits at once on SIGTERM
    with answering({"pid": 4242, "uptime_s": 1}) as url:
        (state / "cloud.json").write_text(json.dumps({"url": url, "pid": 4242, "port": 1, "started": 0}))
        assert lifecycle.find().pid == 4242
        assert lifecycle.stop().pid == 4242
    assert signals == [(4242, signal.SIGTERM)] and not (state / "cloud.json").exists()
