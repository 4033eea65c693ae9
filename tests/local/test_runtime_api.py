from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from shoehorn.local.runtime_api import (
    MAX_RESPONSE_BYTES,
    PREFIX,
    FunctionFailed,
    InitFailed,
    Invocation,
    Polled,
    Posted,
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


class Client:
    """The runtime's side, in a thread: the API under test is served by the test's own thread."""

    def __init__(self, call) -> None:
        self.response = None
        self._thread = threading.Thread(target=self._run, args=(call,))
        self._thread.start()

    def _run(self, call) -> None:
        self.response = call()

    def join(self):
        self._thread.join(10)
        return self.response


def _serve(api: RuntimeApi, seconds: float = 5):
    return api.serve(until=time.monotonic() + seconds)


def test_next_long_polls_until_an_invocation_arrives_and_carries_lambdas_headers(api):
    poller = Client(lambda: httpx.get(f"http://{api.address}{PREFIX}/invocation/next", timeout=10))
    assert _serve(api) == Polled() and api.polled
    assert poller.response is None  # still waiting: nothing was handed over
    api.invoke(_invocation(client_context='{"custom": 1}'))
    response = poller.join()
    assert not api.polled
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
    with httpx.Client() as session:  # one kept-alive connection, as the runtime's client keeps it
        posted = Client(lambda: session.post(f"{base}/invocation/r1/response", content=b'{"statusCode": 200}'))
        assert _serve(api) == Posted("r1", Succeeded(b'{"statusCode": 200}'))
        assert posted.join().status_code == 202
        error = {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": ["line 1"]}
        posted = Client(lambda: session.post(f"{base}/invocation/r2/error", json=error))
        assert _serve(api) == Posted("r2", FunctionFailed("ValueError", "boom", ("line 1",)))
        assert posted.join().status_code == 202
    init = {"errorMessage": "Unable to import module 'app'", "errorType": "Runtime.ImportModuleError"}
    posted = Client(lambda: httpx.post(f"{base}/init/error", json=init))  # a connection of its own
    assert _serve(api) == Posted(None, InitFailed("Runtime.ImportModuleError", "Unable to import module 'app'"))
    assert posted.join().status_code == 202
    assert _serve(api, 0.1) is None  # nothing more


def test_a_response_over_six_megabytes_is_refused_like_lambda(api):
    big = json.dumps({"body": "x" * MAX_RESPONSE_BYTES}).encode()
    posted = Client(lambda: httpx.post(f"http://{api.address}{PREFIX}/invocation/r1/response", content=big, timeout=30))
    got = _serve(api, 30)
    assert got.request_id == "r1"
    assert isinstance(got.result, FunctionFailed) and got.result.error_type == "Function.ResponseSizeTooLarge"
    assert posted.join().status_code == 413


def test_unknown_paths_are_404(api):
    asked = Client(lambda: (httpx.get(f"http://{api.address}/nope").status_code,
                            httpx.post(f"http://{api.address}{PREFIX}/invocation/x/nope").status_code))
    deadline = time.monotonic() + 5
    while asked.response is None and time.monotonic() < deadline:
        assert api.serve(until=time.monotonic() + 0.1) is None
    assert asked.join() == (404, 404)


def test_serving_stops_when_told_to_or_closed(api):
    began = time.monotonic()
    assert api.serve(until=time.monotonic() + 30, keep_going=lambda: time.monotonic() - began < 0.2) is None
    assert time.monotonic() - began < 5
    api.close()
    assert api.serve(until=time.monotonic() + 30) is None


def test_requests_that_arrive_in_one_read_are_each_handled(api):
    import socket

    host, port = api.address.split(":")
    with socket.create_connection((host, int(port))) as runtime:
        body = b'{"statusCode": 200}'
        runtime.sendall(f"POST {PREFIX}/invocation/r1/response HTTP/1.1\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                        + body + f"GET {PREFIX}/invocation/next HTTP/1.1\r\n\r\n".encode())
        assert _serve(api) == Posted("r1", Succeeded(body))
        assert _serve(api, 1) == Polled()  # read with the first, not lost
        assert runtime.recv(1024).startswith(b"HTTP/1.1 202")
