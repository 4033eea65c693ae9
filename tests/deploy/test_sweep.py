"""``down`` on moto: everything tagged for the app and stage is gone afterwards; other stages are untouched."""

from __future__ import annotations

import dataclasses

import pytest

from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy.sweep import Found, leftovers, plan
from shoehorn.errors import ShoehornError


def test_down_leaves_nothing_tagged(deployed, new_aws, app_config, app_bundle) -> None:
    other = dataclasses.replace(app_config, stage="prod")
    deploy.up(other, app_bundle, new_aws())
    result = deploy.down(app_config, new_aws())
    assert {a.DeleteApi, a.DeleteFunction, a.DeleteRolePolicy, a.DeleteRole, a.DeleteLogGroup} <= {
        type(s) for s in result.actions}
    aws = new_aws()
    assert leftovers(aws, app_config) == []
    tagged = aws.call("resourcegroupstaggingapi", "get_resources",
                      TagFilters=[{"Key": "shoehorn:app", "Values": [app_config.name]}])["ResourceTagMappingList"]
    # only the other stage remains
    assert tagged and all({"Key": "shoehorn:stage", "Value": "prod"} in t["Tags"] for t in tagged)
    assert deploy.plan(other, app_bundle, new_aws()) == ()  # prod untouched
    assert deploy.down(app_config, new_aws()).actions == ()  # a second down has nothing to do


def test_keep_logs(deployed, new_aws, app_config) -> None:
    result = deploy.down(app_config, new_aws(), keep_logs=True)
    assert a.DeleteLogGroup not in {type(s) for s in result.actions}
    groups = new_aws().call("logs", "describe_log_groups", logGroupNamePrefix=app_config.log_group)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [app_config.log_group]


def test_down_after_an_interrupted_up_deletes_the_partial_deployment(new_aws, app_config, app_bundle, proxy) -> None:
    proxy.fail("CreateRestApi", "access-denied")
    try:
        deploy.up(app_config, app_bundle, new_aws())
    except Exception:  # noqa: BLE001 - the point is what is left behind
        pass
    result = deploy.down(app_config, new_aws())
    # the API is made side by side with the role, so its failure leaves the role (and log group) behind
    assert a.DeleteRole in {type(s) for s in result.actions} and a.DeleteApi not in {type(s) for s in result.actions}
    assert leftovers(new_aws(), app_config) == []


def test_sweep_plan_is_pure_and_ordered(app_config) -> None:
    from shoehorn.deploy.resources.role import RoleObserved

    found = Found("1", ("api1", "dup2"), True, RoleObserved("arn", "{}", ("p1",), ("shoehorn-x",)), True, "bkt")
    steps = plan(app_config, found)
    order = [type(s) for s in steps]
    assert order[:2] == [a.DeleteApi, a.DeleteApi]  # every tagged API, duplicates included, first
    assert order.index(a.DetachRolePolicy) < order.index(a.DeleteRole)
    assert order.index(a.DeleteRolePolicy) < order.index(a.DeleteRole)
    assert [s.prefix for s in steps if isinstance(s, a.DeleteBundleObjects)] == ["dev/"]


def test_a_users_resource_tagged_like_the_stage_is_named_and_left_alone(deployed, new_aws, app_config) -> None:
    """A queue tagged shoehorn:app/stage for cost allocation is not shoehorn's: down failed on it for
    ever ("still exist ... delete them in the AWS console"), advising to delete the user's data."""
    aws = new_aws()
    url = aws.call("sqs", "create_queue", QueueName=f"{app_config.name}-extra", tags=app_config.tags)["QueueUrl"]
    result = deploy.down(app_config, new_aws())
    assert a.DeleteFunction in {type(s) for s in result.actions}
    assert [arn for arn in result.others if arn.endswith(f":{app_config.name}-extra")]
    assert new_aws().call("sqs", "get_queue_url", QueueName=f"{app_config.name}-extra")["QueueUrl"] == url
    assert deploy.down(app_config, new_aws()).actions == ()  # and a second down is done too


def test_a_function_that_survives_the_sweep_fails_down(deployed, new_aws, app_config, proxy) -> None:
    proxy.fail("DeleteFunction", "access-denied")
    with pytest.raises(ShoehornError):
        deploy.down(app_config, new_aws())
    assert f"Lambda function {app_config.function_name}" in leftovers(new_aws(), app_config)  # still judged


def test_down_leaves_a_bucket_under_the_apps_name_alone_unless_it_is_tagged_for_the_app(deployed, new_aws,
                                                                                         app_config) -> None:
    """Shoehorn deletes only what it can prove is its own: an untagged bucket of the same name keeps its objects."""
    from shoehorn.deploy.resources.bucket import bucket_name

    aws = new_aws()
    name = bucket_name(app_config, "123456789012", "us-east-1")
    aws.call("s3", "create_bucket", Bucket=name)
    aws.call("s3", "put_object", Bucket=name, Key="dev/keep.txt", Body=b"someone else's")
    result = deploy.down(app_config, new_aws())
    assert a.DeleteBundleObjects not in {type(s) for s in result.actions}
    assert [o["Key"] for o in aws.call("s3", "list_objects_v2", Bucket=name)["Contents"]] == ["dev/keep.txt"]


def test_down_without_tag_get_resources_succeeds_and_says_what_it_could_not_check(deployed, new_aws, app_config,
                                                                                  proxy) -> None:
    """QA: without tag:GetResources, `down` deleted everything, then exited 4 (and so did every later `down`)."""
    proxy.fail("GetResources", "access-denied-tagging", times=10)
    result = deploy.down(app_config, new_aws())
    assert a.DeleteFunction in {type(s) for s in result.actions}
    assert leftovers(new_aws(), app_config) == []
    assert result.others == ()
    assert len(result.notes) == 1 and "could not check for other resources tagged" in result.notes[0]
    assert "tag:GetResources" in result.notes[0]
    again = deploy.down(app_config, new_aws())  # and the next one too
    assert again.actions == () and "tag:GetResources" in again.notes[0]
    assert ("GetResources", "access-denied-tagging") in proxy.injected
