"""One-off commands in the function (``shoehorn run -- CMD ARGS...``): the command event.

``shoehorn run`` invokes the function directly (Lambda's Invoke API, so IAM decides who may)
with exactly ``{"shoehorn": "command", "argv": [...]}``. No HTTP event can take that shape:
API Gateway, Function URLs and ALB write the event's top-level keys themselves, a client only
reaches values below them, and an event with any other key is not a command. The command runs
as a subprocess of the function, in its environment and directory, bounded by the time the
invocation has left; its output and exit code are the answer. Standard library only.
"""

from __future__ import annotations

import os
import sys

KIND = "command"
# Lambda's synchronous response limit is 6 MB; the output keeps its last part under this.
MAX_OUTPUT = 4 * 1024 * 1024
# Time kept back to send the answer before Lambda's own timeout ends the invocation.
MARGIN_S = 1.5
DEFAULT_TIMEOUT_S = 60.0  # without a Lambda context (tests, adapt() used directly)
# Console scripts are not in the bundle (dependencies install without bin/): run their module.
_MODULES = {"django-admin": "django"}


def is_command(event: object) -> bool:
    """True only for exactly ``{"shoehorn": "command", "argv": [str, ...]}``."""
    if type(event) is not dict or len(event) != 2 or event.get("shoehorn") != KIND:
        return False
    argv = event.get("argv")
    return type(argv) is list and len(argv) > 0 and all(type(part) is str for part in argv)


def command_event(argv: list[str]) -> dict:
    return {"shoehorn": KIND, "argv": list(argv)}


def run(event: dict, context=None) -> dict:
    """Run the command event's argv; ``{"shoehorn": "command", "exit_code", "output", ...}``."""
    import subprocess

    argv = executable(event["argv"])
    timeout = DEFAULT_TIMEOUT_S
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        timeout = max(1.0, context.get_remaining_time_in_millis() / 1000 - MARGIN_S)
    env = dict(os.environ)
    # The child imports what the function imports: the bundle (and a src/ layout) first; then what
    # the environment's PYTHONPATH named (the local containers' read-only hook: shoehorn/local).
    paths = [p for p in sys.path if p]
    paths += [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p not in paths]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    cwd = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    timed_out = False
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              cwd=cwd, env=env, timeout=timeout)
        output, code = done.stdout, done.returncode
    except subprocess.TimeoutExpired as expired:
        output, code, timed_out = expired.output or b"", 124, True
    except OSError as error:  # not found, not executable
        output, code = f"shoehorn run: cannot run {argv[0]!r}: {error}\n".encode(), 127
    truncated = len(output) > MAX_OUTPUT
    if truncated:
        output = output[-MAX_OUTPUT:]
    return {"shoehorn": KIND, "exit_code": code, "output": output.decode("utf-8", "replace"),
            "timed_out": timed_out, "truncated": truncated, "timeout_s": round(timeout, 1)}


def executable(argv: list[str]) -> list[str]:
    """``argv`` with ``python`` as this interpreter, and a console script as ``python -m`` its module.

    Console scripts are not in the bundle (dependencies install without bin/), so ``flask`` runs
    as ``python -m flask``, and one whose module is not its name (``roundup-admin``) through its entry
    point (shoehorn.runtime.script). A module the bundle holds also wins over a program of the same name
    on PATH (a developer's virtualenv, locally), so the bundle's version runs, as on Lambda.
    """
    import shutil

    first = argv[0]
    if first in ("python", "python3", f"python{sys.version_info.major}.{sys.version_info.minor}"):
        return [sys.executable, *argv[1:]]
    module = _MODULES.get(first, first.replace("-", "_"))
    if "/" in first or not module.isidentifier():
        return list(argv)
    import importlib.util

    spec = importlib.util.find_spec(module)
    runner = [sys.executable, "-m", module]
    if spec is None or not spec.origin:
        # a script whose module is not its name (roundup-admin: roundup.scripts.roundup_admin:run)
        from shoehorn.runtime import script

        entry = script.find(first)
        spec = importlib.util.find_spec(entry.module.split(".")[0]) if entry is not None else None
        if spec is None or not spec.origin:
            return list(argv)
        runner = [sys.executable, "-m", script.__name__, first]
    root = os.environ.get("LAMBDA_TASK_ROOT")
    bundled = bool(root) and os.path.realpath(spec.origin).startswith(os.path.realpath(root) + os.sep)
    if bundled or shutil.which(first) is None:
        return [*runner, *argv[1:]]
    return list(argv)
