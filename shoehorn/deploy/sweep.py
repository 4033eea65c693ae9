"""``down``: find everything shoehorn made for an app and stage, delete it, then prove nothing tagged remains."""

from __future__ import annotations

from dataclasses import dataclass, field

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy import ownership
from shoehorn.deploy.aws import Aws
from shoehorn.deploy.observe import account_id
from shoehorn.deploy.resources import api, bucket, function, logs, role, schedule


@dataclass(frozen=True, slots=True)
class Found:
    account: str
    api_ids: tuple[str, ...]
    function: bool
    role: role.RoleObserved | None
    log_group: bool
    bucket: str | None  # the app's bundle bucket, if it exists and is tagged for this app
    warm_rule: bool = False  # the EventBridge warm-up rule exists
    claims: tuple[ownership.Claim, ...] = ()  # what was found by name, for the ownership check
    # a bucket in this account under the app's bundle-bucket name that is not tagged for the app: left
    # alone (nothing proves shoehorn made it), but named, since an interrupted first upload leaves one
    untagged_bucket: str | None = None
    function_tags: dict[str, str] = field(default_factory=dict)  # the function's, when it exists


def observe(aws: Aws, config: Config) -> Found:
    have_role = role.observe(aws, config)
    account = account_id(aws, have_role.arn if have_role else None)
    name = bucket.bucket_name(config, account, aws.region)
    found_bucket = name if bucket.is_ours(aws, name, config) else None  # another's bucket: left alone
    untagged = name if found_bucket is None and bucket.in_account(aws, name, account) else None
    have_function, have_logs = function.observe(aws, config), logs.observe(aws, config)
    have_rule = schedule.observe(aws, config)
    return Found(
        account=account,
        api_ids=tuple(item["id"] for item in api.find(aws, config)),
        function=have_function is not None,
        role=have_role,
        log_group=have_logs is not None,
        bucket=found_bucket,
        warm_rule=have_rule is not None,
        claims=ownership.claims(config, role=have_role, function=have_function, logs=have_logs, schedule=have_rule),
        untagged_bucket=untagged,
        function_tags=dict(have_function.tags) if have_function else {},
    )


def plan(config: Config, found: Found, *, keep_logs: bool = False) -> a.Plan:
    """Pure. The API goes first so no request reaches a half-deleted function."""
    why = f"`shoehorn down` for {config.name}/{config.stage}"
    steps: list[a.Action] = [a.DeleteApi(reason=why, api_id=api_id) for api_id in found.api_ids]
    if found.warm_rule:  # before the function, so the schedule never fires at a missing alias
        steps.append(a.DeleteWarmRule(reason=why, rule=schedule.rule_name(config)))
    if found.function:
        steps.append(a.DeleteFunction(reason=why, name=config.function_name))
    if found.role:
        steps += [a.DetachRolePolicy(reason="a role must have no policies to be deleted", role=config.role_name,
                                     policy_arn=arn) for arn in found.role.policies]
        steps += [a.DeleteRolePolicy(reason="a role must have no policies to be deleted", role=config.role_name,
                                     policy_name=name) for name in found.role.inline]
        steps.append(a.DeleteRole(reason=why, name=config.role_name))
    if found.log_group and not keep_logs:
        steps.append(a.DeleteLogGroup(reason=why, name=config.log_group))
    if found.bucket:
        steps.append(a.DeleteBundleObjects(reason=f"bundles uploaded for stage {config.stage}", bucket=found.bucket,
                                           prefix=f"{config.stage}/"))
    return tuple(steps)


# The kinds of resource shoehorn makes for a stage, each checked by its own API below (the tagging
# API lags behind deletions: it can list a function for a while after DeleteFunction). The
# bundle bucket is the app's, shared by its stages: down empties only this stage's prefix.
DIRECTLY_CHECKED = (":function:", ":log-group:", ":rule/", "/restapis/")


def others_tagged(aws: Aws, config: Config) -> list[str]:
    """Resources of kinds shoehorn never makes that carry this app's and stage's tags (a user's
    queue or table tagged alike for cost allocation): never shoehorn's to delete, only named."""
    tagged = aws.call("resourcegroupstaggingapi", "get_resources",
                      TagFilters=[{"Key": k, "Values": [v]} for k, v in config.tags.items()])
    return sorted(item["ResourceARN"] for item in tagged.get("ResourceTagMappingList", [])
                  if not any(kind in item["ResourceARN"] for kind in DIRECTLY_CHECKED))


def leftovers(aws: Aws, config: Config, *, keep_logs: bool = False) -> list[str]:
    """What shoehorn made for this app and stage that still exists after a sweep."""
    left = [f"REST API {item['id']}" for item in api.find(aws, config)]
    if role.observe(aws, config) is not None:  # IAM is not covered by the tagging API
        left.append(f"IAM role {config.role_name}")
    if function.observe(aws, config) is not None:
        left.append(f"Lambda function {config.function_name}")
    if schedule.observe(aws, config) is not None:
        left.append(f"EventBridge rule {schedule.rule_name(config)}")
    if not keep_logs and logs.observe(aws, config) is not None:
        left.append(f"log group {config.log_group}")
    return sorted(set(left))
