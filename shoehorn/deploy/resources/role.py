"""IAM role ``N-S-lambda``: trusts Lambda, may write to its own log group only, plus what the config grants.

Least privilege: instead of AWSLambdaBasicExecutionRole (``logs:*`` actions on ``*``) the role
gets one inline policy allowing ``logs:CreateLogStream`` and ``logs:PutLogEvents`` on this
function's log group, and the config's ``statements``. ``logs:CreateLogGroup`` is not needed:
shoehorn creates the group before the function (Lambda docs, "Working with Lambda function
logs": the execution role needs CreateLogStream and PutLogEvents to send logs to a group).
Roles made by earlier versions converge on the next ``up``: the inline policy is put first,
then the managed policy detached, so the function never loses the right to log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from shoehorn.config import Config
from shoehorn.deploy import actions as a
from shoehorn.deploy.aws import Aws, AwsError
from shoehorn.deploy.context import Context
from shoehorn.deploy.naming import tag_pairs
from shoehorn.errors import ConflictError

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
INLINE_PREFIX = "shoehorn-"
DESCRIPTION = "Execution role of a shoehorn app (managed by shoehorn up/down)"


def _canonical(document: object) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class RoleDesired:
    name: str
    trust_policy: str
    policies: tuple[str, ...]
    inline_name: str | None  # named after the document's hash: a changed document is a new name
    inline_document: str | None
    tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RoleObserved:
    arn: str
    trust_policy: str
    policies: tuple[str, ...]
    inline: tuple[str, ...]
    tags: tuple[tuple[str, str], ...] = ()
    made_by_shoehorn: bool = False  # Lambda's trust policy and shoehorn's description: ours even if untagged
    inline_documents: tuple[tuple[str, str], ...] = ()  # (name, canonical document): a name proves no content


def log_statement(config: Config, region: str, account: str) -> dict[str, object]:
    """Write log streams and events to this function's log group, and nothing else."""
    group = f"arn:aws:logs:{region}:{account}:log-group:{config.log_group}"
    return {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [group, f"{group}:*"]}


def desired(config: Config, region: str, account: str) -> RoleDesired:
    statements = [log_statement(config, region, account), *(dict(s) for s in config.statements)]
    inline_document = _canonical({"Version": "2012-10-17", "Statement": statements})
    inline_name = INLINE_PREFIX + hashlib.sha256(inline_document.encode()).hexdigest()[:12]
    policies = tuple(sorted(set(config.policies)))
    return RoleDesired(config.role_name, _canonical(TRUST), policies, inline_name, inline_document, tag_pairs(config.tags))


def observe(aws: Aws, config: Config) -> RoleObserved | None:
    try:
        role = aws.call("iam", "get_role", expect=("NoSuchEntity",), RoleName=config.role_name)["Role"]
    except AwsError:
        return None
    trust = _decoded(role.get("AssumeRolePolicyDocument") or {})
    attached = aws.call("iam", "list_attached_role_policies", RoleName=config.role_name, MaxItems=1000)
    inline = aws.call("iam", "list_role_policies", RoleName=config.role_name, MaxItems=1000)
    documents = []
    for name in inline.get("PolicyNames", []):  # usually one: shoehorn's
        try:
            found = aws.call("iam", "get_role_policy", expect=("NoSuchEntity",), RoleName=config.role_name,
                             PolicyName=name)
        except AwsError:  # deleted meanwhile
            continue
        documents.append((name, _canonical(_decoded(found.get("PolicyDocument") or {}))))
    return RoleObserved(
        arn=role["Arn"],
        trust_policy=_canonical(trust),
        policies=tuple(sorted(p["PolicyArn"] for p in attached.get("AttachedPolicies", []))),
        inline=tuple(sorted(inline.get("PolicyNames", []))),
        tags=tuple(sorted((t["Key"], t["Value"]) for t in role.get("Tags") or [])),
        made_by_shoehorn=_canonical(trust) == _canonical(TRUST) and role.get("Description") == DESCRIPTION,
        inline_documents=tuple(sorted(documents)),
    )


def _decoded(document: object) -> object:
    if isinstance(document, str):  # some SDK paths return policy documents as URL-encoded JSON
        from urllib.parse import unquote

        return json.loads(unquote(document))
    return document


def diff(want: RoleDesired, have: RoleObserved | None) -> tuple[a.Action, ...]:
    steps: list[a.Action] = []
    if have is None:
        steps.append(a.CreateRole(reason="the role does not exist", name=want.name, trust_policy=want.trust_policy,
                                  tags=want.tags))
        have = RoleObserved("", want.trust_policy, (), (), want.tags)
    elif have.trust_policy != want.trust_policy:
        steps.append(a.UpdateTrustPolicy(reason="the trust policy was changed outside shoehorn", name=want.name,
                                         trust_policy=want.trust_policy))
    if not set(want.tags) <= set(have.tags):
        steps.append(a.TagRole(reason="the role lacks shoehorn's tags (an interrupted first deploy, or --adopt)",
                               name=want.name, tags=want.tags))
    for arn in want.policies:
        if arn not in have.policies:
            steps.append(a.AttachRolePolicy(reason="listed in the config", role=want.name, policy_arn=arn))
    # The new inline policy before any detach: the function keeps its right to log throughout.
    if want.inline_name and want.inline_name not in have.inline:
        steps.append(a.PutRolePolicy(reason="logging to its own log group, plus the config's `statements`: changed "
                                     "or never applied", role=want.name, policy_name=want.inline_name,
                                     document=want.inline_document or ""))
    elif want.inline_name and dict(have.inline_documents).get(want.inline_name, want.inline_document) != want.inline_document:
        steps.append(a.PutRolePolicy(reason="its document was changed outside shoehorn (the name is shoehorn's, the "
                                     "permissions are not)", role=want.name, policy_name=want.inline_name,
                                     document=want.inline_document or ""))
    for arn in have.policies:
        if arn not in want.policies:
            # An untagged role is being taken over (--adopt, or proven ours): its policies were never listed.
            why = ("least privilege: replaced by the inline policy for this function's log group"
                   if arn == BASIC_EXECUTION else "not in the config's `policies` ("
                   + ("attached before shoehorn took the role over)" if not set(want.tags) <= set(have.tags)
                      else "removed from it, or attached by hand)"))
            steps.append(a.DetachRolePolicy(reason=why, role=want.name, policy_arn=arn))
    for name in have.inline:
        if name.startswith(INLINE_PREFIX) and name != want.inline_name:
            steps.append(a.DeleteRolePolicy(reason="superseded by the config's current statements", role=want.name,
                                            policy_name=name))
    return tuple(steps)


def _create(action: a.CreateRole, ctx: Context) -> None:
    try:
        ctx.aws.call("iam", "create_role", expect=("EntityAlreadyExists",), RoleName=action.name,
                     AssumeRolePolicyDocument=action.trust_policy, Tags=[{"Key": k, "Value": v} for k, v in action.tags],
                     Description=DESCRIPTION)
    except AwsError:
        # It appeared since observe: a concurrent `up` of this app and stage (converge onto it), or
        # someone else's role under our name, whose trust policy is not ours to rewrite. The same
        # proof as before the first write (ownership.py): its tags, or shoehorn's own trust policy
        # and description; --adopt does not cover it (the user agreed to what the plan showed).
        from shoehorn.deploy import appeared, ownership

        have = observe(ctx.aws, ctx.config)
        if have is None:  # gone again: nothing to converge onto; the next run creates it
            raise ConflictError(f"another deploy is in progress: IAM role {action.name} appeared and disappeared "
                                "while this run was creating it",
                                "Wait for the other `shoehorn up` or `down` to finish, then run the command again.")
        appeared.check(ownership.Claim("IAM role", action.name, have.tags, have.made_by_shoehorn), ctx.config)
        ctx.aws.call("iam", "update_assume_role_policy", RoleName=action.name, PolicyDocument=action.trust_policy)


def _trust(action: a.UpdateTrustPolicy, ctx: Context) -> None:
    ctx.aws.call("iam", "update_assume_role_policy", RoleName=action.name, PolicyDocument=action.trust_policy)


def _attach(action: a.AttachRolePolicy, ctx: Context) -> None:
    ctx.aws.call("iam", "attach_role_policy", RoleName=action.role, PolicyArn=action.policy_arn)


def _detach(action: a.DetachRolePolicy, ctx: Context) -> None:
    try:
        ctx.aws.call("iam", "detach_role_policy", expect=("NoSuchEntity",), RoleName=action.role, PolicyArn=action.policy_arn)
    except AwsError:
        pass  # already gone: the goal is reached


def _put_inline(action: a.PutRolePolicy, ctx: Context) -> None:
    ctx.aws.call("iam", "put_role_policy", RoleName=action.role, PolicyName=action.policy_name,
                 PolicyDocument=action.document)


def _delete_inline(action: a.DeleteRolePolicy, ctx: Context) -> None:
    try:
        ctx.aws.call("iam", "delete_role_policy", expect=("NoSuchEntity",), RoleName=action.role,
                     PolicyName=action.policy_name)
    except AwsError:
        pass


def _tag(action: a.TagRole, ctx: Context) -> None:
    ctx.aws.call("iam", "tag_role", RoleName=action.name, Tags=[{"Key": k, "Value": v} for k, v in action.tags])


def _delete_role(action: a.DeleteRole, ctx: Context) -> None:
    try:
        ctx.aws.call("iam", "delete_role", expect=("NoSuchEntity",), RoleName=action.name)
    except AwsError:
        pass


EXECUTORS = {
    a.CreateRole: _create,
    a.UpdateTrustPolicy: _trust,
    a.AttachRolePolicy: _attach,
    a.DetachRolePolicy: _detach,
    a.PutRolePolicy: _put_inline,
    a.DeleteRolePolicy: _delete_inline,
    a.DeleteRole: _delete_role,
    a.TagRole: _tag,
}
