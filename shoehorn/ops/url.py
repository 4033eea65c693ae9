"""``shoehorn url``: the stage URL of the app's REST API, found by its tags like ``up`` finds it."""

from __future__ import annotations

from shoehorn.config import Config
from shoehorn.deploy.aws import Aws
from shoehorn.errors import NotDeployedError
from shoehorn.ops.deployment import locate


def url(aws: Aws, config: Config) -> str:
    from shoehorn.deploy.naming import url as stage_url
    from shoehorn.deploy.resources.api import find

    apis = find(aws, config)
    if not apis:
        locate(aws, config)  # nothing deployed at all: say so, with the stages that exist
        raise NotDeployedError(
            f"the REST API of {config.name} (stage {config.stage}) is missing: the function exists, so it was "
            "probably deleted outside shoehorn",
            "run `shoehorn up` to recreate it (a new API gets a new URL)",
        )
    return stage_url(apis[0]["id"], aws.region, config.stage)
