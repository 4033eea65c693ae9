"""Day-2 changes (``env set/unset``, ``rollback``, ``stop``, ``start``) run as plans of the deploy actions.

Each command builds a short plan from the same actions ``up`` uses and applies it with the same
``apply``: the same executors (RevisionId guards, waiters, retries in ``Aws.call``), the same
progress events, the same ownership check before any write, and ``--dry-run`` prints the plan
instead of applying it.
"""

from __future__ import annotations

from shoehorn.deploy import actions as a
from shoehorn.deploy.context import Context
from shoehorn.ops.deployment import Deployment, check_ours
from shoehorn.progress import Progress, discard

__all__ = ["check_ours", "context", "run"]


def context(deployment: Deployment, progress: Progress = discard) -> Context:
    """What the executors need, from what ``locate`` read: no extra AWS call."""
    from shoehorn.deploy.observe import account_id

    conf = deployment.function
    account = account_id(deployment.aws, conf.get("FunctionArn"))
    return Context(aws=deployment.aws, config=deployment.config, account=account, progress=progress,
                   version=deployment.live_version, revision_id=conf.get("RevisionId"))


def run(deployment: Deployment, steps: a.Plan, *, progress: Progress = discard, dry_run: bool = False,
        ctx: Context | None = None) -> None:
    """Check ownership, then apply ``steps`` unless ``dry_run``. Pass ``ctx`` to read what the
    actions produced (the version published) afterwards, even when one of them failed."""
    from shoehorn.deploy.apply import apply

    check_ours(deployment)  # `locate` checked it too; a Deployment built otherwise is checked here
    if dry_run or not steps:
        return
    apply(steps, ctx or context(deployment, progress))
