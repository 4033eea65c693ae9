"""The event ``shoehorn invoke`` sends, run through the real adapter, and its answer read back."""

from __future__ import annotations

import base64
import json

import pytest

from shoehorn import adapt
from shoehorn.errors import AppCodeError, DeployError
from shoehorn.ops.invocation_request import request
from shoehorn.ops.invoke import decode_log_tail, event_for, result_from
from shoehorn.testing import LambdaContext


def echo_app(environ, start_response):
    """A WSGI app that answers with what it was asked, plus a binary tail and two cookies."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    seen = {
        "method": environ["REQUEST_METHOD"],
        "script_name": environ.get("SCRIPT_NAME", ""),
        "path": environ["PATH_INFO"],
        "query": environ.get("QUERY_STRING", ""),
        "trace": environ.get("HTTP_X_TRACE"),
        "type": environ.get("CONTENT_TYPE"),
        "body": environ["wsgi.input"].read(length).decode(),
    }
    start_response("201 Created", [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    return [json.dumps(seen).encode()]


def through_handler(source: str, stage: str = "dev") -> tuple:
    req = request("POST", "/items/7?x=1", data='{"n": 1}', headers=("X-Trace: t-1",))
    event = event_for(req, source=source, stage=stage, host="abc.execute-api.us-east-1.amazonaws.com")
    answer = adapt(echo_app)(event, LambdaContext())
    payload = json.dumps(answer).encode()
    return event, result_from(source, payload, function_error=None, version="3", log_tail="")


def test_rest_event_carries_stage_like_execute_api_and_app_sees_its_own_path() -> None:
    event, result = through_handler("rest")
    assert event["path"] == "/items/7"
    assert event["requestContext"]["path"] == "/dev/items/7"
    assert event["requestContext"]["stage"] == "dev"
    assert result.status == 201
    seen = json.loads(result.body)
    assert seen == {
        "method": "POST", "script_name": "/dev", "path": "/items/7", "query": "x=1",
        "trace": "t-1", "type": "application/json", "body": '{"n": 1}',
    }  # fmt: skip
    assert [v for k, v in result.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]
    assert result.header("content-type") == "application/json"


@pytest.mark.parametrize("source", ["http", "url", "alb"])
def test_other_sources(source: str) -> None:
    _, result = through_handler(source)
    assert result.status == 201
    assert json.loads(result.body)["path"].endswith("/items/7")


def test_function_error_is_reported_with_the_log_tail() -> None:
    payload = json.dumps({"errorType": "Runtime.ImportModuleError", "errorMessage": "No module named 'app'"}).encode()
    with pytest.raises(AppCodeError) as caught:  # exit 2: the app's error, not a failed deploy action
        result_from("rest", payload, function_error="Unhandled", version="2", log_tail="INIT_START\nboom\n")
    assert "Runtime.ImportModuleError: No module named 'app'" in caught.value.message
    assert "boom" in caught.value.message
    assert "502" in caught.value.hint and "the app's own error" in caught.value.hint


def test_a_timeout_without_a_log_tail_says_raise_the_timeout_and_a_non_report_is_no_app_error() -> None:
    payload = json.dumps({"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out after 3.00 seconds"})
    with pytest.raises(AppCodeError) as caught:
        result_from("http", payload.encode(), function_error="Unhandled", version="2", log_tail="", up="shoehorn up --local")
    assert "raise `timeout`" in caught.value.hint and "`shoehorn up --local`" in caught.value.hint
    with pytest.raises(DeployError) as other:  # moto without Docker: a bare string, no report of the function's
        result_from("rest", b"error running docker: x", function_error="Handled", version="1", log_tail="")
    assert not isinstance(other.value, AppCodeError) and "error running docker" in other.value.message


def test_non_proxy_answer_is_what_api_gateway_rejects() -> None:
    with pytest.raises(DeployError, match="502"):
        result_from("rest", b'"just a string"', function_error=None, version="1", log_tail="")


def test_log_tail_is_base64() -> None:
    assert decode_log_tail(base64.b64encode(b"START RequestId: x\n").decode()) == "START RequestId: x\n"
    assert decode_log_tail(None) == ""
