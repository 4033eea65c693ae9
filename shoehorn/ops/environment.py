"""``shoehorn env list|set|unset``: change the function's environment and make it live.

Lambda reads environment variables into a version when it is published, so a change is:
update ``$LATEST``'s configuration (with its RevisionId, so a concurrent deploy fails
cleanly instead of being overwritten), wait for the update to finish, publish a version,
and move the ``live`` alias to it — the same three actions ``up`` plans for a config change,
applied by the same executors (``shoehorn.ops.change``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from shoehorn.config import check_environment_size
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources.function import environment_changes, ephemeral_storage
from shoehorn.errors import ConflictError, DeployError
from shoehorn.ops.change import context, run
from shoehorn.ops.deployment import ALIAS, Deployment
from shoehorn.ops.environment_changes import EnvironmentChange
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

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def current(deployment: Deployment) -> dict[str, str]:
    return dict((deployment.function.get("Environment") or {}).get("Variables") or {})


def _check_live_is_latest(deployment: Deployment) -> None:
    """Publishing copies ``$LATEST``'s code too. After a rollback, ``live`` runs older code than
    ``$LATEST``; publishing would silently undo the rollback, so refuse and say why."""
    live = deployment.live_version
    if live is None:
        return
    live_conf = deployment.aws.call(
        "lambda", "get_function_configuration", FunctionName=deployment.function_name, Qualifier=live
    )
    if live_conf.get("CodeSha256") != deployment.function.get("CodeSha256"):
        raise DeployError(
            f"'{ALIAS}' runs version {live}, whose code differs from the newest code of {deployment.function_name} "
            "(a rollback is in effect): publishing the new environment would also put the newer code live",
            "run `shoehorn up` (deploys your current code with the new environment from shoehorn.toml), or "
            "`shoehorn rollback --list` and roll forward first",
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


def _settings(deployment: Deployment, environment: Mapping[str, str]) -> a.FunctionSettings:
    """$LATEST's settings as deployed, with the new environment: only the environment changes."""
    conf = deployment.function
    return a.FunctionSettings(
        runtime=str(conf.get("Runtime", "")), handler=str(conf.get("Handler", "")),
        memory=int(conf.get("MemorySize", 0)), timeout=int(conf.get("Timeout", 0)),
        role_name=str(conf.get("Role", "")).rsplit("/", 1)[-1],
        environment=tuple(sorted(environment.items())), ephemeral_storage=ephemeral_storage(conf),
    )


def _plan(deployment: Deployment, after: Mapping[str, str]) -> a.Plan:
    name, why = deployment.function_name, "`shoehorn env`"
    steps: list[a.Action] = [
        a.UpdateFunctionConfiguration(reason=why, name=name, settings=_settings(deployment, after),
                                      changed=("environment",)),
        a.PublishVersion(reason="Lambda reads the environment into a version when it is published", name=name),
    ]
    if deployment.alias is None:
        steps.append(a.CreateAlias(reason=f"API Gateway calls the `{ALIAS}` alias", name=name))
    else:
        steps.append(a.UpdateAlias(reason="make the new environment live", name=name,
                                   from_version=str(deployment.live_version),
                                   revision_id=deployment.alias.get("RevisionId")))
    return tuple(steps)


def update(deployment: Deployment, change: EnvironmentChange, *, progress: Progress = discard,
           dry_run: bool = False) -> EnvironmentUpdate:
    before = current(deployment)
    after = change.apply_to(before)
    check_environment_size(after, f"of {deployment.function_name} after this change")
    added, changed, removed = environment_changes(before, after)
    name = deployment.function_name
    if not (added or changed or removed):
        return EnvironmentUpdate(name, (), (), (), deployment.live_version, None)
    _check_live_is_latest(deployment)
    _config_warnings(deployment, change, progress)
    steps = _plan(deployment, after)
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
            f"wait for the other deploy, then run `shoehorn rollback {published}` to make it live",
        ) from None
    return EnvironmentUpdate(name, added, changed, removed, deployment.live_version,
                             None if dry_run else ctx.version, steps)
