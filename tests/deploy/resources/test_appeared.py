"""A role or log group that appears under the app's name between observe and its create: converged onto
only when it is provably this app's, else refused (exit 8) and left untouched. QA: role `_create` rewrote
the trust policy of whatever role had appeared; logs `_create` tagged whatever group had appeared."""

from __future__ import annotations

import json

import pytest

from shoehorn.deploy import actions as a
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import tag_pairs
from shoehorn.deploy.resources import logs, role
from shoehorn.errors import NotOursError

THEIR_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _ctx(aws, config) -> Context:
    return Context(aws=aws, config=config, account="123456789012")


def _create_role(config) -> a.CreateRole:
    return a.CreateRole(reason="the role does not exist", name=config.role_name,
                        trust_policy=json.dumps(role.TRUST), tags=tag_pairs(config.tags))


def _trust(aws, name: str) -> dict:
    return role._decoded(aws.call("iam", "get_role", RoleName=name)["Role"]["AssumeRolePolicyDocument"])


@pytest.mark.parametrize("tags", [[], [{"Key": "shoehorn:app", "Value": "other"}, {"Key": "shoehorn:stage", "Value": "dev"}]],
                         ids=["untagged", "another-app"])
def test_a_role_that_appeared_and_is_not_ours_is_refused_untouched(aws, app_config, tags) -> None:
    aws.call("iam", "create_role", RoleName=app_config.role_name, AssumeRolePolicyDocument=THEIR_TRUST,
             **({"Tags": tags} if tags else {}))
    try:
        with pytest.raises(NotOursError, match=f"IAM role {app_config.role_name} .*appeared while this deploy ran"
                           ) as caught:
            role._create(_create_role(app_config), _ctx(aws, app_config))
        assert caught.value.exit_code == 8
        assert _trust(aws, app_config.role_name) == json.loads(THEIR_TRUST)  # not rewritten
    finally:
        aws.call("iam", "delete_role", RoleName=app_config.role_name)


def test_a_role_that_appeared_from_a_concurrent_up_is_converged_onto(aws, app_config) -> None:
    aws.call("iam", "create_role", RoleName=app_config.role_name, AssumeRolePolicyDocument=THEIR_TRUST,
             Tags=[{"Key": k, "Value": v} for k, v in tag_pairs(app_config.tags)])
    try:
        role._create(_create_role(app_config), _ctx(aws, app_config))
        assert _trust(aws, app_config.role_name) == role.TRUST
    finally:
        aws.call("iam", "delete_role", RoleName=app_config.role_name)


def _group_tags(aws, config) -> dict:
    arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{config.log_group}"
    return aws.call("logs", "list_tags_for_resource", resourceArn=arn).get("tags") or {}


def _create_group(config) -> a.CreateLogGroup:
    return a.CreateLogGroup(reason="the log group does not exist", name=config.log_group, tags=tag_pairs(config.tags))


def test_a_log_group_that_appeared_tagged_for_another_app_is_refused_untouched(aws, app_config) -> None:
    theirs = {"shoehorn:app": "other", "shoehorn:stage": "dev"}
    aws.call("logs", "create_log_group", logGroupName=app_config.log_group, tags=theirs)
    try:
        with pytest.raises(NotOursError, match="belongs to app 'other'.*appeared while this deploy ran") as caught:
            logs._create(_create_group(app_config), _ctx(aws, app_config))
        assert caught.value.exit_code == 8
        assert _group_tags(aws, app_config) == theirs
    finally:
        aws.call("logs", "delete_log_group", logGroupName=app_config.log_group)


def test_a_log_group_lambda_made_for_our_function_is_tagged(aws, app_config) -> None:
    aws.call("logs", "create_log_group", logGroupName=app_config.log_group)  # as Lambda makes it: untagged
    try:
        logs._create(_create_group(app_config), _ctx(aws, app_config))
        assert _group_tags(aws, app_config) == dict(app_config.tags)
    finally:
        aws.call("logs", "delete_log_group", logGroupName=app_config.log_group)
