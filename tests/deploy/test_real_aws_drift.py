"""Console edits that moto cannot hold or does not check, put back by `up` on real AWS.

Runs only with SHOEHORN_REAL_AWS=1 and credentials in the standard chain. It deploys
shoehorn-driftcheck-<pid>, makes the edits a user could make in the console, runs `up` once, and
checks that a second plan is empty and that AWS now holds shoehorn's settings; then `down` (and
the SQS queue it made for the dead-letter edit is deleted). Cost: cents.

What only real AWS can prove here (each unverified against moto, which keeps none of it or accepts
anything):
- UpdateStage `remove /canarySettings` and `remove /*/*` (API Gateway REST API reference,
  UpdateStage / PatchOperation; "Set up a canary release deployment" in the developer guide);
- UpdateFunctionConfiguration with LoggingConfig back to Text while ApplicationLogLevel was set
  (Lambda API reference, LoggingConfig: the log levels apply to JSON only);
- `DeadLetterConfig={"TargetArn": ""}` removes a dead-letter queue (Lambda API reference,
  DeadLetterConfig; an empty TargetArn is how the CLI's documentation removes it);
- a version published after those updates, with the alias moved by RevisionId.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from deploy.kit import real_aws_ready

pytestmark = pytest.mark.aws


def _queue_allowing(aws, role_name: str, name: str) -> tuple[str, str]:
    """An SQS queue the function's role may send to (Lambda refuses a dead-letter target its role
    cannot reach): the policy is one the user would add by hand beside shoehorn's."""
    url = aws.call("sqs", "create_queue", QueueName=name)["QueueUrl"]
    arn = aws.call("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.call("iam", "put_role_policy", RoleName=role_name, PolicyName="by-hand-dlq", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}]}))
    time.sleep(10)  # IAM is eventually consistent (IAM User Guide, troubleshoot_general.html)
    return url, arn


@pytest.mark.skipif(not real_aws_ready(),
                    reason="needs SHOEHORN_REAL_AWS=1 and AWS credentials (creates real resources)")
def test_console_edits_are_put_back_by_one_up(tmp_path: Path, monkeypatch) -> None:
    from deploy.kit import make_bundle, make_config
    from shoehorn import deploy
    from shoehorn.deploy.aws import Aws

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    config = make_config(name=f"shoehorn-driftcheck-{os.getpid()}")
    bundle = make_bundle(tmp_path)
    aws = Aws()
    queue_url = None
    try:
        result = deploy.up(config, bundle, aws)
        api_id = result.url.split("//")[1].split(".")[0]
        name = config.function_name
        queue_url, queue_arn = _queue_allowing(aws, config.role_name, f"shoehorn-driftcheck-{os.getpid()}")

        # the function: JSON logs with a level, X-Ray, a dead-letter queue; `live` on $LATEST with a canary weight
        aws.call("lambda", "update_function_configuration", FunctionName=name,
                 LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN"},
                 TracingConfig={"Mode": "Active"}, DeadLetterConfig={"TargetArn": queue_arn})
        aws.client("lambda").get_waiter("function_updated_v2").wait(FunctionName=name)
        version = aws.call("lambda", "publish_version", FunctionName=name)["Version"]
        aws.call("lambda", "update_alias", FunctionName=name, Name="live", FunctionVersion=version,
                 RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
        # the stage: a canary deployment and method settings
        aws.call("apigateway", "create_deployment", restApiId=api_id, stageName=config.stage,
                 canarySettings={"percentTraffic": 10.0})
        aws.call("apigateway", "update_stage", restApiId=api_id, stageName=config.stage,
                 patchOperations=[{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "5"}])

        assert deploy.plan(config, bundle, Aws()) != ()
        deploy.up(config, bundle, Aws())
        assert deploy.plan(config, bundle, Aws()) == ()

        conf = aws.call("lambda", "get_function_configuration", FunctionName=name, Qualifier="live")
        assert conf["LoggingConfig"]["LogFormat"] == "Text", conf["LoggingConfig"]
        assert conf["TracingConfig"]["Mode"] == "PassThrough"
        assert not (conf.get("DeadLetterConfig") or {}).get("TargetArn"), conf.get("DeadLetterConfig")
        alias = aws.call("lambda", "get_alias", FunctionName=name, Name="live")
        assert alias["FunctionVersion"] != "$LATEST" and not alias.get("RoutingConfig", {}).get("AdditionalVersionWeights")
        stage = aws.call("apigateway", "get_stage", restApiId=api_id, stageName=config.stage)
        assert "canarySettings" not in stage and not stage.get("methodSettings"), stage
    finally:
        if queue_url and _has_policy(aws, config.role_name):
            # the policy added by hand goes first: a role that still holds it cannot be deleted
            aws.call("iam", "delete_role_policy", RoleName=config.role_name, PolicyName="by-hand-dlq")
        deploy.down(config, Aws())
        if queue_url:
            aws.call("sqs", "delete_queue", QueueUrl=queue_url)


def _has_policy(aws, role_name: str) -> bool:
    from shoehorn.deploy.aws import AwsError

    try:
        return "by-hand-dlq" in aws.call("iam", "list_role_policies", RoleName=role_name,
                                         expect=("NoSuchEntity",))["PolicyNames"]
    except AwsError:
        return False
