"""Permission drift on moto: removed by hand -> re-added, scoped to the API."""

from __future__ import annotations

import json

from deploy.kit import redeploy_until_quiet
from shoehorn.deploy import actions as a
from shoehorn.deploy.naming import statement_id


def test_permission_removed_out_of_band_is_added_back(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("lambda", "remove_permission", FunctionName=app_config.function_name, Qualifier="live",
                   StatementId=statement_id(deployed.api_id))
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s) for s in result.actions] == [a.AddPermission]
    policy = json.loads(new_aws().call("lambda", "get_policy", FunctionName=app_config.function_name,
                                       Qualifier="live")["Policy"])
    [statement] = policy["Statement"]
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(f":{deployed.api_id}/*")
