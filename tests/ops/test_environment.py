"""env set/unset update the function, publish a version and move the alias (read back from moto)."""

from __future__ import annotations

import pytest

from shoehorn.deploy.aws import Aws
from shoehorn.errors import ConfigError, DeployError
from shoehorn.ops.deployment import locate
from shoehorn.ops.environment import current, update
from shoehorn.ops.environment_changes import parse_set, parse_unset
from shoehorn.ops.versions import rollback
from shoehorn.progress import Recorder, Warn

from . import deployed


def live_environment(aws: Aws, cfg) -> dict:
    version = deployed.alias_version(aws, cfg)
    conf = aws.call("lambda", "get_function_configuration", FunctionName=cfg.function_name, Qualifier=version)
    return (conf.get("Environment") or {}).get("Variables") or {}


def test_set_and_unset_reach_the_live_version(aws_env: str) -> None:
    aws = Aws()
    cfg = deployed.config(environment={"KEPT": "1"})
    deployed.deploy(aws, cfg, versions=1, environment={"KEPT": "1"})
    recorder = Recorder()

    done = update(locate(aws, cfg), parse_set(["DEBUG=1", "KEPT=2"]), progress=recorder)
    assert (done.added, done.changed, done.removed) == (("DEBUG",), ("KEPT",), ())
    assert (done.from_version, done.to_version) == ("1", "2")
    assert deployed.alias_version(aws, cfg) == "2"
    assert live_environment(aws, cfg) == {"KEPT": "2", "DEBUG": "1"}
    warnings = " ".join(w.message for w in recorder.of(Warn))
    assert "DEBUG" in warnings and "remove it" in warnings  # not in the config: `up` would undo it
    assert "KEPT" in warnings and "change it" in warnings

    same = update(locate(aws, cfg), parse_set(["DEBUG=1"]))
    assert not same.changed_anything and same.to_version is None
    assert deployed.alias_version(aws, cfg) == "2"

    gone = update(locate(aws, cfg), parse_unset(["DEBUG"]))
    assert gone.removed == ("DEBUG",) and gone.to_version == "3"
    assert live_environment(aws, cfg) == {"KEPT": "2"}
    assert current(locate(aws, cfg)) == {"KEPT": "2"}


def test_refuses_to_undo_a_rollback(aws_env: str) -> None:
    aws = Aws()
    cfg = deployed.config()
    deployed.deploy(aws, cfg, versions=2)
    rollback(locate(aws, cfg))
    with pytest.raises(DeployError, match="rollback is in effect"):
        update(locate(aws, cfg), parse_set(["DEBUG=1"]))
    assert deployed.alias_version(aws, cfg) == "1"


def test_set_keeps_the_deployed_ephemeral_storage(aws_env_shared: str, unique_name: str) -> None:
    aws = Aws()
    cfg = deployed.config(name=unique_name, ephemeral_storage=2048)
    deployed.deploy(aws, cfg, versions=1)
    sent: list[dict] = []
    aws.client("lambda").meta.events.register("provide-client-params.lambda.UpdateFunctionConfiguration",
                                              lambda params, **_: sent.append(dict(params)))
    update(locate(aws, deployed.config(name=unique_name)), parse_set(["DEBUG=1"]))  # the config says 512 now
    assert [params["EphemeralStorage"] for params in sent] == [{"Size": 2048}]  # only the environment changes


def test_a_change_past_lambda_s_4_kb_is_refused_before_any_call(aws_env: str) -> None:
    # moto (the local cloud) took any size; Lambda refuses more than 4 KB of variables
    aws = Aws()
    cfg = deployed.config()
    deployed.deploy(aws, cfg, versions=1)
    with pytest.raises(ConfigError, match="takes 4[0-9]{3} bytes; Lambda refuses more than 4096.*largest: BIG"):
        update(locate(aws, cfg), parse_set(["BIG=" + "x" * 4090]))
    assert deployed.alias_version(aws, cfg) == "1"  # nothing published
    assert update(locate(aws, cfg), parse_set(["FITS=" + "x" * 4000])).to_version == "2"
