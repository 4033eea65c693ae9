"""The invoke permission on the ``live`` alias for API Gateway, scoped to this API only.

Without it, requests through API Gateway fail with a 500 while direct invokes work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import ALIAS, STATEMENT_PREFIX, source_arn, statement_id


@dataclass(frozen=True, slots=True)
class Statement:
    sid: str
    principal: str
    source_arn: str


@dataclass(frozen=True, slots=True)
class PermissionDesired:
    function: str
    api_id: str | None  # None: the API is created by this plan
    source_arn: str | None


def desired(config: Config, api_id: str | None, region: str, account: str) -> PermissionDesired:
    return PermissionDesired(config.function_name, api_id, source_arn(region, account, api_id) if api_id else None)


def observe(aws: Aws, config: Config) -> tuple[Statement, ...]:
    try:
        policy = aws.call("lambda", "get_policy", expect=("ResourceNotFoundException",),
                          FunctionName=config.function_name, Qualifier=ALIAS)
    except AwsError:
        return ()
    statements = []
    for s in json.loads(policy.get("Policy") or "{}").get("Statement", []):
        principal = s.get("Principal", {})
        principal = principal.get("Service", "") if isinstance(principal, dict) else str(principal)
        arn = ((s.get("Condition") or {}).get("ArnLike") or {}).get("AWS:SourceArn", "")
        statements.append(Statement(s.get("Sid", ""), principal, arn))
    return tuple(statements)


def diff(want: PermissionDesired, have: tuple[Statement, ...], *, alias_replaced: bool) -> tuple[a.Action, ...]:
    """``alias_replaced``: the alias (and so its policy) is created by this plan."""
    steps: list[a.Action] = []
    ours = statement_id(want.api_id) if want.api_id else None
    current = () if alias_replaced else have
    for s in current:
        if s.sid.startswith(STATEMENT_PREFIX) and s.sid != ours:
            steps.append(a.RemovePermission(reason="it names an API that is no longer this app's", name=want.function,
                                            statement_id=s.sid))
    match = next((s for s in current if s.sid == ours), None)
    if match is not None and (match.source_arn != want.source_arn or match.principal != "apigateway.amazonaws.com"):
        steps.append(a.RemovePermission(reason="it was changed outside shoehorn", name=want.function, statement_id=match.sid))
        match = None
    if match is None:
        why = "the API is new" if want.api_id is None else "API Gateway may not invoke the alias"
        steps.append(a.AddPermission(reason=why, name=want.function, api_id=want.api_id))
    return tuple(steps)


def _add(action: a.AddPermission, ctx: Context) -> None:
    api_id = action.api_id or ctx.api_id
    assert api_id, "AddPermission ran before the API existed"
    try:
        ctx.aws.call("lambda", "add_permission", expect=("ResourceConflictException",), FunctionName=action.name,
                     Qualifier=action.qualifier, StatementId=statement_id(api_id), Action="lambda:InvokeFunction",
                     Principal="apigateway.amazonaws.com", SourceArn=source_arn(ctx.region, ctx.account, api_id))
    except AwsError:
        pass  # "The statement id ... already exists": a concurrent or interrupted run added it already


def _remove(action: a.RemovePermission, ctx: Context) -> None:
    try:
        ctx.aws.call("lambda", "remove_permission", expect=("ResourceNotFoundException",), FunctionName=action.name,
                     Qualifier=action.qualifier, StatementId=action.statement_id)
    except AwsError:
        pass


EXECUTORS = {a.AddPermission: _add, a.RemovePermission: _remove}
