"""Two `dev --lambda` sessions on one app directory share its cache without tripping over each other."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shoehorn.local import runtime_libs
from shoehorn.local.staging import publish
from tests.local.servers import free_port

SHOEHORN = [sys.executable, "-m", "shoehorn"]
RACE = """
import sys
from pathlib import Path
from shoehorn.local import runtime_libs
sys.stdin.readline()  # released together
print(runtime_libs.ensure(Path(sys.argv[1])))
"""


def test_a_folder_completed_by_another_process_is_kept(tmp_path):
    target = tmp_path / "libs"

    def fill_and_lose_the_race(staging: Path) -> None:
        staging.mkdir()
        (staging / "mine").write_text("")
        target.mkdir()  # another process renames its complete copy into place meanwhile
        (target / ".complete").write_text("theirs\n")
        (target / "theirs").write_text("")

    assert publish(target, fill_and_lose_the_race, "mine") == target
    assert (target / "theirs").exists() and not (target / "mine").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["libs"]  # no staging folder left behind


def test_processes_copying_the_runtime_libraries_at_once_all_succeed(tmp_path):
    racers = [subprocess.Popen([sys.executable, "-c", RACE, str(tmp_path)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for racer in racers:
        racer.stdin.write("go\n")
        racer.stdin.flush()
    results = [racer.communicate(timeout=60) for racer in racers]
    assert [racer.returncode for racer in racers] == [0] * 4, [err for _, err in results]
    assert {out.strip() for out, _ in results} == {str(runtime_libs.ensure(tmp_path))}
    assert [p.name for p in (tmp_path / "runtime-libs").iterdir() if ".tmp" in p.name] == []


@pytest.mark.slow
def test_two_dev_lambda_sessions_started_at_once_on_one_directory_both_serve(tmp_path):
    app_dir = tmp_path / "twice"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'up']\n"
    )
    launched = []
    try:
        for name in ("one", "two"):  # both started before either is waited for
            port = free_port()
            command = [*SHOEHORN, "dev", "--lambda", "--no-reload", "-C", str(app_dir), "--port", str(port)]
            with (tmp_path / f"{name}.log").open("wb") as log:
                launched.append((subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path), port, name))
        for process, port, name in launched:
            assert _answer(process, f"http://127.0.0.1:{port}/dev/") == "up", (tmp_path / f"{name}.log").read_text()
    finally:
        for process, _, _ in launched:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(15)
    for _, _, name in launched:
        assert "Traceback" not in (tmp_path / f"{name}.log").read_text()


def _answer(process: subprocess.Popen, url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=30).text
        except httpx.TransportError:
            time.sleep(0.1)
    return f"exited with {process.returncode}"
