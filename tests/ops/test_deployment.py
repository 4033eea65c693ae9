"""Finding the deployment: nothing deployed, another stage only, and the found function."""

from __future__ import annotations

import pytest

from shoehorn.deploy.aws import Aws
from shoehorn.errors import NotDeployedError
from shoehorn.ops.deployment import locate

from . import deployed


def test_in_the_local_cloud_the_hint_says_up_local(aws_env: str, monkeypatch) -> None:
    # it said "run `shoehorn up`" and "(in us-east-1)" to someone working with --local
    monkeypatch.setenv("SHOEHORN_LOCAL_CLOUD", "http://127.0.0.1:4566")
    with pytest.raises(NotDeployedError) as caught:
        locate(Aws(), deployed.config(stage="qa"))
    assert "(in the local cloud)" in caught.value.message and "us-east-1" not in caught.value.message
    assert caught.value.hint == "run `shoehorn up --local --stage qa` to deploy it"


def test_nothing_deployed_then_other_stages_listed_then_found(aws_env: str) -> None:
    aws = Aws()
    with pytest.raises(NotDeployedError) as caught:
        locate(aws, deployed.config())
    assert caught.value.message.startswith("nothing deployed for app shop stage dev")
    assert "shoehorn up" in caught.value.hint

    deployed.deploy(aws, deployed.config(stage="prod"), versions=1)
    deployed.deploy(aws, deployed.config(stage="qa"), versions=1)
    deployed.deploy(aws, deployed.config(name="other", stage="staging"), versions=1)
    with pytest.raises(NotDeployedError) as caught:
        locate(aws, deployed.config(stage="dev"))
    assert "deployed stages: prod, qa" in caught.value.message
    assert "staging" not in caught.value.message  # another app's stage
    assert "--stage prod" in caught.value.hint

    cfg = deployed.config()
    deployed.deploy(aws, cfg, versions=2)
    found = locate(aws, cfg)
    assert found.function_name == "shop-dev"
    assert found.live_version == "2"
    assert found.reserved_concurrency is None
    assert found.alias_arn.endswith(":function:shop-dev:live")


class TaggingDenied:
    """An Aws stand-in we own: the tagging API is denied, as for a user without tag:GetResources."""

    region = "us-east-1"

    def call(self, service: str, operation: str, **params):
        from shoehorn.errors import AwsSetupError

        assert (service, operation) == ("resourcegroupstaggingapi", "get_resources")
        raise AwsSetupError("AWS denied tag:GetResources", "add it")


def test_without_tagging_permission_the_not_deployed_message_still_holds() -> None:
    from shoehorn.ops.deployment import not_deployed

    error = not_deployed(TaggingDenied(), deployed.config(stage="qa"))
    assert error.message.startswith("nothing deployed for app shop stage qa")
    assert "shoehorn up --stage qa" in error.hint
