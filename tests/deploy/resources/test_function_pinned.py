"""Settings shoehorn.toml cannot express (layers, VPC, logging, dead-letter queue, tracing): set in the
console they are drift, and `up` puts shoehorn's back (QA: they went silently into every new version)."""

from __future__ import annotations

import io
import zipfile

from deploy.kit import make_config, redeploy_until_quiet
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources import function, function_pinned


def _layer(aws) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/shadow.py", "raise ImportError\n")
    return aws.call("lambda", "publish_layer_version", LayerName="evil", Content={"ZipFile": buffer.getvalue()},
                    CompatibleRuntimes=["python3.11"])["LayerVersionArn"]


def test_a_layer_and_a_vpc_set_in_the_console_are_drift_and_removed(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    aws.call("lambda", "update_function_configuration", FunctionName=app_config.function_name, Layers=[_layer(aws)],
             VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]})
    version = aws.call("lambda", "publish_version", FunctionName=app_config.function_name)["Version"]
    aws.call("lambda", "update_alias", FunctionName=app_config.function_name, Name="live", FunctionVersion=version)
    steps = deploy.plan(app_config, app_bundle, new_aws())
    [update] = [s for s in steps if isinstance(s, a.UpdateFunctionConfiguration)]
    assert update.changed == ("layers", "vpc")
    assert "layers (removed)" in update.reason and "VPC (detached)" in update.reason
    assert any(isinstance(s, a.PublishVersion) for s in steps)
    from shoehorn.ops.status import collect

    assert any("layers, vpc" in d.what for d in collect(new_aws(), app_config).drift)
    redeploy_until_quiet(new_aws, app_config, app_bundle)  # and a no-op after it writes nothing
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name,
                          Qualifier="live")
    assert not conf.get("Layers") and not (conf.get("VpcConfig") or {}).get("SubnetIds")


def _conf(**extra) -> dict:
    """A GetFunctionConfiguration answer as AWS gives it for a function shoehorn made."""
    return {"FunctionName": "shop-dev", "Runtime": "python3.11", "Handler": "shoehorn_handler.handler",
            "MemorySize": 512, "Timeout": 30, "Role": "arn:aws:iam::123456789012:role/shop-dev-lambda",
            "Layers": [], "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": [], "VpcId": ""},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/shop-dev"},
            "TracingConfig": {"Mode": "PassThrough"}, **extra}


def _want():
    config = make_config()
    return a.FunctionSettings(runtime="python3.11", handler="shoehorn_handler.handler", memory=config.memory,
                              timeout=config.timeout, role_name=config.role_name)


def test_lambdas_defaults_are_no_drift() -> None:
    assert function._changed(_want(), function._deployed(_conf()).settings) == ()
    bare = {k: v for k, v in _conf().items() if k not in ("Layers", "VpcConfig", "LoggingConfig", "TracingConfig")}
    assert function._changed(_want(), function._deployed(bare).settings) == ()  # moto leaves them out


def test_logging_dead_letter_and_tracing_set_by_hand_are_put_back() -> None:
    have = function._deployed(_conf(
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/elsewhere", "ApplicationLogLevel": "INFO"},
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"}, TracingConfig={"Mode": "Active"},
    )).settings
    changed = function._changed(_want(), have)
    assert changed == ("logging", "dead_letter", "tracing")
    assert function_pinned.params(_want(), changed, "shop-dev") == {
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/aws/lambda/shop-dev"},
        "DeadLetterConfig": {"TargetArn": ""},
        "TracingConfig": {"Mode": "PassThrough"},
    }
    assert function_pinned.params(_want(), ("memory",), "shop-dev") == {}  # only what differs is sent


def test_the_reset_is_sent_with_the_configuration_update(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    aws.call("lambda", "update_function_configuration", FunctionName=app_config.function_name, Layers=[_layer(aws)])
    sent: list[dict] = []
    aws = new_aws()
    aws.client("lambda").meta.events.register("provide-client-params.lambda.UpdateFunctionConfiguration",
                                              lambda params, **_: sent.append(dict(params)))
    deploy.up(app_config, app_bundle, aws)
    assert [params.get("Layers") for params in sent] == [[]]
    assert all("VpcConfig" not in params and "TracingConfig" not in params for params in sent)
