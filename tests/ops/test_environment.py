"""env set/unset update the function, publish a version and move the alias (read back from moto)."""

from __future__ import annotations

import pytest

from deploy.faultproxy import FaultProxy
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws
from shoehorn.errors import ConfigError, DeployError, ShoehornError
from shoehorn.ops.deployment import locate
from shoehorn.ops.environment import current, listing, update
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


def latest_environment(aws: Aws, cfg) -> dict:
    conf = aws.call("lambda", "get_function_configuration", FunctionName=cfg.function_name)
    return (conf.get("Environment") or {}).get("Variables") or {}


@pytest.mark.parametrize("failing", ["PublishVersion", "UpdateAlias"])
def test_a_run_that_failed_after_the_update_is_finished_by_running_it_again(
        aws_env_shared: str, unique_name: str, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    # QA: interrupted (or refused: AccessDenied, throttling) after UpdateFunctionConfiguration, $LATEST held
    # FEATURE_X and the re-run compared with $LATEST: "nothing changed", and live never got it
    cfg = deployed.config(name=unique_name + failing.lower())
    deployed.deploy(Aws(), cfg, versions=1, environment={"KEPT": "1"})
    with FaultProxy(aws_env_shared) as proxy, monkeypatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", proxy.url)
        proxy.fail(failing, "access-denied")
        with pytest.raises(ShoehornError):
            update(locate(Aws(), cfg), parse_set(["FEATURE_X=on"]))
    aws = Aws()
    assert latest_environment(aws, cfg) == {"KEPT": "1", "FEATURE_X": "on"} and deployed.alias_version(aws, cfg) == "1"
    assert listing(locate(aws, cfg)) == ({"KEPT": "1"}, ("FEATURE_X",))  # what live runs, and what $LATEST adds

    again = update(locate(aws, cfg), parse_set(["FEATURE_X=on"]))
    assert again.added == ("FEATURE_X",) and again.to_version == "2"
    assert not any(isinstance(step, a.UpdateFunctionConfiguration) for step in again.plan)  # $LATEST has it
    assert deployed.alias_version(aws, cfg) == "2"
    assert live_environment(aws, cfg) == {"KEPT": "1", "FEATURE_X": "on"}
    assert listing(locate(aws, cfg)) == ({"KEPT": "1", "FEATURE_X": "on"}, ())


def test_unsetting_what_an_interrupted_run_set_puts_latest_back(aws_env_shared: str, unique_name: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = deployed.config(name=unique_name)
    deployed.deploy(Aws(), cfg, versions=1, environment={"KEPT": "1"})
    with FaultProxy(aws_env_shared) as proxy, monkeypatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", proxy.url)
        proxy.fail("PublishVersion", "access-denied")
        with pytest.raises(ShoehornError):
            update(locate(Aws(), cfg), parse_set(["FEATURE_X=on"]))
    aws = Aws()
    undone = update(locate(aws, cfg), parse_unset(["FEATURE_X"]))  # live never had it
    assert undone.restored == ("FEATURE_X",) and not undone.changed_anything and undone.to_version is None
    assert latest_environment(aws, cfg) == {"KEPT": "1"} and deployed.alias_version(aws, cfg) == "1"
    # $LATEST matches live again: another variable is not refused for FEATURE_X
    assert update(locate(aws, cfg), parse_set(["OTHER=1"])).to_version == "2"
    assert live_environment(aws, cfg) == {"KEPT": "1", "OTHER": "1"}


def test_refuses_to_publish_settings_latest_holds_and_live_does_not(aws_env_shared: str, unique_name: str) -> None:
    # QA: v1 512 MB, v2 2048 MB (same code), rollback to v1, DEBUG_BACKDOOR added to $LATEST by hand:
    # `env set FOO_BAR=1` made version 3 live with 2048 MB and DEBUG_BACKDOOR, its dry run said "environment"
    aws = Aws()
    cfg = deployed.config(name=unique_name)
    deployed.deploy(aws, cfg, versions=1)
    name = cfg.function_name
    aws.call("lambda", "update_function_configuration", FunctionName=name, MemorySize=2048)
    aws.call("lambda", "publish_version", FunctionName=name)
    aws.call("lambda", "update_alias", FunctionName=name, Name="live", FunctionVersion="2")
    rollback(locate(aws, cfg))
    aws.call("lambda", "update_function_configuration", FunctionName=name,
             Environment={"Variables": {"DEBUG_BACKDOOR": "1"}})
    for dry_run in (True, False):
        with pytest.raises(DeployError) as refused:
            update(locate(aws, cfg), parse_set(["FOO_BAR=1"]), dry_run=dry_run)
        message = refused.value.message
        assert "memory (2048 MB on $LATEST, 512 MB live)" in message and "environment (DEBUG_BACKDOOR)" in message
        assert "version 1" in message and "shoehorn up" in refused.value.hint
    assert deployed.alias_version(aws, cfg) == "1"

    # memory equal again (an `up` would do it): the console's variable alone is still refused, by name
    aws.call("lambda", "update_function_configuration", FunctionName=name, MemorySize=512)
    with pytest.raises(DeployError, match=r"in: environment \(DEBUG_BACKDOOR\)"):
        update(locate(aws, cfg), parse_set(["FOO_BAR=1"]))
    # ... unless this command sets (or unsets) that very variable: then live gets exactly the change asked
    done = update(locate(aws, cfg), parse_set(["DEBUG_BACKDOOR=0"]))
    assert done.added == ("DEBUG_BACKDOOR",) and live_environment(aws, cfg) == {"DEBUG_BACKDOOR": "0"}
    conf = aws.call("lambda", "get_function_configuration", FunctionName=name, Qualifier="live")
    assert conf["MemorySize"] == 512


def test_set_on_a_weighted_alias_sends_every_request_to_the_new_version(aws_env_shared: str, unique_name: str) -> None:
    aws = Aws()
    cfg = deployed.config(name=unique_name)
    deployed.deploy(aws, cfg, versions=2)
    deployed.weight_live(aws, cfg, "2", "1", 0.5)
    done = update(locate(aws, cfg), parse_set(["DEBUG=1"]))
    [move] = [step for step in done.plan if isinstance(step, a.UpdateAlias)]
    assert move.clears == (("1", 0.5),) and "50% to version 1" in move.describe()
    alias = aws.call("lambda", "get_alias", FunctionName=cfg.function_name, Name="live")
    assert alias["FunctionVersion"] == "3" and not (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
