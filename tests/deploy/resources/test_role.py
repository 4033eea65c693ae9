"""Role drift on moto: deleted, stripped of its policy, statements changed -> repaired by the next `up`."""

from __future__ import annotations

import dataclasses

from deploy.kit import redeploy_until_quiet
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources.role import BASIC_EXECUTION


def _delete_role(aws, name: str) -> None:
    for policy in aws.call("iam", "list_attached_role_policies", RoleName=name)["AttachedPolicies"]:
        aws.call("iam", "detach_role_policy", RoleName=name, PolicyArn=policy["PolicyArn"])
    for policy_name in aws.call("iam", "list_role_policies", RoleName=name)["PolicyNames"]:
        aws.call("iam", "delete_role_policy", RoleName=name, PolicyName=policy_name)
    aws.call("iam", "delete_role", RoleName=name)


def test_role_deleted_out_of_band_is_recreated(deployed, new_aws, app_config, app_bundle) -> None:
    _delete_role(new_aws(), app_config.role_name)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert {type(s) for s in result.actions} == {a.CreateRole, a.PutRolePolicy}
    assert new_aws().call("iam", "get_role", RoleName=app_config.role_name)["Role"]["RoleName"] == app_config.role_name


def test_deleted_inline_policy_is_put_back(deployed, new_aws, app_config, app_bundle) -> None:
    (name,) = new_aws().call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]
    new_aws().call("iam", "delete_role_policy", RoleName=app_config.role_name, PolicyName=name)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [(type(s), s.policy_name) for s in result.actions] == [(a.PutRolePolicy, name)]


def test_a_role_with_the_broad_managed_policy_converges_to_least_privilege(deployed, new_aws, app_config,
                                                                           app_bundle) -> None:
    """Roles made before issue 11 carry AWSLambdaBasicExecutionRole (logs:* on *): the next `up` (and `plan`
    before it) puts the scoped inline policy first, then detaches the managed one."""
    from shoehorn import deploy

    aws = new_aws()
    aws.call("iam", "attach_role_policy", RoleName=app_config.role_name, PolicyArn=BASIC_EXECUTION)
    for name in aws.call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]:
        aws.call("iam", "delete_role_policy", RoleName=app_config.role_name, PolicyName=name)
    planned = deploy.plan(app_config, app_bundle, new_aws())
    assert [type(s) for s in planned] == [a.PutRolePolicy, a.DetachRolePolicy]  # never a moment without logging
    assert "least privilege" in planned[1].reason
    redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert new_aws().call("iam", "list_attached_role_policies", RoleName=app_config.role_name)["AttachedPolicies"] == []


def test_changed_statements_replace_the_inline_policy(deployed, new_aws, app_config, app_bundle) -> None:
    first = dataclasses.replace(app_config, statements=({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},))
    redeploy_until_quiet(new_aws, first, app_bundle)
    second = dataclasses.replace(app_config, statements=({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},))
    result = redeploy_until_quiet(new_aws, second, app_bundle)
    assert {type(s) for s in result.actions} == {a.PutRolePolicy, a.DeleteRolePolicy}
    names = new_aws().call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]
    assert len(names) == 1 and names[0].startswith("shoehorn-")
    document = new_aws().call("iam", "get_role_policy", RoleName=app_config.role_name, PolicyName=names[0])
    actions = [s["Action"] for s in document["PolicyDocument"]["Statement"]]
    assert actions == [["logs:CreateLogStream", "logs:PutLogEvents"], "sqs:*"]


def test_tags_removed_by_hand_are_put_back(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("iam", "untag_role", RoleName=app_config.role_name, TagKeys=list(app_config.tags))
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s) for s in result.actions] == [a.TagRole]
    got = new_aws().call("iam", "get_role", RoleName=app_config.role_name)["Role"]
    assert {t["Key"]: t["Value"] for t in got["Tags"]} == app_config.tags


def test_a_detach_says_why_the_policy_goes() -> None:
    # QA: `--adopt` said "no longer listed in the config" of a policy that never was
    from deploy.kit import make_config
    from shoehorn.deploy.resources import role

    config = make_config()
    want = role.desired(config, "us-east-1", "123456789012")
    s3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    found = role.RoleObserved("arn", want.trust_policy, (s3,), (want.inline_name,), (),
                              inline_documents=((want.inline_name, want.inline_document),))
    [adopted] = [s for s in role.diff(want, found) if isinstance(s, a.DetachRolePolicy)]
    assert "attached before shoehorn took the role over" in adopted.reason and "no longer" not in adopted.reason
    ours = role.diff(want, dataclasses.replace(found, tags=want.tags))
    assert [s.reason for s in ours] == ["not in the config's `policies` (removed from it, or attached by hand)"]
