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
import urllib.parse
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from shoehorn import mlflow_server, unset_variable
from shoehorn.bundle import static_prefix, tags, unmigrated, websockets
from shoehorn.bundle.artifact import ImportCost
from shoehorn.config import local_runtime
from shoehorn.errors import AppCodeError, BuildError
from shoehorn.local import interpreters

MARKER = "SHOEHORN-CHECK:"
TIMEOUT = 60  # seconds; Lambda itself gives the init phase 10 s
# GET / gets this long, then is stopped with a warning, not a failed build: what it waits on (a database
# reachable from Lambda, in a VPC, but not from this machine) may well answer there
REQUEST_S = 10.0
# An import this slow here is likely over Lambda's 10 s init limit there: at 512 MB a function has
# about a third of a vCPU (a full one at 1,769 MB: "Configuring Lambda function memory").
SLOW_IMPORT_S = 5.0
# Where the check's GET / is sent: a REST API's host and a stage of its own (the app's SCRIPT_NAME is /check)
CHECK_HOST = "shoehorn-check.execute-api.us-east-1.amazonaws.com"
CHECK_STAGE = "check"

# Runs inside the isolated interpreter; prints one MARKER line with the outcome.
_PROBE = r'''
import json, logging, os, runpy, sys, time, traceback
sys.path.insert(0, sys.argv[1])
runpy.run_path(sys.argv[3], run_name="__main__")  # the code directory is read-only, as on Lambda
describe = runpy.run_path(sys.argv[4])["describe"]
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
def report(**fields):
    sys.stdout.flush()
    print("%(marker)s" + json.dumps(fields), flush=True)
def refused_write(error):
    # a write the read-only code directory refused (errno 30: an OSError, or the read-only hook's SQLite
    # refusal), here or in what the error was raised from (SQLAlchemy's and Django's OperationalError)
    while error is not None:
        if getattr(error, "errno", None) == 30 and getattr(error, "filename", None):
            return error.filename
        error = error.__cause__
    return None
def failed(stage, error):
    # a failed lifespan startup is raised from the app's own exception (when the app raised it): that,
    # and its traceback, name the app's file and line, where the failure itself names shoehorn's lifespan.py
    app_raised = type(error).__name__ == "LifespanFailed" and error.__cause__ is not None
    raised = error.__cause__ if app_raised else error
    traceback.print_exception(raised)
    cause = error.__cause__  # a library's own error raised from a missing module (Litestar's extras)
    while cause is not None and not isinstance(cause, ModuleNotFoundError):
        cause = cause.__cause__
    report(stage=stage, error="%%s: %%s" %% (type(error).__name__, error), module=getattr(error, "name", None),
           cause_module=getattr(cause, "name", None), app_raised=app_raised,
           where=describe(raised, sys.argv[1]), kind=type(error).__name__, readonly_path=refused_write(error),
           hint=getattr(error, "hint", None))
    raise SystemExit(0)
started = time.perf_counter()
print("%(marker)s", file=sys.stderr, flush=True)  # -X importtime lines below this are the app's
try:
    import shoehorn_handler
except BaseException as error:
    failed("import", error)
imported = time.perf_counter()
%(static_prefix)s
static_early = static_url_read_at_import()
class ProbeContext:
    aws_request_id = "shoehorn-build-check"
    function_name = "shoehorn-build-check"
    memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self):  # the request's time, as Lambda counts a timeout down
        return max(0, int((%(request_s)s - (time.perf_counter() - imported)) * 1000))
def stopped():
    # GET / waits (on a database this machine cannot reach?): stopped, as Lambda stops a request at its
    # timeout, after the runtime's watchdog logged where it waits (a second before)
    report(stage="request-timeout", modules=sorted(sys.modules), import_ms=(imported - started) * 1000)
    sys.stderr.flush()
    os._exit(0)
import threading
timer = threading.Timer(%(request_s)s, stopped)
timer.daemon = True
timer.start()
try:
    answer = shoehorn_handler.handler(json.loads(sys.argv[2]), ProbeContext())
except BaseException as error:
    timer.cancel()
    failed("invoke", error)
timer.cancel()
answered = time.perf_counter()
%(websockets)s
try:
    ws = websockets_found(shoehorn_handler.handler)
except Exception:  # a warning only: whatever the app's objects do, the check goes on
    ws = None
said = {k.lower(): [v] for k, v in (answer.get("headers") or {}).items()}
said.update({k.lower(): v for k, v in (answer.get("multiValueHeaders") or {}).items()})
report(stage="done", status=answer.get("statusCode"), location=(said.get("location") or [None])[0],
       modules=sorted(sys.modules),
       import_ms=(imported - started) * 1000, first_request_ms=(answered - imported) * 1000, websockets=ws,
       static_url_at_import=static_early)
sys.stderr.flush()
# Lambda never shuts an environment's interpreter down cleanly either (it freezes, then kills it);
# the outcome is reported, and tearing down FastAPI-sized module graphs cost ~100 ms of each check.
os._exit(0)
'''


# Django answers 400 to a Host that is not in ALLOWED_HOSTS (DisallowedHost); with the default
# ALLOWED_HOSTS = [] and DEBUG = True it allows localhost only, so the app works locally (and through
# the local cloud's 127.0.0.1 URL) and answers every request on AWS with 400.
def disallowed_host(settings: str | None) -> str:
    """The warning for Django's 400 to the check's GET /; ``settings``: DJANGO_SETTINGS_MODULE, whose file
    holds ALLOWED_HOSTS (config.settings.production: not a settings.py)."""
    where = f"{settings.replace('.', '/')}.py ({settings})" if settings else "the settings module"
    return ("the Django app answered GET / with 400 in the bundle check, which sends the Host API Gateway sends "
            "(<api id>.execute-api.<region>.amazonaws.com): on AWS it would answer every request with 400 if "
            f"ALLOWED_HOSTS does not name that host. Add it in {where}, or in [environment] where the settings read "
            "ALLOWED_HOSTS from there, e.g. ALLOWED_HOSTS = [\".execute-api.us-east-1.amazonaws.com\"] (a leading "
            "dot allows every API of that region; use your region), plus any custom domain, and \"127.0.0.1\" "
            "for `dev --lambda` and the local cloud (their URLs' host)")


def outside_stage(location: str | None) -> str:
    """The warning for a redirect of the check's GET / out of the stage it served the app under (SCRIPT_NAME
    /check): an app that builds its URLs from the path without that prefix (Kinto: / -> /v1/check/). `up`
    says the same of its own first GET; the check says it before `dev --lambda` sends a browser there."""
    if not location:
        return ""
    there = urllib.parse.urlsplit(urllib.parse.urljoin(f"https://{CHECK_HOST}/{CHECK_STAGE}/", location))
    if there.netloc != CHECK_HOST or there.path == f"/{CHECK_STAGE}" or there.path.startswith(f"/{CHECK_STAGE}/"):
        return ""  # under the stage, or another site's (a login provider's)
    return (f"the app answered GET / with a redirect to {location} in the bundle check, which served it under the "
            f"stage prefix /{CHECK_STAGE}/: the redirect leaves the prefix, so on the execute-api URL (/dev/...) it "
            "leads to API Gateway's 403 (\"Missing Authentication Token\"). The app builds that URL without the prefix "
            "it is served under (SCRIPT_NAME, the ASGI root_path); its pages under the stage still work when asked "
            "for directly. Give the app its base URL if it has such a setting, or serve it from a custom domain's "
            "root, where there is no prefix")


@dataclass(frozen=True, slots=True)
class Outcome:
    ran: bool  # the import check ran (False: only the tags were checked)
    status: int | None = None  # the app's answer to GET /
    note: str = ""  # why the import check was skipped, or a warning about the answer
    modules: tuple[str, ...] = ()  # what the handler import loaded (for tests and benchmarks)
    import_ms: float | None = None  # importing shoehorn_handler (the app and its dependencies)
    first_request_ms: float | None = None  # answering the first GET /
    heaviest: tuple[ImportCost, ...] = ()  # top-level packages by import time, heaviest first


def synthetic_get(stage: str = CHECK_STAGE) -> dict:
    """A minimal API Gateway REST API proxy event for ``GET /``."""
    host = CHECK_HOST
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
    """None when a Python on this machine can import the bundle (``python_for``), else why not."""
    here = interpreters.architecture_here()
    reasons = []
    if sys.platform != "linux":
        reasons.append(f"this machine runs {sys.platform}, Lambda runs Linux")
    if architecture != here:
        reasons.append(f"the bundle is for {architecture} and this machine is {here}")
    elif runtime != local_runtime() and interpreters.for_target(runtime, architecture) is None:
        version = runtime.removeprefix("python")
        reasons.append(f"the bundle targets {runtime} and this machine has no Python {version} (install one, e.g. "
                       f"`uv python install {version}`, and the build runs the check on it)")
    return "; ".join(reasons) or None


def python_for(runtime: str, architecture: str) -> str:
    """The Python that imports the bundle here (when ``can_run_here`` says one can): this one, or
    another CPython of the bundle's version (shoehorn/local/interpreters.py)."""
    return interpreters.for_target(runtime, architecture) or sys.executable


def check(zip_path: Path, runtime: str, architecture: str, environment: dict[str, str],
          stage_dir: Path | None = None, left_out: tuple[str, ...] = (),
          missing_hint: Callable[[str], str | None] | None = None, settings_file: str = "shoehorn.toml") -> Outcome:
    """Import and invoke the bundle in isolation, or check its tags when it cannot run here.

    With ``stage_dir`` the bundle is unzipped there and only its changed members are written
    on the next check (shoehorn.bundle.stage); otherwise into a temporary directory.
    ``left_out``: app paths the build did not ship, named when the app fails importing one.
    ``missing_hint``: the fix for a missing top-level module when the caller knows better than
    "add it to the requirements" (the config sets none; see bundle/missing.py). ``settings_file``: where
    the app's environment is set (shoehorn.toml or pyproject.toml), named when the app lacks a variable.
    """
    try:
        outcome = _check(zip_path, runtime, architecture, environment, stage_dir)
    except MissingModule as error:
        shipped_not = _left_out_path(error.module, left_out)
        submodule = None if shipped_not else left_out_module(error.message, left_out)  # `import example.lib`
        better = missing_hint(error.module) if missing_hint and not (shipped_not or submodule) else None
        if submodule:
            error.hint = submodule
        elif shipped_not:
            error.hint = (f"'{error.module}' is in the app directory, but the build left {shipped_not} out "
                          f"(default exclusions, .gitignore or `exclude`): ship it with include = "
                          f"[\"{shipped_not}\"] in shoehorn.toml")
        elif better:
            error.hint = better
        raise
    except AppCodeError as error:  # settings read from the environment: the variable, and where to set it
        unset = unset_variable.hint(error.message, settings_file)
        local = _left_out_settings(left_out) if unset or "ImproperlyConfigured" in error.message else None
        error.hint = ("; ".join(part for part in (unset, local) if part) or left_out_file(error.message, left_out)
                      or error.hint)
        raise
    if isinstance(outcome.status, int) and outcome.status >= 500:
        # Mezzanine: DATABASES in local_settings.py, which .gitignore lists
        local = _left_out_settings(left_out) if "ImproperlyConfigured" in outcome.note else None
        local = local or left_out_file(outcome.note, left_out)
        if local:
            return replace(outcome, note=f"{outcome.note}\n{local}")
    return outcome


def left_out_file(error: str, left_out: tuple[str, ...]) -> str | None:
    """What to say when the app failed to open a file the build left out (pypiserver's password_file=".htpasswd",
    secret-looking): without this, "fix the error above" sent the user after a file that is right there."""
    for missing in re.findall(r"No such file or directory: '([^']+)'", error):
        for path in left_out:
            if missing == path or missing.endswith("/" + path):
                return (f"{path} is in the app directory, but the build left it out (secret-looking files, local "
                        "databases, .gitignore and `exclude` stay out of the bundle): ship it with include = "
                        f"[\"{path}\"] in shoehorn.toml, or, for a secret, give the app its contents another way "
                        "([environment], a secrets store)")
    return left_out_module(error, left_out)


def left_out_module(error: str, left_out: tuple[str, ...]) -> str | None:
    """What to say when the app failed to import a module of its own package that the build left out: TurboGears'
    quickstart .gitignore lists `lib/` (virtualenvs), which also matches its package's example/lib/, and the check
    said "cannot import name 'lib' from 'example'" with "fix the error above"."""
    named = re.findall(r"cannot import name '(\w+)' from '([\w.]+)'", error)
    modules = [f"{package}.{name}" for name, package in named]
    modules += re.findall(r"No module named '(\w+(?:\.\w+)+)'", error)
    for module in modules:
        relative = module.replace(".", "/")
        for path in left_out:
            bare = path.rstrip("/")
            # at any depth: a src/ layout's package is below the app directory
            if any(bare == wanted or bare.endswith("/" + wanted) for wanted in (relative, relative + ".py")):
                return (f"{path} is in the app directory, but the build left it out (.gitignore and `exclude` "
                        f"stay out of the bundle), and the app imports it as {module}: ship it with include = "
                        f"[\"{path}\"] in shoehorn.toml (or take the pattern that matches it out of .gitignore)")
    return None


def _left_out_settings(left_out: tuple[str, ...]) -> str | None:
    """What to say of settings files the build left out (a .env, a local_settings.py), whose values the
    settings read here and do not find on Lambda; None when it left none out."""
    dotenv = [path for path in left_out if path.rpartition("/")[2].startswith(".env")]
    modules = [path for path in left_out if path.endswith(".py") and "settings" in path.rpartition("/")[2]]
    if dotenv:  # brickdjango's config/settings/.env, read by django-environ
        return (f"{dotenv[0]} is left out of the bundle, as every secret-looking file is, so settings that load it "
                "(django-environ's read_env(), python-dotenv) find nothing there on Lambda")
    if modules:
        return (f"{modules[0]} is left out of the bundle (.gitignore or `exclude`), so what it sets here (a database, "
                f"SECRET_KEY) is missing on Lambda: ship one written for Lambda with include = [\"{modules[0]}\"] "
                "in shoehorn.toml, or have the settings read those values from [environment]")
    return None


class MissingModule(AppCodeError):
    """The app imports a top-level module the bundle does not hold."""

    def __init__(self, module: str, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.module = module


def _left_out_path(module: str, left_out: tuple[str, ...]) -> str | None:
    """The left-out file or folder (at any depth: a source folder) that would provide ``module``."""
    for path in left_out:
        name = path.rstrip("/").rpartition("/")[2]
        if name in (module, module + ".py") and (path.endswith("/") or name.endswith(".py")):
            return path
    return None


def _check(zip_path: Path, runtime: str, architecture: str, environment: dict[str, str],
           stage_dir: Path | None) -> Outcome:
    reason = can_run_here(runtime, architecture)
    python = python_for(runtime, architecture) if not reason else sys.executable
    if stage_dir is not None and not reason:
        from shoehorn.bundle import stage

        with stage.staged(zip_path, stage_dir) as tree:
            return _import(tree, environment, python)
    with tempfile.TemporaryDirectory(prefix="shoehorn-check-") as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(root)
        if reason:
            _check_tags(root, runtime, architecture)
            return Outcome(False, note=f"import check skipped: {reason}; compiled files' platform tags verified")
        return _import(root, environment, python)


def _check_tags(root: Path, runtime: str, architecture: str) -> None:
    target = type("Target", (), {"runtime": runtime, "architecture": architecture})()
    found = tags.problems(tags.scan_directory(root), target)
    if found:
        raise BuildError("the bundle holds compiled files for another platform:\n  " + "\n  ".join(found),
                         "rebuild with an empty cache (SHOEHORN_CACHE_DIR) and report it if it persists")


def _import(root: Path, environment: dict[str, str], python: str) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="shoehorn-check-tmp-") as scratch:
        return _run_probe(root, environment, scratch, python)


def _run_probe(root: Path, environment: dict[str, str], scratch: str, python: str = sys.executable) -> Outcome:
    from shoehorn.bundle import origin
    from shoehorn.local import readonly

    env = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ", "AWS_REGION", "AWS_DEFAULT_REGION")
           if k in os.environ}
    env.setdefault("AWS_REGION", "us-east-1")
    # TMPDIR: the writable /tmp of the function; everything under root is read-only (readonly.py).
    env.update({"LAMBDA_TASK_ROOT": str(root), "AWS_LAMBDA_FUNCTION_NAME": "shoehorn-build-check",
                "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": scratch, **environment})
    # -I: no user site, no PYTHON* env, script dir not on sys.path; -S: no site-packages at all.
    # -B: the probe must not write __pycache__ into the unzipped tree (Lambda's is read-only).
    # -X importtime: what each import cost, for the heaviest-imports report (stderr).
    probe = _PROBE % {"marker": MARKER, "request_s": REQUEST_S, "static_prefix": static_prefix.PROBE,
                       "websockets": websockets.PROBE}
    command = [python, "-I", "-S", "-B", "-X", "importtime", "-c", probe, str(root),
               json.dumps(synthetic_get()), readonly.HOOK, origin.__file__]
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise BuildError(f"importing the app took over {TIMEOUT} s in the bundle check (Lambda gives its init 10 s)",
                         "look for work done at import time (network calls, big loads); --no-check skips "
                         "the check") from None
    stderr, heaviest = _import_times(done.stderr)
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise BuildError(f"the bundle check crashed (exit {done.returncode}):\n{_tail(stderr)}",
                         "run with -v and report it if the error is not in your app")
    result = json.loads(lines[-1][len(MARKER):])
    if result["stage"] in ("import", "invoke"):
        raise _failure(result, stderr, root)
    if result["stage"] == "request-timeout":
        return Outcome(True, note=_request_timeout(stderr), modules=tuple(result.get("modules", ())),
                       import_ms=result["import_ms"], heaviest=heaviest)
    status = result["status"]
    note = ""
    if isinstance(status, int) and status >= 500:
        missing = re.search(r"No module named '([^']+)'", stderr)
        if missing:
            raise _missing(missing.group(1), stderr, "while answering GET /", "")
        note = f"the app answered GET / with {status} in the bundle check:\n{_tail(stderr)}"
        hidden = [line for line in _raised(stderr) if line not in _tail(stderr)]
        if hidden:
            note += "\nraised first, above: " + "\n  ".join(hidden)
        if "Read-only file system" in stderr or readonly.SQLITE_REFUSED in stderr or SQLITE_READ_ONLY in stderr:
            note += f"\n{READ_ONLY}"
        tables = unmigrated.note(stderr, "django" in result.get("modules", ()))
        if tables:
            note += f"\n{tables}"
    elif status == 400 and "django" in result.get("modules", ()):
        note = disallowed_host(environment.get("DJANGO_SETTINGS_MODULE"))
    elif isinstance(status, int) and 300 <= status < 400:
        note = outside_stage(result.get("location"))
    elif mlflow_server.refuses_host(status, result.get("modules", ())):
        note = mlflow_server.allowed_hosts_note()
    primed = re.findall(r"priming request GET (\S+) (answered \d+|failed) at init", stderr)
    if primed:  # logged and ignored at init on Lambda too: a mistyped path would show only in the logs
        listed = ", ".join(f"GET {path} {what}" for path, what in primed)
        note = (note + "\n" if note else "") + (
            f"priming at init: {listed} in the bundle check; `prime` in shoehorn.toml names paths the app "
            "should answer with a success (the app's own error is in the lines above)")
    sockets = websockets.note(result.get("websockets"))
    if sockets:
        note = (note + "\n" if note else "") + sockets
    early = static_prefix.note(result.get("static_url_at_import"))
    if early:
        note = (note + "\n" if note else "") + early
    if result["import_ms"] > SLOW_IMPORT_S * 1000:
        note = (note + "\n" if note else "") + (
            f"importing the app took {result['import_ms'] / 1000:.1f} s in the bundle check; Lambda's CPU at 512 MB "
            "is slower than this machine's, and an init over 10 s is stopped and run again inside the first "
            "request, within the function's timeout: import less at start-up, or raise `memory` (CPU grows with it)")
    return Outcome(True, status=status, note=note, modules=tuple(result.get("modules", ())),
                   import_ms=result["import_ms"], first_request_ms=result["first_request_ms"], heaviest=heaviest)


def _import_times(stderr: str, top: int = 5) -> tuple[str, tuple[ImportCost, ...]]:
    """stderr without the ``-X importtime`` lines, and the heaviest top-level packages.

    Only imports after the probe's marker count (the app's, not the probe's own); each line's
    self time goes to its top-level package, so "pydantic" holds all of pydantic.* .
    """
    kept, costs, counting = [], {}, False
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            if line.strip() == MARKER:
                counting = True
            else:
                kept.append(line)
            continue
        fields = line[len("import time:"):].split("|")
        if counting and len(fields) == 3 and fields[0].strip().isdigit():
            package = fields[2].strip().split(".")[0]
            costs[package] = costs.get(package, 0) + int(fields[0]) / 1000  # microseconds -> ms
    heaviest = sorted(costs.items(), key=lambda item: -item[1])[:top]
    return "\n".join(kept), tuple(ImportCost(name, round(ms, 1)) for name, ms in heaviest)


# SQLite's own words for a write to a database in a read-only directory (the code directory on Lambda)
SQLITE_READ_ONLY = "attempt to write a readonly database"
READ_ONLY = ("on Lambda only /tmp is writable (TMPDIR points there): write files, caches and SQLite databases "
             "under /tmp (tempfile.gettempdir()), or to S3 or a database for anything that must last; "
             "for Flask, pass instance_path=\"/tmp/...\" to Flask() or keep the instance folder out of writes")
# FastHTML's fast_app() reads its session-signing key from .sesskey in the working directory, and writes one there
# when the file is missing (its first example did, on the build's check): a key under /tmp would be new in each
# Lambda container, and every visitor's session cookie would stop verifying on the next container.
SESSION_KEY_FILE = ".sesskey"
FASTHTML_KEY = ("FastHTML's fast_app() keeps its session-signing key in .sesskey and writes that file when it is "
                "missing: run the app once locally (as `python main.py`: that writes it) and the build ships it "
                "(include = [\".sesskey\"] if .gitignore leaves it out), or pass secret_key=os.environ[\"...\"] "
                "to fast_app() and set that variable in [environment]; a key written under /tmp would differ in each "
                "Lambda container, so sessions would not last from one request to the next")


def read_only_fix(path: str) -> str:
    """What to do about a write the read-only code directory refused, by the path it refused
    (build's check and dev --lambda say the same)."""
    return FASTHTML_KEY if Path(path).name == SESSION_KEY_FILE else READ_ONLY


def _failure(result: dict, stderr: str, root: Path) -> AppCodeError:
    when = "importing the app" if result["stage"] == "import" else "starting the app and answering GET /"
    if result.get("kind") == "LifespanFailed":
        when = "starting the app (its ASGI lifespan startup)"
    where = result.get("where") or result["error"]
    if result.get("readonly_path"):
        path = result["readonly_path"]
        shown = os.path.relpath(path, root) if os.path.isabs(path) else path
        return AppCodeError(f"the app writes into its own directory while {when}: {shown} ({where})",
                            read_only_fix(path))
    if result.get("module") and result.get("kind") == "ModuleNotFoundError":
        return _missing(result["module"], stderr, f"while {when}", where)
    if result.get("cause_module"):  # raised `from` a ModuleNotFoundError: the library names what to install
        return _missing(result["cause_module"], stderr, f"while {when}", where)
    # (`build --no-check` builds without this check; `up` always runs it: Lambda would fail the same way)
    hint = "fix the error above: it is raised the same way on Lambda"
    if result.get("kind") == "LifespanFailed":
        hint = ("fix the app's startup (lifespan / on_startup handlers): it runs in Lambda's init phase, and "
                "failing there fails the function's init as it fails here")
    called = re.search(r"TypeError: (\w+)\(\) missing \d+ required (?:positional|keyword-only) arguments?: (.*)", where)
    if called and "shoehorn_handler" in where:  # the app reference called a factory without its arguments
        arguments = ", ".join(f"{name}=..." for name in re.findall(r"'(\w+)'", called.group(2)))
        hint = (f"the app reference calls {called.group(1)}() without the arguments it needs: pass them in "
                f"shoehorn.toml, e.g. app = \"module:{called.group(1)}({arguments})\"")
    # Mangum(app), Dash, aiohttp or Tornado: the runtime names the fix
    if result.get("kind") in ("LambdaHandlerGiven", "ServedByServer", "OwnServerApp"):
        hint = result.get("hint") or hint
    if result.get("kind") == "UnknownInterface":
        hint = ('if the app reference names an app factory, call it: app = "module:create_app()" in '
                'shoehorn.toml; otherwise set interface = "wsgi" or "asgi" there')
    # a failed lifespan startup's message holds the app's own traceback (as the app sent it): not told twice;
    # when the app also raised it, the traceback printed is the app's, told as any other error's
    sent_only = result.get("kind") == "LifespanFailed" and not result.get("app_raised")
    told = where if sent_only else f"{where}\n{_tail(stderr)}"
    return AppCodeError(f"the bundle failed the isolated import check while {when}: {told}", hint)


def _request_timeout(stderr: str) -> str:
    """The warning for a GET / stopped after REQUEST_S, with where it waited (runtime/deadline.py's record)."""
    from shoehorn.runtime.deadline import SAID

    waited = stderr[stderr.find(SAID):] if SAID in stderr else ""
    # one block per thread; the request's is the deepest of those that do more than wait in threading.py
    # (the probe's own timer; an idle pool's workers)
    threads = [block.strip() for block in waited.partition("\n")[2].split("\n\n")
               if any("File" in line and "threading.py" not in line for line in block.splitlines())]
    innermost = "\n".join(max(threads, key=lambda block: block.count("\n")).splitlines()[:12]) if threads else ""
    return (f"GET / had no answer after {REQUEST_S:.0f} s in the bundle check, which stopped it (the import passed). "
            "It may wait on a database or service this machine cannot reach and the function can (a private "
            "database in the function's VPC); if not, the function would wait the same way until its timeout (API "
            "Gateway answers 504 at 29 s)" + (f". Where it waited, innermost call first:\n{innermost}" if innermost
                                             else ""))


def _missing(module: str, stderr: str, when: str, where: str) -> MissingModule:
    top = module.split(".")[0]
    # a library that names its extra (`pip install 'litestar[cryptography]'`): that goes in the requirements
    named = re.search(r"pip install ['\"]?([A-Za-z0-9_.\-]+(?:\[[^\]]+\])?)", where)
    package = (f"{named.group(1)} (what the error's `pip install` names)" if named
               else f"the package that provides '{top}'")
    return MissingModule(top, f"the bundle cannot import module '{module}' {when}: it is not in the bundle"
                    + (f" ({where})" if where else "") + f"\n{_tail(stderr)}",
                    f"add {package} to the app's requirements (a package installed "
                    "on this machine does not count: the bundle only has what the requirements list)")


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _raised(text: str) -> list[str]:
    """The exception line ending each traceback in ``text``, in order. An app whose error handler fails in turn
    (Roundup mails its admin the traceback, and no mail host answers in the check) ends with the handler's error,
    and the tail of the log shows only that one: the error that caused the 500 is an earlier one."""
    found, indented = [], False
    for line in text.splitlines():
        if indented and line[:1] not in ("", " ", "\t") and not line.startswith(_TRACEBACK_WORDS):
            found.append(line)
        indented = line.startswith((" ", "\t"))
    return found


# The lines of a traceback that are not indented and are not its exception.
_TRACEBACK_WORDS = ("Traceback (most recent call last)", "During handling of the above exception",
                    "The above exception was the direct cause")
