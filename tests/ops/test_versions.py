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
