"""``shoehorn url``: the stage URL of the app's REST API, found by its tags like ``up`` finds it."""

from __future__ import annotations

from shoehorn.config import Config
from shoehorn.deploy.aws import Aws
from shoehorn.errors import NotDeployedError
from shoehorn.ops.deployment import locate, up_command


def url(aws: Aws, config: Config) -> str:
    from shoehorn.deploy.naming import url as stage_url
    from shoehorn.deploy.resources.api import find

    apis = find(aws, config)
    try:
        # A function under the app's name that is not the app's is refused here as everywhere (exit 8):
        # the URL would lead to it, and "the API is missing" would send the user to an `up` that refuses too.
        locate(aws, config)
    except NotDeployedError:
        if not apis:
            raise  # nothing deployed at all: say so, with the stages that exist
        # the function is gone but the API (ours by its tags) is still there: its URL is still the app's
    if not apis:
        raise NotDeployedError(
            f"the REST API of {config.name} (stage {config.stage}) is missing: the function exists, so it was "
            "probably deleted outside shoehorn",
            f"run `{up_command(config)}` to recreate it (a new API gets a new URL)",
        )
    return stage_url(apis[0]["id"], aws.region, config.stage)
