"""Role drift on moto: deleted, stripped of its policy, statements changed -> repaired by the next `up`."""

from __future__ import annotations

import dataclasses

from deploy.kit import redeploy_until_quiet
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources.role import BASIC_EXECUTION


def _delete_role(aws, name: str) -> None:
    for policy in aws.call("iam", "list_attached_role_policies", RoleName=name)["AttachedPolicies"]:
        aws.call("iam", "detach_role_policy", RoleName=name, PolicyArn=policy["PolicyArn"])
    aws.call("iam", "delete_role", RoleName=name)


def test_role_deleted_out_of_band_is_recreated(deployed, new_aws, app_config, app_bundle) -> None:
    _delete_role(new_aws(), app_config.role_name)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert {type(s) for s in result.actions} == {a.CreateRole, a.AttachRolePolicy}
    assert new_aws().call("iam", "get_role", RoleName=app_config.role_name)["Role"]["RoleName"] == app_config.role_name


def test_detached_policy_is_reattached(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("iam", "detach_role_policy", RoleName=app_config.role_name, PolicyArn=BASIC_EXECUTION)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [(type(s), s.policy_arn) for s in result.actions] == [(a.AttachRolePolicy, BASIC_EXECUTION)]


def test_changed_statements_replace_the_inline_policy(deployed, new_aws, app_config, app_bundle) -> None:
    first = dataclasses.replace(app_config, statements=({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},))
    redeploy_until_quiet(new_aws, first, app_bundle)
    second = dataclasses.replace(app_config, statements=({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},))
    result = redeploy_until_quiet(new_aws, second, app_bundle)
    assert {type(s) for s in result.actions} == {a.PutRolePolicy, a.DeleteRolePolicy}
    names = new_aws().call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]
    assert len(names) == 1 and names[0].startswith("shoehorn-")


def test_tags_removed_by_hand_are_put_back(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("iam", "untag_role", RoleName=app_config.role_name, TagKeys=list(app_config.tags))
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s) for s in result.actions] == [a.TagRole]
    got = new_aws().call("iam", "get_role", RoleName=app_config.role_name)["Role"]
    assert {t["Key"]: t["Value"] for t in got["Tags"]} == app_config.tags
