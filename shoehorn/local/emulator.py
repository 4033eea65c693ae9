"""`shoehorn dev --lambda`: build the bundle, lay it out, and serve it the way AWS would.

The pieces: the bundle (``shoehorn.bundle.build``'s parts, cached, laid out as a code directory
without a zip: ``tree``), the runtime libraries, a pool of awslambdaric containers, and the
gateway front under uvicorn. The local cloud unzips what `up --local` uploads (``unzip``).
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import socket
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from shoehorn.bundle import missing, shim, zipper
from shoehorn.bundle.install import DEPS_ZIP
from shoehorn.commandline import suggest
from shoehorn.config import Config, local_runtime
from shoehorn.errors import LocalError
from shoehorn.local import interpreters, inuse, runtime_client, tree
from shoehorn.local.containers import Function
from shoehorn.local.staging import publish
from shoehorn.progress import Info, Progress, StepDone, StepStarted, Warn, discard

if TYPE_CHECKING:
    from shoehorn.local.pool import Pool

@dataclass(frozen=True, slots=True)
class Platform:
    runtime: str  # "python3.11"
    architecture: str  # "x86_64" | "arm64"


def local_platform() -> Platform:
    return Platform(local_runtime(), interpreters.architecture_here())


def cannot_run_here(runtime: str, architecture: str, what: str = "this app") -> str:
    """Why the local cloud cannot run ``what``, a ``runtime``/``architecture`` function, and the way out
    (only when ``interpreters.for_target`` found no Python for it)."""
    here = local_platform()
    said = f"the local cloud runs {here.runtime} on {here.architecture} (the Python its shoehorn is installed in, on this machine) "
    if architecture != here.architecture:
        return (said + f"and {what} is for {architecture}, whose compiled modules cannot load here. "
                f'Set architecture = "{here.architecture}" in shoehorn.toml to try it in the local cloud'
                + ("" if runtime == here.runtime or not runtime.startswith("python")
                   else f' (and a {runtime} Python on this machine, or runtime = "{here.runtime}")'))
    if not runtime.startswith("python"):
        return said + f"and {what} is for {runtime}, which is not Python"
    version = runtime.removeprefix("python")
    return (said + f"and {what} is for {runtime}, and this machine has no Python {version} (looked for "
            f"python{version} on PATH, in pyenv's and in uv's Pythons). Install one (e.g. `uv python install "
            f"{version}`) and the local cloud runs it there, or set runtime = \"{here.runtime}\" in shoehorn.toml "
            "to try it on this Python")


def platform_mismatch(config: Config, here: Platform | None = None) -> str | None:
    """Why the Lambda bundle cannot run on this machine, or None when it can."""
    here = here or local_platform()
    reasons = []
    if config.runtime != here.runtime:
        reasons.append(f"it targets {config.runtime} and this machine runs {here.runtime}")
    if config.architecture != here.architecture:
        reasons.append(f"it is built for {config.architecture} and this machine is {here.architecture}")
    return " and ".join(reasons) or None


def unzip(bundle_path: Path, cache_root: Path, digest: str) -> Path:
    """A bundle's zip unzipped once per content hash (``LAMBDA_TASK_ROOT`` of the local cloud's
    containers: codestore; `dev --lambda` lays its own out without a zip: ``tree``), marked as this
    process's (``inuse``) so that another session's prune leaves it alone."""
    task_root = cache_root / "lambda" / digest[:16]
    inuse.mark(task_root)
    return publish(task_root, lambda staging: zipper.extract(bundle_path, staging), digest)


def prune(cache_root: Path, keep: set[Path]) -> None:
    """Remove unzipped bundles other than ``keep`` (what this process uses; a reloading session makes
    one per change) and those another live process uses (another session's: ``inuse``); one of them
    becomes this process's spare (``tree.recycle``), and the spares of sessions that are gone go."""
    folder = cache_root / "lambda"
    if not folder.is_dir():
        return
    tree.prune_spares(folder)
    for child in folder.iterdir():
        # ".tmp-<pid>": another session's unzip in progress (staging.publish); ".in-use": the markers;
        # ".deps", ".spare-*": what code directories are laid out from (tree)
        if not child.is_dir() or child in keep or ".tmp-" in child.name or child.name.startswith("."):
            continue
        if not inuse.used_elsewhere(child):
            if not tree.recycle(child):  # (the next rebuild's spare, stripped to the dependencies' links)
                shutil.rmtree(child, ignore_errors=True)
            inuse.forget(child)


def prepare(config: Config, *, use_local_platform: bool = False, progress: Progress = discard) -> Function:
    """Build (cached) and lay out the bundle; the Function every container will run."""
    mismatch = platform_mismatch(config)
    interpreter = interpreters.for_target(config.runtime, config.architecture)
    if interpreter is not None:
        mismatch = None  # this machine has a Python of the function's version: the real bundle runs on it
    if mismatch and not use_local_platform:
        raise LocalError(
            f"the Lambda bundle cannot run on this machine: {mismatch}",
            hint=f"run `{suggest('dev --lambda --local-platform', local_cloud=False)}` to emulate with a bundle built for this "
            "machine's Python and architecture (the output is marked as such)",
        )
    local = bool(mismatch) and use_local_platform
    if local:
        here = local_platform()
        progress(Warn(f"emulating with a LOCAL-PLATFORM bundle ({here.runtime}, {here.architecture}), not the "
                      f"{config.runtime}/{config.architecture} bundle Lambda will run: {mismatch}"))
    from shoehorn.bundle.build import contents

    # No zip and no separate import check: the containers run the files the zip would hold (tree),
    # and they ARE that check: a failing import shows up the way it will on AWS
    # (Runtime.ImportModuleError at init, 502 at the gateway).
    parts = contents(config, progress=progress, local_platform=local, reuse_static=True)
    # what `build --no-check` refuses too: without the module `app` names, every cold start fails
    missing.require_app_module(config, itertools.chain(parts.app, _dependency_names(parts.deps_dir)))
    cache_root = config.directory / ".shoehorn"
    progress(StepStarted("lay out bundle", "dependencies linked, app files written"))
    began = time.perf_counter()
    task_root, made = tree.assemble(parts, cache_root / "lambda", progress=progress)
    if interpreter is None or interpreter == sys.executable:
        interpreter = sys.executable
        libs, client = runtime_client.choose(cache_root)
    else:  # awslambdaric is installed for this Python only: the other one runs our stdlib client
        libs, client = runtime_client.install(cache_root), runtime_client.MODULE
    progress(StepDone("lay out bundle", time.perf_counter() - began, f"{task_root}" + ("" if made else " (unchanged)")))
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    target = parts.target
    progress(Info(f"function {config.function_name}: {target.runtime} {target.architecture}, {config.memory} MB, "
                  f"timeout {config.timeout} s"
                  + (" [local-platform bundle]" if local else "")
                  + (f" [on {interpreter}, shoehorn's stdlib runtime client]" if interpreter != sys.executable
                     else "" if client == runtime_client.AWSLAMBDARIC
                     else " [shoehorn's stdlib runtime client: awslambdaric is not installed here]")))
    return Function(
        name=config.function_name,
        task_root=task_root,
        runtime_libs=libs,
        handler=shim.HANDLER,
        runtime=target.runtime,
        memory_mb=config.memory,
        timeout_s=config.timeout,
        ephemeral_storage_mb=config.ephemeral_storage,
        region=region,
        environment=dict(config.environment),
        local_platform=local,
        runtime_client=client,
        interpreter=interpreter,
        left_out=parts.left_out,
    )


def _dependency_names(deps_dir: Path):
    """The dependencies' file names, read only when the app's own files do not hold its module."""
    with zipfile.ZipFile(deps_dir / DEPS_ZIP) as archive:
        yield from archive.namelist()


def _quiet_shutdown(record: logging.LogRecord) -> bool:
    return not record.getMessage().endswith("timeout graceful shutdown exceeded")


def serve(function: Function, *, sock: socket.socket, source: str, stage: str, concurrency: int,
          progress: Progress = discard, watch: Path | None = None, use_local_platform: bool = False,
          with_pool: Callable[[Pool], None] | None = None, multi_value: bool = False) -> None:
    """Run the gateway front on ``sock`` (``shoehorn.local.server.listen``, bound before the build so a
    busy port fails at once) until interrupted; every container is stopped on the way out.

    With ``watch`` (the app directory), a code change rebuilds the bundle and new containers
    run it (``shoehorn.local.watch``)."""
    import uvicorn

    from shoehorn.local.front import create_app
    from shoehorn.local.logs import LambdaLog
    from shoehorn.local.pool import Pool

    from shoehorn.runtime.prime import ROOT_ENV

    # priming requests arrive where this front's requests do, under the URL it prints (cli/dev.py): the stage
    # for REST, the root for the others (the entry point's default is the stage, as `up` deploys REST)
    os.environ[ROOT_ENV] = f"/{stage}" if source == "rest" else ""
    log = LambdaLog(progress)
    pool = Pool(function, log, limit=concurrency)
    if with_pool is not None:
        with_pool(pool)  # e.g. the door `shoehorn run --local` uses (cli/dev.py)
    app = create_app(pool.invoke_async, log, source=source, stage=stage, multi_value=multi_value,
                     left_out=lambda: pool.function.left_out)  # (the reloader replaces the function)
    # Ctrl-C should not wait for a request stuck in a slow function (up to 29 s): give
    # in-flight requests a moment, then stop; the containers are killed below.
    server = uvicorn.Server(
        # no "server: uvicorn", one Date (front.Dated): what API Gateway's answer carries. proxy_headers off:
        # API Gateway's sourceIp is the peer that connected, never a client's own X-Forwarded-For
        uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=2, server_header=False,
                       date_header=False, proxy_headers=False)
    )
    # uvicorn logs the requests it cancels at shutdown as an ERROR; each is answered, and said, by the front
    logging.getLogger("uvicorn.error").addFilter(_quiet_shutdown)
    reloader = None
    if watch is not None:
        from shoehorn.local.watch import Reloader

        reloader = Reloader(watch, stage, pool, use_local_platform=use_local_platform, progress=progress)
        reloader.start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        if reloader is not None:
            reloader.stop()
        pool.close()
