"""SnapStart and EphemeralStorage in the local cloud: the setting sent is the setting answered, on
$LATEST and on the versions published after it (moto alone answered SnapStart ApplyOn None everywhere
and ignored EphemeralStorage in UpdateFunctionConfiguration, so every `up --local` of a
`snapstart = true` app, or after an ephemeral_storage change, published a version and `status` showed drift)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from cloud.conftest import tiny_app

pytestmark = pytest.mark.slow

ON = {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
ON_LATEST = {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}  # $LATEST is never snapshotted
OFF = {"ApplyOn": "None", "OptimizationStatus": "Off"}


def _role(cloud) -> str:
    iam = cloud.boto3("iam")
    try:
        return iam.get_role(RoleName="kept-role")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        pass
    return iam.create_role(RoleName="kept-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def test_snapstart_is_kept_per_version(cloud) -> None:
    lam, role = cloud.boto3("lambda"), _role(cloud)
    made = lam.create_function(FunctionName="snap", Runtime="python3.12", Role=role, Handler="main.handler",
                               Code={"ZipFile": _zip()}, SnapStart={"ApplyOn": "PublishedVersions"})
    assert made["SnapStart"] == ON_LATEST
    assert lam.get_function_configuration(FunctionName="snap")["SnapStart"] == ON_LATEST
    assert lam.publish_version(FunctionName="snap")["SnapStart"] == ON
    assert lam.get_function(FunctionName="snap", Qualifier="1")["Configuration"]["SnapStart"] == ON
    assert lam.get_function_configuration(FunctionName="snap", Qualifier="1")["SnapStart"] == ON
    lam.create_alias(FunctionName="snap", Name="live", FunctionVersion="1")
    assert lam.get_function_configuration(FunctionName="snap", Qualifier="live")["SnapStart"] == ON
    # nothing changed: PublishVersion answers version 1 again, as it was
    assert lam.publish_version(FunctionName="snap")["Version"] == "1"

    # turned off: $LATEST and the next version are off; version 1 keeps its snapshot
    assert lam.update_function_configuration(FunctionName="snap", SnapStart={"ApplyOn": "None"})["SnapStart"] == OFF
    assert lam.publish_version(FunctionName="snap")["SnapStart"] == OFF
    # an update that does not name SnapStart leaves it as it was
    lam.update_function_configuration(FunctionName="snap", Timeout=9)
    assert lam.get_function(FunctionName="snap")["Configuration"]["SnapStart"] == OFF
    listed = {v["Version"]: v["SnapStart"] for v in lam.list_versions_by_function(FunctionName="snap")["Versions"]}
    assert listed == {"$LATEST": OFF, "1": ON, "2": OFF}

    # a function made again under the same name starts from what its CreateFunction says
    lam.delete_function(FunctionName="snap")
    lam.create_function(FunctionName="snap", Runtime="python3.12", Role=role, Handler="main.handler",
                        Code={"ZipFile": _zip()}, Publish=True)
    assert lam.get_function_configuration(FunctionName="snap", Qualifier="1")["SnapStart"] == OFF


def test_ephemeral_storage_updates_are_kept_per_version(cloud) -> None:
    lam, role = cloud.boto3("lambda"), _role(cloud)
    lam.create_function(FunctionName="tmp", Runtime="python3.12", Role=role, Handler="main.handler",
                        Code={"ZipFile": _zip()}, EphemeralStorage={"Size": 1024}, Publish=True)
    assert lam.update_function_configuration(FunctionName="tmp", EphemeralStorage={"Size": 2048})[
        "EphemeralStorage"] == {"Size": 2048}
    assert lam.get_function_configuration(FunctionName="tmp")["EphemeralStorage"] == {"Size": 2048}
    assert lam.publish_version(FunctionName="tmp")["EphemeralStorage"] == {"Size": 2048}
    lam.update_function_configuration(FunctionName="tmp", Timeout=9)  # not named: unchanged
    sizes = {v["Version"]: v["EphemeralStorage"]["Size"]
             for v in lam.list_versions_by_function(FunctionName="tmp")["Versions"]}
    assert sizes == {"$LATEST": 2048, "1": 1024, "2": 2048}


def test_an_ephemeral_storage_change_converges_in_the_local_cloud(cloud, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "tmpconv")
    assert cloud.run("up", "--local", "-C", str(app)).returncode == 0
    (app / "shoehorn.toml").write_text('name = "tmpconv"\nephemeral_storage = 2048\n')
    changed = cloud.run("up", "--local", "-C", str(app))
    assert changed.returncode == 0 and "version 2" in changed.stderr, changed.stderr
    plan = cloud.run("plan", "--local", "-C", str(app))
    assert plan.returncode == 0 and "no changes" in (plan.stdout + plan.stderr).lower(), plan.stdout + plan.stderr
    live = cloud.boto3("lambda").get_function_configuration(FunctionName="tmpconv-dev", Qualifier="live")
    assert live["Version"] == "2" and live["EphemeralStorage"] == {"Size": 2048}


def test_a_snapstart_app_converges_in_the_local_cloud_and_status_shows_its_settings(cloud, tmp_path) -> None:
    app = tiny_app(tmp_path / "app", "snapconv")
    (app / "shoehorn.toml").write_text('name = "snapconv"\nruntime = "python3.12"\nsnapstart = true\n'
                                       'endpoint_type = "EDGE"\nprime = ["/healthz"]\n'
                                       '[environment]\nGREETING = "psst-a-secret"\n')
    first = cloud.run("up", "--local", "-C", str(app))
    assert first.returncode == 0, first.stderr
    status = cloud.run("status", "--local", "-C", str(app), "--json")
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    assert data["drift"] == [], status.stdout
    assert (data["snapstart"], data["ephemeral_storage"], data["endpoint_type"]) == (True, 512, "EDGE")
    assert data["environment_names"] == ["GREETING"] and data["prime"] == ["/healthz"]
    assert "psst-a-secret" not in status.stdout

    shown = cloud.run("status", "--local", "-C", str(app))
    assert shown.returncode == 0, shown.stderr
    lines = {line.split("  ")[0]: " ".join(line.split()) for line in shown.stdout.splitlines()}
    assert lines["snapstart"].startswith("snapstart on (billed per published version kept")
    assert "ephemeral storage" not in lines  # 512 MB, the default (SnapStart allows no more)
    assert lines["environment"] == "environment GREETING (names only)"
    assert lines["endpoint type"] == "endpoint type EDGE"
    assert lines["prime"].startswith("prime GET /healthz (shoehorn.toml's")
    assert "psst-a-secret" not in shown.stdout

    plan = cloud.run("plan", "--local", "-C", str(app))
    assert plan.returncode == 0 and "no changes" in (plan.stdout + plan.stderr).lower(), plan.stdout + plan.stderr
    again = cloud.run("up", "--local", "-C", str(app))
    assert again.returncode == 0 and "up to date" in again.stderr and "version 1" in again.stderr, again.stderr
    live = cloud.boto3("lambda").get_function_configuration(FunctionName="snapconv-dev", Qualifier="live")
    assert live["Version"] == "1" and live["SnapStart"] == ON
