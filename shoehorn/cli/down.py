"""``shoehorn down``: delete everything shoehorn made for this app and stage, then verify nothing is left."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app
from shoehorn.words import plural


@app.command()
def down(
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (required without a terminal)."),
    keep_logs: bool = typer.Option(False, "--keep-logs", help="Keep the CloudWatch log group."),
    app_name: Optional[str] = typer.Option(
        None, "--app", metavar="NAME", help="Delete the stage of app NAME instead of this directory's: what a "
        "renamed app left under its old name (`up` and `status` name it). Only resources tagged shoehorn:app=NAME "
        "for the stage, and never a function deployed from another project.",
    ),
) -> None:
    """Delete the API, function, versions, alias, role, log group and uploaded bundles of this stage."""
    local_target.use(local)
    from dataclasses import replace

    from shoehorn import deploy
    from shoehorn.cli.render import ProgressPrinter, console_err
    from shoehorn.config import sanitise_name
    from shoehorn.errors import ConfigError
    from shoehorn.ops.deployment import connect

    from shoehorn.commandline import suggest

    printer = ProgressPrinter()
    config, aws = connect(directory, stage, profile, region, printer)
    named = app_name is not None
    if named:
        if sanitise_name(app_name) != app_name:
            raise ConfigError(f"--app {app_name!r} is not an app name shoehorn deploys",
                              f"App names hold lower-case letters, digits and '-', starting with a letter (e.g. "
                              f"{sanitise_name(app_name)!r}); `shoehorn status` names this project's other ones.")
        config = replace(config, name=app_name)  # everything else (stage, region, project) stays this directory's
    words = f"down --app {config.name}" if named else "down"
    what = f"{config.name} (stage {config.stage})"
    if not yes:
        if not sys.stdin.isatty():
            # The suggested command keeps --local and --stage: copied without them it would delete the AWS stage.
            raise ConfigError(f"refusing to delete {what} without confirmation: stdin is not a terminal",
                              f"Pass --yes to confirm, e.g. `{suggest(words + ' --yes', stage=config.stage)}` in CI.")
        where = " in the local cloud" if local else ""
        if not typer.confirm(f"Delete every AWS resource of {what}{where}?", default=False):
            console_err().print(f"nothing deleted: {what} is left as it is")
            return  # the user's answer, not an error: exit 0
    result = deploy.down(config, aws, printer, keep_logs=keep_logs, named=named)
    err = console_err()
    if result.others:  # a user's own resources tagged like the stage: named, never deleted
        err.print(f"left alone, not made by shoehorn though tagged shoehorn:app={config.name}, "
                  f"shoehorn:stage={config.stage}: {', '.join(result.others)}", highlight=False)
    from rich.markup import escape

    for note in result.notes:  # AWS's messages may hold [brackets]
        err.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    # The kept log group is still tagged for the app: say so, rather than "nothing of it remains".
    kept = ""
    if keep_logs:
        from shoehorn.deploy.resources import logs

        if logs.observe(aws, config) is not None:
            # (`shoehorn logs` reads this directory's app: it names the group only for that one)
            reads = "" if named else f"`{suggest('logs', stage=config.stage)}` reads it, "
            kept = (f"; its log group {config.log_group} was kept ({reads}"
                    f"`{suggest(words, stage=config.stage)}` without --keep-logs deletes it)")
    if not result.actions:
        # nothing to do is success (a second `down` is), but a mistyped stage should not look like one
        stages = [s for s in _deployed_stages(aws, config) if s != config.stage]
        also = f"; deployed stages of {config.name}: {', '.join(stages)} (--stage)" if stages else ""
        err.print(f"nothing to delete: {what} is not deployed{also}{kept}", highlight=False)
        return
    count = len(result.actions)
    # "nothing of it remains" only when true: an untagged bucket under the app's bucket name is left (noted above)
    left = f"; S3 bucket {result.untagged_bucket} was left (see the note above)" if result.untagged_bucket else ""
    err.print(f"[green]deleted[/] {what}: {plural(count, 'action')} in {result.seconds:.1f} s"
              + (kept or left or "; nothing of it remains"), highlight=False)


def _deployed_stages(aws, config) -> list[str]:
    from shoehorn.errors import ShoehornError
    from shoehorn.ops.deployment import deployed_stages

    try:
        return list(deployed_stages(aws, config.name))
    except ShoehornError:  # listing needs tag:GetResources; the main message holds without it
        return []
