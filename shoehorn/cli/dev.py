"""`shoehorn dev`: run the app locally, as a web server or as Lambda would run it."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer
from rich.markup import escape

from shoehorn.cli.app import app
from shoehorn.cli.options import Directory, Stage
from shoehorn.progress import Info  # (at the top: the log sink below runs four times a request)


@app.command()
def dev(
    directory: Path = Directory,
    stage: str | None = Stage,
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="Port to listen on (1-65535)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    lambda_: bool = typer.Option(
        False, "--lambda", help="Run the built bundle under AWS's runtime client behind an emulated API Gateway."
    ),
    source: str | None = typer.Option(None, "--source", help="With --lambda: the event source to emulate: rest (default), http, url, alb."),
    multi_value: bool = typer.Option(
        False, "--multi-value",
        help="With --source alb: the target group has multi-value headers on (lambda.multi_value_headers.enabled; off by default on AWS, as here).",
    ),
    concurrency: int | None = typer.Option(
        None, "--concurrency", min=1,
        help="With --lambda: most containers at once (default: the config's concurrency, else 10); a request beyond gets what API Gateway answers a throttled Lambda (REST API: 500).",
    ),
    local_platform: bool = typer.Option(
        False, "--local-platform", help="With --lambda: build for this machine when the target Python/arch differs."
    ),
    no_reload: bool = typer.Option(
        False, "--no-reload",
        help="Do not follow code changes (by default the server restarts, or with --lambda the bundle is rebuilt).",
    ),
) -> None:
    """Run the app locally: a reloading web server, or (--lambda) the real bundle as Lambda runs it."""
    from shoehorn.cli.render import ProgressPrinter, console_out, plural
    from shoehorn.config import load
    from shoehorn.errors import ConfigError
    from shoehorn.progress import discard

    given = [flag for flag, value in (("--source", source), ("--concurrency", concurrency),
                                      ("--local-platform", local_platform or None), ("--multi-value", multi_value or None))
             if value is not None]
    if given and not lambda_:
        raise ConfigError(f"{', '.join(given)} only {'applies' if len(given) == 1 else 'apply'} with --lambda",
                          "add --lambda to run the bundle as Lambda would, or leave the option out")
    source = source or "rest"
    if multi_value and source != "alb":
        raise ConfigError("--multi-value only applies with --source alb (an ALB target group's header mode)",
                          "add --source alb, or leave --multi-value out")
    # with --lambda, what `build` warns about (a timeout API Gateway cuts at 29 s) is said too
    config = load(directory, stage=stage, progress=ProgressPrinter() if lambda_ else discard)
    out = console_out()
    if not lambda_:
        import os

        from shoehorn import server_start
        from shoehorn.local import server

        # importing it would start the app's own server, on its own port, and never return
        server_start.check(config.directory, config.app, config.source_dir)

        os.chdir(config.directory)  # relative paths in the app (StaticFiles("static")) as with --lambda
        sock = server.listen(host, port)  # a busy port is exit 7 before the app is imported
        if not no_reload:
            # The reloader's worker would print a traceback and wait; say file:line and stop instead.
            # (Without reload the import runs in this process and raises the same AppCodeError.)
            from shoehorn.appref import probe

            probe(config.directory, config.app, dict(config.environment),
                  (config.directory / config.source_dir,) if config.source_dir else ())
        def announce() -> None:  # once the app imports: a URL printed above a traceback misleads
            out.print(f"shoehorn dev: serving {escape(config.app)} from {escape(str(config.directory))} at [bold]{escape(server.url(host, port))}[/]")

        with _stops_on_ctrl_c():
            server.serve(config, host=host, port=port, reload=not no_reload, sock=sock, announce=announce)
        return

    from shoehorn.local import emulator
    from shoehorn.local.front import SOURCES

    if source not in SOURCES:
        raise ConfigError(f"unknown event source {source!r}", hint=f"use one of: {', '.join(SOURCES)}")
    from shoehorn.local.pool import DEFAULT_CONCURRENCY

    # The configured reserved concurrency caps the function on AWS; the emulator honours it too.
    concurrency = concurrency or config.concurrency or DEFAULT_CONCURRENCY
    progress = ProgressPrinter()
    from shoehorn.local.server import listen

    sock = listen(host, port)  # a busy port fails now, not after the build
    function = emulator.prepare(config, use_local_platform=local_platform, progress=progress)
    emulator.prune(config.directory / ".shoehorn", keep={function.task_root})  # earlier sessions' bundles
    log_sink = _LambdaLogSink(progress)
    prefix = f"/{config.stage}/" if source == "rest" else "/"
    marker = f" [yellow](LOCAL-PLATFORM bundle {function.runtime}, not {config.runtime}/{config.architecture})[/]" if function.local_platform else ""
    out.print(
        f"shoehorn dev --lambda: {config.function_name} as {source!r} events, up to {plural(concurrency, 'container')}"
        f"{marker} at [bold]http://{escape(host)}:{port}{prefix}[/]"
    )
    from shoehorn.local.invoke_api import InvokeApi

    doors: list[InvokeApi] = []

    def open_command_door(pool) -> None:  # `shoehorn run --local -- CMD` runs in this session's containers
        door = InvokeApi(config.function_name, pool.invoke, config.directory / ".shoehorn")
        door.start()
        doors.append(door)

    try:
        with _stops_on_ctrl_c():
            emulator.serve(function, sock=sock, source=source, stage=config.stage, concurrency=concurrency,
                           progress=log_sink, watch=None if no_reload else config.directory,
                           use_local_platform=local_platform, with_pool=open_command_door, multi_value=multi_value)
    finally:
        for door in doors:
            door.stop()


@contextlib.contextmanager
def _stops_on_ctrl_c():
    """Ctrl-C (or SIGTERM) is how a server is stopped: exit 0, not "interrupted, run it again"."""
    try:
        yield
    except KeyboardInterrupt:  # the CLI's Interrupted too; uvicorn re-raises the signal after shutting down
        pass


class _LambdaLogSink:
    """Per-request log lines as plain stderr writes: rich markup costs ~0.3 ms a line, three
    lines a request, which would dominate a warm invocation; everything else goes to rich."""

    def __init__(self, fallback) -> None:
        import sys
        import threading

        self._fallback = fallback
        self._stream = sys.stderr
        # Containers, the gateway and the reloader log from their own threads: one line at a time.
        self._lock = threading.Lock()

    def __call__(self, event) -> None:
        with self._lock:
            if isinstance(event, Info):
                self._stream.write(event.message + "\n")
                self._stream.flush()
            else:
                self._fallback(event)
