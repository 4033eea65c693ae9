"""``shoehorn run -- CMD ARGS...``: a one-off command in the deployed function (or, with --local,
in a local container of the same bundle)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from shoehorn.cli import options
from shoehorn.cli.app import app


@app.command(cls=options.NamedArguments, context_settings={"allow_interspersed_args": False})
def run(
    command: List[str] = typer.Argument(..., metavar="-- CMD [ARGS]...",
                                        help="The command, after `--`: e.g. -- python manage.py migrate"),
    local: bool = typer.Option(False, "--local", help="Run it locally instead of in AWS: in the function deployed "
                               "to the running local cloud (`up --local`), else in the containers of the running "
                               "`shoehorn dev --lambda`, else in a new container of the same bundle.",
                               callback=options.given("local")),
    local_platform: bool = typer.Option(False, "--local-platform",
                                        help="With --local: build for this machine's Python/arch."),
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
) -> None:
    """Run a one-off command in the function (migrations, init-db): its output, and its exit code.

    It runs in the function's environment as a direct Lambda invocation (IAM decides who may run it),
    never an HTTP request, and is bounded by the function's timeout."""
    from shoehorn.cli.render import ProgressPrinter, console_err

    err = console_err()
    shown = escape(shlex.join(command))  # as a shell would read it back; brackets are not markup
    deployment = _deployed_in_local_cloud(directory, stage) if local else None
    deployed = not local or deployment is not None  # else a local container, with shoehorn.toml's environment
    if deployment is not None:  # like every other --local command: what `up --local` deployed
        from shoehorn.ops.deployment import live_version
        from shoehorn.ops.run import function_timeout, invoker
        from shoehorn.ops.run import run as run_deployed

        err.print(f"running `{shown}` in {deployment.function_name} (version {live_version(deployment)}) in the "
                  f"local cloud, waiting up to {function_timeout(deployment)} s (the function's timeout)",
                  highlight=False)
        result = run_deployed(deployment, list(command), invoker(deployment, None))
    elif local:
        from shoehorn.config import load
        from shoehorn.local.invoke_api import running_session
        from shoehorn.ops.run import run_in_session, run_local

        config = load(directory, stage=stage)
        session = running_session(config.directory / ".shoehorn")
        if session is not None:  # in the containers of the `dev --lambda` serving the app, like AWS would
            err.print(f"running `{shown}` in the running `shoehorn dev --lambda` (pid {session.pid}), "
                      f"up to {config.timeout} s (the function's timeout)", highlight=False)
            result = run_in_session(session, list(command), config.timeout)
        else:
            err.print(f"running `{shown}` in a new local container of {config.function_name}, "
                      f"up to {config.timeout} s (the function's timeout)", highlight=False)
            result = run_local(config, list(command), use_local_platform=local_platform, progress=ProgressPrinter())
    else:
        from shoehorn.ops.deployment import connect, live_version, locate
        from shoehorn.ops.run import function_timeout, invoker
        from shoehorn.ops.run import run as run_deployed

        config, aws = connect(directory, stage, profile, region)
        deployment = locate(aws, config)
        err.print(f"running `{shown}` in {deployment.function_name} (version {live_version(deployment)}), "
                  f"waiting up to {function_timeout(deployment)} s (the function's timeout)", highlight=False)
        result = run_deployed(deployment, list(command), invoker(deployment, profile))
    import sys

    sys.stdout.write(result.output)  # the command's own output, byte for byte (stderr was merged in)
    sys.stdout.flush()
    from shoehorn.ops import prompted

    told = prompted.note(result.output, deployed)
    if told:  # the command wanted a terminal (Django's createsuperuser then exits 0, as if it had worked)
        err.print(f"[yellow]{escape(told)}[/]", highlight=False)
    if result.truncated:
        err.print("[yellow]the output was cut to its last 4 MB (Lambda's response limit)[/]")
    if result.timed_out:
        err.print(f"[red]the command was stopped after {result.timeout_s:g} s: the function's timeout[/] "
                  "(raise `timeout` in shoehorn.toml, up to 900 s)")
    raise typer.Exit(result.exit_code)


def _deployed_in_local_cloud(directory: Path, stage: Optional[str]):
    """The app's deployment in the running local cloud, or None (no cloud, no moto, not deployed there)."""
    import importlib.util

    if importlib.util.find_spec("moto") is None:
        return None
    from shoehorn.cloud import lifecycle

    if lifecycle.find() is None:
        return None
    from shoehorn.cli import local_target
    from shoehorn.errors import NotDeployedError
    from shoehorn.ops.deployment import connect, locate

    local_target.use(True)  # AWS_ENDPOINT_URL and dummy credentials: the local paths below need no AWS
    config, aws = connect(directory, stage, None, None)
    try:
        return locate(aws, config)
    except NotDeployedError:
        return None
