"""Which actions of a plan must wait for which: the plan is a graph, not a queue.

Every action belongs to the resource it changes (its lane). Actions of one lane keep their
plan order (each call on a resource sees the previous one done), except the methods of ``/``
and ``/{proxy+}``: separate API resources, wired together. Across lanes, an action waits only
for what it uses:

- the function for the role it is given (and its policies) and for the bundle uploaded to S3;
- the API's methods for the function and alias their integrations invoke;
- the invoke permission for the function's alias and for the API it names;
- the warm-up schedule for the alias it targets, and for the permission statements
  (both edit the same function policy, which Lambda guards with a revision id).

Everything else runs side by side: on a first deploy the role, the log group and the API
are made at once. Dependencies only point backwards, so the plan order itself is always a
valid order and one worker applies the plan exactly as listed.
"""

from __future__ import annotations

from shoehorn.deploy import actions as a

LANES: dict[str, tuple[type[a.Action], ...]] = {
    "role": (a.CreateRole, a.UpdateTrustPolicy, a.AttachRolePolicy, a.DetachRolePolicy, a.PutRolePolicy,
             a.DeleteRolePolicy, a.DeleteRole, a.TagRole),
    "logs": (a.CreateLogGroup, a.PutRetention, a.DeleteLogGroup, a.TagLogGroup),
    "bucket": (a.CreateBucket, a.UploadBundle, a.DeleteBundleObjects, a.DeleteOldBundles, a.DeleteEmptyBucket),
    "function": (a.CreateFunction, a.UpdateFunctionCode, a.UpdateFunctionConfiguration, a.PublishVersion,
                 a.CreateAlias, a.UpdateAlias, a.PutConcurrency, a.DeleteConcurrency, a.DeleteFunction,
                 a.TagFunction),
    "api": (a.CreateApi, a.UpdateApi, a.CreateProxyResource, a.DeleteResource, a.DeleteMethod, a.WireMethod,
            a.CreateDeployment, a.ResetStage, a.DeleteApi),
    "permission": (a.AddPermission, a.RemovePermission),
    "schedule": (a.PutWarmRule, a.PutWarmTarget, a.AddWarmPermission, a.RemoveWarmPermission, a.DeleteWarmRule,
                 a.TagWarmRule),
}
LANE_OF: dict[type[a.Action], str] = {cls: lane for lane, members in LANES.items() for cls in members}

# lane -> the other lanes whose earlier actions it waits for, all of them
WAITS_FOR: dict[str, tuple[str, ...]] = {
    # the warm-up rule goes before the function in `down`, so it never fires at a missing alias
    "function": ("role", "bucket", "schedule"),
    # in `down` the log group goes after the function: Lambda recreates the group of a function that
    # still logs (a last warm-up, a request in flight), which would survive the sweep
    "logs": ("function",),
    "permission": ("function",),
    "schedule": ("function", "permission"),
}


def waits(later: a.Action, earlier: a.Action) -> bool:
    """Whether ``later`` may start only once ``earlier`` (listed before it in the plan) has finished."""
    mine, theirs = LANE_OF[type(later)], LANE_OF[type(earlier)]
    if mine == theirs:
        return not (isinstance(later, a.WireMethod) and isinstance(earlier, a.WireMethod))
    if isinstance(later, a.WireMethod):
        return theirs == "function"
    if mine == "permission" and theirs == "api":
        return isinstance(earlier, (a.CreateApi, a.DeleteApi))  # the API id it names
    return theirs in WAITS_FOR.get(mine, ())


def needs(plan: a.Plan) -> tuple[frozenset[int], ...]:
    """For each action (by position in ``plan``), the positions of the actions it waits for."""
    return tuple(frozenset(j for j in range(i) if waits(action, plan[j])) for i, action in enumerate(plan))
