"""What `status` offers as the fix for a `live` alias `up` would move forward."""

from __future__ import annotations

import dataclasses

from deploy.kit import make_bundle, make_config
from shoehorn import deploy
from shoehorn.deploy.aws import Aws
from shoehorn.ops.status import collect


def _alias_fix(aws: Aws, config) -> str:
    [item] = [d for d in collect(aws, config).drift if "alias live" in d.what]
    return item.fix


def test_an_alias_left_behind_by_an_interrupted_up_has_no_rollback_to_keep(aws_env_shared: str, unique_name: str,
                                                                             tmp_path) -> None:
    # QA: status offered to "keep the rollback" where there was none
    config = make_config(name=unique_name)
    deploy.up(config, make_bundle(tmp_path), Aws())
    bigger = dataclasses.replace(config, memory=1024)
    # an `up` of the bigger config interrupted after updating $LATEST, before publishing
    Aws().call("lambda", "update_function_configuration", FunctionName=config.function_name, MemorySize=1024)
    fix = _alias_fix(Aws(), bigger)
    assert "rollback" not in fix and "publishes what $LATEST holds" in fix


def test_a_rollback_can_be_kept(aws_env_shared: str, unique_name: str, tmp_path) -> None:
    config = make_config(name=unique_name)
    deploy.up(config, make_bundle(tmp_path), Aws())
    deploy.up(config, make_bundle(tmp_path, "v2"), Aws())
    Aws().call("lambda", "update_alias", FunctionName=config.function_name, Name="live", FunctionVersion="1")
    assert "keep the rollback" in _alias_fix(Aws(), config)
