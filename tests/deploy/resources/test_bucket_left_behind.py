"""A stage whose bundle drops under 50 MB goes to Lambda directly, so no later upload of it deletes its
bundles from the bucket: that code update does (bucket.left_behind; the limit lowered for the big one)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from deploy.kit import make_bundle
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy import order
from shoehorn.deploy.resources import bucket
from shoehorn.deploy.resources.bucket import bucket_name, bundle_key
from shoehorn.progress import Warn

BIG = 10  # upload_limit for a deploy whose bundle counts as over 50 MB


def keys(aws, name: str) -> list[str]:
    return sorted(o["Key"] for o in aws.call("s3", "list_objects_v2", Bucket=name).get("Contents", []))


def buckets(aws) -> list[str]:
    return [b["Name"] for b in aws.call("s3", "list_buckets").get("Buckets", [])]


@pytest.fixture
def old_at_once(monkeypatch):
    """Every earlier bundle counts as old enough to delete (the default keeps the last hour's)."""
    monkeypatch.setattr(bucket, "KEEP_RECENT", timedelta(seconds=-60))


def test_the_stage_that_shrank_deletes_its_bundles_and_the_emptied_bucket(new_aws, app_config, tmp_path,
                                                                           old_at_once) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2, small = (make_bundle(tmp_path, marker) for marker in ("v1", "v2", "small"))
    deploy.up(app_config, v1, new_aws(), upload_limit=BIG)
    deploy.up(app_config, v2, new_aws(), upload_limit=BIG)
    assert keys(new_aws(), name) == [bundle_key("dev", v2.sha256)]
    steps = deploy.plan(app_config, small, new_aws())
    [pruned] = [s for s in steps if isinstance(s, a.DeleteOldBundles)]
    [emptied] = [s for s in steps if isinstance(s, a.DeleteEmptyBucket)]
    assert pruned.keys == (bundle_key("dev", v2.sha256),) and pruned.bucket == emptied.bucket == name
    assert "50 MB" in pruned.reason and "no stage" in emptied.reason
    assert not {a.CreateBucket, a.UploadBundle} & {type(s) for s in steps}
    # both before the code update, so a run interrupted before it reads the bucket again (the test below)
    update = next(i for i, s in enumerate(steps) if isinstance(s, a.UpdateFunctionCode))
    assert {steps.index(pruned), steps.index(emptied)} <= order.needs(steps)[update]
    done = deploy.up(app_config, small, new_aws())
    assert done.actions == steps
    assert done.writes <= 6  # the code, its tag, a version, the alias, the bundles, the bucket
    assert name not in buckets(new_aws())
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == small.code_sha256
    again = new_aws()  # a no-op after it neither writes nor reads S3
    assert deploy.up(app_config, small, again).actions == ()
    assert again.writes == 0 and not [call for call in again.log if call[0] == "s3"]
    # it grows again: the bucket is made again, with its tags
    deploy.up(app_config, v1, new_aws(), upload_limit=BIG)
    assert keys(new_aws(), name) == [bundle_key("dev", v1.sha256)]
    deploy.down(app_config, new_aws())


def test_another_stages_bundles_and_this_stages_recent_ones_keep_the_bucket(new_aws, app_config, tmp_path,
                                                                            monkeypatch) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    prod = dataclasses.replace(app_config, stage="prod")
    v1, v2, small = (make_bundle(tmp_path, marker) for marker in ("v1", "v2", "small"))
    deploy.up(app_config, v1, new_aws(), upload_limit=BIG)
    deploy.up(prod, v2, new_aws(), upload_limit=BIG)
    # under an hour old: it may be another deploy's of this stage, not yet handed to Lambda (bucket.KEEP_RECENT)
    recent = deploy.up(app_config, small, new_aws())
    assert not {a.DeleteOldBundles, a.DeleteEmptyBucket} & {type(s) for s in recent.actions}
    monkeypatch.setattr(bucket, "KEEP_RECENT", timedelta(seconds=-60))
    later = make_bundle(tmp_path, "later")
    update = deploy.up(app_config, later, new_aws())
    [pruned] = [s for s in update.actions if isinstance(s, a.DeleteOldBundles)]
    assert pruned.keys == (bundle_key("dev", v1.sha256),)
    assert a.DeleteEmptyBucket not in {type(s) for s in update.actions}  # prod's bundle is still in it
    assert keys(new_aws(), name) == [bundle_key("prod", v2.sha256)]
    deploy.down(app_config, new_aws())
    deploy.down(prod, new_aws())
    assert name not in buckets(new_aws())


@pytest.mark.parametrize("tags", [[], [{"Key": "shoehorn:app", "Value": "someone-else"}]], ids=["untagged", "other"])
def test_a_bucket_not_tagged_as_this_apps_is_neither_touched_nor_refused(new_aws, app_config, tmp_path, tags,
                                                                          old_at_once) -> None:
    """A small bundle does not use the bucket: a bucket of its name that is not provably ours is left as
    it is (not listed), and does not stop the deploy as it stops the upload of a big one (ownership.py)."""
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, v2 = make_bundle(tmp_path, "v1"), make_bundle(tmp_path, "v2")
    deploy.up(app_config, v1, new_aws())
    aws = new_aws()
    aws.call("s3", "create_bucket", Bucket=name)
    if tags:
        aws.call("s3", "put_bucket_tagging", Bucket=name, Tagging={"TagSet": tags})
    aws.call("s3", "put_object", Bucket=name, Key=bundle_key("dev", v1.sha256), Body=b"someone's")
    try:
        update = new_aws()
        done = deploy.up(app_config, v2, update)
        assert not {a.DeleteOldBundles, a.DeleteEmptyBucket} & {type(s) for s in done.actions}
        assert [call for call in update.log if call[0] == "s3"] == [("s3", "get_bucket_tagging")]
        assert keys(new_aws(), name) == [bundle_key("dev", v1.sha256)]
    finally:
        aws.call("s3", "delete_object", Bucket=name, Key=bundle_key("dev", v1.sha256))
        aws.call("s3", "delete_bucket", Bucket=name)
    deploy.down(app_config, new_aws())


def test_an_app_that_never_had_a_bucket_pays_one_read(new_aws, app_config, tmp_path) -> None:
    deploy.up(app_config, make_bundle(tmp_path, "v1"), new_aws())
    update = new_aws()
    done = deploy.up(app_config, make_bundle(tmp_path, "v2"), update)
    assert [call for call in update.log if call[0] == "s3"] == [("s3", "get_bucket_tagging")]  # NoSuchBucket
    assert done.writes <= 4
    deploy.down(app_config, new_aws())


def test_an_interrupted_run_is_finished_by_the_next_and_a_refusal_only_warns(new_aws, app_config, tmp_path, proxy,
                                                                             recorder, old_at_once) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, small, smaller = (make_bundle(tmp_path, marker) for marker in ("v1", "small", "smaller"))
    deploy.up(app_config, v1, new_aws(), upload_limit=BIG)
    proxy.stall("DeleteBucket", seconds=0.5)  # the bundles deleted, then the connection drops, as when the machine goes away
    with pytest.raises(Exception, match="connection"):
        deploy.up(app_config, small, new_aws())
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == v1.code_sha256  # not updated, so the next run reads the bucket again
    assert keys(new_aws(), name) == []
    # no s3:DeleteBucket: said, and the code still goes out
    proxy.fail("DeleteBucket", "access-denied-s3")
    resumed = deploy.up(app_config, small, new_aws(), recorder)
    assert {type(s) for s in resumed.actions} >= {a.DeleteEmptyBucket, a.UpdateFunctionCode}
    [warning] = [e.message for e in recorder.events if isinstance(e, Warn) and "empty S3 bucket" in e.message]
    assert name in warning and "s3:DeleteBucket" in warning
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == small.code_sha256
    finished = deploy.up(app_config, smaller, new_aws())  # the next code update deletes it
    assert a.DeleteEmptyBucket in {type(s) for s in finished.actions}
    assert name not in buckets(new_aws())
    deploy.down(app_config, new_aws())


def test_a_bucket_it_may_not_list_is_left_and_the_deploy_goes_on(new_aws, app_config, tmp_path, proxy,
                                                                  old_at_once) -> None:
    name = bucket_name(app_config, "123456789012", "us-east-1")
    v1, small = make_bundle(tmp_path, "v1"), make_bundle(tmp_path, "small")
    deploy.up(app_config, v1, new_aws(), upload_limit=BIG)
    denied = proxy.fail("ListObjectsV2", "access-denied-s3")  # no s3:ListBucket
    done = deploy.up(app_config, small, new_aws())
    assert denied.hits == 1
    assert not {a.DeleteOldBundles, a.DeleteEmptyBucket} & {type(s) for s in done.actions}
    assert keys(new_aws(), name) == [bundle_key("dev", v1.sha256)]  # nothing known, nothing deleted
    deploy.down(app_config, new_aws())
