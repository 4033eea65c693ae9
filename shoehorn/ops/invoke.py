"""``shoehorn invoke``: one HTTP request straight to the ``live`` alias, as API Gateway would send it.

The event comes from ``shoehorn.gateway.build_event`` — the builder ``shoehorn.testing`` and
the local emulator use — and the answer is read back with ``read_response``, so a response
API Gateway would turn into a 502 is reported as such here too.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from shoehorn.commandline import suggest
from shoehorn.errors import AppCodeError, DeployError, LocalError
from shoehorn.gateway import MalformedResponse, build_event, read_response
from shoehorn.gateway import errors as gateway_errors
from shoehorn.ops.deployment import ALIAS, Deployment, live_version, up_command
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


def error_report(payload: bytes) -> dict | None:
    """Lambda's report of a function error (``errorType``, ``errorMessage``, maybe ``stackTrace``),
    or None when the payload is not one: then it is not the function's own runtime that answered."""
    try:
        report = json.loads(payload)
    except ValueError:
        return None
    return report if isinstance(report, dict) and "errorType" in report else None


def described(report: dict, log_tail: str) -> str:
    """``Type: message``, then where it happened: the log tail (Lambda's own lines and the
    traceback as logged), else the report's stack trace (file:line)."""
    text = f"{report.get('errorType')}: {report.get('errorMessage', '')}"
    if log_tail.strip():
        return f"{text}\nlast log lines:\n{log_tail.rstrip()}"
    trace = [str(line).rstrip() for line in report.get("stackTrace") or () if str(line).strip()]
    return text + ("\n" + "\n".join(trace) if trace else "")


def function_failed(report: dict, log_tail: str, what: str, after: str = "",
                    up: str = "shoehorn up") -> AppCodeError | LocalError:
    """The function reported an error of its own (an import or init error, an exception, its
    timeout or memory): the app's error, exit 2, as for an app that fails ``build``'s check."""
    kind, message = str(report.get("errorType", "")), str(report.get("errorMessage", ""))
    if kind == "InvalidRuntimeException":
        # the local cloud's own refusal (its containers run its one Python), never the app's error:
        # its message names both Pythons and what to change
        return LocalError(f"the function did not start: {message}",
                          "the local cloud runs every function on the Python it was started with")
    if kind == "Sandbox.Timedout" or "Task timed out" in message:
        fix = f"raise `timeout` in shoehorn.toml (up to 900 s) or make it faster, then `{up}`"
    elif kind == "Runtime.ExitError" or "out of memory" in message.lower():
        fix = f"if it ran out of memory, raise `memory` in shoehorn.toml, then `{up}`"
    else:
        # the environment is a common cause (a variable unset): `env set` fixes that without an `up`
        fix = f"fix the code and run `{up}`, or the environment it reads with `{suggest('env set')}`"
    return AppCodeError(f"the app failed {what}: {described(report, log_tail)}",
                        f"this is the app's own error, not shoehorn's: {fix}. {after}`{suggest('logs --since 10m')}` "
                        "shows the whole log")


def result_from(source: str, payload: bytes, *, function_error: str | None, version: str, log_tail: str,
                up: str = "shoehorn up") -> InvokeResult:
    """Turn Lambda's Invoke answer into what the HTTP client would have received (``up``: the
    command that deploys a fix, named in the hint)."""
    if function_error:
        # The handler itself failed (import error, timeout, out of memory): API Gateway would
        # answer 502 "Internal server error". Lambda puts errorType/errorMessage in the payload.
        answer = gateway_errors(source).failed.status
        report = error_report(payload)
        if report is not None:
            raise function_failed(report, log_tail, f"before answering ({function_error})",
                                  f"The {source} front answers {answer} for this. ", up)
        # Not a report from the function's runtime (moto without Docker answers a bare string, for one).
        tail = f"\nlast log lines:\n{log_tail.rstrip()}" if log_tail.strip() else ""
        raise DeployError(
            f"the function failed before answering ({function_error}): "
            f"{payload.decode('utf-8', errors='replace')[:500]}{tail}",
            f"the {source} front answers {answer} for this; see `{suggest('logs --since 10m')}` for the whole log",
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
            f"run `{suggest('start', stage=deployment.config.stage)}` first",
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
        log_tail=decode_log_tail(answer.get("LogResult")), up=up_command(deployment.config),
    )  # fmt: skip
