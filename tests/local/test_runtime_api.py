from __future__ import annotations

import json
import threading

import httpx
import pytest

from shoehorn.local.runtime_api import (
    MAX_RESPONSE_BYTES,
    PREFIX,
    FunctionFailed,
    InitFailed,
    Invocation,
    RuntimeApi,
    Succeeded,
)


@pytest.fixture
def api():
    server = RuntimeApi()
    yield server
    server.close()


def _invocation(request_id: str = "req-1", **extra) -> Invocation:
    return Invocation(
        request_id=request_id,
        event=b'{"hello": "world"}',
        deadline_ms=1_700_000_000_000,
        function_arn="arn:aws:lambda:us-east-1:000000000000:function:demo-dev",
        trace_id="Root=1-abc;Sampled=0",
        **extra,
    )


def test_next_long_polls_until_an_invocation_arrives_and_carries_lambdas_headers(api):
    got = {}

    def poll():
        got["response"] = httpx.get(f"http://{api.address}{PREFIX}/invocation/next", timeout=10)

    poller = threading.Thread(target=poll)
    poller.start()
    assert api.polled.wait(5)
    assert "response" not in got  # still waiting: nothing was submitted
    api.submit(_invocation(client_context='{"custom": 1}'))
    poller.join(10)
    response = got["response"]
    assert response.status_code == 200
    assert response.json() == {"hello": "world"}
    assert response.headers["content-type"] == "application/json"  # awslambdaric needs it
    assert response.headers["lambda-runtime-aws-request-id"] == "req-1"
    assert response.headers["lambda-runtime-deadline-ms"] == "1700000000000"
    assert response.headers["lambda-runtime-invoked-function-arn"].endswith(":function:demo-dev")
    assert response.headers["lambda-runtime-trace-id"] == "Root=1-abc;Sampled=0"
    assert response.headers["lambda-runtime-client-context"] == '{"custom": 1}'
    assert "lambda-runtime-cognito-identity" not in response.headers


def test_response_error_and_init_error_are_reported_with_their_request(api):
    base = f"http://{api.address}{PREFIX}"
    assert httpx.post(f"{base}/invocation/r1/response", content=b'{"statusCode": 200}').status_code == 202
    assert api.result(1) == ("r1", Succeeded(b'{"statusCode": 200}'))
    error = {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": ["line 1"]}
    assert httpx.post(f"{base}/invocation/r2/error", json=error).status_code == 202
    assert api.result(1) == ("r2", FunctionFailed("ValueError", "boom", ("line 1",)))
    init = {"errorMessage": "Unable to import module 'app'", "errorType": "Runtime.ImportModuleError"}
    assert httpx.post(f"{base}/init/error", json=init).status_code == 202
    assert api.result(1) == (None, InitFailed("Runtime.ImportModuleError", "Unable to import module 'app'"))
    assert api.result(0.05) is None


def test_a_response_over_six_megabytes_is_refused_like_lambda(api):
    big = json.dumps({"body": "x" * MAX_RESPONSE_BYTES}).encode()
    response = httpx.post(f"http://{api.address}{PREFIX}/invocation/r1/response", content=big)
    assert response.status_code == 413
    request_id, result = api.result(1)
    assert request_id == "r1"
    assert isinstance(result, FunctionFailed) and result.error_type == "Function.ResponseSizeTooLarge"


def test_unknown_paths_are_404(api):
    assert httpx.get(f"http://{api.address}/nope").status_code == 404
    assert httpx.post(f"http://{api.address}{PREFIX}/invocation/x/nope").status_code == 404
