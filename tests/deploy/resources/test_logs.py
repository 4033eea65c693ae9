"""Log group drift on moto: deleted, retention changed by hand."""

from __future__ import annotations

from deploy.kit import redeploy_until_quiet
from shoehorn.deploy import actions as a


def test_log_group_deleted_out_of_band_is_recreated(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("logs", "delete_log_group", logGroupName=app_config.log_group)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [type(s) for s in result.actions] == [a.CreateLogGroup, a.PutRetention]


def test_retention_changed_by_hand_is_reset(deployed, new_aws, app_config, app_bundle) -> None:
    new_aws().call("logs", "delete_retention_policy", logGroupName=app_config.log_group)
    result = redeploy_until_quiet(new_aws, app_config, app_bundle)
    assert [(type(s), s.days) for s in result.actions] == [(a.PutRetention, 30)]
