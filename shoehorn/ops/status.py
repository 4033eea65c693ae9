"""``shoehorn status``: read the deployment once and say what is live and what has drifted.

Drift is exactly what ``shoehorn up`` would change, found by the deployer's own observer and
planner — not re-derived here. The one thing status does not compare is the code: that
needs a build (seconds to minutes), so the desired code is taken to be what ``$LATEST``
holds; ``shoehorn plan`` builds and compares it.
"""

from __future__ import annotations

from pathlib import Path

from shoehorn.bundle.artifact import Bundle
from shoehorn.commandline import suggest
from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws
from shoehorn.ops.deployment import ALIAS, Deployment, locate
from shoehorn.ops.status_init import last_cold_start
from shoehorn.ops.status_report import Drift, Status

def code_not_compared(stage: str) -> str:
    return f"code is not compared (that needs a build): `{suggest('plan', stage=stage)}` compares it"


def _as_built(deployment: Deployment) -> Bundle:
    """A stand-in Bundle whose code is what ``$LATEST`` already holds, so the planner reports
    every drift except a code change."""
    conf = deployment.function
    from shoehorn.deploy.naming import sha256_hex

    digest = sha256_hex(str(conf.get("CodeSha256", "")))
    return Bundle(
        path=Path("/dev/null"), sha256=digest, zipped_bytes=int(conf.get("CodeSize", 0)), unzipped_bytes=0,
        runtime=deployment.config.runtime, architecture=deployment.config.architecture,
    )


def _fix(action: a.Action, rolled_back: bool, stage: str) -> str:
    # (A stopped function is not drift: `up` leaves reserved concurrency 0 alone; `shoehorn start` lifts it.)
    up = suggest("up", stage=stage)
    if isinstance(action, a.UpdateAlias) and action.to_version == action.from_version:
        return (f"{up} (sends every request to version {action.to_version}), or "
                f"`{suggest('rollback N', stage=stage)}` (every request to version N)")
    if isinstance(action, a.UpdateAlias) and not action.from_version.isdigit():
        return f"{up} (publishes a version and points `{ALIAS}` at it)"
    if isinstance(action, a.UpdateAlias) and rolled_back:
        return f"{up} (rolls forward to what $LATEST holds), or leave it to keep the rollback"
    if isinstance(action, a.UpdateAlias):
        return f"{up} (publishes what $LATEST holds and moves `{ALIAS}` to it)"
    return up


def _rolled_back(deployment: Deployment, steps: a.Plan) -> bool:
    """Whether `up` would move `live` forward from a version older than the newest published one (a
    rollback), rather than from the newest (left behind by an `up` or `env` interrupted before it
    published, or by a console edit of $LATEST: there is no rollback to keep). Asks Lambda only then."""
    moves = [s.from_version for s in steps if isinstance(s, a.UpdateAlias) and s.to_version is None
             and s.from_version.isdigit()]
    if not moves:
        return False
    from shoehorn.ops.deployment import pages

    versions = pages(deployment.aws, "lambda", "list_versions_by_function", "Versions",
                     FunctionName=deployment.function_name)
    return any(str(v.get("Version")).isdigit() and int(v["Version"]) > int(moves[0]) for v in versions)


def drift(deployment: Deployment):
    """``(drift items, the observed snapshot)``: status reads the rest of its screen from the snapshot."""
    from shoehorn.deploy import ownership
    from shoehorn.deploy.observe import observe
    from shoehorn.deploy.planner import plan

    bundle = _as_built(deployment)
    observed = observe(deployment.aws, deployment.config, bundle)
    # What is not this app's is said as `up` would say it (exit 8), not offered as drift `up` would then refuse.
    ownership.check_observed(observed, deployment.config)
    steps = plan(deployment.config, bundle, observed)
    rolled_back = _rolled_back(deployment, steps)
    return tuple(Drift(f"{step.describe()} ({step.reason})", _fix(step, rolled_back, deployment.config.stage))
                 for step in steps), observed


def _as_last_applied(deployment: Deployment) -> tuple[Deployment, str | None]:
    """The deployment judged against the warm-up the last `up` applied: an `up --warm 5m` is intended,
    not drift. Returns it with a note saying the config differs (None when it does not)."""
    from dataclasses import replace

    from shoehorn.deploy.resources.function import WARM_TAG

    config = deployment.config
    applied = deployment.tags.get(WARM_TAG)
    if applied is None or applied == (config.warm or "off"):
        return deployment, None
    note = (f"set by `up --warm {applied}`; the config says {config.warm or 'off'}: the next `up` without --warm "
            "applies the config")
    return replace(deployment, config=replace(config, warm=None if applied == "off" else applied)), note


def _endpoint_type(observed) -> str | None:
    if observed.api is None:
        return None
    return observed.api.endpoint_types[0] if observed.api.endpoint_types else "EDGE"  # API Gateway's default


def collect(aws: Aws, config: Config) -> Status:
    from shoehorn.deploy import naming
    from shoehorn.deploy.resources.function import SNAPSTART_ON, ephemeral_storage

    deployment, warm_note = _as_last_applied(locate(aws, config))
    found, observed = drift(deployment)
    live = None
    if deployment.alias is not None:
        live = aws.call("lambda", "get_function_configuration", FunctionName=config.function_name, Qualifier=ALIAS)
    shown = live or deployment.function
    schedule = observed.schedule
    return Status(
        app=config.name,
        stage=config.stage,
        region=aws.region,
        url=naming.url(observed.api.id, aws.region, config.stage) if observed.api else None,
        function_name=config.function_name,
        function_arn=str(deployment.function.get("FunctionArn", "")),
        live_version=deployment.live_version,
        live_weights=deployment.live_weights,
        deployed_at=str(live.get("LastModified")) if live else None,
        code_size=int(shown.get("CodeSize", 0)),
        code_sha256=str(shown.get("CodeSha256", "")),
        memory=int(shown.get("MemorySize", 0)),
        timeout=int(shown.get("Timeout", 0)),
        architecture=(shown.get("Architectures") or ["x86_64"])[0],
        runtime=str(shown.get("Runtime", "")),
        reserved_concurrency=deployment.reserved_concurrency,
        warm=(schedule.expression + ("" if schedule.enabled else " (disabled)")) if schedule else None,
        warm_note=warm_note,
        log_retention_days=observed.logs.retention_days if observed.logs else None,
        drift=found,
        last_cold_start=last_cold_start(aws, config.log_group, deployment.live_version),
        snapstart=(shown.get("SnapStart") or {}).get("ApplyOn") == SNAPSTART_ON["ApplyOn"],
        ephemeral_storage=ephemeral_storage(shown),
        endpoint_type=_endpoint_type(observed),
        environment_names=tuple(sorted((shown.get("Environment") or {}).get("Variables") or {})),
        prime=config.prime,
        other_names=_other_names(aws, config),
    )


def _other_names(aws: Aws, config: Config) -> tuple[str, ...]:
    """The app names this project's stage is also deployed under (one tag:GetResources read)."""
    from shoehorn.deploy import renamed
    from shoehorn.errors import ShoehornError

    try:
        return tuple(other.app for other in renamed.find(aws, config))
    except ShoehornError:  # no tag:GetResources: the rest of the screen holds without it
        return ()
