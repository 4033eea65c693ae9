"""Rollback moves the ``live`` alias for real (read back from moto); --list shows every version."""

from __future__ import annotations

import pytest

from shoehorn.deploy.aws import Aws
from shoehorn.ops.deployment import locate
from shoehorn.ops.versions import NoSuchVersionError, Version, choose_target, list_versions, rollback

from . import deployed


def test_rollback_to_previous_then_to_a_given_version(aws_env: str) -> None:
    aws = Aws()
    cfg = deployed.config()
    deployed.deploy(aws, cfg, versions=3)

    listed = list_versions(locate(aws, cfg))
    assert [(v.number, v.live) for v in listed] == [(1, False), (2, False), (3, True)]
    assert len({v.code_sha256 for v in listed}) == 3 and all(v.deployed_at for v in listed)

    done = rollback(locate(aws, cfg))
    assert (done.from_version, done.to_version) == (3, 2)
    assert deployed.alias_version(aws, cfg) == "2"

    done = rollback(locate(aws, cfg), 3)  # roll forward again
    assert (done.from_version, done.to_version) == (2, 3)
    assert deployed.alias_version(aws, cfg) == "3"

    with pytest.raises(NoSuchVersionError, match="version 9 does not exist"):
        rollback(locate(aws, cfg), 9)
    assert deployed.alias_version(aws, cfg) == "3"


def test_nothing_older_than_the_oldest() -> None:
    versions = (Version(1, "t", "s", "", True),)
    with pytest.raises(NoSuchVersionError, match="oldest"):
        choose_target(versions, 1, None)
    assert choose_target((Version(1, "", "", "", False), Version(4, "", "", "", False), Version(7, "", "", "", True)), 7, None) == 4


def test_rollback_sends_every_request_to_the_chosen_version(aws_env_shared: str, unique_name: str) -> None:
    # a canary set in the console: live -> 3 with half of the requests to version 2; UpdateAlias keeps such
    # a split unless told otherwise (moto 5 too), so a rollback that only named a version left it in place
    aws = Aws()
    cfg = deployed.config(name=unique_name)
    deployed.deploy(aws, cfg, versions=3)
    deployed.weight_live(aws, cfg, "3", "2", 0.5)
    listed = list_versions(locate(aws, cfg))
    assert [(v.number, v.live, v.share) for v in listed] == [(1, False, None), (2, False, 0.5), (3, True, 0.5)]

    dry = rollback(locate(aws, cfg), 1, dry_run=True)
    assert dry.cleared == (("2", 0.5),) and "50% to version 2" in dry.plan[0].describe()

    done = rollback(locate(aws, cfg), 1)
    assert (done.from_version, done.to_version, done.cleared) == (3, 1, (("2", 0.5),))
    alias = aws.call("lambda", "get_alias", FunctionName=cfg.function_name, Name="live")
    assert alias["FunctionVersion"] == "1" and not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")

    # `rollback N` to the version already live still removes a split
    deployed.weight_live(aws, cfg, "1", "3", 0.1)
    done = rollback(locate(aws, cfg), 1)
    assert (done.from_version, done.to_version, done.cleared) == (1, 1, (("3", 0.1),)) and done.plan
    alias = aws.call("lambda", "get_alias", FunctionName=cfg.function_name, Name="live")
    assert not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
    assert rollback(locate(aws, cfg), 1).plan == ()  # nothing left to do
