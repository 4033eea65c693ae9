"""Run a plan action by action through a dict keyed by action class, announcing each step."""

from __future__ import annotations

import time
from typing import Callable

from shoehorn.deploy import actions as a
from shoehorn.deploy.context import Context
from shoehorn.deploy.resources import api, bucket, function, logs, permission, role, schedule
from shoehorn.progress import StepDone, StepStarted

Executor = Callable[[a.Action, Context], None]

EXECUTORS: dict[type[a.Action], Executor] = {
    **role.EXECUTORS, **bucket.EXECUTORS, **function.EXECUTORS, **logs.EXECUTORS, **api.EXECUTORS,
    **permission.EXECUTORS, **schedule.EXECUTORS,
}


def apply(plan: a.Plan, ctx: Context) -> None:
    for action in plan:
        executor = EXECUTORS[type(action)]
        started = time.monotonic()
        ctx.progress(StepStarted(action.describe(), action.reason))
        executor(action, ctx)
        ctx.progress(StepDone(action.describe(), time.monotonic() - started))
