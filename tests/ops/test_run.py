"""``shoehorn run`` waits for the answer as long as the deployed function may run."""

from __future__ import annotations

from shoehorn.deploy.aws import READ_TIMEOUT_S, Aws
from shoehorn.ops.deployment import locate
from shoehorn.ops.run import READ_MARGIN_S, invoker

from . import deployed


def read_timeout(aws: Aws) -> float:
    return aws.client("lambda").meta.config.read_timeout


def test_the_invoke_read_timeout_follows_the_deployed_function_timeout(aws_env_shared: str, unique_name: str) -> None:
    aws = Aws()
    cfg = deployed.config(name=unique_name, timeout=600)  # deployed: 600 s, longer than the usual read timeout
    deployed.deploy(aws, cfg, versions=1)
    deployment = locate(aws, deployed.config(name=unique_name, timeout=30))  # the config changed since: AWS counts

    assert read_timeout(aws) == READ_TIMEOUT_S < 600
    assert read_timeout(invoker(deployment, None)) == 600 + READ_MARGIN_S
