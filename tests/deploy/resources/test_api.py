"""API drift on moto: deleted API, deleted or re-pointed /{proxy+}, method changed by hand."""

from __future__ import annotations

from deploy.kit import redeploy_until_quiet
from shoehorn.deploy import actions as a
from shoehorn.deploy.naming import statement_id


def _routes(aws, api_id: str) -> dict[str, dict]:
    items = aws.call("apigateway", "get_resources", restApiId=api_id, embed=["methods"])["items"]
    return {item["path"]: item for item in items}


def _tagged(aws, config) -> list[str]:
    return [i["id"] for i in aws.call("apigateway", "get_rest_apis")["items"] if (i.get("tags") or {}) == config.tags]


def test_api_deleted_out_of_band_is_recreated_with_a_fresh_permission(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("apigateway", "delete_rest_api", restApiId=deployed.api_id)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert result.api_id != deployed.api_id
    assert _tagged(new_aws(), app_config) == [result.api_id]
    removed = [s.statement_id for s in result.actions if isinstance(s, a.RemovePermission)]
    assert removed == [statement_id(deployed.api_id)]  # the old API may no longer invoke the function
    assert any(isinstance(s, a.AddPermission) for s in result.actions)


def test_proxy_resource_deleted_by_hand_is_recreated(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    aws.call("apigateway", "delete_resource", restApiId=deployed.api_id,
             resourceId=_routes(aws, deployed.api_id)["/{proxy+}"]["id"])
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert {type(s) for s in result.actions} == {a.CreateProxyResource, a.WireMethod, a.CreateDeployment}
    assert _routes(new_aws(), deployed.api_id)["/{proxy+}"]["resourceMethods"]["ANY"]["methodIntegration"]["type"] == "AWS_PROXY"


def test_integration_changed_by_hand_is_repaired_and_redeployed(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    proxy_id = _routes(aws, deployed.api_id)["/{proxy+}"]["id"]
    aws.call("apigateway", "put_integration", restApiId=deployed.api_id, resourceId=proxy_id, httpMethod="ANY",
             type="HTTP_PROXY", integrationHttpMethod="ANY", uri="https://example.com/{proxy}")
    before = len(aws.call("apigateway", "get_deployments", restApiId=deployed.api_id)["items"])
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert {type(s) for s in result.actions} == {a.WireMethod, a.CreateDeployment}
    integration = _routes(new_aws(), deployed.api_id)["/{proxy+}"]["resourceMethods"]["ANY"]["methodIntegration"]
    assert integration["type"] == "AWS_PROXY" and integration["uri"].endswith(":live/invocations")
    assert len(new_aws().call("apigateway", "get_deployments", restApiId=deployed.api_id)["items"]) == before + 1


def test_method_removed_by_hand_is_put_back(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    root_id = _routes(aws, deployed.api_id)["/"]["id"]
    aws.call("apigateway", "delete_method", restApiId=deployed.api_id, resourceId=root_id, httpMethod="ANY")
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [s.path for s in result.actions if isinstance(s, a.WireMethod)] == ["/"]


def test_extra_resource_added_by_hand_is_removed(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    root_id = _routes(aws, deployed.api_id)["/"]["id"]
    aws.call("apigateway", "create_resource", restApiId=deployed.api_id, parentId=root_id, pathPart="admin")
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [s.path for s in result.actions if isinstance(s, a.DeleteResource)] == ["/admin"]
    assert sorted(_routes(new_aws(), deployed.api_id)) == ["/", "/{proxy+}"]


def test_a_deployment_made_by_hand_is_replaced(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("apigateway", "create_deployment", restApiId=deployed.api_id, stageName="dev",
                   description="deployed from the console")
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s) for s in result.actions] == [a.CreateDeployment]
    assert "by hand" in result.actions[0].reason


def test_endpoint_type_change_is_applied(deployed, new_aws, app_config, app_bundle) -> None:
    import dataclasses

    edge = dataclasses.replace(app_config, endpoint_type="EDGE")
    result = redeploy_until_quiet(new_aws, edge, app_bundle)
    [update] = [s for s in result.actions if isinstance(s, a.UpdateApi)]
    assert update.patches == (("replace", "/endpointConfiguration/types/REGIONAL", "EDGE"),)
    got = [i for i in new_aws().call("apigateway", "get_rest_apis")["items"] if i["id"] == deployed.api_id][0]
    assert got["endpointConfiguration"]["types"] == ["EDGE"]


def test_method_edits_made_and_deployed_by_hand_are_drift_and_put_back(deployed, new_aws, app_config,
                                                                        app_bundle) -> None:
    """QA: an API key required on ANY, a shorter integration timeout and a MOCK GET on /{proxy+}, then
    "Deploy API" in the console: status only said "deployment made by hand", and `up` redeployed them."""
    from shoehorn.ops.status import collect

    aws, api_id = new_aws(), deployed.api_id
    ids = {path: item["id"] for path, item in _routes(aws, api_id).items()}
    for path in ("/", "/{proxy+}"):
        common = {"restApiId": api_id, "resourceId": ids[path], "httpMethod": "ANY"}
        uri = aws.call("apigateway", "get_integration", **common)["uri"]
        aws.call("apigateway", "delete_method", **common)
        aws.call("apigateway", "put_method", authorizationType="NONE", apiKeyRequired=True, **common)
        aws.call("apigateway", "put_integration", type="AWS_PROXY", integrationHttpMethod="POST", uri=uri,
                 timeoutInMillis=50, **common)
    aws.call("apigateway", "put_method", restApiId=api_id, resourceId=ids["/{proxy+}"], httpMethod="GET",
             authorizationType="NONE")
    aws.call("apigateway", "put_integration", restApiId=api_id, resourceId=ids["/{proxy+}"], httpMethod="GET",
             type="MOCK")
    aws.call("apigateway", "create_deployment", restApiId=api_id, stageName=app_config.stage)

    drift = [d.what for d in collect(new_aws(), app_config).drift]
    assert any("delete method GET on /{proxy+}" in what and "instead of the app" in what for what in drift)
    assert sum("require an API key" in what for what in drift) == 2
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s).__name__ for s in result.actions] == ["WireMethod", "DeleteMethod", "WireMethod",
                                                          "CreateDeployment"]
    for path, item in _routes(new_aws(), api_id).items():
        assert list(item["resourceMethods"]) == ["ANY"], path
        method = item["resourceMethods"]["ANY"]
        assert method["apiKeyRequired"] is False and method["methodIntegration"]["timeoutInMillis"] == 29000


def test_an_integration_timeout_changed_by_hand_is_put_back(deployed, new_aws, app_config, app_bundle) -> None:
    aws = new_aws()
    root = _routes(aws, deployed.api_id)["/"]
    aws.call("apigateway", "put_integration", restApiId=deployed.api_id, resourceId=root["id"], httpMethod="ANY",
             type="AWS_PROXY", integrationHttpMethod="POST", timeoutInMillis=1000,
             uri=root["resourceMethods"]["ANY"]["methodIntegration"]["uri"])
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    [wire] = [s for s in result.actions if isinstance(s, a.WireMethod)]
    assert wire.path == "/" and not wire.put_method and "1000 ms timeout" in wire.reason


def test_stage_method_settings_set_by_hand_are_drift_and_removed(deployed, new_aws, app_config, app_bundle) -> None:
    from shoehorn import deploy

    new_aws().call("apigateway", "update_stage", restApiId=deployed.api_id, stageName=app_config.stage,
                   patchOperations=[{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "1"}])
    steps = deploy.plan(app_config, app_bundle, new_aws())
    assert [type(s) for s in steps] == [a.ResetStage] and steps[0].removes == ("/*/*",)
    assert "method settings" in steps[0].reason and "*/*" in steps[0].reason
    aws, sent = new_aws(), []
    aws.client("apigateway").meta.events.register("provide-client-params.api-gateway.UpdateStage",
                                                  lambda params, **_: sent.append(dict(params)))
    deploy.up(app_config, app_bundle, aws)
    # moto (5.2.5) ignores `remove` on a method-settings path, so what is sent is what can be checked
    assert [p["patchOperations"] for p in sent] == [[{"op": "remove", "path": "/*/*"}]]


def test_a_canary_on_the_stage_is_drift() -> None:
    # moto keeps no canarySettings: the GetStage answer is made here, as API Gateway gives it
    from shoehorn.deploy.resources import api_stage

    found = api_stage.edits({"deploymentId": "d1", "canarySettings": {"percentTraffic": 10.0, "deploymentId": "d2"},
                             "methodSettings": {"~1{proxy+}/GET": {"throttlingRateLimit": 5.0}}})
    assert [path for path, _ in found] == ["/canarySettings", "/~1{proxy+}/GET"]
    assert "10% of requests to deployment d2" in found[0][1] and "/{proxy+}/GET" in found[1][1]
    [reset] = api_stage.diff("dev", found)
    assert reset.removes == ("/canarySettings", "/~1{proxy+}/GET")
    assert api_stage.edits({"deploymentId": "d1", "methodSettings": {}}) == ()


def test_what_is_missing_is_not_blamed_on_the_user_alone() -> None:
    # QA: `plan` after an interrupted first `up` said "/{proxy+} was deleted or renamed by hand"
    from shoehorn.deploy.resources.api import PROXY, ApiDesired, ApiObserved, Route, diff

    want = ApiDesired("app-dev", (), "REGIONAL", ("*/*",), "arn:uri", "dev")
    root_only = ApiObserved("id", ("REGIONAL",), ("*/*",), (Route("r", "/", None, False, None),), None)
    reasons = [step.reason for step in diff(want, root_only)]
    assert "ANY on / is missing (an interrupted `up`, or deleted by hand)" in reasons
    assert "/{proxy+} is missing (an interrupted `up`, or deleted or renamed by hand)" in reasons
    no_integration = ApiObserved("id", ("REGIONAL",), ("*/*",), (Route("r", "/", None, True, None),
                                                                  Route("p", PROXY, "r", True, None)), None)
    assert any("an interrupted `up`" in step.reason for step in diff(want, no_integration))
