"""Read what exists for this app and stage: the only AWS reads ``up`` and ``plan`` make before planning."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from shoehorn.bundle.artifact import Bundle
from shoehorn.config import Config
from shoehorn.deploy.aws import Aws
from shoehorn.deploy.observed import Observed
from shoehorn.deploy.planner import uses_bucket
from shoehorn.deploy.resources import api, bucket, function, logs, permission, role, schedule


def account_id(aws: Aws, known_arn: str | None = None) -> str:
    """The account, from an ARN already read (arn:aws:iam::123456789012:role/name: saves a call on
    every re-deploy), else from STS. The one place shoehorn asks."""
    if known_arn:
        return known_arn.split(":")[4]
    return aws.call("sts", "get_caller_identity")["Account"]


def observe(aws: Aws, config: Config, bundle: Bundle, *, upload_limit: int = function.DIRECT_UPLOAD_LIMIT) -> Observed:
    # The reads are independent of each other (except the two that need the function, or the
    # account the role's ARN names): made side by side, a no-op deploy waits for the slowest
    # read, not for their sum.
    from shoehorn.deploy import apply

    pool = ThreadPoolExecutor(max_workers=apply.WORKERS, thread_name_prefix="shoehorn-observe")
    try:
        reading = {name: pool.submit(kind.observe, aws, config)
                   for name, kind in (("role", role), ("function", function), ("logs", logs), ("api", api),
                                      ("schedule", schedule))}
        have_role, have_function = reading["role"].result(), reading["function"].result()
        statements = None
        if have_function and have_function.live:
            statements = pool.submit(permission.observe, aws, config)
        account = account_id(aws, have_role.arn if have_role else None)
        have_bucket = None
        # The bucket is read only when the code changes: a no-op deploy never reads it.
        new_code = have_function is None or have_function.latest.code_sha256 != function.code_sha256(
            config, bundle, have_function)
        name = bucket.bucket_name(config, account, aws.region)
        if uses_bucket(bundle, upload_limit) and new_code:
            have_bucket = bucket.observe(aws, name, bucket.bundle_key(config.stage, bundle.sha256))
        elif have_function is not None and new_code:
            # uploaded directly: the stage's bundles a bigger bundle left in S3 (if any) go now
            have_bucket = bucket.left_behind(aws, name, config)
        return Observed(
            account=account,
            region=aws.region,
            role=have_role,
            logs=reading["logs"].result(),
            function=have_function,
            api=reading["api"].result(),
            statements=statements.result() if statements else (),
            bucket=have_bucket,
            schedule=reading["schedule"].result(),
        )
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # interrupted: do not wait on reads still on the wire

