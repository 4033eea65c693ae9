"""The warm-up schedule resource: pure diff by action type, then the real thing on moto through
``shoehorn.deploy.up`` / ``down`` (rule, target and permission exist, are repaired, and go away)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from shoehorn.bundle.artifact import Bundle
from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy import apply, down, plan, up
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.resources import schedule
from shoehorn.deploy.resources.permission import Statement

REGION, ACCOUNT = "us-east-1", "123456789012"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/shop-dev-warm"
ALIAS_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:shop-dev:live"
GOOD_STATEMENT = Statement(schedule.STATEMENT_ID, "events.amazonaws.com", RULE_ARN)
GOOD_RULE = schedule.ScheduleObserved("rate(5 minutes)", True, (("shoehorn-live", ALIAS_ARN, '{"shoehorn": "warm"}'),),
                                      (("shoehorn:app", "shop"), ("shoehorn:stage", "dev")), True)


def config(**overrides) -> Config:
    return Config(directory=Path("/nonexistent"), name="shop", stage="dev", app="app:app", **overrides)


def kinds(steps) -> list[str]:
    return sorted(type(step).__name__ for step in steps)


def want(warm: str | None = "5m") -> schedule.ScheduleDesired:
    return schedule.desired(config(warm=warm), REGION, ACCOUNT)


def test_desired_names_rule_target_and_rate() -> None:
    desired = want()
    assert (desired.rule, desired.expression, desired.rule_arn, desired.target_arn) == (
        "shop-dev-warm", "rate(5 minutes)", RULE_ARN, ALIAS_ARN)
    assert want(None).expression is None


def test_diff_creates_all_three_parts_then_nothing_when_in_place() -> None:
    assert kinds(schedule.diff(want(), None, (), alias_replaced=False)) == [
        "AddWarmPermission", "PutWarmRule", "PutWarmTarget"]
    assert schedule.diff(want(), GOOD_RULE, (GOOD_STATEMENT,), alias_replaced=False) == ()


def test_diff_repairs_each_part_on_its_own() -> None:
    slower = replace(GOOD_RULE, expression="rate(1 hour)")
    (step,) = schedule.diff(want(), slower, (GOOD_STATEMENT,), alias_replaced=False)
    assert isinstance(step, a.PutWarmRule) and step.expression == "rate(5 minutes)"
    assert kinds(schedule.diff(want(), replace(GOOD_RULE, enabled=False), (GOOD_STATEMENT,), alias_replaced=False)) == ["PutWarmRule"]
    wrong_target = replace(GOOD_RULE, targets=(("x", ALIAS_ARN.replace(":live", ":1"), '{"shoehorn": "warm"}'),))
    assert kinds(schedule.diff(want(), wrong_target, (GOOD_STATEMENT,), alias_replaced=False)) == ["PutWarmTarget"]
    wrong_input = replace(GOOD_RULE, targets=(("shoehorn-live", ALIAS_ARN, '{"other": 1}'),))
    assert kinds(schedule.diff(want(), wrong_input, (GOOD_STATEMENT,), alias_replaced=False)) == ["PutWarmTarget"]
    too_wide = replace(GOOD_STATEMENT, source_arn="")
    assert kinds(schedule.diff(want(), GOOD_RULE, (too_wide,), alias_replaced=False)) == [
        "AddWarmPermission", "RemoveWarmPermission"]
    # A new alias has an empty policy: the statement observed on the old one does not count.
    assert kinds(schedule.diff(want(), GOOD_RULE, (GOOD_STATEMENT,), alias_replaced=True)) == ["AddWarmPermission"]


def test_diff_removes_rule_and_permission_when_the_key_is_gone() -> None:
    assert kinds(schedule.diff(want(None), GOOD_RULE, (GOOD_STATEMENT,), alias_replaced=False)) == [
        "DeleteWarmRule", "RemoveWarmPermission"]
    assert schedule.diff(want(None), None, (), alias_replaced=False) == ()


def test_every_action_type_has_an_executor() -> None:
    for cls in a.Action.__subclasses__():
        assert cls in apply.EXECUTORS, cls.__name__


# --- on moto, through the deploy entry points ----------------------------------------------------

def make_bundle(directory: Path) -> Bundle:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("shoehorn_handler.py", (1980, 1, 1, 0, 0, 0)),
                         "def handler(event, context):\n    return {'statusCode': 200}\n")
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    path = directory / "bundle.zip"
    path.write_bytes(data)
    return Bundle(path=path, sha256=digest, zipped_bytes=len(data), unzipped_bytes=len(data), runtime="python3.11",
                  architecture="x86_64")


def warm_statements(aws: Aws) -> list[dict]:
    try:
        policy = aws.call("lambda", "get_policy", expect=("ResourceNotFoundException",), FunctionName="shop-dev",
                          Qualifier="live")
    except AwsError:
        return []
    return [s for s in json.loads(policy["Policy"])["Statement"] if s["Sid"] == schedule.STATEMENT_ID]


def rule_exists(aws: Aws) -> bool:
    try:
        aws.call("events", "describe_rule", expect=("ResourceNotFoundException",), Name="shop-dev-warm")
        return True
    except AwsError:
        return False


def test_up_creates_the_schedule_keeps_it_removes_it_and_down_deletes_it(aws_env: str, tmp_path: Path) -> None:
    aws = Aws()
    bundle = make_bundle(tmp_path)
    warm = config(warm="5m")

    up(warm, bundle, aws)
    rule = aws.call("events", "describe_rule", Name="shop-dev-warm")
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(5 minutes)", "ENABLED")
    (target,) = aws.call("events", "list_targets_by_rule", Rule="shop-dev-warm")["Targets"]
    account = rule["Arn"].split(":")[4]
    assert target["Arn"] == f"arn:aws:lambda:us-east-1:{account}:function:shop-dev:live"
    assert json.loads(target["Input"]) == {"shoehorn": "warm"}
    (statement,) = warm_statements(aws)
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]
    tags = aws.call("events", "list_tags_for_resource", ResourceARN=rule["Arn"])["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"shoehorn:app": "shop", "shoehorn:stage": "dev"}

    assert plan(warm, bundle, aws) == ()  # in place: nothing to do

    aws.call("events", "remove_targets", Rule="shop-dev-warm", Ids=[target["Id"]])  # out of band
    assert kinds(plan(warm, bundle, aws)) == ["PutWarmTarget"]
    up(warm, bundle, aws)
    assert len(aws.call("events", "list_targets_by_rule", Rule="shop-dev-warm")["Targets"]) == 1

    up(config(warm=None), bundle, aws)  # the key is gone
    assert not rule_exists(aws) and warm_statements(aws) == []

    up(warm, bundle, aws)
    assert rule_exists(aws)
    done = down(warm, aws)
    assert any(isinstance(step, a.DeleteWarmRule) for step in done.actions)
    assert not rule_exists(aws)


@pytest.mark.parametrize("bad", ["5s", "fast"])
def test_bad_warm_value_is_a_config_error(bad: str) -> None:
    from shoehorn.errors import ConfigError

    with pytest.raises(ConfigError):
        schedule.desired(config(warm=bad), REGION, ACCOUNT)
