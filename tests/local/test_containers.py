from __future__ import annotations

import json
import os
import sys

from shoehorn.local.containers import Container, Crashed, TimedOut
from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Invocation, Succeeded

from tests.local.bundles import handler_bundle

PROBE = '''
import json, os, sys, time

def handler(event, context):
    action = event.get("action")
    if action == "sleep":
        time.sleep(event["seconds"])
    if action == "exit":
        os._exit(3)
    if action == "allocate":
        block = bytearray(event["mb"] * 1024 * 1024)
        return {"allocated": len(block)}
    try:
        import httpx  # installed for the developer, absent from the bundle
        reachable = True
    except ImportError:
        reachable = False
    return {
        "env": dict(os.environ),
        "path": sys.path,
        "cwd": os.getcwd(),
        "site_packages_reachable": reachable,
        "request_id": context.aws_request_id,
        "memory": context.memory_limit_in_mb,
        "remaining": context.get_remaining_time_in_millis(),
    }
'''


def _invocation(event: dict, request_id: str = "req-1") -> Invocation:
    import time

    return Invocation(
        request_id=request_id,
        event=json.dumps(event).encode(),
        deadline_ms=int((time.time() + 5) * 1000),
        function_arn="arn:aws:lambda:us-east-1:000000000000:function:demo-dev",
        trace_id="Root=1-abc;Sampled=0",
    )


def _start(function, lines=None) -> Container:
    container = Container(function, 1, lambda c, line: (lines if lines is not None else []).append(line))
    assert container.wait_ready() is None
    return container


def test_a_container_runs_the_bundle_with_lambdas_environment_and_nothing_else_on_sys_path(tmp_path, make_function):
    root = handler_bundle(tmp_path / "bundle", PROBE)
    function = make_function(root, environment={"GREETING": "hi"}, memory_mb=256)
    container = _start(function)
    try:
        outcome = container.invoke(_invocation({}))
    finally:
        container.kill()
    assert isinstance(outcome, Succeeded)
    seen = json.loads(outcome.payload)
    env = seen["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "demo-dev"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["LAMBDA_TASK_ROOT"] == str(root)
    assert env["LAMBDA_RUNTIME_DIR"] == str(function.runtime_libs)
    assert env["_HANDLER"] == "shoehorn_handler.handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["TZ"] == ":UTC"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/demo-dev"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["GREETING"] == "hi"
    assert "VIRTUAL_ENV" not in env
    if sys.prefix != sys.base_prefix:  # the tests' own virtualenv is not on the container's PATH
        assert os.path.join(sys.prefix, "bin") not in env["PATH"].split(os.pathsep)
    # Lambda's PYTHONPATH is its runtime directory; ours adds the read-only hook for Python subprocesses
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(function.runtime_libs)
    assert seen["path"][:2] == [str(root), str(function.runtime_libs)]
    assert not any("site-packages" in entry for entry in seen["path"])
    assert seen["site_packages_reachable"] is False
    assert seen["cwd"] == str(root)
    assert seen["request_id"] == "req-1"
    assert seen["memory"] == "256"
    assert 0 < seen["remaining"] <= 5000


def test_a_missing_dependency_fails_at_init_with_the_import_error(tmp_path, make_function):
    root = handler_bundle(tmp_path / "bundle", "import flask\n\ndef handler(event, context):\n    return {}\n")
    lines: list[str] = []
    container = Container(make_function(root), 1, lambda c, line: lines.append(line))
    failure = container.wait_ready()
    assert isinstance(failure, InitFailed)
    assert failure.error_type == "Runtime.ImportModuleError"
    assert "No module named 'flask'" in failure.message
    assert not container.alive


def test_the_function_timeout_kills_the_container(tmp_path, make_function):
    container = _start(make_function(handler_bundle(tmp_path / "b", PROBE), timeout_s=1))
    outcome = container.invoke(_invocation({"action": "sleep", "seconds": 30}))
    assert outcome == TimedOut(1)
    assert not container.alive


def test_a_process_that_dies_mid_request_is_reported_as_crashed(tmp_path, make_function):
    container = _start(make_function(handler_bundle(tmp_path / "b", PROBE)))
    outcome = container.invoke(_invocation({"action": "exit"}))
    assert outcome == Crashed(3)
    container.kill()


def test_the_memory_size_is_enforced_as_an_address_space_limit(tmp_path, make_function):
    root = handler_bundle(tmp_path / "b", PROBE)
    small = _start(make_function(root, memory_mb=128))
    large = _start(make_function(root, memory_mb=1024))
    try:
        refused = small.invoke(_invocation({"action": "allocate", "mb": 400}))
        allowed = large.invoke(_invocation({"action": "allocate", "mb": 400}))
    finally:
        small.kill()
        large.kill()
    assert isinstance(refused, FunctionFailed) and refused.error_type == "MemoryError"
    assert isinstance(allowed, Succeeded)
    assert json.loads(allowed.payload) == {"allocated": 400 * 1024 * 1024}


def test_function_output_reaches_the_sink(tmp_path, make_function):
    lines: list[str] = []
    root = handler_bundle(tmp_path / "b", "print('cold hello')\n\ndef handler(event, context):\n    print('warm hello')\n    return {}\n")
    container = _start(make_function(root), lines)
    container.invoke(_invocation({}))
    container.kill()
    container.output.join(5)
    assert "cold hello" in lines and "warm hello" in lines


LOGGED = '''
import logging

def handler(event, context):
    print("printed " + event["n"])
    try:
        raise ValueError("the final line " + event["n"])
    except ValueError:
        logging.getLogger("app").exception("caught " + event["n"])
    return {}
'''


def test_a_logged_traceback_is_one_record_and_every_line_arrives_before_the_invocation_ends(tmp_path, make_function):
    # Without Lambda's log pipe, awslambdaric wrote the record to stdout with no newline after the
    # traceback's last line: "ValueError: ..." then waited, and showed up glued to the next output.
    lines: list[str] = []
    container = _start(make_function(handler_bundle(tmp_path / "b", LOGGED)), lines)
    try:
        for n in ("1", "2"):
            before = len(lines)
            container.invoke(_invocation({"n": n}, f"req-{n}"))
            seen = lines[before:]  # read as soon as invoke returns: nothing may still be on its way
            record = next(line for line in seen if "caught " + n in line)
            assert "Traceback (most recent call last):" in record and record.endswith("ValueError: the final line " + n)
            assert "printed " + n in seen
    finally:
        container.kill()


SUBPROCESS_WRITE = '''
import subprocess, sys

def handler(event, context):
    # what `shoehorn run -- python manage.py migrate` does: a Python child writing into the code directory
    done = subprocess.run([sys.executable, "-c", "import sqlite3; sqlite3.connect('child.db')"],
                          capture_output=True, text=True)
    return {"code": done.returncode, "stderr": done.stderr[-300:]}
'''


def test_python_subprocesses_of_the_function_get_the_read_only_code_directory_too(tmp_path, make_function):
    # on Lambda /var/task is read-only for every process; `run --local -- python manage.py migrate` created
    # db.sqlite3 in the code directory, and the deploy then failed where the local run had worked
    root = handler_bundle(tmp_path / "b", SUBPROCESS_WRITE)
    container = _start(make_function(root))
    try:
        outcome = container.invoke(_invocation({}))
    finally:
        container.kill()
    seen = json.loads(outcome.payload)
    assert seen["code"] == 1 and "unable to open database file" in seen["stderr"] and "read-only" in seen["stderr"]
    assert not (root / "child.db").exists()


STARTS_UNLESS = '''
import os

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        if os.path.exists(os.environ["SENTINEL"]):
            await send({"type": "lifespan.startup.failed", "message": "the database is away"})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"up"})
'''


def test_a_startup_that_fails_fails_init_and_a_fresh_container_starts_the_app_again(tmp_path, make_function):
    # as on Lambda (an init error gets a fresh environment); the failure used to be remembered, and the
    # container answered 502 to every request though the database was back
    from shoehorn.bundle.shim import source
    from shoehorn.runtime.prime import event

    from tests.local.bundles import copy_runtime

    root = tmp_path / "b"
    root.mkdir()
    (root / "app.py").write_text(STARTS_UNLESS)
    (root / "shoehorn_handler.py").write_text(source("app:app"))
    copy_runtime(root)
    sentinel = tmp_path / "database-away"
    sentinel.touch()
    function = make_function(root, environment={"SENTINEL": str(sentinel)})
    failed = Container(function, 1, lambda c, line: None)
    try:
        failure = failed.wait_ready()
    finally:
        failed.kill()
    assert isinstance(failure, InitFailed) and "the database is away" in failure.message
    sentinel.unlink()
    container = _start(function)
    try:
        answer = container.invoke(_invocation(event("/")))
    finally:
        container.kill()
    assert isinstance(answer, Succeeded) and json.loads(answer.payload)["body"] == "up"


DISK = '''
import os, sqlite3, tempfile

def handler(event, context):
    outcomes = {}
    for name, attempt in [
        ("write_code_dir", lambda: open("notes.txt", "w")),
        ("mkdir_code_dir", lambda: os.makedirs(os.path.join(os.environ["LAMBDA_TASK_ROOT"], "instance"))),
        ("sqlite_code_dir", lambda: sqlite3.connect("db.sqlite3")),
        ("write_tmp", lambda: open(os.path.join(tempfile.gettempdir(), "ok.txt"), "w").close()),
        ("read_code_dir", lambda: open("shoehorn_handler.py").read()),
    ]:
        try:
            attempt()
            outcomes[name] = "ok"
        except (OSError, sqlite3.Error) as error:
            outcomes[name] = f"{type(error).__name__}: {error}"
    return {"outcomes": outcomes, "tmp": tempfile.gettempdir()}
'''


def test_the_code_directory_is_read_only_and_each_container_has_its_own_tmp(tmp_path, make_function):
    root = handler_bundle(tmp_path / "bundle", DISK)
    function = make_function(root)
    first, second = _start(function), Container(function, 2, lambda c, line: None)
    try:
        assert second.wait_ready() is None
        answer = json.loads(first.invoke(_invocation({})).payload)
        other = json.loads(second.invoke(_invocation({}, "req-2")).payload)
    finally:
        first.kill()
        second.kill()
    outcomes = answer["outcomes"]
    assert outcomes["write_code_dir"].startswith("OSError: [Errno 30] Read-only file system")
    assert "Read-only" in outcomes["mkdir_code_dir"] and "unable to open database" in outcomes["sqlite_code_dir"]
    assert outcomes["write_tmp"] == "ok" and outcomes["read_code_dir"] == "ok"
    assert answer["tmp"] != other["tmp"] and answer["tmp"] == str(first.tmp)
    assert not first.tmp.exists()  # the environment's /tmp goes with it
    assert not (root / "notes.txt").exists() and not (root / "instance").exists()


def test_a_tmp_past_the_configured_size_is_reported(tmp_path, make_function):
    writer = ("import os, tempfile\n\ndef handler(event, context):\n"
              "    with open(os.path.join(tempfile.gettempdir(), 'big'), 'wb') as f:\n"
              "        f.write(b'x' * event['bytes'])\n    return {}\n")
    lines: list[str] = []
    container = _start(make_function(handler_bundle(tmp_path / "b", writer), ephemeral_storage_mb=1), lines)
    try:
        container.invoke(_invocation({"bytes": 1000}))
        assert not any("/tmp holds" in line for line in lines)
        container.invoke(_invocation({"bytes": 2 * 1024 * 1024}, "req-2"))
    finally:
        container.kill()
    assert any("/tmp holds 2 MB" in line and "is 1 MB here (`ephemeral_storage`" in line for line in lines)


NO_NEWLINE = '''
def handler(event, context):
    print("partial " + event["n"], end="")
    return {}
'''


def test_output_without_a_newline_is_its_own_line_before_the_invocation_ends(tmp_path, make_function):
    # It waited in the pipe for a newline: glued to the next invocation's first line, under its id.
    lines: list[str] = []
    container = _start(make_function(handler_bundle(tmp_path / "b", NO_NEWLINE)), lines)
    try:
        for n in ("1", "2"):
            before = len(lines)
            container.invoke(_invocation({"n": n}, f"req-{n}"))
            assert lines[before:] == ["partial " + n]  # read as soon as invoke returns
    finally:
        container.kill()
