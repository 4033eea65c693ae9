"""``shoehorn invoke``: one HTTP request straight to the ``live`` alias, as API Gateway would send it.

The event comes from ``shoehorn.gateway.build_event`` — the builder ``shoehorn.testing`` and
the local emulator use — and the answer is read back with ``read_response``, so a response
API Gateway would turn into a 502 is reported as such here too.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from shoehorn.errors import DeployError
from shoehorn.gateway import MalformedResponse, build_event, read_response
from shoehorn.gateway import errors as gateway_errors
from shoehorn.ops.deployment import ALIAS, Deployment, live_version
from shoehorn.ops.invocation_request import HttpRequest


@dataclass(frozen=True)
class InvokeResult:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    version: str  # the function version that answered
    log_tail: str  # the last 4 KB of the invocation's log, as Lambda returns it with LogType=Tail

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


def event_for(request: HttpRequest, *, source: str, stage: str, host: str | None, multi_value: bool = False) -> dict:
    """The event ``source`` would send. For "rest" the client's URL starts with the stage
    (``https://{api}.execute-api.{region}.amazonaws.com/{stage}/path``); API Gateway strips it
    from ``path`` and keeps it in ``requestContext.path``, so it goes in front here."""
    path = f"/{stage}{request.path}" if source == "rest" else request.path
    return build_event(
        source,
        request.method,
        path,
        request.query_string,
        list(request.headers),
        request.body,
        stage=stage,
        host=host,
        multi_value=multi_value,
    )


def decode_log_tail(log_result: str | None) -> str:
    if not log_result:
        return ""
    return base64.b64decode(log_result).decode("utf-8", errors="replace")


def result_from(source: str, payload: bytes, *, function_error: str | None, version: str, log_tail: str) -> InvokeResult:
    """Turn Lambda's Invoke answer into what the HTTP client would have received."""
    if function_error:
        # The handler itself failed (import error, timeout, out of memory): API Gateway would
        # answer 502 "Internal server error". Lambda puts errorType/errorMessage in the payload.
        detail = payload.decode("utf-8", errors="replace")
        try:
            error = json.loads(detail)
            detail = f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}"
        except (ValueError, AttributeError):
            pass
        tail = f"\nlast log lines:\n{log_tail.rstrip()}" if log_tail.strip() else ""
        answer = gateway_errors(source).failed.status
        raise DeployError(
            f"the function failed before answering ({function_error}): {detail}{tail}",
            f"the {source} front answers {answer} for this; see `shoehorn logs --since 10m` for the whole log",
        )
    try:
        result = json.loads(payload or b"null")
        status, headers, body = read_response(source, result)
    except (ValueError, MalformedResponse) as error:
        raise DeployError(
            f"the function answered something API Gateway would reject with a 502: {error}",
            "return a proxy response (statusCode, headers, body); shoehorn.adapt(app) does this for you",
        ) from None
    return InvokeResult(status, tuple(headers), body, version, log_tail)


def api_host(deployment: Deployment) -> str | None:
    """The execute-api host the event names, when the API exists (the app may build URLs from it)."""
    from shoehorn.deploy.resources.api import find

    apis = find(deployment.aws, deployment.config)
    return f"{apis[0]['id']}.execute-api.{deployment.aws.region}.amazonaws.com" if apis else None


def invoke(deployment: Deployment, request: HttpRequest, *, source: str = "rest", multi_value: bool = False) -> InvokeResult:
    """Send ``request`` to the ``live`` alias as ``source`` would, synchronously, with the log tail."""
    live = live_version(deployment)  # no alias: say `shoehorn up`, not Lambda's raw ResourceNotFoundException
    if deployment.reserved_concurrency == 0:
        # Lambda would throttle the call (429), which the AWS door retries as a transient
        # throttle until its deadline: say what is going on at once instead.
        raise DeployError(
            f"{deployment.function_name} is stopped (reserved concurrency 0): Lambda refuses every invocation",
            "run `shoehorn start` first",
        )
    # The deployed REST API's host for the API Gateway sources; a Function URL or an ALB has its own
    # kind of host (the builder's default), which the runtime also reads to tell the sources apart.
    host = api_host(deployment) if source in ("rest", "http") else None
    event = event_for(request, source=source, stage=deployment.config.stage, host=host, multi_value=multi_value)
    answer = deployment.aws.call(
        "lambda", "invoke", FunctionName=deployment.function_name, Qualifier=ALIAS,
        InvocationType="RequestResponse", LogType="Tail", Payload=json.dumps(event).encode("utf-8"),
    )  # fmt: skip
    payload = answer["Payload"].read() if hasattr(answer.get("Payload"), "read") else bytes(answer.get("Payload") or b"")
    return result_from(
        source, payload, function_error=answer.get("FunctionError"),
        version=str(answer.get("ExecutedVersion", live)),
        log_tail=decode_log_tail(answer.get("LogResult")),
    )  # fmt: skip
