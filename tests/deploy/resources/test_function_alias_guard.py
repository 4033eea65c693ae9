"""`up` moves the `live` alias with the RevisionId it read, so a move made since by another run is
refused (Lambda UpdateAlias, RevisionId) instead of silently overwritten. QA: rollback and env sent
it, `up` never did."""

from __future__ import annotations

import json

import pytest

from deploy.faultproxy import FaultProxy
from deploy.kit import make_bundle
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.errors import ConflictError


def _alias_revision(aws, config) -> str:
    return aws.call("lambda", "get_alias", FunctionName=config.function_name, Name="live")["RevisionId"]


def test_ups_alias_move_carries_the_revision_it_read(deployed, new_aws, app_config, tmp_path) -> None:
    aws = new_aws()
    steps = deploy.plan(app_config, make_bundle(tmp_path, "v2"), aws)
    moves = [s for s in steps if isinstance(s, a.UpdateAlias)]
    assert len(moves) == 1 and moves[0].revision_id == _alias_revision(aws, app_config)


def test_clearing_weights_carries_the_revision_it_read(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    version = aws.call("lambda", "publish_version", FunctionName=app_config.function_name)["Version"]
    aws.call("lambda", "update_alias", FunctionName=app_config.function_name, Name="live",
             RoutingConfig={"AdditionalVersionWeights": {version: 0.1}})
    moves = [s for s in deploy.plan(app_config, app_bundle, aws) if isinstance(s, a.UpdateAlias)]
    assert len(moves) == 1 and moves[0].revision_id == _alias_revision(aws, app_config)


class AliasMovedMeanwhile(FaultProxy):
    """moto ignores RevisionId: this hop answers UpdateAlias as Lambda would once another run has
    moved the alias since ``stale`` was read (412 PreconditionFailedException); unguarded moves pass."""

    stale: str = ""

    def answer(self, method, path, headers, body):
        if method == "PUT" and "/aliases/" in path and json.loads(body or b"{}").get("RevisionId") == self.stale:
            self.injected.append(("UpdateAlias", "revision-conflict"))
            return 412, {"Content-Type": "application/json", "x-amzn-ErrorType": "PreconditionFailedException"}, \
                json.dumps({"Type": "User", "message": "The Revision Id provided does not match the latest Revision "
                            "Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"}).encode()
        return super().answer(method, path, headers, body)


def test_a_stale_alias_move_is_refused_as_another_deploy(deployed, new_aws, app_config, tmp_path, aws_env_shared,
                                                        monkeypatch) -> None:
    stale = _alias_revision(new_aws(), app_config)
    with AliasMovedMeanwhile(aws_env_shared) as proxy:
        proxy.stale = stale
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        with pytest.raises(ConflictError, match="another deploy is in progress"):
            deploy.up(app_config, make_bundle(tmp_path, "v2"), new_aws())
    assert proxy.injected == [("UpdateAlias", "revision-conflict")]
