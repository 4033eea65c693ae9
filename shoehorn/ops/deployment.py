"""Find what ``shoehorn up`` deployed for an app and stage, the way ``up`` does: by name and tags.

Every ops command starts here, so "nothing deployed", "no such stage" and "not this app's"
read the same everywhere: the first names ``shoehorn up``; the second lists the stages that do
exist (functions tagged ``shoehorn:app=N``, through the Resource Groups Tagging API); the third
is the ownership check ``up`` and ``down`` make, so no day-2 command — not even a read, an
invoke or a ``run`` — acts on a function someone else made under this app's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from shoehorn.commandline import local, suggest
from shoehorn.config import Config
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.naming import ALIAS  # the one definition (API Gateway calls it; rollback moves it)
from shoehorn.errors import NotDeployedError, ShoehornError
from shoehorn.progress import Progress, discard

__all__ = ["ALIAS", "Deployment", "aws_for", "check_ours", "connect", "live_version", "load_config", "locate",
           "not_deployed", "open_deployment", "pages", "up_command"]
NOT_FOUND = ("ResourceNotFoundException",)


@dataclass(frozen=True)
class Deployment:
    """The deployed function of one app/stage, read once; the ops modules act on it."""

    aws: Aws
    config: Config
    function: Mapping[str, Any]  # GetFunction's Configuration ($LATEST)
    reserved_concurrency: int | None  # None = uncapped
    alias: Mapping[str, Any] | None  # GetAlias of ``live``; None if missing
    tags: Mapping[str, str] = field(default_factory=dict)  # the function's tags

    @property
    def function_name(self) -> str:
        return self.config.function_name

    @property
    def live_version(self) -> str | None:
        return None if self.alias is None else str(self.alias["FunctionVersion"])

    @property
    def live_weights(self) -> tuple[tuple[str, float], ...]:
        """The alias's weighted routing (set outside shoehorn): (other version, share of requests), ..."""
        from shoehorn.deploy.resources.function import alias_weights

        return alias_weights(self.alias)

    @property
    def alias_arn(self) -> str:
        return f"{self.function['FunctionArn']}:{ALIAS}"


def connect(directory: Path, stage: str | None, profile: str | None, region: str | None,
            progress: Progress | None = None) -> tuple[Config, Aws]:
    """Every AWS command's first step: ``load_config`` then ``aws_for``."""
    return load_config(directory, stage, progress), aws_for(profile, region, progress)


def load_config(directory: Path, stage: str | None, progress: Progress | None = None) -> Config:
    """The app's config for ``stage``, its warnings to ``progress``."""
    from shoehorn.config import load

    return load(directory, stage, progress=progress or discard)


def aws_for(profile: str | None, region: str | None, progress: Progress | None = None) -> Aws:
    """The one place a command builds its AWS connection: an ``Aws`` for the profile/region
    (AWS_ENDPOINT_URL, e.g. the local cloud's, must be set before)."""
    return Aws(profile, region) if progress is None else Aws(profile, region, progress=progress)


def open_deployment(directory: Path, stage: str | None, profile: str | None, region: str | None,
                    progress: Progress | None = None) -> Deployment:
    """``connect`` then ``locate``: the preamble of the commands that act on a deployed app."""
    config, aws = connect(directory, stage, profile, region, progress)
    return locate(aws, config)


def deployed_stages(aws: Aws, app: str) -> tuple[str, ...]:
    """Stages of ``app`` that have a function, from the ``shoehorn:*`` tags."""
    stages: set[str] = set()
    token = ""
    while True:
        page = aws.call(
            "resourcegroupstaggingapi", "get_resources", **({"PaginationToken": token} if token else {}),
            TagFilters=[{"Key": "shoehorn:app", "Values": [app]}], ResourceTypeFilters=["lambda:function"],
        )  # fmt: skip
        for mapping in page.get("ResourceTagMappingList", []):
            tags = {tag["Key"]: tag["Value"] for tag in mapping.get("Tags", [])}
            if tags.get("shoehorn:stage"):
                stages.add(tags["shoehorn:stage"])
        token = page.get("PaginationToken") or ""
        if not token:
            return tuple(sorted(stages))


def up_command(config: Config) -> str:
    """The `shoehorn up` that deploys this app and stage where the command looked."""
    return suggest("up", stage=config.stage)


def not_deployed(aws: Aws, config: Config) -> NotDeployedError:
    try:
        stages = [stage for stage in deployed_stages(aws, config.name) if stage != config.stage]
    except ShoehornError:
        # Listing stages needs tag:GetResources; without it the main message still holds.
        stages = []
    where = "in the local cloud" if local() else f"in {aws.region}"  # the local cloud's region is its own business
    up = suggest("up", stage=config.stage)
    if not stages:
        return NotDeployedError(f"nothing deployed for app {config.name} stage {config.stage} ({where})",
                                f"run `{up}` to deploy it" + _other_names(aws, config))
    listed = ", ".join(stages)
    return NotDeployedError(
        f"stage {config.stage} of app {config.name} is not deployed ({where}); deployed stages: {listed}",
        f"pass --stage {stages[0]}, or run `{up}` to create this stage",
    )


def _other_names(aws: Aws, config: Config) -> str:
    """Nothing under this name, but this project's stage under another (the app renamed, not yet deployed
    under its new name): said, with the command that deletes the old one once the new one is up."""
    from shoehorn.deploy import renamed

    try:
        others = renamed.find(aws, config)
    except ShoehornError:  # needs tag:GetResources; the main message holds without it
        return ""
    return "".join(f"; {renamed.words(config.name, other)}" for other in others)


def check_ours(deployment: Deployment) -> None:
    """The function found by name must carry this app's and stage's tags (or shoehorn's own marks),
    else NotOursError (exit 8) with the words ``up`` uses."""
    from shoehorn.deploy import ownership
    from shoehorn.deploy.resources.function import made_by_shoehorn

    made = made_by_shoehorn(dict(deployment.function), deployment.config)
    claim = ownership.Claim("Lambda function", deployment.function_name, tuple(sorted(deployment.tags.items())), made)
    ownership.check((claim,), deployment.config)


def live_version(deployment: Deployment) -> str:
    """The version ``live`` points at; NotDeployedError when there is no such alias on a published
    version (deleted by hand, or a first ``up`` interrupted before it): invoking it would only get
    Lambda's raw ResourceNotFoundException."""
    live = deployment.live_version
    if live is None or not live.isdigit():
        raise NotDeployedError(
            f"function {deployment.function_name} has no '{ALIAS}' alias on a published version",
            f"run `{up_command(deployment.config)}` to publish a version and create the alias",
        )
    return live


def locate(aws: Aws, config: Config) -> Deployment:
    """Read the function, its reserved concurrency and its ``live`` alias (three read calls), and
    check that the function is this app's and stage's (``check_ours``) before anyone acts on it."""
    try:
        found = aws.call("lambda", "get_function", expect=NOT_FOUND, FunctionName=config.function_name)
    except AwsError:
        raise not_deployed(aws, config) from None
    try:
        alias = aws.call("lambda", "get_alias", expect=NOT_FOUND, FunctionName=config.function_name, Name=ALIAS)
    except AwsError:
        alias = None
    # GetFunctionConcurrency rather than GetFunction's "Concurrency": moto leaves the latter
    # out when the value is 0, which is exactly the "stopped" state we must see.
    concurrency = aws.call("lambda", "get_function_concurrency", FunctionName=config.function_name).get(
        "ReservedConcurrentExecutions"
    )
    deployment = Deployment(aws, config, found["Configuration"], concurrency, alias, found.get("Tags") or {})
    check_ours(deployment)
    return deployment


def pages(aws: Aws, service: str, operation: str, key: str, **params: Any) -> list:
    """All items under ``key`` across Lambda-style pages (``Marker`` / ``NextMarker``)."""
    items: list = []
    marker = None
    while True:
        page = aws.call(service, operation, **params, **({"Marker": marker} if marker else {}))
        items.extend(page.get(key, []))
        marker = page.get("NextMarker")
        if not marker:
            return items
