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
