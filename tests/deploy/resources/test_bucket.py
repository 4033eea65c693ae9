"""Bundles over the direct-upload limit go through a tagged S3 bucket (limit lowered for the test)."""

from __future__ import annotations

from deploy.kit import make_bundle
from shoehorn import deploy
from shoehorn.deploy import actions as a
from shoehorn.deploy.resources.bucket import bucket_name


def test_big_bundle_is_uploaded_once_through_s3(new_aws, app_config, app_bundle, tmp_path) -> None:
    first = deploy.up(app_config, app_bundle, new_aws(), upload_limit=10)
    assert {a.CreateBucket, a.UploadBundle, a.CreateFunction} <= {type(s) for s in first.actions}
    aws = new_aws()
    name = bucket_name(app_config, "123456789012", "us-east-1")
    tags = aws.call("s3", "get_bucket_tagging", Bucket=name)["TagSet"]
    assert {"Key": "shoehorn:app", "Value": app_config.name} in tags
    keys = [o["Key"] for o in aws.call("s3", "list_objects_v2", Bucket=name)["Contents"]]
    assert keys == [f"dev/{app_bundle.sha256}.zip"]
    again = new_aws()
    assert deploy.up(app_config, app_bundle, again, upload_limit=10).actions == ()
    assert again.writes == 0 and ("s3", "head_bucket") not in again.log  # unchanged code: S3 not even read
    changed = make_bundle(tmp_path, "v2")
    update = deploy.up(app_config, changed, new_aws(), upload_limit=10)
    assert {type(s) for s in update.actions} == {a.UploadBundle, a.UpdateFunctionCode, a.PublishVersion, a.UpdateAlias}
    conf = new_aws().call("lambda", "get_function_configuration", FunctionName=app_config.function_name)
    assert conf["CodeSha256"] == changed.code_sha256
    deploy.down(app_config, new_aws())
    buckets = [b["Name"] for b in new_aws().call("s3", "list_buckets").get("Buckets", [])]
    assert name not in buckets  # emptied, then deleted with the last stage


def test_down_leaves_a_bucket_of_the_same_name_that_is_not_tagged_as_ours(new_aws, app_config) -> None:
    aws = new_aws()
    name = bucket_name(app_config, "123456789012", "us-east-1")
    aws.call("s3", "create_bucket", Bucket=name)
    aws.call("s3", "put_object", Bucket=name, Key="dev/keep.zip", Body=b"x")
    deploy.down(app_config, new_aws())
    assert [o["Key"] for o in new_aws().call("s3", "list_objects_v2", Bucket=name)["Contents"]] == ["dev/keep.zip"]


def test_bucket_name_is_valid_for_long_app_names(app_config) -> None:
    import dataclasses

    long = dataclasses.replace(app_config, name="a" * 60)
    name = bucket_name(long, "123456789012", "ap-southeast-2")
    assert len(name) <= 63 and name == name.lower() and name.startswith("shoehorn-a")
    assert bucket_name(long, "123456789012", "ap-southeast-2") == name


def test_the_bucket_is_created_with_its_tags_in_the_one_call(new_aws, app_config, app_bundle, aws_env_shared,
                                                             monkeypatch) -> None:
    """QA: CreateBucket, then PutBucketTagging: a first `up` interrupted between them left an untagged
    bucket that `up` refused (exit 8) and `down` left behind. S3 takes the tags in CreateBucket itself."""
    from deploy.faultproxy import FaultProxy, operation_of

    class Recording(FaultProxy):
        bodies: list[bytes] = []

        def answer(self, method, path, headers, body):
            if operation_of(method, path, headers, body)[1] == "CreateBucket":
                self.bodies.append(body)
            return super().answer(method, path, headers, body)

    with Recording(aws_env_shared) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        deploy.up(app_config, app_bundle, new_aws(), upload_limit=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env_shared)
    [body] = proxy.bodies
    assert b"<Tags>" in body and f"<Value>{app_config.name}</Value>".encode() in body
    name = bucket_name(app_config, "123456789012", "us-east-1")
    tags = new_aws().call("s3", "get_bucket_tagging", Bucket=name)["TagSet"]  # moto 5.2 ignores them: tagged after
    assert {"Key": "shoehorn:app", "Value": app_config.name} in tags
    deploy.down(app_config, new_aws())


def test_down_names_an_untagged_bucket_under_the_apps_bucket_name(deployed, new_aws, app_config) -> None:
    """QA: `down` said "nothing of it remains" while the empty bucket an interrupted first upload left stayed."""
    aws = new_aws()
    name = bucket_name(app_config, "123456789012", "us-east-1")
    aws.call("s3", "create_bucket", Bucket=name)
    try:
        result = deploy.down(app_config, new_aws())
        assert result.untagged_bucket == name
        assert any(name in note and "not tagged" in note and f"aws s3 rb s3://{name}" in note for note in result.notes)
        assert name in [b["Name"] for b in aws.call("s3", "list_buckets")["Buckets"]]  # never deleted: not provably ours
    finally:
        aws.call("s3", "delete_bucket", Bucket=name)
