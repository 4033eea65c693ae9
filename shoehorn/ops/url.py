"""``shoehorn url``: the stage URL of the app's REST API, found by its tags like ``up`` finds it."""

from __future__ import annotations

from shoehorn.config import Config
from shoehorn.deploy.aws import Aws
from shoehorn.ops.deployment import not_deployed


def url(aws: Aws, config: Config) -> str:
    from shoehorn.deploy.naming import url as stage_url
    from shoehorn.deploy.resources.api import find

    apis = find(aws, config)
    if not apis:
        raise not_deployed(aws, config)
    return stage_url(apis[0]["id"], aws.region, config.stage)
