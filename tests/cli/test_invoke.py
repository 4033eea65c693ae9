"""``shoehorn invoke`` sends the event API Gateway would send to the ``live`` alias and prints the answer.

moto cannot run a Lambda function without Docker (its Invoke answers FunctionError "Handled"
with "error running docker: ..."), so most tests put a real HTTP hop in front of moto that we
own: it forwards every AWS call to moto unchanged except Lambda Invoke, which it records and
answers by running the real adapter (``shoehorn.adapt``) on the deployed app's own code — so
what is checked is the request shoehorn really sends over the wire and how it reads a real
handler's answer. One test runs against plain moto; tests/cli/test_ops_real_aws.py
runs the real thing when ``SHOEHORN_REAL_AWS=1``.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn import adapt
from shoehorn.deploy.aws import Aws
from shoehorn.testing import LambdaContext

from deploy.faultproxy import ForwardingProxy

try:
    from . import opskit
except ImportError:
    import opskit

INVOKE = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")


class LambdaRunner(ForwardingProxy):
    """127.0.0.1 proxy: Lambda Invoke runs ``handler`` in-process; everything else goes to moto."""

    def __init__(self, upstream: str, handler) -> None:
        super().__init__(upstream)
        self.handler = handler
        self.invocations: list[dict] = []  # {"function", "qualifier", "event"}
        self.function_error: str | None = None  # answer like a crashed handler when set
        self.error_type = "Runtime.ImportModuleError"  # the errorType of that answer

    def answer(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict, bytes]:
        split = urllib.parse.urlsplit(path)
        match = INVOKE.match(split.path) if method == "POST" else None
        if match:
            return self._invoke(urllib.parse.unquote(match.group(1)), split.query, body)
        return self._forward(method, path, headers, body)

    def _invoke(self, function: str, query: str, body: bytes) -> tuple[int, dict, bytes]:
        qualifier = urllib.parse.parse_qs(query).get("Qualifier", [""])[0]
        event = json.loads(body)
        self.invocations.append({"function": function, "qualifier": qualifier, "event": event})
        context = LambdaContext(function_name=function.rsplit(":", 1)[-1], function_version="1")
        printed = io.StringIO()
        headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "1"}
        if self.function_error:
            result = {"errorType": self.error_type, "errorMessage": self.function_error}
            headers["X-Amz-Function-Error"] = "Unhandled"
        else:
            with contextlib.redirect_stdout(printed):
                result = self.handler(event, context)
        tail = f"START RequestId: {context.aws_request_id}\n{printed.getvalue()}END RequestId: {context.aws_request_id}\n"
        headers["X-Amz-Log-Result"] = base64.b64encode(tail.encode()).decode()
        return 200, headers, json.dumps(result).encode()


def load_app(directory: Path):
    spec = importlib.util.spec_from_file_location("invoke_test_app", directory / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="module")
def deployed(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, LambdaRunner]]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("invoke") / "app", "invokeapp")
        url = opskit.up(directory)
        with LambdaRunner(moto_server, adapt(load_app(directory))) as runner:
            mp.setenv("AWS_ENDPOINT_URL", runner.url)
            yield directory, url, runner


def test_get_sends_the_rest_event_to_live_and_prints_the_answer(deployed) -> None:
    directory, url, runner = deployed
    runner.invocations.clear()
    code, out, err = opskit.run("invoke", "GET", "/items/7?x=1&y=2", "-H", "X-Trace: t-1", "-C", str(directory))
    assert code == 0, err
    (call,) = runner.invocations
    assert (call["function"], call["qualifier"]) == ("invokeapp-dev", "live")
    event = call["event"]
    api_host = urllib.parse.urlsplit(url).netloc
    assert event["path"] == "/items/7" and event["httpMethod"] == "GET"
    assert event["requestContext"]["stage"] == "dev" and event["requestContext"]["path"] == "/dev/items/7"
    assert event["headers"]["Host"] == api_host
    assert event["queryStringParameters"] == {"x": "1", "y": "2"}
    assert event["headers"]["X-Trace"] == "t-1"

    seen = json.loads(out)  # stdout is the body alone
    assert seen["path"] == "/items/7" and seen["script_name"] == "/dev" and seen["trace"] == "t-1"
    assert seen["query"] == "x=1&y=2"
    assert "200" in err and "X-App: ops" in err.replace("x-app", "X-App")


def test_post_body_from_file_and_other_sources(deployed, tmp_path: Path) -> None:
    directory, _, runner = deployed
    payload = tmp_path / "body.json"
    payload.write_text('{"name": "hat"}')
    code, out, err = opskit.run("invoke", "POST", "/items", "--data", f"@{payload}", "-C", str(directory))
    assert code == 0, err
    assert json.loads(out)["body"] == '{"name": "hat"}'
    assert runner.invocations[-1]["event"]["headers"]["Content-Type"] == "application/json"

    code, out, err = opskit.run("invoke", "PUT", "/v2", "-d", "a=1", "--source", "http", "-C", str(directory))
    assert code == 0, err
    assert runner.invocations[-1]["event"]["version"] == "2.0"
    assert json.loads(out)["method"] == "PUT"

    # a Function URL's event names a Function URL host (the runtime tells it from an HTTP API's by it)
    code, out, err = opskit.run("invoke", "GET", "/v3", "--source", "url", "-C", str(directory))
    assert code == 0, err
    assert ".lambda-url." in runner.invocations[-1]["event"]["requestContext"]["domainName"]
    code, out, err = opskit.run("invoke", "GET", "/v4", "--source", "alb", "-C", str(directory))
    assert code == 0, err
    assert "execute-api" not in json.dumps(runner.invocations[-1]["event"])


def test_app_error_is_an_http_500_not_a_cli_failure(deployed) -> None:
    directory, _, _ = deployed
    code, out, err = opskit.run("invoke", "GET", "/boom", "-C", str(directory))
    assert code == 0, err
    assert err.lstrip().startswith("500")


def test_binary_body_reaches_a_redirected_stdout_byte_for_byte(deployed) -> None:
    directory, _, runner = deployed
    done = subprocess.run([sys.executable, "-m", "shoehorn", "invoke", "GET", "/bin", "-C", str(directory)],
                          capture_output=True, timeout=120, env=dict(os.environ, AWS_ENDPOINT_URL=runner.url))
    assert done.returncode == 0, done.stderr
    assert done.stdout == bytes(range(256))  # base64 from the adapter, decoded by shoehorn.gateway
    code, out, err = opskit.run("invoke", "GET", "/bin", "-C", str(directory))  # stdout is not a byte stream
    assert code == 0 and out == "" and "256 bytes of application/octet-stream" in err


def test_handler_crash_reports_the_error_and_the_log_tail(deployed) -> None:
    directory, _, runner = deployed
    runner.function_error = "No module named 'app'"
    try:
        code, _, err = opskit.run("invoke", "GET", "/", "-C", str(directory))
    finally:
        runner.function_error = None
    # the app's error (exit 2, as README says), not "AWS refused a deploy action" (5): QA day 2, bug 7
    assert code == 2
    assert "Runtime.ImportModuleError: No module named 'app'" in err and "the app's own error" in err
    assert "START RequestId" in err and "502" in err


def test_bad_arguments_fail_before_any_aws_call(deployed) -> None:
    directory, _, runner = deployed
    before = len(runner.invocations)
    for args in (["FETCH", "/"], ["GET", "https://x.example/"], ["GET", "/", "-H", "no-colon"],
                 ["GET", "/", "--source", "soap"]):
        code, _, _ = opskit.run("invoke", *args, "-C", str(directory))
        assert code == 2, args
    assert len(runner.invocations) == before


def test_a_stopped_function_is_not_invoked(deployed) -> None:
    directory, _, runner = deployed
    before = len(runner.invocations)
    assert opskit.run("stop", "-C", str(directory))[0] == 0
    try:
        code, _, err = opskit.run("invoke", "GET", "/", "-C", str(directory))
    finally:
        assert opskit.run("start", "-C", str(directory))[0] == 0
    assert code == 5 and "is stopped" in err and "shoehorn start" in err
    assert len(runner.invocations) == before


def test_against_plain_moto_the_function_error_is_reported(deployed, moto_server: str, monkeypatch) -> None:
    directory, _, _ = deployed
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)  # moto's own Invoke: no Docker here
    code, _, err = opskit.run("invoke", "GET", "/", "-C", str(directory))
    assert code == 5
    assert "the function failed before answering" in err


def test_without_the_live_alias_invoke_and_run_say_run_up(deployed) -> None:
    # QA day 2, bug 8: `run` printed "(version None)", then both gave Lambda's raw ResourceNotFoundException
    # (exit 5, "see `shoehorn plan`"), where `rollback` says what is wrong and exits 6
    directory, _, runner = deployed
    aws = Aws()
    live = aws.call("lambda", "get_alias", FunctionName="invokeapp-dev", Name="live")["FunctionVersion"]
    aws.call("lambda", "delete_alias", FunctionName="invokeapp-dev", Name="live")
    before = len(runner.invocations)
    try:
        for command in (("invoke", "GET", "/", "-C", str(directory)), ("run", "-C", str(directory), "--", "true"),
                        ("rollback", "-C", str(directory))):
            code, _, err = opskit.run(*command)
            assert code == 6, (command, err)
            assert "function invokeapp-dev has no 'live' alias on a published version" in err, command
            assert f"run `shoehorn up -C {directory}` to publish a version and create the alias" in err, command
            assert "None" not in err and "ResourceNotFound" not in err, command
    finally:
        aws.call("lambda", "create_alias", FunctionName="invokeapp-dev", Name="live", FunctionVersion=live)
    assert len(runner.invocations) == before  # nothing was sent
