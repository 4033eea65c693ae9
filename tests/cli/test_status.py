"""``shoehorn status`` against one real ``shoehorn up`` on the moto server (and every ops command's
not-deployed / no-such-stage errors)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shoehorn.deploy.aws import Aws

try:
    from . import opskit  # tests/cli as a package
except ImportError:
    import opskit


@pytest.fixture(scope="module")
def app_dir(moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        opskit.point_at(mp, moto_server, tmp_path_factory.mktemp("aws-home"))
        opskit.reset(moto_server)
        directory = opskit.make_app(tmp_path_factory.mktemp("status") / "app", "statusapp")
        yield directory


def test_before_any_up_every_command_says_nothing_is_deployed(app_dir: Path) -> None:
    for command in (["status"], ["url"], ["logs"], ["invoke", "GET", "/"], ["rollback"], ["stop"], ["start"],
                    ["env", "list"]):
        code, _, err = opskit.run(*command, "-C", str(app_dir))
        assert code == 6, (command, err)
        assert "nothing deployed for app statusapp stage dev" in err, command
        assert "shoehorn up" in err, command


def test_status_after_up_shows_the_deployment_without_drift(app_dir: Path) -> None:
    url = opskit.up(app_dir)
    code, out, err = opskit.run("status", "-C", str(app_dir))
    assert code == 0, err
    flat = " ".join(out.split())
    assert url in out.replace("\n", "").replace(" ", "") or url in flat
    for expected in ("statusapp-dev", "running", "uncapped", "python3.11 on x86_64", "512 MB / 30 s",
                     "30 days", "warm-up off", "no drift"):
        assert expected in flat, expected

    text = out
    code, out, _ = opskit.run("status", "-C", str(app_dir), "--json")
    data = json.loads(out)
    assert data["url"] == url
    assert (data["function_name"], data["live_version"], data["state"]) == ("statusapp-dev", "1", "running")
    assert data["reserved_concurrency"] is None and data["warm"] is None and data["drift"] == []
    assert data["code_size"] > 0 and data["code_sha256"] and data["deployed_at"]
    # the settings at their defaults: in --json, and no line of their own in the text
    assert (data["snapstart"], data["ephemeral_storage"], data["endpoint_type"]) == (False, 512, "REGIONAL")
    assert data["environment_names"] == [] and data["prime"] == []
    for hidden in ("snapstart", "ephemeral storage", "environment", "endpoint type", "prime"):
        assert not any(line.startswith(hidden) for line in text.splitlines()), hidden
    # one form of the digest everywhere: the hex `shoehorn build` prints (issue 11 item 6)
    import base64

    assert data["sha256"] == base64.b64decode(data["code_sha256"]).hex()
    assert data["sha256"] in flat and data["code_sha256"] not in flat
    (built,) = (app_dir / ".shoehorn" / "build").glob("*.zip")
    assert built.name.removesuffix(".zip").endswith(data["sha256"][:12])


def test_status_shows_the_last_init_duration_from_the_report_lines(app_dir: Path) -> None:
    code, out, _ = opskit.run("status", "-C", str(app_dir))
    assert "last cold start" in out and "none in the logs of the last 24 h" in " ".join(out.split())
    live = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])["live_version"]
    aws, stream = Aws(), f"2026/11/30/[{live}]0123456789abcdef"
    aws.call("logs", "create_log_stream", logGroupName="/aws/lambda/statusapp-dev", logStreamName=stream)
    report = "REPORT RequestId: 1\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 512 MB\tMax Memory Used: 40 MB"
    aws.call("logs", "put_log_events", logGroupName="/aws/lambda/statusapp-dev", logStreamName=stream,
             logEvents=[{"timestamp": int(time.time() * 1000), "message": report + "\tInit Duration: 187.31 ms"}])
    code, out, _ = opskit.run("status", "-C", str(app_dir))
    assert code == 0 and "Init Duration 187 ms at" in " ".join(out.split())
    data = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert data["last_cold_start"]["init_ms"] == 187.31 and data["last_cold_start"]["version"] == live


def test_drift_made_out_of_band_is_shown_with_its_fix_then_up_repairs_it(app_dir: Path) -> None:
    aws = Aws()
    aws.call("logs", "put_retention_policy", logGroupName="/aws/lambda/statusapp-dev", retentionInDays=7)
    aws.call("lambda", "update_function_configuration", FunctionName="statusapp-dev", MemorySize=1024)
    code, out, _ = opskit.run("status", "-C", str(app_dir), "--json")
    data = json.loads(out)
    whats = " | ".join(item["what"] for item in data["drift"])
    assert "retention" in whats and "memory" in whats
    assert {item["fix"] for item in data["drift"]} == {f"shoehorn up -C {app_dir}"}  # the -C it was given
    assert data["log_retention_days"] == 7

    opskit.up(app_dir)
    code, out, _ = opskit.run("status", "-C", str(app_dir), "--json")
    assert json.loads(out)["drift"] == []

    aws.call("lambda", "delete_alias", FunctionName="statusapp-dev", Name="live")  # out of band
    code, out, _ = opskit.run("status", "-C", str(app_dir))
    assert code == 0 and "no live alias" in out
    data = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert data["live_version"] is None and data["deployed_at"] is None
    assert any("alias live" in item["what"] for item in data["drift"])
    opskit.up(app_dir)
    assert json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])["live_version"] == "2"


def test_a_function_tagged_for_another_app_is_refused_as_up_would_not_offered_as_drift(app_dir: Path) -> None:
    # status said "drift: tag Lambda function ... fix: shoehorn up", and `up` then refused (exit 8)
    aws = Aws()
    arn = aws.call("lambda", "get_function", FunctionName="statusapp-dev")["Configuration"]["FunctionArn"]
    aws.call("lambda", "tag_resource", Resource=arn, Tags={"shoehorn:app": "other", "shoehorn:stage": "prod"})
    try:
        code, out, err = opskit.run("status", "-C", str(app_dir))
        assert code == 8 and "belongs to app 'other' stage 'prod'" in err and "drift" not in out
    finally:
        aws.call("lambda", "tag_resource", Resource=arn, Tags={"shoehorn:app": "statusapp", "shoehorn:stage": "dev"})
    assert opskit.run("status", "-C", str(app_dir))[0] == 0


def test_stopped_state_shows_and_is_not_drift(app_dir: Path) -> None:
    assert opskit.run("stop", "-C", str(app_dir))[0] == 0
    code, out, _ = opskit.run("status", "-C", str(app_dir))
    assert "stopped" in out and "0 (stopped)" in out
    data = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    assert (data["state"], data["reserved_concurrency"], data["drift"]) == ("stopped", 0, [])
    assert opskit.run("start", "-C", str(app_dir))[0] == 0


def test_a_stage_that_does_not_exist_lists_the_ones_that_do(app_dir: Path) -> None:
    for command in (["status"], ["url"], ["logs"], ["invoke", "GET", "/"], ["rollback"], ["stop"], ["start"],
                    ["env", "list"]):
        code, _, err = opskit.run(*command, "-C", str(app_dir), "--stage", "prod")
        assert code == 6
        assert "stage prod of app statusapp is not deployed" in err
        assert "deployed stages: dev" in err
        assert "--stage dev" in err


def test_an_ephemeral_storage_other_than_the_deployed_one_is_shown(app_dir: Path) -> None:
    config = app_dir / "shoehorn.toml"
    before = config.read_text()
    config.write_text(before + "ephemeral_storage = 2048\n")  # deployed: 512, Lambda's default
    try:
        data = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    finally:
        config.write_text(before)
    assert any("ephemeral_storage" in item["what"] for item in data["drift"]), data["drift"]
    assert json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])["drift"] == []



def test_a_deployed_ephemeral_storage_other_than_512_mb_has_a_line(tmp_path: Path) -> None:
    # a function of its own, made with it: moto's UpdateFunctionConfiguration drops EphemeralStorage
    app = opskit.make_app(tmp_path / "app", "tmpstatus", "ephemeral_storage = 1024\n")
    opskit.up(app)
    code, out, err = opskit.run("status", "-C", str(app))
    assert code == 0, err
    assert "ephemeral storage 1024 MB of /tmp" in [" ".join(line.split()) for line in out.splitlines()], out
    data = json.loads(opskit.run("status", "-C", str(app), "--json")[1])
    assert data["ephemeral_storage"] == 1024 and data["drift"] == []


def test_every_json_key_is_documented_in_the_readme(app_dir: Path) -> None:
    data = json.loads(opskit.run("status", "-C", str(app_dir), "--json")[1])
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    documented = readme[readme.index("`status --json`"):]
    assert [key for key in data if f"`{key}`" not in documented] == []
