"""One local Lambda execution environment: the unzipped bundle under awslambdaric.

Each container is a real subprocess running AWS's Runtime Interface Client against
its own Runtime API endpoint, with Lambda's environment variables, ``sys.path``
limited to the bundle and the runtime libraries, and the memory size enforced as
an address-space limit. It serves one invocation at a time, as on Lambda.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Union

from shoehorn.bundle.housekeeping import size_of
from shoehorn.local.output import Output
from shoehorn.local.readonly import HOOK
from shoehorn.local.runtime_api import FunctionFailed, InitFailed, Invocation, Polled, Posted, Result, RuntimeApi

READONLY_SITE = str(Path(__file__).resolve().parent / "readonly_site")  # see readonly_site/sitecustomize.py
# -I: ignore PYTHONPATH/PYTHON* and the user site; -S: no site-packages. sys.path is
# then the standard library only, and we put the task root first like Lambda does. The code
# directory is then made read-only, as /var/task is on Lambda (shoehorn/local/readonly.py).
_BOOT = (
    "import sys; sys.path[:0] = [sys.argv.pop(1), sys.argv.pop(1)]; client = sys.argv.pop(1); "
    "import runpy; runpy.run_path(sys.argv.pop(1), run_name='__main__'); "
    "runpy.run_module(client, run_name='__main__', alter_sys=True)"
)
# The address-space limit counts reserved (not resident) memory; the interpreter,
# glibc's arenas and thread stacks reserve this much beyond what Lambda would count.
ADDRESS_SPACE_HEADROOM_MB = 256
# Lambda's default ephemeral storage (/tmp): 512 MB ("Configuring ephemeral storage", Lambda docs).
TMP_DEFAULT_MB = 512
# "The Init phase is limited to 10 seconds. If all three tasks do not complete within 10 seconds,
# Lambda retries the Init phase at the time of the first function invocation with the configured
# function timeout" (lambda-runtime-environment.html; on-demand functions). Here the init is not run
# twice: one that takes longer counts against the first invocation's timeout, as the retry does.
INIT_LIMIT_S = 10.0


@dataclass(frozen=True, slots=True)
class TimedOut:
    seconds: int


@dataclass(frozen=True, slots=True)
class Crashed:
    """The process died mid-invocation (killed, segfault, out of memory, sys.exit)."""

    exit_code: int | None


Outcome = Union[Result, TimedOut, Crashed]


@dataclass(frozen=True, slots=True)
class Function:
    """What every container of one function shares (Lambda's function configuration)."""

    name: str
    task_root: Path  # the unzipped bundle
    runtime_libs: Path
    handler: str = "shoehorn_handler.handler"
    runtime: str = "python3.11"
    memory_mb: int = 512
    timeout_s: int = 30
    ephemeral_storage_mb: int = TMP_DEFAULT_MB  # the size of /tmp (the config's ephemeral_storage)
    region: str = "us-east-1"
    environment: Mapping[str, str] = field(default_factory=dict)  # the configured variables
    local_platform: bool = False  # a bundle built for this machine, not the Lambda target
    version: str = "$LATEST"  # the published version the local cloud runs (AWS_LAMBDA_FUNCTION_VERSION)
    runtime_client: str = "awslambdaric"  # or our stdlib client where it cannot run (shoehorn.local.runtime_client)
    # the Python the containers run: this one, or another of the function's version (local/interpreters.py)
    interpreter: str = sys.executable
    left_out: tuple[str, ...] = ()  # app paths the build did not ship (named when the app fails to open one)

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:000000000000:function:{self.name}"


# Developer credentials pass through so an app calling AWS works locally (Lambda would
# inject the role's credentials under the same names).
# (and the priming requests' stage prefix, which the emulator sets for its front: runtime/prime.py)
_PASS_THROUGH = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "PATH",
                 "SHOEHORN_PRIME_ROOT")


def lambda_environment(function: Function, api_address: str, stream: str) -> dict[str, str]:
    """The variables Lambda defines (docs: configuration-envvars.html#configuration-envvars-runtime)."""
    env = {name: os.environ[name] for name in _PASS_THROUGH if name in os.environ}
    if "PATH" in env and sys.prefix != sys.base_prefix:
        # Not the developer's virtualenv: a program found there would not exist on Lambda.
        venv_bin = os.path.realpath(os.path.join(sys.prefix, "bin"))
        env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p and os.path.realpath(p) != venv_bin)
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": function.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_RUNTIME_API": api_address,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "AWS_REGION": function.region,
            "AWS_DEFAULT_REGION": function.region,
            "LAMBDA_TASK_ROOT": str(function.task_root),
            "LAMBDA_RUNTIME_DIR": str(function.runtime_libs),
            "_HANDLER": function.handler,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
        }
    )
    env.update(function.environment)
    return env


OutputSink = Callable[["Container", str], None]


class Container:
    """A started execution environment; ``invoke`` one request at a time."""

    def __init__(self, function: Function, number: int, on_output: OutputSink) -> None:
        self.function = function
        self.number = number
        self.request_id: str | None = None  # the invocation now running (tags output lines)
        self.init_ms: float | None = None
        self._api = RuntimeApi()
        self._on_output = on_output
        self._init_failure: InitFailed | None = None
        self._status: int | None = None  # /proc/<pid>/status, opened at the first REPORT
        # One log stream per execution environment, named as Lambda names it: date/[version]<32 hex>.
        self.stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{function.version}]{uuid.uuid4().hex}"
        limit = (function.memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024
        # Each execution environment has its own /tmp on Lambda: TMPDIR points at this one.
        self.tmp = Path(tempfile.mkdtemp(prefix=f"shoehorn-lambda-tmp-{number}-"))
        env = lambda_environment(function, self._api.address, self.stream)
        env.update(TMPDIR=str(self.tmp), TMP=str(self.tmp), TEMP=str(self.tmp))
        # Lambda sets PYTHONPATH to its runtime directory (configuration-envvars.html). Ours adds a
        # folder whose sitecustomize gives the Python processes the function starts the read-only code
        # directory too (the container's own interpreter runs with -I, which ignores PYTHONPATH).
        env["PYTHONPATH"] = os.pathsep.join((str(function.runtime_libs), READONLY_SITE))
        # Lambda hands the runtime a pipe for its log records: one frame per record (shoehorn/local/output.py).
        frames, frames_out = os.pipe()
        lines, lines_out = os.pipe()
        env["_LAMBDA_TELEMETRY_LOG_FD"] = str(frames_out)
        self._started = time.perf_counter()
        self._began = time.monotonic()
        self.over_init_limit = False  # the init took longer than INIT_LIMIT_S: Lambda would retry it
        self._first_deadline: float | None = None  # then: when the first invocation's time runs out
        self._handed = False  # whether the runtime has the invocation now running
        self._deadline = 0.0  # when its time runs out (time.monotonic())
        try:
            self.process = subprocess.Popen(
                [function.interpreter, "-I", "-S", "-c", _BOOT, str(function.task_root), str(function.runtime_libs),
                 function.runtime_client, HOOK,
                 function.handler],
                cwd=function.task_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=lines_out,
                stderr=subprocess.STDOUT,
                pass_fds=(frames_out,),
                # Its own session: Ctrl-C in the terminal reaches shoehorn's process group, not the
                # container (whose runtime would print a KeyboardInterrupt traceback); shoehorn stops it.
                start_new_session=True,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
            )
        except BaseException:
            os.close(frames)
            os.close(lines)
            self._api.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        finally:
            os.close(frames_out)  # the container holds the writing ends now
            os.close(lines_out)
        self.output = Output(lines, frames, lambda text: on_output(self, text), f"container-{number}")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> InitFailed | Crashed | TimedOut | None:
        """Block until the runtime asks for its first event (init done) or init fails."""
        failure = self._wait_ready()
        self.output.drain()  # what init printed comes before the first request's lines
        return failure

    def _wait_ready(self) -> InitFailed | Crashed | TimedOut | None:
        # an init past INIT_LIMIT_S is retried with the function's timeout: it has the longer of the two
        until = self._began + max(INIT_LIMIT_S, self.function.timeout_s)
        while True:
            got = self._api.serve(until=until, keep_going=lambda: self.alive)
            if isinstance(got, Polled):
                self.init_ms = (time.perf_counter() - self._started) * 1000
                if self.init_ms > INIT_LIMIT_S * 1000:
                    self.over_init_limit = True
                    self._first_deadline = self._began + self.function.timeout_s
                return None
            if isinstance(got, Posted) and isinstance(got.result, InitFailed):
                self._init_failure = got.result
                self.kill()
                return got.result
            if got is None and not self.alive:
                return Crashed(self.process.returncode)
            if got is None and time.monotonic() >= until:
                self.over_init_limit = True
                self.kill()
                return TimedOut(self.function.timeout_s)

    def invoke(self, invocation: Invocation) -> Outcome:
        """Run ``invocation``, blocking this thread until it ends."""
        self._begin(invocation)
        outcome = None
        while outcome is None:
            outcome = self._step(invocation, self._api.serve(until=self._deadline, keep_going=self._alive))
        return self._end(outcome)

    async def invoke_async(self, invocation: Invocation, give_up: float | None = None) -> Outcome | None:
        """``invoke`` awaited on the running asyncio loop (the gateway front's): no thread carries it.
        None when ``give_up`` (a time.monotonic() value) comes first: the function is still running,
        and ``finish_async`` waits for the rest."""
        self._begin(invocation)
        return await self.finish_async(invocation, give_up)

    async def finish_async(self, invocation: Invocation, give_up: float | None = None) -> Outcome | None:
        """Serve the runtime until ``invocation`` (handed over by ``invoke_async``) ends, or ``give_up``."""
        outcome = None
        while outcome is None:
            until = self._deadline if give_up is None else min(self._deadline, give_up)
            got = await self._api.serve_async(until=until, keep_going=self._alive)
            if got is None and give_up is not None and time.monotonic() < self._deadline and self.alive:
                return None  # the caller's wait ended, the function's did not
            outcome = self._step(invocation, got)
        return self._end(outcome)

    def _alive(self) -> bool:
        return self.alive

    def _begin(self, invocation: Invocation) -> None:
        """Its deadline set; ``invocation`` handed over if the runtime is waiting already."""
        self.request_id = invocation.request_id
        self._deadline = time.monotonic() + self.function.timeout_s
        if self._first_deadline is not None:  # the retried init's time was the first invocation's
            self._deadline, self._first_deadline = self._first_deadline, None
        self._handed = False
        self._hand_over(invocation)

    def _hand_over(self, invocation: Invocation) -> None:
        # a result posted twice (after a 413, say) comes before the next poll: the event waits for that poll
        if not self._handed and self._api.polled:
            self._api.invoke(invocation)
            self._handed = True

    def _step(self, invocation: Invocation, got: Polled | Posted | None) -> Outcome | None:
        """What the runtime's latest request means for ``invocation``: its outcome, or None to serve on."""
        if got is None:
            return self._stopped()
        if isinstance(got, Posted):
            if isinstance(got.result, InitFailed):  # init failures surface on the first invoke
                self.kill()
                return got.result
            if got.request_id == invocation.request_id:
                if isinstance(got.result, FunctionFailed) and got.result.error_type == "Runtime.ExitError":
                    self.kill()
                self._check_tmp()
                return got.result
        self._hand_over(invocation)
        return None

    def _end(self, outcome: Outcome) -> Outcome:
        # Everything the function wrote before it answered is in the pipes: pass it on now, so it
        # comes before the END and REPORT lines (and into LogType=Tail), as on Lambda.
        self.output.drain()
        return outcome

    def _stopped(self) -> Outcome:
        """Why ``serve`` gave up: the process died, or the function's time ran out."""
        if self.alive and time.monotonic() >= self._deadline:
            # Lambda stops the environment on timeout; the next request starts cold.
            self.kill()
            return TimedOut(self.function.timeout_s)
        self.kill()
        return Crashed(self.process.returncode)

    def _check_tmp(self) -> None:
        """Say so when the container's /tmp outgrows the function's ephemeral storage (not enforced here:
        limiting a folder's size needs a file system of its own)."""
        size = self.function.ephemeral_storage_mb
        used = size_of(self.tmp)
        if used > size * 1024 * 1024:
            self._on_output(self, f"[shoehorn] /tmp holds {used // (1024 * 1024)} MB: Lambda's /tmp is "
                                  f"{size} MB here (`ephemeral_storage`, up to 10240), and writes past it fail "
                                  "with [Errno 28] No space left on device")

    def max_memory_mb(self) -> int:
        """Peak resident set size (VmHWM), what Lambda's "Max Memory Used" measures."""
        # Read on every invocation for the REPORT line: the file stays open and is read again
        # from offset 0 (a third of the cost of opening it each time).
        try:
            if self._status is None:
                self._status = os.open(f"/proc/{self.process.pid}/status", os.O_RDONLY)
            status = os.pread(self._status, 8192, 0)
            start = status.index(b"VmHWM:") + len(b"VmHWM:")
            return max(1, int(status[start:status.index(b"kB", start)]) // 1024)
        except (OSError, ValueError):
            return 0

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - kill -9 does not block
            pass
        self._api.close()
        shutil.rmtree(self.tmp, ignore_errors=True)  # the environment's /tmp goes with it
        if self._status is not None:
            os.close(self._status)
            self._status = None
