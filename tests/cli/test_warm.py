"""Warm-up through the CLI: ``warm = "5m"`` / ``up --warm`` create the EventBridge rule and its target,
removing the key removes them on the next ``up``, and ``down`` deletes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws, AwsError

try:
    from . import opskit
except ImportError:
    import opskit

RULE = "warmapp-dev-warm"


def rule(aws: Aws) -> dict | None:
    try:
        return aws.call("events", "describe_rule", expect=("ResourceNotFoundException",), Name=RULE)
    except AwsError:
        return None


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        yield opskit.make_app(tmp_path_factory.mktemp("warm") / "app", "warmapp", 'warm = "5m"\n')


def test_config_key_creates_rule_and_target_on_the_live_alias(app_dir: Path) -> None:
    opskit.up(app_dir)
    aws = Aws()
    found = rule(aws)
    assert found and found["ScheduleExpression"] == "rate(5 minutes)" and found["State"] == "ENABLED"
    (target,) = aws.call("events", "list_targets_by_rule", Rule=RULE)["Targets"]
    assert target["Arn"].endswith(":function:warmapp-dev:live")
    assert json.loads(target["Input"]) == {"shoehorn": "warm"}
    status = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert status["warm"] == "rate(5 minutes)" and status["drift"] == []


def test_removing_the_key_removes_the_schedule(app_dir: Path) -> None:
    toml = app_dir / "shoehorn.toml"
    toml.write_text(toml.read_text().replace('warm = "5m"\n', ""))
    opskit.up(app_dir)
    assert rule(Aws()) is None
    assert json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])["warm"] is None


def test_up_warm_flag_then_down_deletes_it(app_dir: Path) -> None:
    code, out, _ = opskit.run("plan", "-C", str(app_dir), "--warm", "1h")  # plan shows what up --warm does
    assert code == 0 and "rate(1 hour)" in out
    opskit.up(app_dir, "--warm", "1h")
    # recorded as intended (issue 11 item 6): status right after a successful `up --warm` shows no drift
    status = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert status["warm"] == "rate(1 hour)" and status["drift"] == []
    assert "set by `up --warm 1h`" in status["warm_note"]
    assert "set by `up --warm 1h`" in " ".join(opskit.run("status", "-C", str(app_dir))[1].split())
    assert "no changes" in opskit.run("plan", "-C", str(app_dir), "--warm", "1h")[1]
    found = rule(Aws())
    assert found and found["ScheduleExpression"] == "rate(1 hour)"
    code, _, err = opskit.run("down", "--yes", "-C", str(app_dir))
    assert code == 0, err
    assert rule(Aws()) is None


def test_bad_warm_value_is_refused_before_deploying(app_dir: Path) -> None:
    code, _, err = opskit.run("up", "-C", str(app_dir), "--no-check", "--warm", "30s")
    assert code == 2 and "warm" in err
