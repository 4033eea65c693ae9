"""Ownership: untagged resources are re-tagged only when shoehorn's own marks prove them ours (issue 11, item 1)."""

from __future__ import annotations

import pytest

from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy.ownership import Claim, check
from shoehorn.errors import NotOursError


def test_an_interrupted_first_deploy_is_re_tagged_without_asking(deployed, new_aws, app_config, app_bundle) -> None:
    """Role with shoehorn's trust policy and description, function with shoehorn's description, and the log
    group of that function: their tags lost (as if a first deploy stopped before tagging) -> re-tagged."""
    aws = new_aws()
    keys = list(app_config.tags)
    aws.call("iam", "untag_role", RoleName=app_config.role_name, TagKeys=keys)
    arn = aws.call("lambda", "get_function", FunctionName=app_config.function_name)["Configuration"]["FunctionArn"]
    aws.call("lambda", "untag_resource", Resource=arn, TagKeys=keys)
    group_arn = f"arn:aws:logs:us-east-1:{deployed_account(aws)}:log-group:{app_config.log_group}"
    aws.call("logs", "untag_resource", resourceArn=group_arn, tagKeys=keys)

    steps = deploy.plan(app_config, app_bundle, new_aws())
    assert {type(s) for s in steps} == {a.TagRole, a.TagFunction, a.TagLogGroup}
    deploy.up(app_config, app_bundle, new_aws())
    assert deploy.plan(app_config, app_bundle, new_aws()) == ()


def deployed_account(aws) -> str:
    return aws.call("sts", "get_caller_identity")["Account"]


def test_check_refuses_other_owners_and_unproven_strangers(app_config) -> None:
    mine = (("shoehorn:app", app_config.name), ("shoehorn:stage", app_config.stage))
    check((Claim("IAM role", "r", mine), Claim("log group", "g", (), proven=True)), app_config)
    other_stage = (("shoehorn:app", app_config.name), ("shoehorn:stage", "prod"))
    with pytest.raises(NotOursError, match=f"belongs to app '{app_config.name}' stage 'prod'"):
        check((Claim("IAM role", "r", other_stage),), app_config, adopt=True)
    with pytest.raises(NotOursError, match="not created by shoehorn") as caught:
        check((Claim("Lambda function", "f", (("team", "billing"),)),), app_config)
    assert "shoehorn up --adopt" in (caught.value.hint or "")
    check((Claim("Lambda function", "f", ()),), app_config, adopt=True)  # on purpose: allowed


@pytest.mark.parametrize("tags", [[], [{"Key": "shoehorn:app", "Value": "other-app"}]], ids=["untagged", "another-app"])
def test_a_bucket_under_the_apps_name_that_is_not_its_own_is_never_written(new_aws, app_config, app_bundle, tags) -> None:
    # bundles over 50 MB go through S3: `up` uploaded into whatever bucket had the name (and `down` then left
    # the object there, the bucket being rightly judged not ours)
    from shoehorn.deploy.resources.bucket import bucket_name

    aws = new_aws()
    name = bucket_name(app_config, deployed_account(aws), "us-east-1")
    aws.call("s3", "create_bucket", Bucket=name)
    aws.call("s3", "put_object", Bucket=name, Key="theirs.txt", Body=b"someone else's")
    if tags:
        aws.call("s3", "put_bucket_tagging", Bucket=name, Tagging={"TagSet": tags})
    for adopt in (False, True):  # not even on purpose: a bucket holds data that cannot be told from ours
        with pytest.raises(NotOursError, match=f"S3 bucket {name} exists but is not tagged") as caught:
            deploy.up(app_config, app_bundle, new_aws(), upload_limit=10, adopt=adopt)
        assert f"shoehorn:app={app_config.name}" in (caught.value.hint or "")
    assert [o["Key"] for o in aws.call("s3", "list_objects_v2", Bucket=name)["Contents"]] == ["theirs.txt"]
    if tags:
        assert aws.call("s3", "get_bucket_tagging", Bucket=name)["TagSet"] == tags  # its owner's tags, untouched
    # tagged for this app (as shoehorn tags it, or by hand after an interrupted first upload): used
    aws.call("s3", "put_bucket_tagging", Bucket=name, Tagging={"TagSet": [{"Key": "shoehorn:app", "Value": app_config.name}]})
    deploy.up(app_config, app_bundle, new_aws(), upload_limit=10)
    keys = [o["Key"] for o in aws.call("s3", "list_objects_v2", Bucket=name)["Contents"]]
    assert "theirs.txt" in keys and f"{app_config.stage}/{app_bundle.sha256}.zip" in keys


def test_one_tag_removed_by_hand_is_untagged_not_another_apps(deployed, new_aws, app_config, app_bundle) -> None:
    """QA: untagging only shoehorn:app from the function (or only shoehorn:stage from the role) made every
    command refuse it as "app '?' stage 'dev'"'s, even `up --adopt`. Proven shoehorn's otherwise: re-tagged."""
    aws = new_aws()
    arn = aws.call("lambda", "get_function", FunctionName=app_config.function_name)["Configuration"]["FunctionArn"]
    aws.call("lambda", "untag_resource", Resource=arn, TagKeys=["shoehorn:app"])
    aws.call("iam", "untag_role", RoleName=app_config.role_name, TagKeys=["shoehorn:stage"])

    steps = deploy.plan(app_config, app_bundle, new_aws())
    assert {type(s) for s in steps} >= {a.TagRole, a.TagFunction}
    from shoehorn.ops.status import collect

    drift = " ".join(d.what for d in collect(new_aws(), app_config).drift)
    assert f"tag Lambda function {app_config.function_name}" in drift and "tag IAM role" in drift
    deploy.up(app_config, app_bundle, new_aws())
    assert deploy.plan(app_config, app_bundle, new_aws()) == ()
    tags = aws.call("lambda", "list_tags", Resource=arn)["Tags"]
    assert tags["shoehorn:app"] == app_config.name and tags["shoehorn:stage"] == app_config.stage


def test_the_one_tag_left_decides() -> None:
    from deploy.kit import make_config

    config = make_config(name="ptag")
    only_stage = (("shoehorn:stage", "dev"),)
    check((Claim("Lambda function", "ptag-dev", only_stage, proven=True),), config)  # re-tagged by `up`
    check((Claim("Lambda function", "ptag-dev", only_stage),), config, adopt=True)  # taken over on purpose
    with pytest.raises(NotOursError) as caught:
        check((Claim("Lambda function", "ptag-dev", only_stage),), config)
    assert "'?'" not in str(caught.value) and "another app" not in str(caught.value)
    assert "shoehorn:stage=dev but no shoehorn:app tag" in str(caught.value)
    assert "shoehorn up --adopt" in (caught.value.hint or "")
    for tags in ((("shoehorn:stage", "prod"),), (("shoehorn:app", "other"),)):  # what is left disagrees: refused
        with pytest.raises(NotOursError, match="is not this app's and stage's") as caught:
            check((Claim("IAM role", "ptag-dev-lambda", tags, proven=True),), config, adopt=True)
        assert "'?'" not in str(caught.value)


def test_another_deploy_tools_function_is_named_and_not_offered_for_take_over(app_config) -> None:
    # Zappa names its function PROJECT-STAGE from the folder, as shoehorn does: a Zappa user deploying in place
    # was offered `up --adopt`, which leaves Zappa's API calling the function and `zappa undeploy` deleting it
    from shoehorn.deploy.ownership import other_tool

    assert other_tool("handler.lambda_handler", ()) == "Zappa"
    assert other_tool("app.handler", (("aws:cloudformation:stack-name", "sam-app"),)) == "CloudFormation stack sam-app"
    assert other_tool("app.app", (("aws-chalice", "version=1.31.0:stage=dev:app=hello"),)) == "Chalice"
    assert other_tool("main.handler", ()) == ""
    with pytest.raises(NotOursError) as caught:
        check((Claim("Lambda function", "f", (), made_by="Zappa"),), app_config)
    hint = caught.value.hint or ""
    assert "It is Zappa's" in hint and f"zappa undeploy {app_config.stage}" in hint and "another `name`" in hint
    assert "up --adopt" not in hint
    check((Claim("Lambda function", "f", (), made_by="Zappa"),), app_config, adopt=True)  # still the user's call
