"""``shoehorn env list|set|unset``: change the environment ``live`` runs and make it live.

Lambda reads environment variables into a version when it is published, so a change is:
update ``$LATEST``'s configuration (with its RevisionId, so a concurrent deploy fails
cleanly instead of being overwritten), wait for the update to finish, publish a version,
and move the ``live`` alias to it — the same three actions ``up`` plans for a config change,
applied by the same executors (``shoehorn.ops.change``).

The change is made to what ``live`` runs, not to ``$LATEST``: a run interrupted after the update
left ``$LATEST`` ahead of ``live``, and running the command again must still publish and move
``live``. Publishing copies all of ``$LATEST``, so when ``$LATEST`` differs from ``live`` in
anything else (a rollback is in effect, an edit in the console) the command refuses rather than
publish that unreviewed state, or overwrite it: ``shoehorn up`` or a rollback settles it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from shoehorn.commandline import suggest
from shoehorn.config import check_environment_size
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources.function import environment_changes, ephemeral_storage
from shoehorn.errors import ConflictError, DeployError
from shoehorn.ops.change import check_ours, context, run
from shoehorn.ops.deployment import ALIAS, Deployment
from shoehorn.ops.environment_changes import EnvironmentChange
from shoehorn.ops.unpublished import environment_difference, settings_difference, variables
from shoehorn.progress import Progress, Warn, discard


@dataclass(frozen=True)
class EnvironmentUpdate:
    function_name: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    from_version: str | None
    to_version: str | None  # None when nothing changed (no version published) or on a dry run
    plan: a.Plan = ()
    # Variables this command names whose unpublished value on $LATEST (an interrupted run) was put back
    # to what live runs, live already having the value asked for: nothing published.
    restored: tuple[str, ...] = ()
    dry_run: bool = False

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def live_configuration(deployment: Deployment) -> Mapping[str, Any]:
    """The configuration of the version ``live`` points to (as read with the alias); ``$LATEST``'s without it."""
    if deployment.alias is None:
        return deployment.function
    return deployment.aws.call("lambda", "get_function_configuration", FunctionName=deployment.function_name,
                               Qualifier=str(deployment.live_version))


def current(deployment: Deployment) -> dict[str, str]:
    """The environment ``live`` runs."""
    return variables(live_configuration(deployment))


def listing(deployment: Deployment) -> tuple[dict[str, str], tuple[str, ...]]:
    """What ``env list`` shows: the environment ``live`` runs, and the variables ``$LATEST`` holds
    other values for (not live: an interrupted ``env set``, a rollback, an edit in the console)."""
    live = live_configuration(deployment)
    return variables(live), environment_difference(deployment.function, live)


def _check_only_environment_differs(deployment: Deployment, live: Mapping[str, Any], change: EnvironmentChange) -> None:
    """Publishing copies all of ``$LATEST``: refuse when it differs from what ``live`` runs in anything
    but the variables this command sets or unsets. Refusing loses nothing; publishing would put an
    unreviewed state live (undo a rollback, ship a console edit), and overwriting $LATEST with live's
    settings would throw that state away without a word."""
    if deployment.alias is None:
        return
    touched = set(change.set) | set(change.unset)
    others = [key for key in environment_difference(deployment.function, live) if key not in touched]
    what = list(settings_difference(deployment.function, live)) + ([f"environment ({', '.join(others)})"] if others else [])
    if not what:
        return
    stage = deployment.config.stage
    raise DeployError(
        f"$LATEST of {deployment.function_name} differs from version {deployment.live_version}, which '{ALIAS}' runs, "
        f"in: {'; '.join(what)} (a rollback is in effect, or the function was changed outside shoehorn): "
        "publishing the new environment would put that live too",
        f"`{suggest('status', stage=stage)}` shows what differs from shoehorn.toml; `{suggest('up', stage=stage)}` "
        "deploys shoehorn.toml's code, settings and environment (put this variable there to keep it), or "
        f"`{suggest('rollback --list', stage=stage)}` and roll forward to the version that matches $LATEST; then run "
        "this command again",
    )


def _config_warnings(deployment: Deployment, change: EnvironmentChange, progress: Progress) -> None:
    """``up`` makes the function's environment equal to the config's: say when this change will
    not survive the next ``up``, and where to put it so it does."""
    configured: Mapping[str, str] = deployment.config.environment
    where = f"the environment table (or stages.{deployment.config.stage}.environment) of shoehorn.toml"
    for key, value in change.set.items():
        if configured.get(key) != value:
            fate = "change" if key in configured else "remove"
            progress(Warn(f"{key} is not set to this value in the config: the next `shoehorn up` will {fate} it; "
                          f"put it in {where} to keep it"))
    for key in change.unset:
        if key in configured:
            progress(Warn(f"{key} is still in the config: the next `shoehorn up` will set it again; "
                          f"remove it from {where} too"))


def _settings(conf: Mapping[str, Any], environment: Mapping[str, str]) -> a.FunctionSettings:
    """The settings ``live`` runs (which $LATEST has too, checked), with the new environment."""
    return a.FunctionSettings(
        runtime=str(conf.get("Runtime", "")), handler=str(conf.get("Handler", "")),
        memory=int(conf.get("MemorySize", 0)), timeout=int(conf.get("Timeout", 0)),
        role_name=str(conf.get("Role", "")).rsplit("/", 1)[-1],
        environment=tuple(sorted(environment.items())), ephemeral_storage=ephemeral_storage(conf),
    )


def _update_latest(deployment: Deployment, live: Mapping[str, Any], after: Mapping[str, str]) -> a.Action:
    words = "; ".join(f"{label} {', '.join(names)}" for label, names in
                      zip(("adds", "changes", "removes"), environment_changes(variables(deployment.function), after))
                      if names)
    source = f"version {deployment.live_version}" if deployment.alias is not None else "$LATEST"
    return a.UpdateFunctionConfiguration(
        reason=f"`shoehorn env`: environment {words}; every other setting as {source} has it",
        name=deployment.function_name, settings=_settings(live, after), changed=("environment",))


def _plan(deployment: Deployment, live: Mapping[str, Any], after: Mapping[str, str]) -> a.Plan:
    name = deployment.function_name
    steps: list[a.Action] = []
    if variables(deployment.function) != after:
        steps.append(_update_latest(deployment, live, after))
        steps.append(a.PublishVersion(reason="Lambda reads the environment into a version when it is published",
                                      name=name))
    else:  # the update was made by a run interrupted before `live` moved: finish it
        steps.append(a.PublishVersion(reason="$LATEST already holds the new environment (an interrupted "
                                      "`shoehorn env`?); publish it", name=name))
    if deployment.alias is None:
        steps.append(a.CreateAlias(reason=f"API Gateway calls the `{ALIAS}` alias", name=name))
    else:
        steps.append(a.UpdateAlias(reason="make the new environment live", name=name,
                                   from_version=str(deployment.live_version),
                                   revision_id=deployment.alias.get("RevisionId"), clears=deployment.live_weights))
    return tuple(steps)


def update(deployment: Deployment, change: EnvironmentChange, *, progress: Progress = discard,
           dry_run: bool = False) -> EnvironmentUpdate:
    check_ours(deployment)  # another app's function is refused as such (exit 8), before what it runs is judged
    live = live_configuration(deployment)
    before = variables(live)
    after = change.apply_to(before)
    check_environment_size(after, f"of {deployment.function_name} after this change")
    added, changed, removed = environment_changes(before, after)
    name = deployment.function_name
    latest = variables(deployment.function)
    touched = tuple(sorted(key for key in set(change.set) | set(change.unset) if latest.get(key) != after.get(key)))
    if not (added or changed or removed or touched):
        return EnvironmentUpdate(name, (), (), (), deployment.live_version, None)
    _check_only_environment_differs(deployment, live, change)
    if not (added or changed or removed):
        # live already runs what was asked; $LATEST still holds an interrupted run's value: put it back,
        # so $LATEST matches live again (a later `env set` of another variable would be refused)
        steps: a.Plan = (_update_latest(deployment, live, after),)
        run(deployment, steps, progress=progress, dry_run=dry_run)
        return EnvironmentUpdate(name, (), (), (), deployment.live_version, None, steps, restored=touched,
                                 dry_run=dry_run)
    _config_warnings(deployment, change, progress)
    steps = _plan(deployment, live, after)
    # The executors carry RevisionId from the update to the publish (exactly what we configured
    # is published) and the alias's RevisionId to the move.
    ctx = context(deployment, progress)
    try:
        run(deployment, steps, progress=progress, dry_run=dry_run, ctx=ctx)
    except ConflictError:
        published = ctx.version if ctx.version != deployment.live_version else None
        if not published:  # the configuration update itself was refused: nothing changed
            raise
        raise ConflictError(
            f"the '{ALIAS}' alias changed while the environment was updated (another deploy is in progress); "
            f"version {published} has the new environment but is not live",
            f"wait for the other deploy, then run `{suggest(f'rollback {published}', stage=deployment.config.stage)}` "
            "to make it live",
        ) from None
    return EnvironmentUpdate(name, added, changed, removed, deployment.live_version,
                             None if dry_run else ctx.version, steps, dry_run=dry_run)
