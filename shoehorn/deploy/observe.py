"""Read what exists for this app and stage: the only AWS reads ``up`` and ``plan`` make before planning."""

from __future__ import annotations

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
    have_role = role.observe(aws, config)
    account = account_id(aws, have_role.arn if have_role else None)
    have_function = function.observe(aws, config)
    have_bucket = None
    if uses_bucket(bundle, upload_limit) and (have_function is None or
                                              have_function.latest.code_sha256 != bundle.code_sha256):
        name = bucket.bucket_name(config, account, aws.region)
        have_bucket = bucket.observe(aws, name, f"{config.stage}/{bundle.sha256}.zip")
    return Observed(
        account=account,
        region=aws.region,
        role=have_role,
        logs=logs.observe(aws, config),
        function=have_function,
        api=api.observe(aws, config),
        statements=permission.observe(aws, config) if have_function and have_function.live else (),
        bucket=have_bucket,
        schedule=schedule.observe(aws, config),
    )
