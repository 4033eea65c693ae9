"""``shoehorn env list|set|unset``: the deployed function's environment (values masked)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from shoehorn.cli import local_target, options
from shoehorn.cli.app import app

env_app = typer.Typer(help="List or change the deployed function's environment variables.", no_args_is_help=True)
app.add_typer(env_app, name="env")

ShowValues = typer.Option(False, "--show-values", help="Print values instead of ********.")


def _apply(change, where: tuple, show_values: bool, values, dry_run: bool) -> None:
    """Publish ``change`` on the deployment ``where`` (directory, stage, profile, region) names; report it."""
    from shoehorn.cli.render import ProgressPrinter
    from shoehorn.ops.deployment import open_deployment
    from shoehorn.ops.environment import update

    printer = ProgressPrinter()
    _report(update(open_deployment(*where, printer), change, progress=printer, dry_run=dry_run), show_values, values)


def _report(update, show_values: bool, values) -> None:
    from shoehorn.cli.render import console_out, print_plan
    from shoehorn.ops.masking import mask

    out = console_out()
    if update.restored:  # live had it already; $LATEST held an interrupted run's value
        names = ", ".join(update.restored)
        if update.dry_run:
            print_plan(out, update.plan, f"`shoehorn env` would take for {update.function_name} (nothing changed)")
        done = "would be put back" if update.dry_run else "put back"
        out.print(f"{update.function_name}: version {update.from_version} (live) already runs this; the unpublished "
                  f"value of {names} on $LATEST {done} to match it (nothing published)")
        return
    if not update.changed_anything:
        out.print(f"{update.function_name}: nothing changed (version {update.from_version} stays live)")
        return
    if update.to_version is None:  # a dry run
        print_plan(out, update.plan, f"`shoehorn env` would take for {update.function_name} (nothing changed)")
    for key in update.added:
        out.print(f"[green]+[/] {key}={escape(mask(values.get(key, ''), show=show_values))}")
    for key in update.changed:
        out.print(f"[yellow]~[/] {key}={escape(mask(values.get(key, ''), show=show_values))}")
    for key in update.removed:
        out.print(f"[red]-[/] {key}")
    if update.to_version is None:
        return
    out.print(f"{update.function_name}: published version {update.to_version}; live {update.from_version} -> "
              f"{update.to_version}")
    for step in update.plan:
        if getattr(step, "clears", ()):
            from shoehorn.deploy.actions import weights_text

            out.print(f"every request now goes to version {update.to_version} (removed the weighted routing that "
                      f"sent {weights_text(step.clears)})")


@env_app.command("list")
def list_(
    show_values: bool = ShowValues,
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    local: bool = options.Local,
) -> None:
    """Show the environment the live version runs (and say which variables $LATEST holds otherwise)."""
    local_target.use(local)
    from shoehorn.cli.render import console_err, console_out
    from shoehorn.commandline import suggest
    from shoehorn.ops.deployment import open_deployment
    from shoehorn.ops.environment import listing
    from shoehorn.ops.masking import masked

    deployment = open_deployment(directory, stage, profile, region)
    live, unpublished = listing(deployment)
    variables = masked(live, show=show_values)
    out = console_out()
    if not variables:
        out.print("[dim](no environment variables)[/]")
    for key, value in variables.items():
        out.print(f"{key}={value}", highlight=False, markup=False)
    if unpublished:  # on stderr: stdout stays KEY=VALUE lines for scripts
        console_err().print(
            f"[yellow]note:[/] these are version {escape(str(deployment.live_version))}'s, which live runs; $LATEST (not "
            f"live) holds other values for {escape(', '.join(unpublished))}: an interrupted `shoehorn env` (run it "
            "again to finish), a rollback, or an edit outside shoehorn "
            f"(`{escape(suggest('status', stage=deployment.config.stage))}` shows the drift)")


@env_app.command("set", cls=options.NamedArguments)
def set_(
    assignments: List[str] = typer.Argument(..., metavar="KEY=VALUE...",
                                            help="Variables to set, e.g. LOG_LEVEL=debug 'GREETING=hello world'."),
    show_values: bool = ShowValues,
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    dry_run: bool = options.DryRun,
    local: bool = options.Local,
) -> None:
    """Set variables, publish a version and make it live."""
    local_target.use(local)
    from shoehorn.ops.environment_changes import parse_set

    change = parse_set(assignments)
    _apply(change, (directory, stage, profile, region), show_values, dict(change.set), dry_run)


@env_app.command("unset", cls=options.NamedArguments)
def unset(
    keys: List[str] = typer.Argument(..., metavar="KEY...", help="Variable names to remove, e.g. LOG_LEVEL."),
    directory: Path = options.Directory,
    stage: Optional[str] = options.Stage,
    profile: Optional[str] = options.Profile,
    region: Optional[str] = options.Region,
    dry_run: bool = options.DryRun,
    local: bool = options.Local,
) -> None:
    """Remove variables, publish a version and make it live."""
    local_target.use(local)
    from shoehorn.ops.environment_changes import parse_unset

    _apply(parse_unset(keys), (directory, stage, profile, region), False, {}, dry_run)
