"""A concurrent deploy moving the alias or changing the function under us is reported, not overwritten.

moto ignores RevisionId, so Lambda's answer to a stale one (412 PreconditionFailedException) is
served by the deploy room's fault proxy, a real HTTP hop in front of moto.
"""

from __future__ import annotations

import pytest

from deploy.faultproxy import FaultProxy
from shoehorn.deploy.aws import Aws
from shoehorn.errors import ConflictError
from shoehorn.ops.deployment import locate
from shoehorn.ops.environment import update
from shoehorn.ops.environment_changes import parse_set
from shoehorn.ops.versions import rollback

from . import deployed


def test_rollback_and_env_set_report_a_concurrent_change(aws_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = deployed.config()
    deployed.deploy(Aws(), cfg, versions=2)
    with FaultProxy(aws_env) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        aws = Aws()
        proxy.fail("UpdateAlias", "revision-conflict")
        with pytest.raises(ConflictError) as caught:
            rollback(locate(aws, cfg))
        assert "another deploy is in progress" in caught.value.message
        assert deployed.alias_version(aws, cfg) == "2"

        proxy.fail("UpdateFunctionConfiguration", "revision-conflict")
        with pytest.raises(ConflictError) as caught:
            update(locate(aws, cfg), parse_set(["DEBUG=1"]))
        assert "another deploy is in progress" in caught.value.message
        assert deployed.alias_version(aws, cfg) == "2"
        assert ("UpdateAlias", "revision-conflict") in proxy.injected
