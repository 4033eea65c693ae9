"""Prove the bundle works before anything is deployed.

The bundle is unzipped into a temporary directory and imported by a fresh interpreter
whose ``sys.path`` is that directory plus the standard library only (``-I -S``: no
site-packages, no user site, no PYTHON* variables), as on Lambda. The handler is then
invoked with a synthetic API Gateway ``GET /``. When the bundle cannot run on this machine
(another CPU or Python version), every compiled file is checked for the target's tags.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from shoehorn.bundle import tags
from shoehorn.errors import BuildError

MARKER = "SHOEHORN-CHECK:"
TIMEOUT = 60  # seconds; Lambda itself gives the init phase 10 s

# Runs inside the isolated interpreter; prints one MARKER line with the outcome.
_PROBE = r'''
import json, logging, sys, traceback
sys.path.insert(0, sys.argv[1])
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
def report(**fields):
    sys.stdout.flush()
    print("%(marker)s" + json.dumps(fields), flush=True)
try:
    import shoehorn_handler
except BaseException as error:
    traceback.print_exc()
    report(stage="import", error="%%s: %%s" %% (type(error).__name__, error), module=getattr(error, "name", None))
    raise SystemExit(0)
class ProbeContext:
    aws_request_id = "shoehorn-build-check"
    function_name = "shoehorn-build-check"
    memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self):
        return 30000
try:
    answer = shoehorn_handler.handler(json.loads(sys.argv[2]), ProbeContext())
except BaseException as error:
    traceback.print_exc()
    report(stage="invoke", error="%%s: %%s" %% (type(error).__name__, error), module=getattr(error, "name", None))
    raise SystemExit(0)
report(stage="done", status=answer.get("statusCode"), modules=sorted(sys.modules))
'''


@dataclass(frozen=True, slots=True)
class Outcome:
    ran: bool  # the import check ran (False: only the tags were checked)
    status: int | None = None  # the app's answer to GET /
    note: str = ""  # why the import check was skipped, or a warning about the answer
    modules: tuple[str, ...] = ()  # what the handler import loaded (for tests and benchmarks)


def synthetic_get(stage: str = "check") -> dict:
    """A minimal API Gateway REST API proxy event for ``GET /``."""
    host = "shoehorn-check.execute-api.us-east-1.amazonaws.com"
    headers = {"Host": host, "User-Agent": "shoehorn-build-check", "Accept": "*/*"}
    return {
        "resource": "/", "path": "/", "httpMethod": "GET", "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {
            "resourcePath": "/", "httpMethod": "GET", "path": f"/{stage}/", "stage": stage,
            "requestId": "shoehorn-build-check", "domainName": host, "apiId": "shoehorn-check",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "shoehorn-build-check"},
            "protocol": "HTTP/1.1", "requestTimeEpoch": 0,
        },
    }


def can_run_here(runtime: str, architecture: str) -> str | None:
    """None when this machine can import the bundle, else why not."""
    import platform

    here = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine())
    local = f"python{sys.version_info.major}.{sys.version_info.minor}"
    reasons = []
    if sys.platform != "linux":
        reasons.append(f"this machine runs {sys.platform}, Lambda runs Linux")
    if architecture != here:
        reasons.append(f"the bundle is for {architecture} and this machine is {here}")
    if runtime != local:
        reasons.append(f"the bundle targets {runtime} and this interpreter is {local}")
    return "; ".join(reasons) or None


def check(zip_path: Path, runtime: str, architecture: str, environment: dict[str, str]) -> Outcome:
    """Import and invoke the bundle in isolation, or check its tags when it cannot run here."""
    reason = can_run_here(runtime, architecture)
    with tempfile.TemporaryDirectory(prefix="shoehorn-check-") as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(root)
        if reason:
            _check_tags(root, runtime, architecture)
            return Outcome(False, note=f"import check skipped: {reason}; compiled files' platform tags verified")
        return _import(root, environment)


def _check_tags(root: Path, runtime: str, architecture: str) -> None:
    target = type("Target", (), {"runtime": runtime, "architecture": architecture})()
    found = tags.problems(tags.scan_directory(root), target)
    if found:
        raise BuildError("the bundle holds compiled files for another platform:\n  " + "\n  ".join(found),
                         "rebuild with an empty cache (SHOEHORN_CACHE_DIR) and report it if it persists")


def _import(root: Path, environment: dict[str, str]) -> Outcome:
    env = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ", "AWS_REGION", "AWS_DEFAULT_REGION")
           if k in os.environ}
    env.setdefault("AWS_REGION", "us-east-1")
    env.update({"LAMBDA_TASK_ROOT": str(root), "AWS_LAMBDA_FUNCTION_NAME": "shoehorn-build-check",
                "PYTHONDONTWRITEBYTECODE": "1", **environment})
    # -I: no user site, no PYTHON* env, script dir not on sys.path; -S: no site-packages at all.
    # -B: the probe must not write __pycache__ into the unzipped tree (Lambda's is read-only).
    command = [sys.executable, "-I", "-S", "-B", "-c", _PROBE % {"marker": MARKER}, str(root),
               json.dumps(synthetic_get())]
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BuildError(f"importing the app and answering GET / took over {TIMEOUT} s in the bundle check",
                         "look for work done at import time (network calls, big loads); --no-check skips "
                         "the check") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise BuildError(f"the bundle check crashed (exit {done.returncode}):\n{_tail(done.stderr)}",
                         "run with -v and report it if the error is not in your app")
    result = json.loads(lines[-1][len(MARKER):])
    if result["stage"] in ("import", "invoke"):
        raise _failure(result, done.stderr)
    status = result["status"]
    note = ""
    if isinstance(status, int) and status >= 500:
        missing = re.search(r"No module named '([^']+)'", done.stderr)
        if missing:
            raise _missing(missing.group(1), done.stderr, "while answering GET /")
        note = f"the app answered GET / with {status} in the bundle check:\n{_tail(done.stderr)}"
    return Outcome(True, status=status, note=note, modules=tuple(result.get("modules", ())))


def _failure(result: dict, stderr: str) -> BuildError:
    when = "importing the app" if result["stage"] == "import" else "answering GET /"
    if result.get("module") and result["error"].startswith("ModuleNotFoundError"):
        return _missing(result["module"], stderr, f"while {when}")
    return BuildError(f"the bundle failed the isolated import check while {when}: {result['error']}\n"
                      f"{_tail(stderr)}",
                      "fix the error above (it is raised the same way on Lambda); --no-check skips the check")


def _missing(module: str, stderr: str, when: str) -> BuildError:
    top = module.split(".")[0]
    return BuildError(f"the bundle cannot import module '{module}' {when}: it is not in the bundle\n{_tail(stderr)}",
                      f"add the package that provides '{top}' to the app's requirements (a package installed "
                      "on this machine does not count: the bundle only has what the requirements list)")


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
