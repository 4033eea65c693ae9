"""Each upload through S3 deletes the stage's earlier bundles: Lambda keeps its own copy of the code
of $LATEST and of every published version, so rollback never reads them (limit lowered for the test)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deploy.kit import make_bundle
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy import order
from shoehorn.deploy.resources import bucket
from shoehorn.deploy.resources.bucket import bucket_name, bundle_key
from shoehorn.progress import Warn


def keys(aws, name: str, prefix: str = "") -> list[str]:
    return sorted(o["Key"] for o in aws.call("s3", "list_objects_v2", Bucket=name, Prefix=prefix).get("Contents", []))


@pytest.fixture
def old_at_once(monkeypatch):
    """Every earlier bundle counts as old enough to delete (the default keeps the last hour's)."""
    monkeypatch.setattr(bucket, "KEEP_RECENT", timedelta(seconds=-60))


def test_an_upload_deletes_the_stages_earlier_bundles_and_rollback_still_works(new_aws, app_config, tmp_path,
                                                                               old_at_once) -> None:
    from shoehorn.ops.deployment import locate
    from shoehorn.ops.versions import rollback

    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2, v3 = (make_bundle(tmp_path, marker) for marker in ("v1", "v2", "v3"))
    deploy.up(app_config, v1, new_aws(), upload_limit=10)
    update = deploy.up(app_config, v2, new_aws(), upload_limit=10)
    [pruned] = [s for s in update.actions if isinstance(s, a.DeleteOldBundles)]
    assert pruned.keys == (bundle_key("dev", v1.sha256),) and pruned.bucket == name
    assert keys(new_aws(), name) == [bundle_key("dev", v2.sha256)]
    deploy.up(app_config, v3, new_aws(), upload_limit=10)
    assert keys(new_aws(), name) == [bundle_key("dev", v3.sha256)]
    # every version still holds its own code: rollback to the first works with its object long gone
    aws = new_aws()
    done = rollback(locate(aws, app_config), 1)
    assert done.to_version == 1
    live = aws.call("lambda", "get_function_configuration", FunctionName=app_config.function_name, Qualifier="live")
    assert live["Version"] == "1" and live["CodeSha256"] == v1.code_sha256
    # the same bundle again is uploaded again (its object was deleted), then used
    again = deploy.up(app_config, v1, new_aws(), upload_limit=10)
    assert a.UploadBundle in {type(s) for s in again.actions}
    assert keys(new_aws(), name) == [bundle_key("dev", v1.sha256)]
    deploy.down(app_config, new_aws())


def test_only_keys_shoehorn_names_in_this_stage_are_deleted(new_aws, app_config, tmp_path, old_at_once) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2 = make_bundle(tmp_path, "v1"), make_bundle(tmp_path, "v2")
    deploy.up(app_config, v1, new_aws(), upload_limit=10)
    aws = new_aws()
    others = [bundle_key("prod", v1.sha256),  # another stage's bundle: its function may be mid-deploy
              "dev/notes.txt", f"dev/{v1.sha256}.zip.bak", f"dev/{v1.sha256[:12]}.zip", "dev/sub/" + v1.sha256 + ".zip",
              f"{v1.sha256}.zip"]
    for key in others:
        aws.call("s3", "put_object", Bucket=name, Key=key, Body=b"someone's")
    deploy.up(app_config, v2, new_aws(), upload_limit=10)
    assert keys(new_aws(), name) == sorted([*others, bundle_key("dev", v2.sha256)])
    for key in others:
        aws.call("s3", "delete_object", Bucket=name, Key=key)
    deploy.down(app_config, new_aws())


def test_bundles_of_the_last_hour_are_kept(new_aws, app_config, tmp_path) -> None:
    # another deploy of the stage (a teammate, CI) may have uploaded one and not yet handed it to Lambda
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2 = make_bundle(tmp_path, "v1"), make_bundle(tmp_path, "v2")
    deploy.up(app_config, v1, new_aws(), upload_limit=10)
    update = deploy.up(app_config, v2, new_aws(), upload_limit=10)
    assert a.DeleteOldBundles not in {type(s) for s in update.actions}
    assert keys(new_aws(), name) == sorted([bundle_key("dev", v1.sha256), bundle_key("dev", v2.sha256)])
    # an hour later, the next upload deletes both earlier ones
    later = bucket.observe(new_aws(), name, bundle_key("dev", "0" * 64),
                           now=datetime.now(timezone.utc) + timedelta(hours=1, minutes=1))
    assert later.older == tuple(sorted([bundle_key("dev", v1.sha256), bundle_key("dev", v2.sha256)]))
    deploy.down(app_config, new_aws())


def test_the_deletion_goes_before_the_code_update_so_an_interrupted_run_finishes_it(
        new_aws, app_config, tmp_path, proxy, old_at_once) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2 = make_bundle(tmp_path, "v1"), make_bundle(tmp_path, "v2")
    deploy.up(app_config, v1, new_aws(), upload_limit=10)
    steps = deploy.plan(app_config, v2, new_aws(), upload_limit=10)
    prune = next(i for i, s in enumerate(steps) if isinstance(s, a.DeleteOldBundles))
    update = next(i for i, s in enumerate(steps) if isinstance(s, a.UpdateFunctionCode))
    assert prune in order.needs(steps)[update]
    proxy.stall("DeleteObjects", seconds=0.5)  # the connection drops mid-delete, as when the machine goes away
    with pytest.raises(Exception, match="connection"):
        deploy.up(app_config, v2, new_aws(), upload_limit=10)
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == v1.code_sha256  # not updated, so the next run reads the bucket again
    resumed = deploy.up(app_config, v2, new_aws(), upload_limit=10)
    assert {type(s) for s in resumed.actions} >= {a.DeleteOldBundles, a.UpdateFunctionCode}
    assert a.UploadBundle not in {type(s) for s in resumed.actions}  # uploaded before the interruption
    assert keys(new_aws(), name) == [bundle_key("dev", v2.sha256)]
    deploy.down(app_config, new_aws())


def test_a_refused_deletion_is_said_and_does_not_fail_the_deploy(new_aws, app_config, tmp_path, proxy, recorder,
                                                                 old_at_once) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2 = make_bundle(tmp_path, "v1"), make_bundle(tmp_path, "v2")
    deploy.up(app_config, v1, new_aws(), upload_limit=10)
    proxy.fail("DeleteObjects", "access-denied-s3")
    deploy.up(app_config, v2, new_aws(), recorder, upload_limit=10)
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == v2.code_sha256
    [warning] = [e.message for e in recorder.events if isinstance(e, Warn) and "earlier bundles" in e.message]
    assert f"s3://{name}" in warning and "AccessDenied" in warning and "s3:DeleteObject" in warning
    assert keys(new_aws(), name) == sorted([bundle_key("dev", v1.sha256), bundle_key("dev", v2.sha256)])
    deploy.down(app_config, new_aws())


def test_a_no_op_deploy_reads_no_bucket(new_aws, app_config, app_bundle, old_at_once) -> None:
    deploy.up(app_config, app_bundle, new_aws(), upload_limit=10)
    again = new_aws()
    assert deploy.up(app_config, app_bundle, again, upload_limit=10).actions == ()
    assert not [call for call in again.log if call[0] == "s3"] and again.writes == 0
    deploy.down(app_config, new_aws())
