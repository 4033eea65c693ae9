"""``shoehorn cloud start|status|stop``: the local cloud that ``--local`` commands target.

One process on 127.0.0.1 (moto for the control plane, shoehorn's Lambda and API Gateway data
planes in front). Its state lives as long as the process: after ``stop``, the next
``shoehorn up --local`` starts a fresh one and deploys again.
"""

from __future__ import annotations

import typer
from rich.markup import escape

from shoehorn.cli.app import app

cloud_app = typer.Typer(help="The local cloud that `--local` commands target (start, status, stop).",
                        no_args_is_help=True)
app.add_typer(cloud_app, name="cloud")


@cloud_app.command("start")
def start(
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1, 1-65535 (default 0: any free port)."),
) -> None:
    """Start the local cloud in the background (`shoehorn up --local` does this by itself)."""
    from shoehorn.cli.render import console_out
    from shoehorn.cloud import lifecycle

    running, started = lifecycle.start(port)
    what = "started" if started else "already running"
    console_out().print(f"local cloud {what} on {running.url} (pid {running.pid}; log {escape(str(running.log))})")


@cloud_app.command("status")
def status() -> None:
    """Show whether the local cloud runs, where, and the functions it has run."""
    from shoehorn.cli.render import console_out
    from shoehorn.cloud import lifecycle

    out = console_out()
    running = lifecycle.find()
    if running is None:
        from shoehorn.errors import NotDeployedError

        problem = lifecycle.unusable_state()
        if problem:
            raise NotDeployedError(f"no local cloud is running that shoehorn can find: its state file {problem}",
                                   "`shoehorn cloud stop` removes that file; `shoehorn cloud start` (or `shoehorn up "
                                   "--local`) starts a cloud and writes a new one")
        raise NotDeployedError(f"no local cloud is running (state directory {lifecycle.state_dir()})",
                               "`shoehorn up --local` or `shoehorn cloud start` starts one")
    info = running.status
    out.print(f"local cloud on {running.url}: pid {running.pid}, up {info.get('uptime_s', 0):.0f} s, "
              f"Lambda runtime client {info.get('runtime_client')}")
    out.print(f"  log: {escape(str(running.log))}")
    out.print("  state lives as long as the process; `shoehorn cloud stop` ends it")
    for function in info.get("functions", []):
        out.print(f"  function {function['function']} version {function['version']} ({function['region']}): "
                  f"{function['containers']} container(s) warm")


@cloud_app.command("stop")
def stop() -> None:
    """Stop the local cloud; everything deployed in it is gone."""
    from shoehorn.cli.render import console_out
    from shoehorn.cloud import lifecycle

    problem = lifecycle.unusable_state()  # read before stop() removes the file
    stopped = lifecycle.stop()
    if stopped is None and problem:
        # Without a usable state file no process can be proven to be the cloud, so none is signalled.
        log = lifecycle.state_dir() / lifecycle.LOG_FILE
        console_out().print(f"no local cloud stopped: the state file {escape(problem)}, so shoehorn cannot tell "
                            f"which process is its cloud; removed the file. If a cloud still runs, its pid is on the "
                            f"first line of {escape(str(log))}: `kill PID` stops it.", highlight=False)
        return
    if stopped is None:
        console_out().print("no local cloud was running")
        return
    console_out().print(f"stopped the local cloud on {stopped.url} (pid {stopped.pid})")
