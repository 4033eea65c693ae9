"""The Lambda data plane: run the version a qualifier names, with that version's settings.

A qualifier (an alias or a version; none means ``$LATEST``) resolves through the control plane
to one version's configuration: code (by ``CodeSha256``), handler, runtime, memory, timeout and
environment. Each version gets its own pool of ``shoehorn.local`` containers; reserved
concurrency caps the function across all its versions, and 0 throttles every call, as Lambda
does (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from shoehorn.cloud.cloudwatch import CloudWatchLog, LogWriter
from shoehorn.cloud.codestore import CodeStore, lambda_sha256
from shoehorn.cloud.control import Control, Missing
from shoehorn.deploy.resources.function import ephemeral_storage
from shoehorn.local.containers import Function, Outcome
from shoehorn.local.pool import DEFAULT_CONCURRENCY, PayloadTooLarge, Pool, Throttled
from shoehorn.local import interpreters
from shoehorn.local.emulator import cannot_run_here, local_platform
from shoehorn.local.runtime_api import InitFailed

# This cloud's own Python (its containers start sys.executable, with awslambdaric) and this machine's
# architecture; a function of another Python version runs on that Python where the machine has one.
RUNTIME, ARCHITECTURE = local_platform().runtime, local_platform().architecture


@dataclass(frozen=True, slots=True)
class NoSuchFunction:
    message: str


@dataclass(frozen=True, slots=True)
class NoCode:
    """The version's code never passed through this cloud (it was uploaded to another process)."""

    digest: str


@dataclass(frozen=True, slots=True)
class CannotRun:
    """The version needs a Python or an architecture other than this cloud's."""

    name: str
    version: str
    message: str


@dataclass(frozen=True, slots=True)
class Invoked:
    outcome: Union[Outcome, Throttled, PayloadTooLarge, NoSuchFunction, NoCode]
    version: str = ""
    request_id: str = ""
    log_tail: str = ""


def split_name(function_name: str, qualifier: str | None) -> tuple[str, str | None]:
    """A name, ARN or partial ARN (``name:qualifier``, ``123:function:name``) -> (name, qualifier)."""
    parts = function_name.split(":")
    if "function" in parts:
        at = parts.index("function")
        name = parts[at + 1] if at + 1 < len(parts) else ""
        embedded = parts[at + 2] if at + 2 < len(parts) else None
    elif len(parts) == 2:
        name, embedded = parts
    else:
        name, embedded = function_name, None
    return name, qualifier or embedded


class Lambdas:
    def __init__(self, control: Control, store: CodeStore, writer: LogWriter, runtime_libs: Path,
                 runtime_client: str, stdlib_client: tuple[Path, str]) -> None:
        self._control = control
        self._store = store
        self._writer = writer
        self._runtime_libs = runtime_libs
        self.runtime_client = runtime_client
        # (runtime directory, module) of shoehorn's stdlib client: what another Python runs
        # (awslambdaric is installed for this Python only)
        self._stdlib_client = stdlib_client
        self._pools: dict[tuple[str, str, str], tuple[Pool, CloudWatchLog]] = {}
        self._running: dict[tuple[str, str], int] = {}  # in-flight invocations per function, all versions
        self._lock = threading.Lock()

    def resolve(self, region: str, name: str, qualifier: str | None) -> Function | NoSuchFunction | NoCode | CannotRun:
        params = {"FunctionName": name} | ({"Qualifier": qualifier} if qualifier else {})
        conf = self._control.read(region, "lambda", "get_function_configuration", **params)
        if isinstance(conf, Missing):
            return NoSuchFunction(conf.error.message or f"Function not found: {name}")
        # Run here, another Python's or architecture's bundle failed deep inside a dependency (an
        # ImportError from `inspect`, a compiled module for another ABI) or, worse, answered as if it worked.
        wants = (conf.get("Runtime") or "non-Python", (conf.get("Architectures") or ["x86_64"])[0])
        interpreter = interpreters.for_target(*wants) if wants[0].startswith("python") else None
        if interpreter is None:
            return CannotRun(conf["FunctionName"], str(conf.get("Version") or "$LATEST"), cannot_run_here(*wants, conf["FunctionName"]))
        libs, client = (self._runtime_libs, self.runtime_client) if wants[0] == RUNTIME else self._stdlib_client
        digest = lambda_sha256(conf["CodeSha256"])
        root = self._store.task_root(digest)
        if root is None:
            return NoCode(digest)
        return Function(
            name=conf["FunctionName"],
            task_root=root,
            runtime_libs=libs,
            handler=conf.get("Handler") or "",
            runtime=conf.get("Runtime") or "",
            memory_mb=int(conf.get("MemorySize") or 128),
            timeout_s=int(conf.get("Timeout") or 3),
            ephemeral_storage_mb=ephemeral_storage(conf),
            region=region,
            environment=dict((conf.get("Environment") or {}).get("Variables") or {}),
            version=str(conf.get("Version") or "$LATEST"),
            runtime_client=client,
            interpreter=interpreter,
        )

    def reserved(self, region: str, name: str) -> int | None:
        answer = self._control.read(region, "lambda", "get_function_concurrency", FunctionName=name)
        return None if isinstance(answer, Missing) else answer.get("ReservedConcurrentExecutions")

    def _pool(self, function: Function) -> tuple[Pool, CloudWatchLog]:
        key = (function.region, function.name, function.version)
        with self._lock:
            found = self._pools.get(key)
            others = []
            if found is None:
                log = CloudWatchLog(self._writer, function.region, function.name, function.version)
                found = self._pools[key] = (Pool(function, log, limit=DEFAULT_CONCURRENCY), log)
                others = [p for k, (p, _) in self._pools.items() if k[:2] == key[:2] and k != key]
        for other in others:
            # Another version now runs (a deploy, a rollback): the idle environments of the others
            # stop, as Lambda reclaims them, instead of piling up one per deploy.
            other.replace(other.function)
        pool = found[0]
        if pool.function != function:  # $LATEST changed in place (UpdateFunctionConfiguration/Code)
            pool.replace(function)
        return found

    def invoke(self, region: str, function_name: str, qualifier: str | None, event: object,
               client_context: str | None = None) -> Invoked:
        name, qualifier = split_name(function_name, qualifier)
        function = self.resolve(region, name, qualifier)
        if isinstance(function, CannotRun):
            return self._cannot_run(region, function)
        if not isinstance(function, Function):
            return Invoked(function)
        cap = self.reserved(region, name)
        key = (region, name)
        with self._lock:
            running = self._running.get(key, 0)
            if cap is not None and running >= cap:
                return Invoked(Throttled(cap), function.version)
            self._running[key] = running + 1
        try:
            pool, log = self._pool(function)
            outcome, report = pool.invoke(event, client_context=client_context)  # type: ignore[arg-type]
        finally:
            with self._lock:
                self._running[key] -= 1
        request_id = report.request_id if report else ""
        return Invoked(outcome, function.version, request_id, log.tail(request_id) if request_id else "")

    def _cannot_run(self, region: str, refused: CannotRun) -> Invoked:
        """Its init fails, saying why, in the function's log as in the answer."""
        log = CloudWatchLog(self._writer, region, refused.name, refused.version)
        # one execution environment's stream, named as Lambda names it, for the init that never ran
        stream = f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{refused.version}]{uuid.uuid4().hex}"
        log.output(None, f"[ERROR] InvalidRuntimeException: {refused.message}", stream=stream)
        return Invoked(InitFailed("InvalidRuntimeException", refused.message), refused.version)

    def forget(self, region: str, function_name: str, qualifier: str | None) -> None:
        """DeleteFunction succeeded: the function's environments stop (that version's only, with a
        qualifier), as Lambda reclaims them; they kept running and showed in `cloud status`."""
        from urllib.parse import unquote

        name, qualifier = split_name(unquote(function_name), qualifier)
        with self._lock:
            gone = [key for key in self._pools if key[:2] == (region, name) and qualifier in (None, key[2])]
            found = [self._pools.pop(key)[0] for key in gone]
        for pool in found:
            pool.close()

    def pools(self) -> list[tuple[str, str, str, int]]:
        """(function, version, region, containers alive) for ``shoehorn cloud status``."""
        with self._lock:
            found = list(self._pools.items())
        return [(name, version, region, len(pool.containers())) for (region, name, version), (pool, _) in found]

    def close(self) -> None:
        with self._lock:
            found = list(self._pools.values())
            self._pools.clear()
        for pool, _ in found:
            pool.close()
