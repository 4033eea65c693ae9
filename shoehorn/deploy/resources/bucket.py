"""The S3 bucket for bundles over Lambda's direct-upload limit: one per app, created and tagged by shoehorn.

Objects are keyed ``{stage}/{bundle sha256}.zip``, so an unchanged bundle is never uploaded
twice and ``down`` removes exactly one stage's objects. Each upload also deletes the stage's
earlier bundles: Lambda copies the code out of S3 when CreateFunction or UpdateFunctionCode is
given it, and every published version keeps its own copy, so neither the function nor
``rollback`` reads an uploaded object again ("Lambda will then store your code package in an S3
bucket managed by the service", AWS whitepaper "Serverless Architectures with AWS Lambda", The
Function Code Package; GetFunction's Code.Location is a link to Lambda's copy, not to ours).
A code update uploaded directly (the bundle dropped under 50 MB) deletes them too, and the
bucket once that empties it (``left_behind``): no later upload of the stage would.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.errors import NotOursError
from shoehorn.progress import Warn

NOT_FOUND = ("404", "NoSuchBucket", "NotFound", "NoSuchKey")
# The name shoehorn gives what it uploads, inside a stage's prefix: only such keys are ever deleted
# (anything else someone put in the bucket stays).
BUNDLE_KEY = re.compile(r"[0-9a-f]{64}\.zip")
# An earlier bundle younger than this is kept: it may be another deploy's of the same stage (a
# teammate, CI), uploaded and not yet handed to Lambda; deleted by the first upload after this.
# An hour also covers any skew between this machine's clock and S3's, which dates the objects.
KEEP_RECENT = timedelta(hours=1)
DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys per request (S3 API reference)


def bundle_key(stage: str, sha256: str) -> str:
    return f"{stage}/{sha256}.zip"


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
    older: tuple[str, ...] = ()  # keys of the stage's earlier bundles that no one needs any more (see above)
    # deleting ``older`` leaves the bucket empty: known only where the whole bucket was listed (left_behind)
    empty_after: bool = False


def observe(aws: Aws, bucket: str, key: str, *, now: datetime | None = None) -> BucketObserved:
    """Whether the bucket exists, its tags, whether ``key`` is uploaded, and the stage's earlier
    bundles. One listing of the stage's prefix answers the last two (where a HeadObject answered
    only the first): no more reads than before, and the permission is s3:ListBucket, which
    HeadBucket already needs."""
    try:
        aws.call("s3", "head_bucket", expect=NOT_FOUND, Bucket=bucket)
    except AwsError:
        return BucketObserved(False, False, bucket)
    tags = _tags(aws, bucket)
    prefix = key.rsplit("/", 1)[0] + "/"
    before = (now or datetime.now(timezone.utc)) - KEEP_RECENT
    has_object, older = False, []
    for item in _listing(aws, bucket, prefix):
        if item["Key"] == key:
            has_object = True
        elif _is_earlier(item, prefix, before):
            older.append(item["Key"])
    return BucketObserved(True, has_object, bucket, tags, tuple(sorted(older)))


def left_behind(aws: Aws, bucket: str, config: Config, *, now: datetime | None = None) -> BucketObserved | None:
    """For a code update uploaded directly (a stage whose bundle dropped under 50 MB): the stage's
    earlier bundles in the app's bucket, which no later upload of this stage would delete. None when
    there is no bucket or none provably this app's, which is then neither listed nor claimed (it
    must not fail a deploy that does not use it). Tags first: S3 answers NoSuchBucket to them, so an
    app that never had a bucket pays one read. The whole bucket is listed, not the stage's prefix,
    so the plan knows whether the deletion empties it: one request, as the bucket holds a bundle or
    two per stage (each upload deletes its stage's earlier ones)."""
    tags = _tags(aws, bucket)
    if ("shoehorn:app", config.name) not in tags:
        return None
    prefix, before = f"{config.stage}/", (now or datetime.now(timezone.utc)) - KEEP_RECENT
    try:
        items = _listing(aws, bucket, "", expect=("AccessDenied", "403"))
    except AwsError:  # no s3:ListBucket: nothing is known to be deletable, and this deploy needs no bucket
        return None
    older = tuple(sorted(item["Key"] for item in items if _is_earlier(item, prefix, before)))
    return BucketObserved(True, False, bucket, tags, older, empty_after=len(older) == len(items))


def _is_earlier(item: dict, prefix: str, before: datetime) -> bool:
    """A bundle shoehorn uploaded under ``prefix`` (only such keys are deleted) before ``before``."""
    return (item["Key"].startswith(prefix) and BUNDLE_KEY.fullmatch(item["Key"].removeprefix(prefix)) is not None
            and item["LastModified"] < before)


def _listing(aws: Aws, bucket: str, prefix: str, *, expect: tuple[str, ...] = ()) -> list[dict]:
    """Every object under ``prefix`` (one request per 1,000). Errors in ``expect`` are raised as AwsError."""
    items: list[dict] = []
    token = None
    while True:
        try:
            page = aws.call("s3", "list_objects_v2", expect=NOT_FOUND + expect, Bucket=bucket, Prefix=prefix,
                            **({"ContinuationToken": token} if token else {}))
        except AwsError as error:
            if error.code not in NOT_FOUND:
                raise
            return items  # deleted since HeadBucket answered: nothing in it
        items += page.get("Contents", [])
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return items


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
    if have.older:
        # Planned only with an upload (or the code update of one already uploaded), never on a no-op
        # deploy, which does not read the bucket. It goes before the code update (the function waits
        # for the bucket, order.py): a run interrupted anywhere before the update leaves the code to
        # update, so the next run reads the bucket again and finishes the deletion.
        steps.append(a.DeleteOldBundles(
            reason="uploaded by earlier deploys; Lambda keeps its own copy of the code of $LATEST and of every "
                   "published version, so rollback does not need them", bucket=code.bucket or "", keys=have.older))
    return tuple(steps)


def diff_left_behind(have: BucketObserved) -> tuple[a.Action, ...]:
    """The code now goes to Lambda directly, so no later deploy of the stage reads the bucket: its
    earlier bundles go now. Like ``diff``'s deletion, before the code update (order.py), so a run
    interrupted before the update reads the bucket again and finishes. Emptied, the bucket goes too,
    as ``down`` deletes it with the last stage: a later bundle over 50 MB makes it again."""
    steps: list[a.Action] = []
    if have.older:
        steps.append(a.DeleteOldBundles(
            reason="the bundle is now under Lambda's 50 MB direct-upload limit, so no later upload of this stage "
                   "deletes them; Lambda keeps its own copy of the code of every version", bucket=have.name,
            keys=have.older))
    if have.empty_after:
        steps.append(a.DeleteEmptyBucket(reason="no stage of the app has a bundle in it", bucket=have.name))
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
    keys = [{"Key": o["Key"]} for o in _listing(ctx.aws, action.bucket, action.prefix)]
    for start in range(0, len(keys), DELETE_BATCH):  # a stage that once held over 1,000 bundles too
        ctx.aws.call("s3", "delete_objects", Bucket=action.bucket,
                     Delete={"Objects": keys[start:start + DELETE_BATCH], "Quiet": True})
    # The last stage gone: the bucket (proven ours by its tags when `down` observed it) goes too.
    try:
        rest = ctx.aws.call("s3", "list_objects_v2", expect=NOT_FOUND, Bucket=action.bucket, MaxKeys=1)
    except AwsError:  # already gone (a `down` run twice at once)
        return
    if not rest.get("Contents"):
        try:
            ctx.aws.call("s3", "delete_bucket", expect=NOT_FOUND, Bucket=action.bucket)
        except AwsError:
            pass


def _delete_old(action: a.DeleteOldBundles, ctx: Context) -> None:
    """Housekeeping, so it never fails a deploy: what S3 refuses (no s3:DeleteObject) is said and left
    for a later upload or `down`. Deleting a key already gone succeeds, so a re-run simply repeats it."""
    failed: list[str] = []
    for start in range(0, len(action.keys), DELETE_BATCH):
        batch = action.keys[start:start + DELETE_BATCH]
        try:
            answer = ctx.aws.call("s3", "delete_objects", expect=("AccessDenied", "403"), Bucket=action.bucket,
                                  Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True})
        except AwsError as error:
            failed.append(f"{error.code}: {error.message or 'refused'}")
            break
        # S3 checks each key on its own and reports the ones it refused in a 200 answer
        failed += [f"{e.get('Key')}: {e.get('Code')}" for e in answer.get("Errors", [])]
    if failed:
        ctx.progress(Warn(f"could not delete earlier bundles from s3://{action.bucket} ({'; '.join(failed[:3])}"
                          f"{'; ...' if len(failed) > 3 else ''}); they stay until a later upload or `shoehorn down` "
                          "deletes them (that needs s3:DeleteObject on the bucket)"))


def _delete_empty(action: a.DeleteEmptyBucket, ctx: Context) -> None:
    """Housekeeping too. S3 refuses a bucket with anything in it, so an object put there since the
    plan (another stage's upload, one this run could not delete) keeps the bucket, as it should. Only a
    deploy caught between creating the bucket and uploading to it loses it (its upload fails, and its
    re-run makes the bucket again), as with `down`'s deletion of it."""
    try:
        ctx.aws.call("s3", "delete_bucket", expect=NOT_FOUND + ("BucketNotEmpty", "AccessDenied", "403"),
                     Bucket=action.bucket)
    except AwsError as error:
        if error.code in ("AccessDenied", "403"):
            ctx.progress(Warn(f"could not delete the empty S3 bucket {action.bucket} ({error.code}); it stays until "
                              "the next code update or `shoehorn down` deletes it (that needs s3:DeleteBucket)"))


EXECUTORS = {a.CreateBucket: _create, a.UploadBundle: _upload, a.DeleteBundleObjects: _delete_objects,
             a.DeleteOldBundles: _delete_old, a.DeleteEmptyBucket: _delete_empty}
