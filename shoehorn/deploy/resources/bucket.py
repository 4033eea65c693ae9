"""The S3 bucket for bundles over Lambda's direct-upload limit: one per app, created and tagged by shoehorn.

Objects are keyed ``{stage}/{bundle sha256}.zip``, so an unchanged bundle is never uploaded
twice and ``down`` removes exactly one stage's objects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.errors import NotOursError

NOT_FOUND = ("404", "NoSuchBucket", "NotFound", "NoSuchKey")


def bucket_name(config: Config, account: str, region: str) -> str:
    """Globally unique and at most 63 characters: account and region in the name, app name shortened with a hash."""
    suffix = f"-{account}-{region}"
    room = 63 - len("shoehorn-") - len(suffix)
    name = config.name if len(config.name) <= room else config.name[: room - 9] + "-" + hashlib.sha256(
        config.name.encode()).hexdigest()[:8]
    return f"shoehorn-{name}{suffix}"


@dataclass(frozen=True, slots=True)
class BucketObserved:
    exists: bool
    has_object: bool
    name: str = ""
    tags: tuple[tuple[str, str], ...] = ()  # who made it: checked before anything is uploaded (ownership.py)


def observe(aws: Aws, bucket: str, key: str) -> BucketObserved:
    try:
        aws.call("s3", "head_bucket", expect=NOT_FOUND, Bucket=bucket)
    except AwsError:
        return BucketObserved(False, False, bucket)
    tags = _tags(aws, bucket)
    try:
        aws.call("s3", "head_object", expect=NOT_FOUND, Bucket=bucket, Key=key)
    except AwsError:
        return BucketObserved(True, False, bucket, tags)
    return BucketObserved(True, True, bucket, tags)


def _tags(aws: Aws, bucket: str) -> tuple[tuple[str, str], ...]:
    try:
        found = aws.call("s3", "get_bucket_tagging", expect=NOT_FOUND + ("403", "NoSuchTagSet", "AccessDenied"),
                         Bucket=bucket)["TagSet"]
    except AwsError:  # no tags at all (or none we may read: then not provably ours)
        return ()
    return tuple((tag["Key"], tag["Value"]) for tag in found)


def diff(code: a.Code, have: BucketObserved, tags: tuple[tuple[str, str], ...]) -> tuple[a.Action, ...]:
    steps: list[a.Action] = []
    if not have.exists:
        steps.append(a.CreateBucket(reason="the bundle is over Lambda's 50 MB direct-upload limit",
                                    bucket=code.bucket or "", tags=tags))
    if not have.has_object:
        steps.append(a.UploadBundle(reason="Lambda reads bundles this big from S3", code=code))
    return tuple(steps)


def _create(action: a.CreateBucket, ctx: Context) -> None:
    # The tags go in the CreateBucket call itself (CreateBucketConfiguration.Tags, which S3 added for
    # general purpose buckets in 2025; needs s3:TagResource): the bucket never exists untagged, so a
    # run interrupted right after creating it leaves a bucket the next run proves its own. Creating
    # then tagging left an untagged bucket that no later run could claim, and none may: its name
    # proves nothing (anyone in the account, or in another account for a global-namespace name,
    # may have made it), nor does its being empty (a bucket made by hand and not yet used is).
    tag_set = [{"Key": k, "Value": v} for k, v in action.tags]
    config: dict = {} if ctx.region == "us-east-1" else {"LocationConstraint": ctx.region}
    if ctx.aws.accepts("s3", "create_bucket", "CreateBucketConfiguration", "Tags"):
        config["Tags"] = tag_set
    try:
        ctx.aws.call("s3", "create_bucket", expect=("BucketAlreadyOwnedByYou",), Bucket=action.bucket,
                     **({"CreateBucketConfiguration": config} if config else {}))
    except AwsError:
        # made since it was observed missing: ours only if its tags say so (never re-tag another's)
        if ("shoehorn:app", ctx.config.name) in _tags(ctx.aws, action.bucket):
            return
        raise NotOursError(f"S3 bucket {action.bucket} appeared while this deploy ran and is not tagged for app "
                           f"{ctx.config.name!r}; nothing was uploaded", "Run the command again.") from None
    if set(action.tags) <= set(_tags(ctx.aws, action.bucket)):
        return
    # Created without its tags: a botocore older than CreateBucketConfiguration.Tags, or an endpoint that
    # ignores them (moto 5.2, so the local cloud). Tag it at once; interrupted here, the bucket is left
    # untagged, and `up` refuses it and `down` names it, as any untagged bucket under this name.
    ctx.aws.call("s3", "put_bucket_tagging", Bucket=action.bucket, Tagging={"TagSet": tag_set})


def _upload(action: a.UploadBundle, ctx: Context) -> None:
    with action.code.path.open("rb") as body:
        ctx.aws.call("s3", "put_object", Bucket=action.code.bucket, Key=action.code.key, Body=body)


def in_account(aws: Aws, bucket: str, account: str) -> bool:
    """The bucket exists and belongs to this account (ExpectedBucketOwner: S3 answers 403 for another's)."""
    try:
        aws.call("s3", "head_bucket", expect=NOT_FOUND + ("403", "AccessDenied"), Bucket=bucket,
                 ExpectedBucketOwner=account)
    except AwsError:
        return False
    return True


def is_ours(aws: Aws, bucket: str, config: Config) -> bool:
    """The bucket exists and carries the tag shoehorn gave it for this app (found by its tags, not its name)."""
    return ("shoehorn:app", config.name) in _tags(aws, bucket)


def _delete_objects(action: a.DeleteBundleObjects, ctx: Context) -> None:
    try:
        listing = ctx.aws.call("s3", "list_objects_v2", expect=NOT_FOUND, Bucket=action.bucket, Prefix=action.prefix)
    except AwsError:
        return
    keys = [{"Key": o["Key"]} for o in listing.get("Contents", [])]
    if keys:
        ctx.aws.call("s3", "delete_objects", Bucket=action.bucket, Delete={"Objects": keys, "Quiet": True})
    # The last stage gone: the bucket (proven ours by its tags when `down` observed it) goes too.
    rest = ctx.aws.call("s3", "list_objects_v2", expect=NOT_FOUND, Bucket=action.bucket, MaxKeys=1)
    if not rest.get("Contents"):
        ctx.aws.call("s3", "delete_bucket", expect=NOT_FOUND, Bucket=action.bucket)


EXECUTORS = {a.CreateBucket: _create, a.UploadBundle: _upload, a.DeleteBundleObjects: _delete_objects}
