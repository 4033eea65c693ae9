"""SnapStart on the function: desired, observed, diffed, sent to Lambda, shown by plan.

moto (5.x) accepts the SnapStart parameter but always reports ``{"ApplyOn": "None"}``, so on moto
the calls and the plan are checked (what shoehorn SENDS, recorded by a proxy in front of moto) and
convergence is checked on Lambda's documented answer shape; only real AWS can show the setting
applied (test_snapstart_on_real_aws below, SHOEHORN_REAL_AWS=1).
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from deploy.faultproxy import ForwardingProxy
from deploy.kit import make_bundle, make_config
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources import function as f


class RecordingProxy(ForwardingProxy):
    """Forwards to moto and keeps the JSON body of every Lambda write, by path."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.bodies: list[tuple[str, str, dict]] = []

    def answer(self, method, path, headers, body):
        if method in ("POST", "PUT") and path.startswith("/2015-03-31/functions") and body:
            self.bodies.append((method, path.split("?")[0], json.loads(body)))
        return self._forward(method, path, headers, body)

    def sent(self, suffix: str) -> list[dict]:
        return [body for _, path, body in self.bodies if path.endswith(suffix)]


@pytest.fixture
def recording(aws_env_shared: str, monkeypatch: pytest.MonkeyPatch):
    with RecordingProxy(aws_env_shared) as running:
        monkeypatch.setenv("AWS_ENDPOINT_URL", running.url)
        yield running


def _snap(config):
    return dataclasses.replace(config, runtime="python3.12", snapstart=True)


def test_a_new_function_is_created_with_snapstart_on(recording, new_aws, unique_name, tmp_path) -> None:
    config = _snap(make_config(name=unique_name))
    bundle = make_bundle(tmp_path)
    steps = deploy.plan(config, bundle, new_aws())
    [create] = [s for s in steps if isinstance(s, a.CreateFunction)]
    assert create.describe().endswith(", SnapStart)")  # what `shoehorn plan` prints
    deploy.up(config, bundle, new_aws())
    [body] = recording.sent("/functions")
    assert body["SnapStart"] == {"ApplyOn": "PublishedVersions"} and body["Runtime"] == "python3.12"
    assert recording.sent("/versions"), "SnapStart applies to published versions only"


def test_turning_snapstart_on_updates_and_publishes(recording, deployed, new_aws, app_config, app_bundle) -> None:
    config = _snap(app_config)
    result = deploy.up(config, app_bundle, new_aws())
    [update] = [s for s in result.actions if isinstance(s, a.UpdateFunctionConfiguration)]
    assert "snapstart" in update.changed and update.describe().endswith("snapstart")
    assert {a.PublishVersion, a.UpdateAlias} <= {type(s) for s in result.actions}
    assert recording.sent("/configuration")[-1]["SnapStart"] == {"ApplyOn": "PublishedVersions"}


def test_functions_without_snapstart_never_send_the_parameter(recording, deployed, new_aws, app_config,
                                                              app_bundle) -> None:
    new_aws().call("lambda", "update_function_configuration", FunctionName=app_config.function_name, MemorySize=128)
    deploy.up(app_config, app_bundle, new_aws())
    assert recording.sent("/configuration") and all("SnapStart" not in b for b in recording.sent("/configuration"))


# Lambda's GetFunctionConfiguration answer for a SnapStart version ("SnapStart" in the API reference,
# https://docs.aws.amazon.com/lambda/latest/api/API_SnapStartResponse.html).
def _conf(apply_on: str, version: str = "$LATEST") -> dict:
    return {"Runtime": "python3.12", "Handler": "shoehorn_handler.handler", "MemorySize": 512, "Timeout": 30,
            "Role": "arn:aws:iam::1:role/shop-dev-lambda", "CodeSha256": "abc", "Architectures": ["x86_64"],
            "Version": version, "SnapStart": {"ApplyOn": apply_on, "OptimizationStatus": "On"}}


def _want(snapstart: bool) -> f.FunctionDesired:
    settings = a.FunctionSettings(runtime="python3.12", handler="shoehorn_handler.handler", memory=512, timeout=30,
                                  role_name="shop-dev-lambda", snapstart=snapstart)
    code = a.Code(path=Path("/nonexistent"), code_sha256="abc", architecture="x86_64")
    return f.FunctionDesired("shop-dev", settings, code, (), None)


def _have(apply_on: str) -> f.FunctionObserved:
    return f.FunctionObserved(f._deployed(_conf(apply_on)), f._deployed(_conf(apply_on, "7")), None, "r1")


def test_converges_once_lambda_reports_the_setting() -> None:
    assert f.diff(_want(True), _have("PublishedVersions")) == ()
    assert f.diff(_want(False), _have("None")) == ()


def test_turning_it_off_sends_apply_on_none() -> None:
    steps = f.diff(_want(False), _have("PublishedVersions"))
    [update] = [s for s in steps if isinstance(s, a.UpdateFunctionConfiguration)]
    assert update.changed == ("snapstart",)
    assert f._snapstart(update.settings, update.changed) == {"SnapStart": {"ApplyOn": "None"}}
    assert {type(s) for s in steps} == {a.UpdateFunctionConfiguration, a.PublishVersion, a.UpdateAlias}


def _credentials_present() -> bool:
    from shoehorn.deploy.aws import Aws

    try:
        return Aws().has_credentials()
    except Exception:  # noqa: BLE001 - no region, bad profile...: cannot run here
        return False


@pytest.mark.aws
@pytest.mark.skipif(os.environ.get("SHOEHORN_REAL_AWS") != "1" or not _credentials_present(),
                    reason="needs SHOEHORN_REAL_AWS=1 and AWS credentials (creates real resources)")
def test_snapstart_on_real_aws(tmp_path: Path, monkeypatch) -> None:
    """Only Lambda applies SnapStart: the `live` version reports ApplyOn PublishedVersions, and a
    second plan is empty ("Activating and managing Lambda SnapStart",
    https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html). Cost: cents (SnapStart
    bills caching per published version while it exists, and each restore)."""
    from shoehorn.deploy.aws import Aws

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    config = _snap(make_config(name=f"shoehorn-snaptest-{os.getpid()}"))
    bundle = make_bundle(tmp_path)
    try:
        deploy.up(config, bundle, Aws())
        conf = Aws().call("lambda", "get_function_configuration", FunctionName=config.function_name,
                          Qualifier="live")
        assert conf["SnapStart"]["ApplyOn"] == "PublishedVersions"
        for _ in range(60):  # the snapshot is taken after publication
            if Aws().call("lambda", "get_function_configuration", FunctionName=config.function_name,
                          Qualifier="live").get("State") == "Active":
                break
            time.sleep(5)
        assert deploy.plan(config, bundle, Aws()) == ()
    finally:
        deploy.down(config, Aws())
