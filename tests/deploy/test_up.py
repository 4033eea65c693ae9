"""``shoehorn.deploy.up`` against a real moto server: wiring, no-op, code change, faults on the way."""

from __future__ import annotations

import json

import pytest

from deploy.kit import make_bundle, wait_for_alias
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy.naming import integration_uri, statement_id
from shoehorn.errors import ConflictError
from shoehorn.progress import Waiting

ACCOUNT = "123456789012"  # moto's default account


def test_first_deploy_creates_exactly_the_resources_wired_as_designed(deployed, new_aws, app_config) -> None:
    aws, name, tags = new_aws(), app_config.function_name, app_config.tags
    # role: trusts Lambda, may write to its own log group only (no managed policy: least privilege), tagged
    got_role = aws.call("iam", "get_role", RoleName=app_config.role_name)["Role"]
    assert got_role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    attached = aws.call("iam", "list_attached_role_policies", RoleName=app_config.role_name)["AttachedPolicies"]
    assert attached == []
    (inline,) = aws.call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]
    document = aws.call("iam", "get_role_policy", RoleName=app_config.role_name, PolicyName=inline)["PolicyDocument"]
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{app_config.log_group}"
    assert document["Statement"] == [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                      "Resource": [group, f"{group}:*"]}]
    assert {t["Key"]: t["Value"] for t in got_role.get("Tags", [])} == tags
    # function + alias live -> version 1
    fn = aws.call("lambda", "get_function", FunctionName=name)
    assert fn["Configuration"]["Handler"] == "shoehorn_handler.handler"
    assert fn["Configuration"]["Environment"]["Variables"] == {"SECRET": "hunter2"}
    assert fn["Tags"] == {**tags, "shoehorn:warm": "off"}
    assert aws.call("lambda", "get_alias", FunctionName=name, Name="live")["FunctionVersion"] == "1" == deployed.version
    # log group with retention, tagged
    group = aws.call("logs", "describe_log_groups", logGroupNamePrefix=app_config.log_group)["logGroups"][0]
    assert group["retentionInDays"] == 30
    arn = group["arn"].removesuffix(":*")
    assert aws.call("logs", "list_tags_for_resource", resourceArn=arn)["tags"] == tags
    # the API: tags, binary types, regional, / and /{proxy+} ANY -> AWS_PROXY to the alias
    apis = [i for i in aws.call("apigateway", "get_rest_apis")["items"] if i.get("tags") == tags]
    assert [i["id"] for i in apis] == [deployed.api_id]
    assert apis[0]["binaryMediaTypes"] == ["*/*"] and apis[0]["endpointConfiguration"]["types"] == ["REGIONAL"]
    routes = aws.call("apigateway", "get_resources", restApiId=deployed.api_id, embed=["methods"])["items"]
    assert sorted(r["path"] for r in routes) == ["/", "/{proxy+}"]
    for route in routes:
        method = route["resourceMethods"]["ANY"]
        assert method["authorizationType"] == "NONE"
        integration = method["methodIntegration"]
        assert (integration["type"], integration["httpMethod"]) == ("AWS_PROXY", "POST")
        assert integration["uri"] == integration_uri("us-east-1", ACCOUNT, name)
        assert integration["uri"].endswith(f":function:{name}:live/invocations")
    assert aws.call("apigateway", "get_stage", restApiId=deployed.api_id, stageName="dev")["stageName"] == "dev"
    # the permission: on the alias, for API Gateway, scoped to this API only
    policy = json.loads(aws.call("lambda", "get_policy", FunctionName=name, Qualifier="live")["Policy"])
    [statement] = policy["Statement"]
    assert statement["Sid"] == statement_id(deployed.api_id)
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == f"arn:aws:execute-api:us-east-1:{ACCOUNT}:{deployed.api_id}/*"
    assert deployed.url == f"https://{deployed.api_id}.execute-api.us-east-1.amazonaws.com/dev/"


def test_second_up_changes_nothing(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    before_versions = aws.call("lambda", "list_versions_by_function", FunctionName=app_config.function_name)["Versions"]
    before_deployments = aws.call("apigateway", "get_deployments", restApiId=deployed.api_id)["items"]
    counting = new_aws()
    result = deploy.up(app_config, app_bundle, counting)
    assert result.actions == ()
    # a handful of reads (15, incl. the warm-up rule read, the `live` alias for its weighted routing, the log
    # group's tags for the ownership check and the role's inline policy document, whose name alone proves
    # nothing), no writes
    assert counting.writes == 0 and counting.reads <= 15, counting.log
    assert result.url == deployed.url and result.version == "1"
    after = new_aws()
    assert after.call("lambda", "list_versions_by_function", FunctionName=app_config.function_name)["Versions"] == before_versions
    assert after.call("apigateway", "get_deployments", restApiId=deployed.api_id)["items"] == before_deployments


def test_the_roles_permissions_edited_by_hand_are_restored_and_foreign_inline_policies_named(
        deployed, new_aws, app_config, app_bundle) -> None:
    # the inline policy's name is a hash of its document, and only the name was compared: a console edit
    # that kept the name (Action "*") went unseen by status, plan and up
    from shoehorn.progress import Recorder, Warn

    aws = new_aws()
    [name] = aws.call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]
    wanted = aws.call("iam", "get_role_policy", RoleName=app_config.role_name, PolicyName=name)["PolicyDocument"]
    everything = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    aws.call("iam", "put_role_policy", RoleName=app_config.role_name, PolicyName=name, PolicyDocument=everything)
    aws.call("iam", "put_role_policy", RoleName=app_config.role_name, PolicyName="handmade", PolicyDocument=everything)
    steps = deploy.plan(app_config, app_bundle, new_aws())
    assert [type(s) for s in steps] == [a.PutRolePolicy] and steps[0].policy_name == name
    said = Recorder()
    deploy.up(app_config, app_bundle, new_aws(), said)
    after = new_aws().call("iam", "get_role_policy", RoleName=app_config.role_name, PolicyName=name)["PolicyDocument"]
    assert after == wanted
    # another's inline policy is not deleted (its document would be lost), but every deploy says so
    assert "handmade" in new_aws().call("iam", "list_role_policies", RoleName=app_config.role_name)["PolicyNames"]
    assert any(isinstance(e, Warn) and "handmade" in e.message for e in said.events)


def test_code_change_publishes_a_version_and_moves_the_alias(deployed, new_aws, app_config, tmp_path) -> None:
    changed = make_bundle(tmp_path, "v2")
    counting = new_aws()
    result = deploy.up(app_config, changed, counting)
    assert {type(s) for s in result.actions} == {a.UpdateFunctionCode, a.PublishVersion, a.UpdateAlias}
    assert counting.writes <= 6
    aws = new_aws()
    assert aws.call("lambda", "get_alias", FunctionName=app_config.function_name, Name="live")["FunctionVersion"] == "2"
    live = aws.call("lambda", "get_function_configuration", FunctionName=app_config.function_name, Qualifier="live")
    assert live["CodeSha256"] == changed.code_sha256
    assert aws.call("apigateway", "get_deployments", restApiId=deployed.api_id)["items"].__len__() == 1


def test_iam_propagation_and_throttling_during_first_deploy_are_waited_out(proxy, new_aws, app_config, app_bundle,
                                                                            recorder) -> None:
    proxy.fail("CreateFunction", "iam-propagation", times=2)
    proxy.fail("CreateRestApi", "throttle", times=1)
    result = deploy.up(app_config, app_bundle, new_aws())
    assert any(isinstance(s, a.CreateApi) for s in result.actions)
    waits = [w.what for w in recorder.of(Waiting)]
    assert waits.count("the new IAM role to propagate to Lambda") == 2
    assert waits.count("AWS to accept more requests (throttled)") == 1
    assert ("CreateFunction", "iam-propagation") in proxy.injected


def test_a_concurrent_deploy_is_reported_not_overwritten(deployed, proxy, new_aws, app_config, tmp_path) -> None:
    # moto does not implement Lambda RevisionIds, so the proxy answers as AWS does when another
    # writer changed the function between our read and our write (PreconditionFailedException).
    proxy.fail("UpdateFunctionCode", "revision-conflict")
    with pytest.raises(ConflictError) as caught:
        deploy.up(app_config, make_bundle(tmp_path, "v2"), new_aws())
    assert "another deploy is in progress" in caught.value.message
    assert caught.value.exit_code == 5


def test_plan_reads_only(deployed, new_aws, app_config, tmp_path) -> None:
    aws = new_aws()
    steps = deploy.plan(app_config, make_bundle(tmp_path, "v3"), aws)
    assert {type(s) for s in steps} == {a.UpdateFunctionCode, a.PublishVersion, a.UpdateAlias}
    assert aws.writes == 0


def test_update_in_progress_during_a_code_update_is_waited_out(deployed, proxy, new_aws, app_config, tmp_path,
                                                               recorder) -> None:
    proxy.fail("PublishVersion", "update-in-progress", times=2)
    result = deploy.up(app_config, make_bundle(tmp_path, "v2"), new_aws())
    assert result.version == "2"
    assert [w.what for w in recorder.of(Waiting)].count("the previous Lambda update to finish") == 2


def test_two_first_deploys_at_once_leave_one_api(proxy, new_aws, app_config, app_bundle) -> None:
    """Run A is held at CreateRestApi while run B deploys completely; A must not leave a second API."""
    import threading

    held = proxy.hold("CreateRestApi")
    outcome: dict[str, object] = {}

    def run_a() -> None:
        try:
            outcome["a"] = deploy.up(app_config, app_bundle, new_aws())
        except Exception as error:  # noqa: BLE001 - inspected below
            outcome["a"] = error

    thread = threading.Thread(target=run_a)
    thread.start()
    assert held.reached.wait(60)
    wait_for_alias(new_aws(), app_config.function_name)  # A makes its function side by side with the API
    b = deploy.up(app_config, app_bundle, new_aws())  # B finds A's function, makes the API
    held.release.set()
    thread.join(60)
    # A's API came second: A deletes it and carries on with B's (it used to fail: QA, both runs often failed)
    assert isinstance(outcome["a"], deploy.Result) and outcome["a"].api_id == b.api_id, outcome["a"]
    apis = [i["id"] for i in new_aws().call("apigateway", "get_rest_apis")["items"] if i.get("tags") == app_config.tags]
    assert apis == [b.api_id]
    assert deploy.plan(app_config, app_bundle, new_aws()) == ()


def _wait_for_greedy_resource(aws, config) -> None:
    import time

    from shoehorn.deploy.resources import api

    deadline = time.monotonic() + 60
    while not any(found := api.find(aws, config)) or not any(
            r["path"] == api.PROXY for r in aws.call("apigateway", "get_resources", restApiId=found[0]["id"])["items"]):
        assert time.monotonic() < deadline, "run A never made its API's /{proxy+}"
        time.sleep(0.1)


def test_a_function_created_by_another_run_meanwhile_is_a_conflict(proxy, new_aws, app_config, app_bundle) -> None:
    import threading

    held = proxy.hold("CreateFunction")
    outcome: dict[str, object] = {}

    def run_a() -> None:
        try:
            outcome["a"] = deploy.up(app_config, app_bundle, new_aws())
        except Exception as error:  # noqa: BLE001 - inspected below
            outcome["a"] = error

    thread = threading.Thread(target=run_a)
    thread.start()
    assert held.reached.wait(60)
    _wait_for_greedy_resource(new_aws(), app_config)  # A's API side: as far as it goes without the function
    b = deploy.up(app_config, app_bundle, new_aws())
    held.release.set()
    thread.join(60)
    assert isinstance(outcome["a"], ConflictError), outcome["a"]
    assert "another deploy is in progress" in outcome["a"].message
    assert new_aws().call("lambda", "get_alias", FunctionName=app_config.function_name, Name="live")[
        "FunctionVersion"] == b.version
    assert deploy.plan(app_config, app_bundle, new_aws()) == ()


def test_code_update_interrupted_before_publishing_is_finished_next_time(deployed, proxy, new_aws, app_config,
                                                                         tmp_path) -> None:
    changed = make_bundle(tmp_path, "v2")
    proxy.fail("PublishVersion", "access-denied")
    with pytest.raises(Exception):
        deploy.up(app_config, changed, new_aws())
    # $LATEST has the new code; `live` still serves version 1
    resumed = deploy.up(app_config, changed, new_aws())
    assert {type(s) for s in resumed.actions} == {a.PublishVersion, a.UpdateAlias}
    assert resumed.version == "2"
    assert deploy.plan(app_config, changed, new_aws()) == ()


def test_plan_is_exactly_what_up_applies(new_aws, app_config, app_bundle, tmp_path) -> None:
    for built in (app_bundle, make_bundle(tmp_path, "v2")):
        planned = deploy.plan(app_config, built, new_aws())
        assert planned and deploy.up(app_config, built, new_aws()).actions == planned
