"""Log group ``/aws/lambda/N-S`` with a retention (Lambda would create it without one: logs kept forever)."""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import tag_pairs


@dataclass(frozen=True, slots=True)
class LogsDesired:
    name: str
    retention_days: int
    tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class LogsObserved:
    retention_days: int | None
    tags: tuple[tuple[str, str], ...] = ()


def desired(config: Config) -> LogsDesired:
    return LogsDesired(config.log_group, config.log_retention_days, tag_pairs(config.tags))


def observe(aws: Aws, config: Config) -> LogsObserved | None:
    groups = aws.call("logs", "describe_log_groups", logGroupNamePrefix=config.log_group).get("logGroups", [])
    match = next((g for g in groups if g["logGroupName"] == config.log_group), None)
    if match is None:
        return None
    arn = str(match.get("arn", "")).removesuffix(":*")  # DescribeLogGroups' arn ends in ":*"; tagging wants it without
    tags = aws.call("logs", "list_tags_for_resource", resourceArn=arn).get("tags") or {}
    return LogsObserved(match.get("retentionInDays"), tuple(sorted(tags.items())))


def diff(want: LogsDesired, have: LogsObserved | None) -> tuple[a.Action, ...]:
    if have is None:
        return (a.CreateLogGroup(reason="the log group does not exist", name=want.name, tags=want.tags),
                a.PutRetention(reason="logs are kept forever by default", name=want.name, days=want.retention_days))
    steps: list[a.Action] = []
    if not set(want.tags) <= set(have.tags):
        steps.append(a.TagLogGroup(reason="the log group lacks shoehorn's tags (Lambda made it, or --adopt)",
                                   name=want.name, tags=want.tags))
    if have.retention_days != want.retention_days:
        steps.append(a.PutRetention(reason=f"retention is {have.retention_days or 'never expire'}", name=want.name,
                                    days=want.retention_days))
    return tuple(steps)


def _create(action: a.CreateLogGroup, ctx: Context) -> None:
    try:
        ctx.aws.call("logs", "create_log_group", expect=("ResourceAlreadyExistsException",), logGroupName=action.name,
                     tags=dict(action.tags))
    except AwsError:
        # Appeared since we looked: Lambda creates it, untagged, when our function first logs (this
        # action waits for the function, which by now is this app's: checked before the first write, or
        # made by this run), so an untagged group is ours by the same proof ownership.claims accepts.
        # One tagged for another app or stage is not: refused, never re-tagged.
        from shoehorn.deploy import appeared, ownership

        have = observe(ctx.aws, ctx.config)
        if have is not None:
            appeared.check(ownership.Claim("log group", action.name, have.tags, proven=True), ctx.config)
        _tag(a.TagLogGroup(reason=action.reason, name=action.name, tags=action.tags), ctx)


def _tag(action: a.TagLogGroup, ctx: Context) -> None:
    arn = f"arn:aws:logs:{ctx.region}:{ctx.account}:log-group:{action.name}"
    ctx.aws.call("logs", "tag_resource", resourceArn=arn, tags=dict(action.tags))


def _retention(action: a.PutRetention, ctx: Context) -> None:
    ctx.aws.call("logs", "put_retention_policy", logGroupName=action.name, retentionInDays=action.days)


def _delete(action: a.DeleteLogGroup, ctx: Context) -> None:
    try:
        ctx.aws.call("logs", "delete_log_group", expect=("ResourceNotFoundException",), logGroupName=action.name)
    except AwsError:
        pass


EXECUTORS = {a.CreateLogGroup: _create, a.TagLogGroup: _tag, a.PutRetention: _retention, a.DeleteLogGroup: _delete}
