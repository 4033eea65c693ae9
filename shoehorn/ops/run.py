"""``shoehorn run -- CMD ARGS...``: a one-off command inside the function, in its environment.

The command travels as a direct invocation of the ``live`` alias (Lambda's Invoke API: IAM
decides who may run it), never through the HTTP gateway; ``shoehorn.runtime.command`` runs it
and answers its output and exit code. Locally the same event goes to the containers of a running
``dev --lambda`` through its invoke door (``shoehorn.local.invoke_api``: a second loopback
listener, never the gateway), or, with no session running, to a new container of the same bundle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from shoehorn.commandline import suggest
from shoehorn.deploy.aws import Aws
from shoehorn.errors import DeployError, LocalError
from shoehorn.ops.deployment import ALIAS, Deployment, live_version
from shoehorn.progress import Progress, discard
from shoehorn.runtime.command import command_event


@dataclass(frozen=True, slots=True)
class CommandResult:
    exit_code: int
    output: str
    timed_out: bool
    truncated: bool  # only the last part of the output came back (Lambda's 6 MB response limit)
    timeout_s: float  # the time the command had


def read_answer(payload: bytes) -> CommandResult:
    try:
        answer = json.loads(payload)
        return CommandResult(int(answer["exit_code"]), str(answer["output"]), bool(answer["timed_out"]),
                             bool(answer["truncated"]), float(answer["timeout_s"]))
    except (ValueError, KeyError, TypeError) as error:
        raise DeployError(f"the function did not answer the command as shoehorn's runtime does ({error}): "
                          f"{payload[:200]!r}", f"deploy with this version of shoehorn (`{suggest('up')}`)") from None


def _refused(error_type: str, message: str) -> str:
    if error_type.endswith("NotHttpEvent"):
        return "the deployed function runs a shoehorn runtime that predates `shoehorn run`"
    return f"{error_type}: {message}"


def _predates_run(report: dict) -> bool:
    """A shoehorn runtime from before ``shoehorn run`` refuses the command event as not HTTP: the
    one function error that redeploying with this version of shoehorn fixes."""
    return str(report.get("errorType", "")).endswith("NotHttpEvent")


def _failed(payload: bytes, log_tail: str, up: str) -> Exception:
    """Why the function could not run the command, as the right error: the app's own (exit 2),
    an old runtime (redeploy), or an answer that is no function's error report."""
    from shoehorn.ops.invoke import error_report, function_failed

    report = error_report(payload)
    if report is None:
        return DeployError(f"the function could not run the command: {payload.decode('utf-8', 'replace')[:500]}",
                           f"see `{suggest('logs --since 10m')}`")
    if _predates_run(report):
        return DeployError(f"the function could not run the command: {_refused(str(report['errorType']), '')}",
                           f"run `{up}` to deploy this version of shoehorn's runtime")
    return function_failed(report, log_tail, "before the command could run", up=up)


# Beyond the function's timeout: Lambda's own time to start a cold environment and answer.
READ_MARGIN_S = 30


def function_timeout(deployment: Deployment) -> int:
    """The deployed function's timeout (seconds): how long a command may run."""
    return int(deployment.function.get("Timeout") or deployment.config.timeout)


def invoker(deployment: Deployment, profile: str | None) -> Aws:
    """A connection that waits for the answer as long as the function may run: a synchronous Invoke
    answers only when the function ends, and the usual read timeout would cut longer commands."""
    return Aws(profile, deployment.aws.region, read_timeout=function_timeout(deployment) + READ_MARGIN_S)


def run(deployment: Deployment, argv: list[str], aws: Aws | None = None) -> CommandResult:
    """Run ``argv`` in the deployed function (its ``live`` alias) through ``aws`` (see ``invoker``)
    and return what it printed."""
    live_version(deployment)  # no alias: say `shoehorn up`, not Lambda's raw ResourceNotFoundException
    if deployment.reserved_concurrency == 0:
        raise DeployError(f"{deployment.function_name} is stopped (reserved concurrency 0): Lambda refuses "
                          "every invocation", f"run `{suggest('start', stage=deployment.config.stage)}` first")
    # LogType=Tail: when the function fails (the app's import error), the tail holds its traceback
    answer = (aws or deployment.aws).call("lambda", "invoke", FunctionName=deployment.function_name, Qualifier=ALIAS,
                                 InvocationType="RequestResponse", LogType="Tail",
                                 Payload=json.dumps(command_event(argv)).encode("utf-8"))
    body = answer.get("Payload")
    payload = body.read() if hasattr(body, "read") else bytes(body or b"")
    if answer.get("FunctionError"):
        from shoehorn.ops.deployment import up_command
        from shoehorn.ops.invoke import decode_log_tail

        raise _failed(payload, decode_log_tail(answer.get("LogResult")), up_command(deployment.config))
    return read_answer(payload)


def run_in_session(session, argv: list[str], timeout_s: int) -> CommandResult:
    """Run ``argv`` in a container of the running ``dev --lambda`` session (its invoke door)."""
    import httpx

    try:
        answer = httpx.post(session.url, json=command_event(argv), timeout=timeout_s + READ_MARGIN_S,
                            headers={"Authorization": f"Bearer {session.token}"})
    except httpx.HTTPError as error:
        raise LocalError(f"the running `shoehorn dev --lambda` (pid {session.pid}) did not answer: {error}",
                         "stop it and run the command again (a fresh container is used then)") from None
    if answer.status_code != 200:
        raise LocalError(f"the running `shoehorn dev --lambda` refused the command ({answer.status_code}): "
                         f"{answer.text[:200]}", f"restart `{suggest('dev --lambda', local_cloud=False)}` with this version of shoehorn")
    if answer.headers.get("X-Amz-Function-Error"):
        error = answer.json()
        raise LocalError(f"the local function could not run the command: "
                         f"{_refused(error.get('errorType', ''), error.get('errorMessage', ''))}",
                         "see the output of `shoehorn dev --lambda`")
    return read_answer(answer.content)


def run_local(config, argv: list[str], *, use_local_platform: bool = False,
              progress: Progress = discard) -> CommandResult:
    """Run ``argv`` in a fresh local container of the app's bundle, as ``dev --lambda`` runs it."""
    from shoehorn.local import emulator
    from shoehorn.local.containers import Crashed, TimedOut
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool
    from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Succeeded

    function = emulator.prepare(config, use_local_platform=use_local_platform, progress=progress)
    pool = Pool(function, LambdaLog(progress), limit=1)
    try:
        outcome, _ = pool.invoke(command_event(argv))
    finally:
        pool.close()
    if isinstance(outcome, Succeeded):
        return read_answer(outcome.payload)
    match outcome:
        case FunctionFailed(error_type=kind, message=message) | InitFailed(error_type=kind, message=message):
            why = _refused(kind, message)
        case TimedOut(seconds=seconds):
            why = f"the function timed out after {seconds} s"
        case Crashed(exit_code=code):
            why = f"the container exited mid-invocation (exit code {code})"
        case _:
            why = f"unexpected outcome {outcome!r}"
    raise LocalError(f"the local function could not run the command: {why}", "see the function's output above")
