"""`dev --lambda` end to end: real uvicorn front, real awslambdaric containers, real bundles."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from shoehorn.local.emulator import Platform, platform_mismatch, unzip
from tests.local.bundles import app_bundle, handler_bundle
from tests.local.servers import start_emulator

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEPENDENCIES = {"flask_app": ["flask"], "fastapi_app": ["fastapi", "python-multipart"]}
PROBES = {"flask_app": ("/api/notes", "count"), "fastapi_app": ("/items", None)}

SLOW_FUNCTION = '''
import json, os, time

def handler(event, context):
    path = event["path"]
    if path == "/sleep":
        with open(os.environ["PID_FILE"], "w") as pids:
            pids.write(str(os.getpid()))
        time.sleep(float(event["queryStringParameters"]["s"]))
    if path == "/big":
        return {"statusCode": 200, "body": "x" * (7 * 1024 * 1024)}
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"pid": os.getpid(), "source_ip": event["requestContext"]["identity"]["sourceIp"]})}
'''


@pytest.fixture(scope="session")
def example_bundles(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bundles")
    return {name: app_bundle(root / name, EXAMPLES / name, distributions=deps) for name, deps in DEPENDENCIES.items()}


def _function(task_root: Path, libs: Path, **extra) -> dict:
    spec = {"name": "demo-dev", "task_root": str(task_root), "runtime_libs": str(libs), "timeout_s": 10, "memory_mb": 512}
    spec.update(extra)
    return spec


@pytest.mark.slow
@pytest.mark.parametrize("source", ["rest", "http", "url", "alb"])
@pytest.mark.parametrize("example", ["flask_app", "fastapi_app"])
def test_both_examples_answer_through_every_event_source(example, source, example_bundles, libs, tmp_path):
    server = start_emulator(tmp_path, _function(example_bundles[example], libs), source=source, concurrency=2)
    try:
        path, key = PROBES[example]
        response = httpx.get(server.url + path + "?q=", timeout=30)
        assert response.status_code == 200, server.output()
        body = response.json()
        assert (key in body) if key else isinstance(body, list) and body[0]["name"] == "hammer"
        missing = httpx.get(server.url + "/no/such/page", timeout=30)
        assert missing.status_code == 404
        for answer in (response, missing, httpx.get(httpx.URL(server.url).copy_with(path="/elsewhere"), timeout=30)):
            # one Date, and no "server: uvicorn" (API Gateway sends neither twice, nor that); the last is
            # the gateway's own 403 (outside the stage) or the app's 404
            assert len(answer.headers.get_list("date")) == 1 and answer.headers.get("server") != "uvicorn"
        if example == "fastapi_app":  # binary both ways survives the event encoding
            blob = httpx.get(server.url + "/blob?size=512", timeout=30)
            assert blob.content == bytes(i % 256 for i in range(512))
            upload = httpx.post(server.url + "/files", files={"file": ("b.bin", bytes(range(256)))}, timeout=30)
            assert upload.status_code == 200 and upload.json()["size"] == 256
    finally:
        assert server.stop() in (0, -2, 130)  # Ctrl-C: uvicorn re-raises SIGINT after a clean shutdown
    log = server.output()
    assert "Traceback" not in log
    assert "START RequestId: " in log and "Init Duration" in log and "Max Memory Used" in log


@pytest.mark.slow
def test_the_fastapi_lifespan_runs_once_per_container(example_bundles, libs, tmp_path):
    server = start_emulator(tmp_path, _function(example_bundles["fastapi_app"], libs), concurrency=1)
    try:
        answers = [httpx.get(server.url + "/lifespan", timeout=30).json() for _ in range(8)]
    finally:
        server.stop()
    assert [a["startups"] for a in answers] == [1] * 8
    assert [a["requests_served"] for a in answers] == list(range(1, 9))  # the same state, kept warm


@pytest.mark.slow
def test_a_bundle_missing_a_dependency_fails_at_container_init_with_the_import_error(libs, tmp_path):
    broken = app_bundle(tmp_path / "broken", EXAMPLES / "fastapi_app", distributions=[])  # fastapi not bundled
    server = start_emulator(tmp_path, _function(broken, libs))
    try:
        response = httpx.get(server.url + "/items", timeout=30)
    finally:
        server.stop()
    assert response.status_code == 502 and response.json() == {"message": "Internal server error"}
    log = server.output()
    assert "Runtime.ImportModuleError" in log
    assert "No module named 'fastapi'" in log


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory, libs):
    tmp = tmp_path_factory.mktemp("slow")
    root = handler_bundle(tmp / "bundle", SLOW_FUNCTION)
    pid_file = tmp / "pid"
    function = _function(root, libs, timeout_s=3, environment={"PID_FILE": str(pid_file)})
    server = start_emulator(tmp, function, concurrency=4)
    server.pid_file = pid_file
    yield server
    server.stop()


def test_the_source_ip_is_the_peer_never_the_clients_own_forwarding_header(slow_server):
    # API Gateway's sourceIp is who connected; uvicorn's proxy_headers let any local client name itself
    answer = httpx.get(slow_server.url + "/", headers={"X-Forwarded-For": "1.2.3.4", "X-Forwarded-Proto": "https"})
    assert answer.json()["source_ip"] == "127.0.0.1"


@pytest.mark.slow
def test_twenty_concurrent_slow_requests_start_several_containers_never_more_than_the_limit(slow_server):
    def call(_):
        return httpx.get(slow_server.url + "/sleep?s=1.5", timeout=30).status_code

    with ThreadPoolExecutor(20) as threads:
        statuses = list(threads.map(call, range(20)))
    assert set(statuses) <= {200, 500}  # REST answers a throttled Lambda 500 (gateway/rest.py)
    assert 2 <= statuses.count(200) and statuses.count(500) >= 20 - 4 * 2
    pids = {httpx.get(slow_server.url + "/", timeout=30).json()["pid"] for _ in range(6)}
    log = slow_server.output()
    assert 2 <= log.count("Init Duration:") <= 4  # REPORT lines (access lines say it without a colon)
    assert len(pids) <= 4
    assert "throttled: all 4 containers are busy" in log


@pytest.mark.slow
def test_the_function_timeout_and_an_oversize_response_give_the_gateways_error(slow_server):
    timed_out = httpx.get(slow_server.url + "/sleep?s=10", timeout=30)
    assert timed_out.status_code == 502 and timed_out.json() == {"message": "Internal server error"}
    too_big = httpx.get(slow_server.url + "/big", timeout=30)
    assert too_big.status_code == 502
    log = slow_server.output()
    assert "Task timed out after 3.00 seconds" in log
    # as Lambda writes the line: its time and request id first (`logs` then places it under its request)
    assert re.search(r"\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 3.00 seconds", log), log
    assert "Function.ResponseSizeTooLarge" in log


@pytest.mark.slow
def test_killing_a_container_mid_request_gives_502_and_a_new_container_serves_next(slow_server):
    slow_server.pid_file.unlink(missing_ok=True)
    result = {}
    request = threading.Thread(target=lambda: result.update(r=httpx.get(slow_server.url + "/sleep?s=20", timeout=30)))
    request.start()
    deadline = time.monotonic() + 10
    while not slow_server.pid_file.exists() or not slow_server.pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    victim = int(slow_server.pid_file.read_text())
    os.kill(victim, signal.SIGKILL)
    request.join(30)
    assert result["r"].status_code == 502
    assert "exited mid-request" in slow_server.output()
    after = [httpx.get(slow_server.url + "/", timeout=30).json()["pid"] for _ in range(3)]
    assert victim not in after


def test_a_bundle_for_another_python_or_architecture_is_refused_with_the_reason():
    from shoehorn.config import Config

    config = Config(directory=Path("/app"), name="demo", stage="dev", app="app:app", runtime="python3.12", architecture="arm64")
    here = Platform("python3.11", "x86_64")
    reason = platform_mismatch(config, here)
    assert "python3.12" in reason and "arm64" in reason
    assert platform_mismatch(Config(directory=Path("/app"), name="demo", stage="dev", app="app:app"), here) is None


def test_bundles_are_unzipped_once_per_content_hash(tmp_path):
    import zipfile

    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("shoehorn_handler.py", "handler = None\n")
    first = unzip(archive, tmp_path / "cache", "ab" * 32)
    (first / "marker").write_text("kept")
    assert unzip(archive, tmp_path / "cache", "ab" * 32) == first
    assert (first / "marker").exists() and (first / "shoehorn_handler.py").exists()


SESSION = """
import sys, time
from pathlib import Path
from shoehorn.local.emulator import unzip

unzip(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
print("unzipped", flush=True)
time.sleep(60)  # a session serving from it, until the test stops it
"""


def test_a_session_never_prunes_a_bundle_another_live_session_runs_from(tmp_path):
    import subprocess
    import sys
    import zipfile

    from shoehorn.local.emulator import prune

    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("shoehorn_handler.py", "handler = None\n")
    cache = tmp_path / "cache"
    ours = unzip(archive, cache, "cd" * 32)  # this session's bundle
    other = subprocess.Popen([sys.executable, "-c", SESSION, str(archive), str(cache), "ab" * 32],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline() == "unzipped\n"
        theirs = cache / "lambda" / ("ab" * 8)
        prune(cache, keep={ours})  # what a new session does at start
        assert theirs.is_dir() and ours.is_dir()
    finally:
        other.kill()
        other.wait(10)
    prune(cache, keep={ours})  # that session is gone: so is what only it used
    assert not theirs.exists() and ours.is_dir()
    assert [p.name for p in (cache / "lambda" / ".in-use").iterdir()] == [f"{ours.name}.{os.getpid()}"]


@pytest.mark.slow
def test_a_container_that_cannot_start_is_the_gateways_502_with_one_line_not_a_traceback(libs, tmp_path):
    import shutil

    root = handler_bundle(tmp_path / "bundle", SLOW_FUNCTION)
    server = start_emulator(tmp_path, _function(root, libs))
    try:
        shutil.rmtree(root)  # deleted under the session (by another session's prune, say)
        response = httpx.get(server.url + "/", timeout=30)
        assert response.status_code == 502 and response.json() == {"message": "Internal server error"}
        assert httpx.get(server.url + "/", timeout=30).status_code == 502  # and no container leaks a slot
    finally:
        server.stop()
    log = server.output()
    assert "Traceback" not in log and "ERROR" not in log
    assert log.count("no container could start: [Errno 2] No such file or directory") == 2, log


@pytest.mark.slow
def test_ctrl_c_with_a_request_running_stops_quietly_and_the_client_gets_the_gateways_502(libs, tmp_path):
    root = handler_bundle(tmp_path / "bundle", SLOW_FUNCTION)
    pid_file = tmp_path / "pid"
    server = start_emulator(tmp_path, _function(root, libs, timeout_s=30, environment={"PID_FILE": str(pid_file)}),
                            new_session=True)
    result = {}
    request = threading.Thread(target=lambda: result.update(r=httpx.get(server.url + "/sleep?s=25", timeout=30)))
    try:
        request.start()
        deadline = time.monotonic() + 20
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.02)
        container = int(pid_file.read_text())
        os.killpg(server.process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals its whole process group
        assert server.process.wait(20) in (0, -2, 130)
        request.join(20)
    finally:
        server.stop()
    assert result["r"].status_code == 502 and result["r"].json() == {"message": "Internal server error"}
    log = server.output()
    assert "Traceback" not in log and "ERROR" not in log and "Runtime exited" not in log, log
    assert "GET /dev/sleep: shoehorn is stopping and the function was still running → 502" in log
    with pytest.raises(ProcessLookupError):  # the container was stopped with the session
        os.kill(container, 0)
