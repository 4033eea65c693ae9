"""``shoehorn stop`` / ``start``: the kill switch, via the function's reserved concurrency.

Reserved concurrency 0 means Lambda runs no invocation at all: every call is throttled
(Lambda "Reserved concurrency": "setting it to 0 ... throttles all invocations"), so a
runaway app stops costing money at once and nothing is deleted. ``start`` puts back the
cap the config asks for, or removes the cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from shoehorn.commandline import suggest
from shoehorn.deploy import actions as a
from shoehorn.ops.change import run
from shoehorn.ops.deployment import Deployment
from shoehorn.progress import Progress, discard

# What callers see while stopped: Lambda answers Invoke with 429 TooManyRequestsException and a
# REST API's Lambda proxy integration does not pass that on: the client gets a 5xx, usually 500
# {"message": "Internal server error"} (re:Post QUfI6bsdd0SOiPeyimzxSkfQ, "API Gateway proxy
# integration does not forward Lambda throttling (HTTP 429) to client").
def stopped_effect(stage: str) -> str:
    return ("every request now fails: Lambda throttles each invocation (429 TooManyRequestsException) and "
            f"API Gateway answers the client with a 5xx, usually 500 Internal server error; "
            f"`{suggest('start', stage=stage)}` undoes it")


@dataclass(frozen=True)
class Switched:
    function_name: str
    before: int | None  # reserved concurrency before (None = uncapped)
    after: int | None
    changed: bool  # the plan was not empty (on a dry run: would change)
    plan: a.Plan = ()


def stop(deployment: Deployment, *, progress: Progress = discard, dry_run: bool = False) -> Switched:
    before, name = deployment.reserved_concurrency, deployment.function_name
    why = "`shoehorn stop`: reserved concurrency 0 runs no invocation"
    steps: a.Plan = () if before == 0 else (a.PutConcurrency(reason=why, name=name, concurrency=0),)
    run(deployment, steps, progress=progress, dry_run=dry_run)
    return Switched(name, before, 0, changed=bool(steps), plan=steps)


def start(deployment: Deployment, *, progress: Progress = discard, dry_run: bool = False) -> Switched:
    """Back to the configured cap (``concurrency`` in the config), or uncapped without one."""
    before, name = deployment.reserved_concurrency, deployment.function_name
    wanted = deployment.config.concurrency
    steps: a.Plan = ()
    if before != wanted and wanted is None:
        steps = (a.DeleteConcurrency(reason="`shoehorn start`: the config sets no cap", name=name),)
    elif before != wanted:
        steps = (a.PutConcurrency(reason="`shoehorn start`: the config's `concurrency` cap", name=name,
                                  concurrency=wanted),)
    run(deployment, steps, progress=progress, dry_run=dry_run)
    return Switched(name, before, wanted, changed=bool(steps), plan=steps)
