"""The warm-up schedule: EventBridge rule ``N-S-warm`` that sends ``{"shoehorn": "warm"}`` to ``live``.

Config ``warm = "5m"`` (or ``up --warm 5m``) asks for it; the adapter answers that event at
once without calling the app, so a container stays initialised for a fraction of a cent.
Three parts, each checked and repaired on its own: the rule (``rate(...)``, enabled, tagged),
its one target (the alias ARN with the warm-up input), and the alias's resource-policy
statement letting ``events.amazonaws.com`` invoke it, scoped to this rule's ARN. Without the
statement EventBridge's invocations fail silently (EventBridge docs, "Using resource-based
policies for Amazon EventBridge": Lambda targets need lambda:AddPermission).
Removing the key removes all three on the next ``up``; ``down`` deletes the rule (deleting the
function takes its policy with it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import ALIAS, function_arn, tag_pairs
from shoehorn.deploy.resources.permission import Statement
from shoehorn.deploy.resources.schedule_rate import rate_expression

TARGET_ID = "shoehorn-live"
WARM_INPUT = json.dumps({"shoehorn": "warm"}, sort_keys=True)
# Not "shoehorn-apigw-...": permission.diff removes those it does not recognise.
STATEMENT_ID = "shoehorn-warm"
EVENTS = "events.amazonaws.com"
NOT_FOUND = ("ResourceNotFoundException",)
DESCRIPTION = "shoehorn warm-up: keeps one container initialised"


def rule_name(config: Config) -> str:
    return f"{config.function_name}-warm"


def rule_arn(region: str, account: str, config: Config) -> str:
    return f"arn:aws:events:{region}:{account}:rule/{rule_name(config)}"


# --- desired / observed / diff -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScheduleDesired:
    rule: str
    expression: str | None  # None: no warm-up wanted
    rule_arn: str
    target_arn: str
    function: str
    tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ScheduleObserved:
    expression: str
    enabled: bool
    targets: tuple[tuple[str, str, str], ...]  # (Id, Arn, Input)
    tags: tuple[tuple[str, str], ...] = ()
    made_by_shoehorn: bool = False  # shoehorn's description: ours even if untagged


def desired(config: Config, region: str, account: str) -> ScheduleDesired:
    return ScheduleDesired(
        rule=rule_name(config),
        expression=rate_expression(config.warm) if config.warm else None,
        rule_arn=rule_arn(region, account, config),
        target_arn=function_arn(region, account, config.function_name, ALIAS),
        function=config.function_name,
        tags=tag_pairs(config.tags),
    )


def observe(aws: Aws, config: Config) -> ScheduleObserved | None:
    """One read when there is no rule (the usual case), two when there is."""
    try:
        rule = aws.call("events", "describe_rule", expect=NOT_FOUND, Name=rule_name(config))
    except AwsError:
        return None
    listed = aws.call("events", "list_targets_by_rule", Rule=rule_name(config)).get("Targets", [])
    targets = tuple((t.get("Id", ""), t.get("Arn", ""), t.get("Input", "")) for t in listed)
    tags = aws.call("events", "list_tags_for_resource", ResourceARN=rule["Arn"]).get("Tags") or []
    return ScheduleObserved(rule.get("ScheduleExpression", ""), rule.get("State") == "ENABLED", targets,
                            tuple(sorted((t["Key"], t["Value"]) for t in tags)), rule.get("Description") == DESCRIPTION)


def _input_matches(text: str) -> bool:
    try:
        return json.loads(text or "null") == {"shoehorn": "warm"}
    except ValueError:
        return False


def diff(want: ScheduleDesired, have: ScheduleObserved | None, statements: tuple[Statement, ...], *,
         alias_replaced: bool) -> tuple[a.Action, ...]:
    """``statements``: the alias's policy as observed; ``alias_replaced``: the alias (and so its
    policy) is created by this plan, so any statement observed now will not exist."""
    current = () if alias_replaced else statements
    ours = next((s for s in current if s.sid == STATEMENT_ID), None)
    if want.expression is None:
        steps: list[a.Action] = []
        if have is not None:
            steps.append(a.DeleteWarmRule(reason="the config no longer asks for warm-up", rule=want.rule))
        if ours is not None:
            steps.append(a.RemoveWarmPermission(reason="there is no warm-up rule any more", name=want.function))
        return tuple(steps)
    steps = []
    if have is not None and not set(want.tags) <= set(have.tags):
        # PutRule ignores Tags when the rule exists (EventBridge PutRule API reference): tag it apart.
        steps.append(a.TagWarmRule(reason="the rule lacks shoehorn's tags (an interrupted deploy, or --adopt)",
                                 rule_arn=want.rule_arn, tags=want.tags))
    if have is None:
        steps.append(a.PutWarmRule(reason=f"the config asks for warm-up every {want.expression[5:-1]}", rule=want.rule,
                                 expression=want.expression, tags=want.tags))
    elif have.expression != want.expression or not have.enabled:
        why = f"the rule runs at {have.expression}" if have.expression != want.expression else "the rule is disabled"
        steps.append(a.PutWarmRule(reason=why, rule=want.rule, expression=want.expression, tags=want.tags))
    target_ok = have is not None and any(
        arn == want.target_arn and _input_matches(text) for _, arn, text in have.targets
    )
    if not target_ok:
        why = "the rule is new" if have is None else "the rule does not send the warm-up event to the live alias"
        steps.append(a.PutWarmTarget(reason=why, rule=want.rule, target_arn=want.target_arn))
    if ours is not None and (ours.principal != EVENTS or ours.source_arn != want.rule_arn):
        steps.append(a.RemoveWarmPermission(reason="it was changed outside shoehorn", name=want.function))
        ours = None
    if ours is None:
        steps.append(a.AddWarmPermission(reason="EventBridge may not invoke the alias", name=want.function,
                                       rule_arn=want.rule_arn))
    return tuple(steps)


# --- executors ---------------------------------------------------------------------------------

def _put_rule(action: a.PutWarmRule, ctx: Context) -> None:
    ctx.aws.call("events", "put_rule", Name=action.rule, ScheduleExpression=action.expression, State="ENABLED",
                 Description=DESCRIPTION,
                 Tags=[{"Key": k, "Value": v} for k, v in action.tags])


def _tag_rule(action: a.TagWarmRule, ctx: Context) -> None:
    ctx.aws.call("events", "tag_resource", ResourceARN=action.rule_arn,
                 Tags=[{"Key": k, "Value": v} for k, v in action.tags])


def _put_target(action: a.PutWarmTarget, ctx: Context) -> None:
    # PutTargets replaces a target with the same Id; stray targets someone added are left alone.
    ctx.aws.call("events", "put_targets", Rule=action.rule,
                 Targets=[{"Id": TARGET_ID, "Arn": action.target_arn, "Input": WARM_INPUT}])


def _add_permission(action: a.AddWarmPermission, ctx: Context) -> None:
    try:
        ctx.aws.call("lambda", "add_permission", expect=("ResourceConflictException",), FunctionName=action.name,
                     Qualifier=ALIAS, StatementId=STATEMENT_ID, Action="lambda:InvokeFunction", Principal=EVENTS,
                     SourceArn=action.rule_arn)
    except AwsError:
        pass  # already there: an interrupted or concurrent run added it


def _remove_permission(action: a.RemoveWarmPermission, ctx: Context) -> None:
    try:
        ctx.aws.call("lambda", "remove_permission", expect=NOT_FOUND, FunctionName=action.name, Qualifier=ALIAS,
                     StatementId=STATEMENT_ID)
    except AwsError:
        pass


def _delete_rule(action: a.DeleteWarmRule, ctx: Context) -> None:
    # A rule with targets cannot be deleted (EventBridge DeleteRule: "remove all targets first").
    try:
        targets = ctx.aws.call("events", "list_targets_by_rule", expect=NOT_FOUND, Rule=action.rule).get("Targets", [])
    except AwsError:
        return
    if targets:
        ctx.aws.call("events", "remove_targets", Rule=action.rule, Ids=[t["Id"] for t in targets])
    try:
        ctx.aws.call("events", "delete_rule", expect=NOT_FOUND, Name=action.rule)
    except AwsError:
        pass


EXECUTORS = {
    a.PutWarmRule: _put_rule,
    a.TagWarmRule: _tag_rule,
    a.PutWarmTarget: _put_target,
    a.AddWarmPermission: _add_permission,
    a.RemoveWarmPermission: _remove_permission,
    a.DeleteWarmRule: _delete_rule,
}
