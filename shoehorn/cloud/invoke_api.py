"""Lambda's Invoke API (``POST /2015-03-31/functions/{name}/invocations``), answered by the data plane.

Answers follow the Lambda API reference for Invoke: the payload with ``X-Amz-Executed-Version``;
a function error as 200 with ``X-Amz-Function-Error: Unhandled`` and the error document; the
last 4 KB of the log in ``X-Amz-Log-Result`` with ``LogType=Tail``; 429 TooManyRequestsException
when throttled; 202 for ``Event`` (run in the background) and 204 for ``DryRun``
(https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from urllib.parse import unquote

import anyio
from starlette.requests import Request
from starlette.responses import Response

from shoehorn.cloud.lambdas import Invoked, Lambdas, NoCode, NoSuchFunction
from shoehorn.local.containers import Crashed, TimedOut
from shoehorn.local.pool import PayloadTooLarge, Throttled
from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Succeeded

PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/")


def region_of(request: Request) -> str:
    """The region the caller signed for (SigV4 credential scope); us-east-1 when unsigned."""
    found = _SCOPE.search(request.headers.get("authorization", ""))
    return found["region"] if found else "us-east-1"


def _error(status: int, code: str, message: str, **extra: str) -> Response:
    body = {"Type": "User", "message": message, **extra}
    return Response(json.dumps(body), status_code=status, media_type="application/json",
                    headers={"x-amzn-ErrorType": code})


def _function_error(invoked: Invoked) -> dict:
    outcome = invoked.outcome
    match outcome:
        case FunctionFailed(error_type=kind, message=message, trace=trace) | InitFailed(
            error_type=kind, message=message, trace=trace
        ):
            return {"errorMessage": message, "errorType": kind, "stackTrace": list(trace), "requestId": invoked.request_id}
        case TimedOut(seconds=seconds):
            return {"errorMessage": f"Task timed out after {seconds:.2f} seconds", "errorType": "Sandbox.Timedout"}
        case Crashed(exit_code=code):
            return {"errorMessage": f"RequestId: {invoked.request_id} Error: Runtime exited with error: exit status {code}",
                    "errorType": "Runtime.ExitError"}
    return {"errorMessage": f"unexpected outcome {outcome!r}", "errorType": "Runtime.Unknown"}


def answer(invoked: Invoked, name: str, tail: bool) -> Response:
    outcome = invoked.outcome
    if isinstance(outcome, NoSuchFunction):
        return _error(404, "ResourceNotFoundException", outcome.message)
    if isinstance(outcome, NoCode):
        return _error(500, "ServiceException", f"the code of {name} (sha256 {outcome.digest[:12]}…) was not uploaded "
                      "to this local cloud; run `shoehorn up --local` again")
    if isinstance(outcome, Throttled):
        return _error(429, "TooManyRequestsException", "Rate Exceeded.",
                      Reason="ReservedFunctionConcurrentInvocationLimitExceeded")
    if isinstance(outcome, PayloadTooLarge):
        return _error(413, "RequestTooLargeException", f"Request must be smaller than 6291456 bytes for the "
                      f"InvokeFunction operation (it was {outcome.size})")
    headers = {"X-Amz-Executed-Version": invoked.version}
    if tail:
        headers["X-Amz-Log-Result"] = base64.b64encode(invoked.log_tail.encode()).decode()
    if isinstance(outcome, Succeeded):
        return Response(outcome.payload, media_type="application/json", headers=headers)
    headers["X-Amz-Function-Error"] = "Unhandled"
    return Response(json.dumps(_function_error(invoked)), media_type="application/json", headers=headers)


async def handle(request: Request, lambdas: Lambdas, function_name: str) -> Response:
    name = unquote(function_name)
    qualifier = request.query_params.get("Qualifier")
    body = await request.body()
    try:
        event = json.loads(body or b"{}")
    except ValueError:
        return _error(400, "InvalidRequestContentException", "Could not parse request body into json")
    client_context = request.headers.get("x-amz-client-context")
    if client_context:
        client_context = base64.b64decode(client_context).decode("utf-8", "replace")
    region = region_of(request)
    kind = request.headers.get("x-amz-invocation-type", "RequestResponse")
    if kind == "DryRun":
        return Response(status_code=204)
    if kind == "Event":
        threading.Thread(target=lambdas.invoke, args=(region, name, qualifier, event, client_context),
                         name="lambda-event", daemon=True).start()
        return Response(status_code=202)
    invoked = await anyio.to_thread.run_sync(lambdas.invoke, region, name, qualifier, event, client_context)
    return answer(invoked, name, request.headers.get("x-amz-log-type") == "Tail")
