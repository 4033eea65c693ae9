"""Observed snapshot + desired state -> Plan. Pure: no AWS calls, so ``shoehorn plan`` prints
exactly what ``up`` would apply and tests can plan against hand-made snapshots."""

from __future__ import annotations

from shoehorn.bundle.artifact import Bundle
from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.observed import Observed
from shoehorn.deploy.resources import api, bucket, function, logs, permission, role, schedule


def uses_bucket(bundle: Bundle, upload_limit: int = function.DIRECT_UPLOAD_LIMIT) -> bool:
    return bundle.zipped_bytes > upload_limit


def plan(config: Config, bundle: Bundle, observed: Observed, *,
         upload_limit: int = function.DIRECT_UPLOAD_LIMIT) -> a.Plan:
    """Order matters: the role before the function (it must exist to be assumed), the alias
    before the permission on it, the API before its deployment and the permission naming it."""
    account, region = observed.account, observed.region
    steps: list[a.Action] = []
    steps += role.diff(role.desired(config, region, account), observed.role)
    steps += logs.diff(logs.desired(config), observed.logs)
    bucket_name = bucket.bucket_name(config, account, region) if uses_bucket(bundle, upload_limit) else None
    want_function = function.desired(config, bundle, bucket=bucket_name, have=observed.function)
    needs_code = observed.function is None or observed.function.latest.code_sha256 != want_function.code.code_sha256
    if bucket_name and needs_code:
        have = observed.bucket or bucket.BucketObserved(False, False)
        steps += bucket.diff(want_function.code, have, (("shoehorn:app", config.name),))
    elif needs_code and observed.function is not None and observed.bucket is not None:
        steps += bucket.diff_left_behind(observed.bucket)  # a direct upload: what a bigger bundle left in S3
    function_steps = function.diff(want_function, observed.function)
    steps += function_steps
    steps += api.diff(api.desired(config, region, account), observed.api)
    api_id = observed.api.id if observed.api else None
    alias_new = any(isinstance(s, (a.CreateFunction, a.CreateAlias)) for s in function_steps)
    steps += permission.diff(permission.desired(config, api_id, region, account), observed.statements,
                             alias_replaced=alias_new)
    steps += schedule.diff(schedule.desired(config, region, account), observed.schedule, observed.statements,
                           alias_replaced=alias_new)
    return tuple(steps)
