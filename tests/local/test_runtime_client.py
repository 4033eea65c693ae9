"""shoehorn's stdlib runtime client next to awslambdaric: chosen when awslambdaric is missing,
and the same answers, errors and log lines under both (``make_function`` runs each test twice)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from shoehorn.local import runtime_client
from shoehorn.local.containers import Container
from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Invocation, Succeeded

from tests.local.bundles import handler_bundle

HANDLER = '''
import logging

logging.getLogger().setLevel(logging.INFO)


def handler(event, context):
    if event.get("fail"):
        raise ValueError("no such thing")
    logging.info("logged %s", event.get("n"))
    return {"n": event.get("n"), "arn": context.invoked_function_arn, "group": context.log_group_name,
            "custom": context.client_context.custom, "identity": context.identity.cognito_identity_id}
'''


def _invocation(event: dict, request_id: str) -> Invocation:
    return Invocation(request_id=request_id, event=json.dumps(event).encode(),
                      deadline_ms=int((time.time() + 5) * 1000),
                      function_arn="arn:aws:lambda:us-east-1:000000000000:function:demo-dev:live",
                      trace_id="Root=1-abc;Sampled=0", client_context=json.dumps({"custom": {"k": "v"}}))


def test_answers_errors_and_log_records_match_lambdas(tmp_path, make_function) -> None:
    lines: list[str] = []
    container = Container(make_function(handler_bundle(tmp_path / "b", HANDLER)), 1, lambda c, line: lines.append(line))
    assert container.wait_ready() is None
    try:
        ok = container.invoke(_invocation({"n": 7}, "req-ok"))
        failed = container.invoke(_invocation({"fail": True}, "req-fail"))
    finally:
        container.kill()
        container.output.join(5)
    assert isinstance(ok, Succeeded)
    assert json.loads(ok.payload) == {"n": 7, "arn": "arn:aws:lambda:us-east-1:000000000000:function:demo-dev:live",
                                      "group": "/aws/lambda/demo-dev", "custom": {"k": "v"}, "identity": None}
    assert isinstance(failed, FunctionFailed)
    assert failed.error_type == "ValueError" and failed.message == "no such thing"
    assert any("raise ValueError" in frame for frame in failed.trace)
    record = next(line for line in lines if "logged 7" in line)
    level, stamp, request_id, message = record.split("\t")
    assert (level, request_id, message) == ("[INFO]", "req-ok", "logged 7") and stamp.endswith("Z")
    error = next(line for line in lines if line.startswith("[ERROR]"))
    # one record, one frame of Lambda's log pipe: its lines joined by "\n" (on stdout awslambdaric joins them by "\r")
    assert error.startswith("[ERROR] ValueError: no such thing\nTraceback (most recent call last):")


def test_a_missing_handler_fails_init_with_lambdas_error_type(tmp_path, make_function) -> None:
    root = handler_bundle(tmp_path / "b", "def other(event, context):\n    return {}\n")
    failure = Container(make_function(root), 1, lambda c, line: None).wait_ready()
    assert isinstance(failure, InitFailed) and failure.error_type == "Runtime.HandlerNotFound"


def test_the_stdlib_client_is_chosen_when_asked_or_when_awslambdaric_is_missing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(runtime_client.FORCE_ENV, "stdlib")
    directory, module = runtime_client.choose(tmp_path)
    assert module == runtime_client.MODULE and (directory / f"{module}.py").exists()
    monkeypatch.delenv(runtime_client.FORCE_ENV)
    monkeypatch.setattr(runtime_client, "available", lambda: False)
    assert runtime_client.choose(tmp_path)[1] == runtime_client.MODULE
    monkeypatch.undo()
    assert runtime_client.choose(tmp_path)[1] == runtime_client.AWSLAMBDARIC  # installed here (Linux)


def test_the_stdlib_client_imports_only_the_standard_library(tmp_path) -> None:
    directory = runtime_client.install(tmp_path)
    probe = ("import sys; before = set(sys.modules); import shoehorn_runtime_client; "
             "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] not in sys.stdlib_module_names "
             "and m != 'shoehorn_runtime_client'))")
    shown = subprocess.run([sys.executable, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {str(directory)!r}); "
                            + probe], capture_output=True, text=True, timeout=30)
    assert shown.returncode == 0 and shown.stdout.strip() == "[]", shown.stderr
